import { AsyncLocalStorage } from 'node:async_hooks';
import type { IsolationLevel, SqlMigrationAwareDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';
import { WrappedAdapter, wrapFactory } from './wrapped-adapter.js';

/**
 * The driver's own connection under a Prisma transaction: pg's PoolClient (adapter-pg) or PGlite's Transaction
 * (pglite-prisma-adapter), both of which take SQL text with `$n` parameters.
 */
interface DriverConnection {
  query(text: string, values?: unknown[]): Promise<{ rowCount?: number | null; affectedRows?: number }>;
}

/** Statements of a load that carry its rows. */
export interface BulkSql {
  /** Runs one statement with positional parameters (`$1`, `$2` …) in the transaction; resolves to the rows changed. */
  execute(sql: string, params: unknown[]): Promise<number>;
  /** True when the statements go straight to the driver's connection, false when they go through Prisma. */
  readonly direct: boolean;
}

interface Slot {
  connection?: DriverConnection;
}

const slots = new AsyncLocalStorage<Slot>();
const bulkByTx = new WeakMap<object, BulkSql>();

function connectionOf(transaction: Transaction): DriverConnection | undefined {
  const client = (transaction as unknown as { client?: { query?: unknown } }).client;
  return client && typeof client.query === 'function' ? (client as DriverConnection) : undefined;
}

/** A connection whose transactions, when started inside `withDriverTransaction`, hand their driver connection to it. */
class CapturingAdapter extends WrappedAdapter {
  override async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const transaction = await this.inner.startTransaction(isolationLevel);
    const slot = slots.getStore();
    if (slot && !slot.connection) slot.connection = connectionOf(transaction);
    return transaction;
  }
}

/**
 * Wraps an adapter factory so that a transaction started inside `withDriverTransaction` makes its driver connection
 * available to it. Nothing else changes: every other statement and transaction goes through as before.
 */
export function capturingTransactions(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  return wrapFactory(factory, (adapter) => new CapturingAdapter(adapter));
}

/**
 * Runs `work`, which starts one Prisma transaction (`db.$transaction(async (tx) => …)`); inside it, `attach(tx)`
 * makes `bulkSql(tx)` send statements straight to that transaction's driver connection. The rows of a load then
 * never pass through Prisma's query path, whose debug module keeps the arguments of its last 100 calls (enabled or
 * not) and so kept the last 100 batches of a load reachable.
 */
export function withDriverTransaction<T>(work: (attach: (tx: object) => void) => Promise<T>): Promise<T> {
  const slot: Slot = {};
  return slots.run(slot, () =>
    work((tx) => {
      const connection = slot.connection;
      if (!connection) return;
      bulkByTx.set(tx, {
        direct: true,
        async execute(sql, params) {
          const result = await connection.query(sql, params);
          return result.rowCount ?? result.affectedRows ?? 0;
        },
      });
    }),
  );
}

/** How a transaction's bulk statements run: on its driver connection when attached, else through Prisma. */
export function bulkSql(tx: { $executeRawUnsafe(sql: string, ...values: unknown[]): PromiseLike<number> }): BulkSql {
  return (
    bulkByTx.get(tx) ?? {
      direct: false,
      execute: async (sql, params) => tx.$executeRawUnsafe(sql, ...params),
    }
  );
}
