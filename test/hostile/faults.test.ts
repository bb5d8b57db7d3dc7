// Database failures after a request was accepted, caused for real on a PostgreSQL server (a table lock held past
// SPENDGRAPH_STATEMENT_TIMEOUT, a backend terminated mid-query) against a server process on a database of its own,
// and seen as a client sees them over HTTP.
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, runScript, startServer, stopServer, testDatabase, urlOf, waitFor, writeRecordsCsv, type Started } from '../processes.js';

const database = `spendgraph_faults_${process.pid}`;
const STATEMENT_TIMEOUT = 3000;
/** Records of the big download: a batch (2,000 records) is about 4 MB of JSON, far more than socket buffers hold. */
const BIG_RECORDS = 24_000;
const dir = mkdtempSync(join(tmpdir(), 'spendgraph-faults-'));
let server: Started;

/** Driver, SQL and stack text a client must never see. */
const internalText = /statement timeout|canceling statement|terminating connection|administrator command|prisma|invocation|57014|57P01|\n\s+at /i;

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: urlOf(database) });
  await client.connect();
  return client;
}

async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  const client = await connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Holds an ACCESS EXCLUSIVE lock on `table` until `release` is called: every read of it waits meanwhile. */
async function lockTable(table: string): Promise<{ release: () => Promise<void> }> {
  const client = await connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
  return {
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** Backends of the server's database (not this test's) that are waiting for a lock. */
async function waitingOnLock(): Promise<number[]> {
  const rows = await sql<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    [database],
  );
  return rows.map((row) => row.pid);
}

async function busyBackends(): Promise<number> {
  const [row] = await sql<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
    [database],
  );
  return Number(row!.n);
}

async function api(path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  testDatabase('create', database);
  const env = { DATABASE_URL: urlOf(database) };
  const csv = writeRecordsCsv(dir, 'faults-records', 10);
  const loads = [
    await runScript('ingest', [csv, '--name', 'faults-records'], env),
    await runScript('ingest', ['test/fixtures/money/awards/money_contracts.csv', '--name', 'faults-awards'], env),
  ];
  for (const load of loads) if (load.code !== 0) throw new Error(`ingest failed: ${load.stderr}`);
  // Many large records, written directly: what matters is a download far bigger than what sockets buffer.
  await sql(
    `INSERT INTO record (dataset_id, record_id, fields)
     SELECT d.id, 'big-' || g, jsonb_build_object('id', g, 'city', 'city ' || g || ' ' || repeat('x', 2000), 'amount', g)
     FROM dataset d, generate_series(1, $1::int) g WHERE d.name = 'faults-records'`,
    [BIG_RECORDS],
  );
  server = await startServer({
    ...env,
    SPENDGRAPH_SAMPLES: 'off',
    SPENDGRAPH_STATEMENT_TIMEOUT: String(STATEMENT_TIMEOUT),
    SPENDGRAPH_DOWNLOAD_DIR: join(dir, 'downloads'),
    SPENDGRAPH_QUOTA_ANONYMOUS: '0',
  });
}, 300_000);

afterAll(async () => {
  if (server) await stopServer(server.child);
  killAll();
  testDatabase('drop', database);
  rmSync(dir, { recursive: true, force: true });
});

