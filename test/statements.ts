import pg from 'pg';
import { adapter } from '../src/db.js';

/**
 * Records the SQL statements reaching the database driver (the PGlite client or the pg pool): no mocking, only
 * observation, so statements-per-request tests see exactly what the database sees.
 */
export function statementLog() {
  const log: string[] = [];
  const textOf = (arg: unknown) => (typeof arg === 'string' ? arg : String((arg as { text?: unknown } | undefined)?.text ?? ''));
  const target =
    adapter.kind === 'pglite'
      ? (adapter.factory as unknown as { client: { query: (...args: unknown[]) => unknown } }).client
      : (pg.Pool.prototype as unknown as { query: (...args: unknown[]) => unknown });
  const original = target.query;
  target.query = function (this: unknown, ...args: unknown[]) {
    log.push(textOf(args[0]));
    return original.apply(this, args);
  };
  const statements = async (run: () => Promise<unknown>): Promise<string[]> => {
    log.length = 0;
    await run();
    return [...log];
  };
  return {
    /** The SQL text of every statement `run` sent. */
    statements,
    /** How many statements `run` sent. */
    measure: async (run: () => Promise<unknown>): Promise<number> => (await statements(run)).length,
    restore: () => {
      target.query = original;
    },
  };
}
