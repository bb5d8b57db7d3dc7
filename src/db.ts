import { loadConfig } from './config.js';
import { limits } from './limits.js';
import { createAdapter } from './db/adapter.js';
import { applyMigrations } from './db/schema-engine.js';
import { PrismaClient } from './generated/prisma/client.js';

const config = loadConfig();

export const adapter = createAdapter(
  config.databaseUrl ? { url: config.databaseUrl, statementTimeout: limits.statementTimeout } : { dataDir: config.dataDir },
);

export const db = new PrismaClient({ adapter: adapter.factory });

export type Db = typeof db;
/** The client handed to `db.$transaction(async (tx) => ...)`. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

let migrated: Promise<string[]> | undefined;

/** Applies pending migrations once per process; resolves to the names it applied. */
export function migrate(): Promise<string[]> {
  migrated ??= applyMigrations(adapter.factory);
  return migrated;
}

export async function closeDb(): Promise<void> {
  await db.$disconnect();
  await adapter.close();
}