describe('a records download that fails after its first byte', () => {
  it('ends as an aborted transfer without internal text, and the server logs why', async () => {
    const path = '/api/records/1.0/download?dataset=faults-records&format=json';
    let lock: { release: () => Promise<void> } | undefined;
    try {
      const outcome = await new Promise<{ status: number; body: string; aborted: boolean; complete: boolean }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, path }, (res) => {
          let body = '';
          let aborted = false;
          let paused = false;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
            if (paused) return;
            // Stop reading once the download has started: the server fills the socket and waits to write more.
            paused = true;
            res.pause();
            void (async () => {
              await waitFor(async () => (await busyBackends()) === 0, 30_000);
              await new Promise((r) => setTimeout(r, 300));
              lock = await lockTable('record');
              res.resume();
            })().catch(reject);
          });
          res.on('aborted', () => (aborted = true));
          res.on('error', () => (aborted = true));
          res.on('close', () => resolve({ status: res.statusCode!, body, aborted, complete: res.complete }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(outcome.status).toBe(200);
      expect(outcome.body.startsWith('[{')).toBe(true);
      expect(outcome.aborted || !outcome.complete).toBe(true);
      expect(outcome.complete).toBe(false);
      expect(outcome.body.endsWith(']')).toBe(false);
      expect(() => JSON.parse(outcome.body)).toThrow();
      expect(outcome.body).not.toMatch(internalText);
      expect(outcome.body.length).toBeLessThan(BIG_RECORDS * 2000);
    } finally {
      await lock?.release();
    }
    await waitFor(async () => server.output().includes('OpenDataSoft download aborted'), 10_000);
    const logged = server.output().slice(server.output().indexOf('OpenDataSoft download aborted'));
    expect(logged).toMatch(/statement timeout/);
    // The server goes on: the same download completes once nothing holds the table.
    const again = await api('/api/records/1.0/download?dataset=faults-records&format=csv&fields=id');
    expect(again.status).toBe(200);
    expect(again.text.trim().split('\r\n')).toHaveLength(1 + 10 + BIG_RECORDS);
  }, 120_000);
});

describe('a failed awards bulk download', () => {
  async function queue(body: Record<string, unknown>): Promise<{ checksum: string; retry: string }> {
    const queued = await api('/api/v1/download/awards/', { dataset: 'faults-awards', ...body });
    expect(queued.status).toBe(202);
    const answer = JSON.parse(queued.text) as { request_checksum: string; retry_url: string };
    const retry = new URL(answer.retry_url);
    return { checksum: answer.request_checksum, retry: retry.pathname + retry.search };
  }

  async function settled(retry: string): Promise<{ status: number; text: string }> {
    let answer = { status: 202, text: '' };
    await waitFor(async () => {
      answer = await api(retry);
      return answer.status !== 202;
    }, 30_000);
    return answer;
  }

  it('a backend terminated mid-generation: 500 in the USAspending shape saying "internal error", the cause in the log', async () => {
    const lock = await lockTable('award');
    let retry: string;
    try {
      ({ retry } = await queue({}));
      let pids: number[] = [];
      await waitFor(async () => (pids = await waitingOnLock()).length > 0, STATEMENT_TIMEOUT / 2);
      await sql('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    } finally {
      await lock.release();
    }
    const failed = await settled(retry);
    expect(failed.status).toBe(500);
    const body = JSON.parse(failed.text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['location', 'request_checksum', 'request_path', 'retry_url', 'status']);
    expect(body.status).toBe('Error generating file: internal error');
    expect(body.location).toBeNull();
    expect(failed.text).not.toMatch(internalText);
    await waitFor(async () => server.output().includes('USAspending download failed'), 10_000);
    // Asked again, the file is generated afresh and served.
    const ready = await settled((await queue({})).retry);
    expect(ready.status).toBe(200);
    const file = await api(new URL((JSON.parse(ready.text) as { location: string }).location).pathname);
    expect(file.text.trim().split('\n')).toHaveLength(1 + 3);
  }, 120_000);

  it('generation cut off by the statement timeout: 500 in the USAspending shape naming the limit, no driver text', async () => {
    const lock = await lockTable('award');
    let failed: { status: number; text: string };
    try {
      const { retry } = await queue({ filters: [{ field: 'type', operation: 'equals', value: 'B' }] });
      await waitFor(async () => (await waitingOnLock()).length > 0, STATEMENT_TIMEOUT);
      // Asked while the table is still locked, so nothing but the timeout can settle it. (Releasing the lock once no
      // backend showed a lock wait was racy: a waiting backend's wait event is unset for a moment each time it wakes,
      // as for its deadlock check, and a release in that moment let the statement finish.)
      failed = await settled(retry);
    } finally {
      await lock.release();
    }
    expect(failed.status).toBe(500);
    const body = JSON.parse(failed.text) as { status: string };
    expect(body.status).toBe(
      'Error generating file: the request took longer than the database allows (SPENDGRAPH_STATEMENT_TIMEOUT): narrow it and try again',
    );
    expect(failed.text).not.toMatch(internalText);
  }, 120_000);
});
