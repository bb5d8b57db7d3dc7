import cluster, { type Worker } from 'node:cluster';

const RESTART_DELAY_MS = 1000;

/**
 * Starts `count` server processes sharing one port (node:cluster hands each connection to one of them). A worker
 * that dies is replaced after a second; SIGINT or SIGTERM stops every worker, each finishing its requests and
 * background work as a single server does, and then this process.
 */
export function supervise(count: number): void {
  let stopping = false;
  const start = (): Worker => cluster.fork();
  console.log(`starting ${count} workers (pid ${process.pid})`);
  for (let i = 0; i < count; i += 1) start();

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    setTimeout(() => {
      if (!stopping) start();
    }, RESTART_DELAY_MS).unref();
  });

  const stop = () => {
    if (stopping) return;
    stopping = true;
    const running = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => !!worker);
    if (running.length === 0) process.exit(0);
    for (const worker of running) worker.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
