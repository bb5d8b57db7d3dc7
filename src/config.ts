import { resolve } from 'node:path';

export interface Config {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  loadSamples: boolean;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  }
  return port;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: parsePort(env.PORT),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.SPENDGRAPH_DATA_DIR === 'memory://' ? 'memory://' : resolve(env.SPENDGRAPH_DATA_DIR || '.data'),
    loadSamples: env.SPENDGRAPH_SAMPLES !== 'off',
  };
}
