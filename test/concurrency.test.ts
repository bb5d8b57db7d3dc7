// Processes started together on one PostgreSQL server (see adminUrl in ./processes.ts), on fresh databases of their
// own, whichever database the rest of the suite runs on.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  datasetNames,
  killAll,
  recordCount,
  runScript,
  startScript,
  startServer,
  stopServer,
  testDatabase,
  urlOf,
  waitFor,
  writeRecordsCsv,
  type Started,
} from './processes.js';

const databases = {
  served: `spendgraph_conc_${process.pid}`,
  fresh: `spendgraph_conc_${process.pid}_fresh`,
  locked: `spendgraph_conc_${process.pid}_locked`,
};
/** The advisory lock Prisma's schema engine holds while it migrates. */
const MIGRATION_LOCK = 72707369;
const dir = mkdtempSync(join(tmpdir(), 'spendgraph-concurrency-'));
const root = new URL('..', import.meta.url);
let servers: Started[] = [];

const served = () => ({ DATABASE_URL: urlOf(databases.served) });

async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: urlOf(databases.served) });
  await client.connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  testDatabase('create', databases.served);
  testDatabase('create', databases.fresh);
  testDatabase('create', databases.locked);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => stopServer(server.child)));
  killAll();
  testDatabase('drop', databases.served);
  testDatabase('drop', databases.fresh);
  testDatabase('drop', databases.locked);
  rmSync(dir, { recursive: true, force: true });
});

describe('processes started together on one PostgreSQL database', () => {
  it('three servers on a fresh database all come up, migrate once and serve every sample', async () => {
    servers = await Promise.all([startServer(served()), startServer(served()), startServer(served())]);
    const samples = (JSON.parse(readFileSync(new URL('samples/index.json', root), 'utf8')) as { name: string }[])
      .map((sample) => sample.name)
      .sort();
    for (const server of servers) {
      expect(server.output()).not.toMatch(/advisory lock|failed to load/);
      expect(await datasetNames(server.port)).toEqual(samples);
    }
    const applied = servers.filter((server) => server.output().includes('applied migrations'));
    expect(applied).toHaveLength(1);
    const [row] = await sql<{ count: string }>('SELECT count(*) FROM _prisma_migrations');
    expect(Number(row!.count)).toBeGreaterThan(0);
  }, 600_000);

  it('two ingests started 2 s apart on an unmigrated database both succeed', async () => {
    const env = { DATABASE_URL: urlOf(databases.fresh) };
    const csv = writeRecordsCsv(dir, 'apart', 500);
    const first = startScript('ingest', ['samples/cubes/cra', '--name', 'first'], env);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const second = startScript('ingest', [csv, '--name', 'second'], env);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.stderr + a.stdout).toMatch(/loaded cube dataset "first": 36 rows/);
    expect(b.stderr + b.stdout).toMatch(/loaded records dataset "second": 500 rows/);
    expect([a.code, b.code]).toEqual([0, 0]);
  }, 300_000);

  it('a process that must wait for another one migrating says so, retries and succeeds', async () => {
    const holder = new pg.Client({ connectionString: urlOf(databases.locked) });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const load = startScript('ingest', ['samples/cubes/cra', '--name', 'after-waiting'], {
      DATABASE_URL: urlOf(databases.locked),
    });
    try {
      await waitFor(async () => load.output().includes('another process is migrating'), 90_000);
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      await holder.end();
    }
    const finished = await load.done;
    expect(finished.stderr).toMatch(/another process is migrating PostgreSQL at .*; waiting for it \(attempt 1 of \d+\)/);
    expect(finished.stdout).toContain('loaded cube dataset "after-waiting": 36 rows');
    expect(finished.code).toBe(0);
  }, 300_000);

  it('two loads of one dataset: one wins whole, the other fails at once saying another process loads it', async () => {
    // Large enough that the first load is still running when the second process has started: with 10,000 rows a
    // busy machine once started the second after the first had finished, and both loads succeeded in turn.
    const csv = writeRecordsCsv(dir, 'twice', 100_000);
    const runs = await Promise.all([
      runScript('ingest', [csv, '--name', 'twice'], served()),
      runScript('ingest', [csv, '--name', 'twice'], served()),
    ]);
    const codes = runs.map((run) => run.code).sort();
    expect(codes).toEqual([0, 1]);
    const loser = runs.find((run) => run.code === 1)!;
    expect(loser.stderr).toContain('ingest failed: dataset "twice" is being loaded by another process');
    expect(loser.stderr).not.toMatch(/Unique constraint|\n\s+at /);
    expect(await recordCount(servers[0]!.port, 'twice')).toBe(100_000);
  }, 300_000);

  it('two POST /api/2/new of one new name at once answer 201 and 409', async () => {
    const keys = await runScript('keys', ['create', '--name', 'uploader', '--grant', '*:write'], served());
    expect(keys.code).toBe(0);
    const key = /key \(shown once, store it now\): (\S+)/.exec(keys.stdout)![1]!;
    const sample = new URL('samples/cubes/md-sample/', root);
    const upload = (port: number) => {
      const form = new FormData();
      form.set('datapackage', new Blob([readFileSync(new URL('datapackage.json', sample))]), 'datapackage.json');
      const csv = readFileSync(new URL('data/boost-moldova-2014.csv', sample));
      form.set('data/boost-moldova-2014.csv', new Blob([csv]), 'data.csv');
      form.set('name', 'uploaded-twice');
      return fetch(`http://127.0.0.1:${port}/api/2/new`, {
        method: 'POST',
        headers: { authorization: `ApiKey ${key}` },
        body: form,
      });
    };
    const answers = await Promise.all([upload(servers[0]!.port), upload(servers[1]!.port)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const conflict = answers.find((answer) => answer.status === 409)!;
    expect(await conflict.json()).toEqual({
      errors: ['dataset "uploaded-twice" is being loaded by another process; nothing was changed, try again when it is done'],
    });
    expect(await datasetNames(servers[2]!.port)).toContain('uploaded-twice');
  }, 300_000);

  it('a load killed with SIGKILL half way leaves the previous version served', async () => {
    const small = writeRecordsCsv(dir, 'killed-v1', 3);
    expect((await runScript('ingest', [small, '--name', 'killed'], served())).code).toBe(0);
    const large = writeRecordsCsv(dir, 'killed-v2', 200_000);
    const load = startScript('ingest', [large, '--name', 'killed'], served());
    const datasetLocks = async () =>
      Number((await sql<{ n: string }>(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid = $1",
        [0x7367_646e],
      ))[0]!.n);
    await waitFor(async () => (await datasetLocks()) > 0, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    load.child.kill('SIGKILL');
    expect((await load.done).signal).toBe('SIGKILL');
    expect(load.output()).not.toContain('loaded records dataset');
    expect(await recordCount(servers[0]!.port, 'killed')).toBe(3);
    await waitFor(async () => (await datasetLocks()) === 0, 30_000);
    writeFileSync(small, 'id,city,amount\n1,x,1.5\n2,y,2.5\n');
    expect((await runScript('ingest', [small, '--name', 'killed'], served())).code).toBe(0);
    expect(await recordCount(servers[1]!.port, 'killed')).toBe(2);
  }, 300_000);
});
