import type { Prisma } from '../generated/prisma/client.js';

/**
 * How long one statement that computes statistics may run (milliseconds). Statistics (a cube's distinct values per
 * dimension) are computed once per loaded version, mostly in the background, and make every later query cheaper;
 * on a large cube the scan takes seconds, more under load, so the request statement timeout
 * (SPENDGRAPH_STATEMENT_TIMEOUT, 5 s by default) would cancel it every time and every read would start it again.
 */
export const STATISTICS_TIMEOUT_MS = 300_000;

interface StatisticsTransaction {
  $executeRawUnsafe(query: string): PromiseLike<number>;
  $queryRaw<T>(query: Prisma.Sql): PromiseLike<T>;
}

interface StatisticsClient {
  $transaction<R>(work: (tx: StatisticsTransaction) => Promise<R>, options: { maxWait: number; timeout: number }): Promise<R>;
}

/** Runs one statistics statement with STATISTICS_TIMEOUT_MS as its statement timeout instead of a request's. */
export function statisticsQuery<T>(client: StatisticsClient, query: Prisma.Sql): Promise<T> {
  return client.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${STATISTICS_TIMEOUT_MS}`);
      return tx.$queryRaw<T>(query);
    },
    { maxWait: 10_000, timeout: STATISTICS_TIMEOUT_MS + 10_000 },
  );
}
