import { resolve } from 'node:path';

export interface Config {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  loadSamples: boolean;
  /** Streaming replicas of `databaseUrl` for reads (`DATABASE_REPLICA_URLS`, comma-separated). */
  replicaUrls: string[];
  /** Seconds a replica may trail the primary and stay in rotation (`SPENDGRAPH_MAX_REPLICA_LAG`). */
  maxReplicaLag: number;
  /** Worker processes the server starts with node:cluster (`SPENDGRAPH_WORKERS`); 1 serves in this process. */
  workers: number;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  }
  return port;
}

function parseReplicaUrls(raw: string | undefined, databaseUrl: string | undefined): string[] {
  const urls = (raw ?? '').split(',').map((url) => url.trim()).filter(Boolean);
  if (urls.length === 0) return [];
  if (!databaseUrl) throw new Error('DATABASE_REPLICA_URLS needs DATABASE_URL: replicas are PostgreSQL servers following it, not the embedded database');
  for (const url of urls) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'postgresql:' && protocol !== 'postgres:') {
      throw new Error(`DATABASE_REPLICA_URLS: "${url.replace(/\/\/[^@/]*@/, '//…@')}" is not a postgresql:// URL`);
    }
  }
  return urls;
}

function positive(raw: string | undefined, name: string, fallback: number, integer: boolean): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'whole number' : 'number'}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: parsePort(env.PORT),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.SPENDGRAPH_DATA_DIR === 'memory://' ? 'memory://' : resolve(env.SPENDGRAPH_DATA_DIR || '.data'),
    loadSamples: env.SPENDGRAPH_SAMPLES !== 'off',
    replicaUrls: parseReplicaUrls(env.DATABASE_REPLICA_URLS, env.DATABASE_URL || undefined),
    maxReplicaLag: positive(env.SPENDGRAPH_MAX_REPLICA_LAG, 'SPENDGRAPH_MAX_REPLICA_LAG', 10, false),
    workers: positive(env.SPENDGRAPH_WORKERS, 'SPENDGRAPH_WORKERS', 1, true),
  };
}
