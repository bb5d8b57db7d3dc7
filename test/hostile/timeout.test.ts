import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/db/adapter.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { databaseUserError } from '../../src/shared/database-errors.js';
import { statisticsQuery } from '../../src/db/statistics.js';
import { Prisma } from '../../src/generated/prisma/client.js';

// A statement timeout needs a server that can interrupt a statement: PGlite (WASM, one thread) cannot.
const url = process.env.TIMEOUT_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const adapter = createAdapter({ url, statementTimeout: 300 });
const db = new PrismaClient({ adapter: adapter.factory });

afterAll(async () => {
  await db.$disconnect();
});

describe('SPENDGRAPH_STATEMENT_TIMEOUT on PostgreSQL', () => {
  it('cancels a slow statement, answered as a 503 naming the setting, while a cheap one answers at once', async () => {
    const started = performance.now();
    const slow = db.$queryRaw`SELECT pg_sleep(5)::text`.then(
      () => undefined,
      (error: unknown) => ({ error, ms: performance.now() - started }),
    );
    const cheapStarted = performance.now();
    expect(await db.$queryRaw<{ one: number }[]>`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    expect(performance.now() - cheapStarted).toBeLessThan(1000);
    const failed = await slow;
    expect(failed).toBeDefined();
    expect(failed!.ms).toBeLessThan(2000);
    const refused = databaseUserError(failed!.error);
    expect(refused?.status).toBe(503);
    expect(refused?.message).toMatch(/SPENDGRAPH_STATEMENT_TIMEOUT/);
  });

  it("lets a statistics statement run past it (a cube's cardinalities on a large cube), and only that statement", async () => {
    const slow = Prisma.sql`SELECT pg_sleep(0.6)::text AS slept`;
    await expect(db.$queryRaw(slow)).rejects.toThrow(/statement timeout/);
    expect(await statisticsQuery<{ slept: string }[]>(db, slow)).toEqual([{ slept: '' }]);
    // The budget was the transaction's own: the next statement has the request timeout again.
    await expect(db.$queryRaw(slow)).rejects.toThrow(/statement timeout/);
  });
});
