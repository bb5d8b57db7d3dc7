/**
 * Gateways memoise the dataset ids of a scope across requests (src/db/catalog-events.ts). Two gateway processes on
 * one PostgreSQL database, and loads made by a third process (the ingest command): after every reload each gateway
 * answers from the new version at once, also while its listener connection has just been killed.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { graphql, killAll, runScript, startServer, stopServer, testDatabase, urlOf, waitFor, type Started } from './processes.js';
import pg from 'pg';

const database = `sg_memo_${process.pid}`;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/usaspending/${name}`, import.meta.url));
const files = [fixture('contracts-prime-transactions.csv'), fixture('assistance-prime-transactions.csv')];

/** Awards in a prime-transaction download: distinct award keys of its rows, counted from the file itself. */
function awardsIn(path: string): number {
  const rows = parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return new Set(rows.map((row) => row.contract_award_unique_key || row.assistance_award_unique_key)).size;
}

let gateways: Started[] = [];

async function awardCount(gateway: Started): Promise<number> {
  const body = await graphql<{ data?: { awards: { totalCount: number } }; errors?: unknown }>(gateway.port, '{ awards(dataset: "memo") { totalCount } }');
  expect(body.errors).toBeUndefined();
  return body.data!.awards.totalCount;
}

async function load(path: string): Promise<void> {
  const run = await runScript('ingest', [path, '--name', 'memo'], { DATABASE_URL: urlOf(database) });
  expect(run.code, run.stderr).toBe(0);
}

async function listeners(): Promise<number> {
  const client = new pg.Client({ connectionString: urlOf('postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'spendgraph catalog listener'`,
      [database],
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  testDatabase('create', database);
  const env = { DATABASE_URL: urlOf(database), SPENDGRAPH_SAMPLES: 'off', SPENDGRAPH_QUOTA_ANONYMOUS: '0' };
  gateways.push(await startServer(env));
  gateways.push(await startServer(env));
}, 300_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => stopServer(gateway.child)));
  killAll();
  testDatabase('drop', database);
});

describe('dataset ids memoised across requests', () => {
  it('every gateway answers from the new version as soon as another process has reloaded it', async () => {
    const expected = files.map(awardsIn);
    expect(expected[0]).not.toBe(expected[1]);
    await load(files[0]!);
    // Each gateway memoises the ids on its first request (its listener starts with it), then reads from the memo.
    for (const gateway of gateways) expect(await awardCount(gateway)).toBe(expected[0]);
    await waitFor(async () => (await listeners()) === 2, 10_000);
    // Reloads alternate the two files; the retired version stays in the database for its grace period, so a stale
    // memo would keep answering the old count.
    for (const round of [1, 0, 1]) {
      await load(files[round]!);
      for (const gateway of gateways) expect(await awardCount(gateway)).toBe(expected[round]);
    }
  }, 120_000);

  it('a killed listener connection makes no gateway miss a reload, and the listener comes back', async () => {
    const expected = files.map(awardsIn);
    const admin = new pg.Client({ connectionString: urlOf('postgres') });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'spendgraph catalog listener'`,
        [database],
      );
      expect(rows[0]!.n).toBe(2);
    } finally {
      await admin.end();
    }
    await load(files[0]!);
    for (const gateway of gateways) expect(await awardCount(gateway)).toBe(expected[0]);
    await waitFor(async () => (await listeners()) === 2, 20_000);
    await load(files[1]!);
    for (const gateway of gateways) expect(await awardCount(gateway)).toBe(expected[1]);
  }, 120_000);
});
