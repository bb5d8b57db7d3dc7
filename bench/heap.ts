/**
 * Heap snapshots of a running server, taken from outside: the server runs with `--heapsnapshot-signal=SIGUSR2` and
 * `--diagnostic-dir=<dir>`, so a signal makes it write a snapshot (after a full garbage collection: only live
 * objects) into that directory. `summarise` reads one back as bytes and objects per constructor; `compare` says
 * which constructors grew between two snapshots.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface HeapSummary {
  bytes: number;
  objects: number;
  byConstructor: Map<string, { bytes: number; count: number }>;
}

export interface HeapGrowth {
  startMb: number;
  endMb: number;
  growthPercent: number;
  /** The constructors whose live bytes grew most (a leak shows as one growing with the requests served). */
  top: { name: string; bytes: number; count: number }[];
}

/**
 * Signals `pid` to write a snapshot into `dir` and resolves to its path once it is complete: the server writes it on
 * its main thread, so once the file exists and `ping` (a request to the server) has been answered, it is whole.
 */
export async function takeSnapshot(pid: number, dir: string, ping: () => Promise<unknown>, timeoutMs = 180_000): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const started = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (file) {
      await ping();
      return join(dir, file);
    }
    if (Date.now() - started > timeoutMs) throw new Error(`no heap snapshot from ${pid} within ${timeoutMs} ms`);
  }
}

/** Live bytes and objects per constructor (objects, closures, arrays, strings … by their snapshot name). */
export function summarise(path: string, remove = true): HeapSummary {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  if (remove) rmSync(path, { force: true });
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byConstructor = new Map<string, { bytes: number; count: number }>();
  let bytes = 0;
  let objects = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const size = snapshot.nodes[i + sizeAt]!;
    const key = type === 'object' || type === 'closure' ? snapshot.strings[snapshot.nodes[i + nameAt]!]! : `(${type})`;
    const entry = byConstructor.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count += 1;
    byConstructor.set(key, entry);
    bytes += size;
    objects += 1;
  }
  return { bytes, objects, byConstructor };
}

export function compare(start: HeapSummary, end: HeapSummary, top = 5): HeapGrowth {
  const growth = [...end.byConstructor].map(([name, after]) => {
    const before = start.byConstructor.get(name) ?? { bytes: 0, count: 0 };
    return { name, bytes: after.bytes - before.bytes, count: after.count - before.count };
  });
  growth.sort((a, b) => b.bytes - a.bytes);
  const mb = (n: number) => Number((n / 2 ** 20).toFixed(1));
  return {
    startMb: mb(start.bytes),
    endMb: mb(end.bytes),
    growthPercent: Number((((end.bytes - start.bytes) / start.bytes) * 100).toFixed(1)),
    top: growth.slice(0, top),
  };
}
