import { spawn } from 'node:child_process';
import { startClusters, sql } from './test/replica/postgres-cluster.js';
const c = await startClusters();
try {
  await sql(c.primary.url('postgres'), 'CREATE DATABASE spendgraph');
  const start = (n: number) => { const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, NODE_ENV: 'production', PORT: '0', SPENDGRAPH_SAMPLES: 'off', DATABASE_URL: c.primary.url('spendgraph'), DATABASE_REPLICA_URLS: c.replica.url('spendgraph') } });
  child.stdout.on('data', (d) => process.stdout.write(`[${n}] ${d}`)); child.stderr.on('data', (d) => process.stdout.write(`[${n}!] ${d}`));
  return new Promise((r) => { child.on('exit', (code, sig) => r([n, code, sig])); setTimeout(() => { child.kill(); }, 40000); }); };
  console.log(await Promise.all([start(1), start(2)]));
} finally { c.stop(); }
