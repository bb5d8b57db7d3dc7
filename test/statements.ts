import pg from 'pg';
import { adapter } from '../src/db.js';
import { LISTENER_APPLICATION_NAME, catalogMemo } from '../src/db/catalog-events.js';
import { backgroundSettled } from '../src/shared/background.js';

/**
 * Records the SQL statements reaching the database driver (the PGlite client or the pg pool): no mocking, only
 * observation, so statements-per-request tests see exactly what the database sees. Each count starts once the
 * background work started before it has ended, and leaves out the catalog listener's own connection.
 */
export function statementLog() {
  const log: string[] = [];
  /** The name each statement was prepared under (node-postgres's `name`), undefined for an unnamed one. */
  const names: (string | undefined)[] = [];
  const textOf = (arg: unknown) => (typeof arg === 'string' ? arg : String((arg as { text?: unknown } | undefined)?.text ?? ''));
  type Queryable = { query: (...args: unknown[]) => unknown };
  const observe = (target: Queryable): (() => void) => {
    const original = target.query;
    target.query = function (this: { connectionParameters?: { application_name?: string } } | undefined, ...args: unknown[]) {
      // The catalog listener's connection (LISTEN when it reconnects) serves no request.
      if (this?.connectionParameters?.application_name !== LISTENER_APPLICATION_NAME) {
        log.push(textOf(args[0]));
        names.push((args[0] as { name?: string } | undefined)?.name);
      }
      return original.apply(this, args);
    };
    return () => {
      target.query = original;
    };
  };
  const restorers: (() => void)[] = [];
  if (adapter.kind === 'pglite') {
    // Statements outside transactions go to the client, those inside one to the transaction PGlite hands out.
    const client = (adapter.factory as unknown as { client: Queryable & { transaction: (work: (tx: Queryable) => unknown) => unknown } }).client;
    restorers.push(observe(client));
    const transaction = client.transaction;
    client.transaction = function (this: unknown, work: (tx: Queryable) => unknown) {
      // PGlite opens and ends its transactions itself; they are logged as PostgreSQL's driver sends them.
      return transaction.call(this, async (tx: Queryable) => {
        log.push('BEGIN');
        observe(tx);
        const result = await work(tx);
        log.push('COMMIT');
        return result;
      });
    };
    restorers.push(() => {
      client.transaction = transaction;
    });
  } else {
    // Every statement, the pool's and those of a checked-out client (transactions), is a client's query.
    restorers.push(observe(pg.Client.prototype as unknown as Queryable));
  }
  const statements = async (run: () => Promise<unknown>): Promise<string[]> => {
    // Background work an earlier request or file set off (a cube's statistics) must not land in this count.
    await backgroundSettled();
    log.length = 0;
    names.length = 0;
    await run();
    return [...log];
  };
  return {
    /** The SQL text of every statement `run` sent. */
    statements,
    /** The SQL text of every statement `run` sent, with the name it was prepared under. */
    named: async (run: () => Promise<unknown>): Promise<{ sql: string; name: string | undefined }[]> => {
      const sent = await statements(run);
      return sent.map((sql, i) => ({ sql, name: names[i] }));
    },
    /** How many statements `run` sent. */
    measure: async (run: () => Promise<unknown>): Promise<number> => (await statements(run)).length,
    restore: () => {
      for (const restore of restorers.reverse()) restore();
    },
  };
}

/**
 * Waits until the catalog memo listens and has heard every change made so far (loads change dataset rows in several
 * statements, each heard on its own): statements counted after this are those of a steady server.
 */
export async function catalogSettled(ms = 10_000): Promise<void> {
  const started = Date.now();
  const pause = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));
  while (!catalogMemo.live) {
    if (Date.now() - started > ms) throw new Error(`the catalog listener did not connect within ${ms} ms`);
    await pause(20);
  }
  for (let seen = -1; seen !== catalogMemo.generation; ) {
    seen = catalogMemo.generation;
    await pause(300);
  }
}
