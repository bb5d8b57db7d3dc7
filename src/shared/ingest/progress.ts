import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts a unit of work; `total` in bytes or rows when known. */
  start(label: string, total?: number): void;
  /** Sets how much of the current unit is done. */
  update(done: number, rows?: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, update() {}, stop() {} };

/** A progress bar on stderr when it is a terminal, nothing otherwise. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(label, total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} [{bar}] {percentage}% | {rows} rows`,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0, { rows: 0 });
    },
    update(done, rows) {
      bar?.update(done, { rows: rows ?? 0 });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
