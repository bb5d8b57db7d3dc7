import cluster from 'node:cluster';
import { loadConfig } from './config.js';

let workers: number;
let embedded: boolean;
try {
  const config = loadConfig();
  workers = config.workers;
  embedded = !config.databaseUrl;
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

if (workers > 1 && embedded) {
  console.error('SPENDGRAPH_WORKERS needs DATABASE_URL: the embedded database is files one process at a time may open');
  process.exit(1);
}

if (workers > 1 && cluster.isPrimary) {
  const { supervise } = await import('./cluster.js');
  supervise(workers);
} else {
  await import('./serve.js');
}
