import { loadConfig } from './config.js';
import { limits } from './limits.js';
import { createAdapter } from './db/adapter.js';
import { catalogMemo } from './db/catalog-events.js';
import { capturingTransactions } from './db/driver-transaction.js';
import { countWithoutOffset } from './db/counts.js';
import { exactRelations } from './db/exact-relations.js';
import { setPlainReadDriver } from './db/plain-reads.js';
import { mapReads, sharedConnection } from './db/wrapped-adapter.js';
import type { DatabaseHealth } from './db/replicas.js';
import { onPrimary } from './db/routing.js';
import { applyMigrations, readMigrations } from './db/schema-engine.js';
import { PrismaClient } from './generated/prisma/client.js';

const config = loadConfig();

export const adapter = createAdapter(
  config.databaseUrl
    ? { url: config.databaseUrl, statementTimeout: limits.statementTimeout, replicaUrls: config.replicaUrls, maxReplicaLag: config.maxReplicaLag }
    : { dataDir: config.dataDir },
);

// Loads reach their transaction's driver connection through the capturing wrapper (see db/driver-transaction.ts).
// Every read goes through two corrections of Prisma's SQL: counts without a zero OFFSET, so PostgreSQL may count in
// parallel (db/counts.ts), and relations read by joins keep every digit of their amounts (db/exact-relations.ts).
const reads = mapReads(adapter.factory, async (query, run) => exactRelations(query, await run(countWithoutOffset(query))));
// One connected adapter serves Prisma's client and the plain reads written beside it (db/plain-reads.ts).
const connection = sharedConnection(capturingTransactions(reads));
export const db = new PrismaClient({ adapter: connection });
setPlainReadDriver(connection.connected);

// Catalog lookups are memoised across requests while a listener hears every change to the dataset table.
catalogMemo.listenWith(() => adapter.listenCatalog?.(catalogMemo));

export type Db = typeof db;
/** The client handed to `db.$transaction(async (tx) => ...)`. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

const LOCK_RETRIES = 30;

/** Migrations in prisma/migrations that `_prisma_migrations` does not record as applied. */
async function unappliedMigrations(): Promise<string[]> {
  const names = readMigrations().migrationDirectories.map((migration) => migration.path);
  const [table] = await db.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`;
  if (!table?.present) return names;
  const applied = await db.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const done = new Set(applied.map((row) => row.migration_name));
  return names.filter((name) => !done.has(name));
}

function isLockTimeout(error: unknown): boolean {
  return /advisory lock/i.test((error as Error).message ?? '');
}

/**
 * Applies what is pending. A database already up to date is never locked: many processes may start at once, and
 * only those with work to do queue on the schema engine's advisory lock, retrying (and saying so) when it times out.
 */
async function migrateDatabase(log: (line: string) => void): Promise<string[]> {
  for (let attempt = 1; ; attempt += 1) {
    if ((await unappliedMigrations()).length === 0) return [];
    try {
      return await applyMigrations(adapter.migrationFactory);
    } catch (error) {
      if (!isLockTimeout(error) || attempt >= LOCK_RETRIES) throw error;
      log(`another process is migrating ${adapter.describe}; waiting for it (attempt ${attempt} of ${LOCK_RETRIES})`);
    }
  }
}

let migrated: Promise<string[]> | undefined;

/** Applies pending migrations once per process; resolves to the names it applied. */
export function migrate(log: (line: string) => void = (line) => console.error(line)): Promise<string[]> {
  migrated ??= migrateDatabase(log);
  return migrated;
}

export async function closeDb(): Promise<void> {
  await catalogMemo.close();
  await db.$disconnect();
  await adapter.close();
}

/** Each database the process uses: the primary (checked now) and every replica (as of its last check). */
export async function databaseHealth(): Promise<DatabaseHealth[]> {
  const primary: DatabaseHealth = { role: 'primary', database: adapter.describe, status: 'ok' };
  try {
    await onPrimary(() => db.$queryRaw`SELECT 1`);
  } catch {
    primary.status = 'unreachable';
  }
  return [primary, ...(adapter.replicas?.health() ?? [])];
}
