/**
 * Two gateways over a real PostgreSQL primary and a streaming replica of it (made here with the server binaries):
 * reads go to the replica, writes to the primary, a dataset loaded through one gateway is served by the other, a
 * stopped replica fails no request, and one daily quota holds across both. Run by `npm run test:replica`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, runScript, startServer, stopServer, waitFor, writeRecordsCsv, type Started } from '../processes.js';
import { commits, rowsRead, sql, startClusters, type Clusters } from './postgres-cluster.js';

const database = 'spendgraph';
const prefix = `spendgraph-replica-test-${process.pid}-${Date.now()}`;
const quota = 40;
const sample = new URL('../../samples/cubes/md-sample/', import.meta.url);
const csv = readFileSync(new URL('data/boost-moldova-2014.csv', sample), 'utf8');

let clusters: Clusters;
let gateways: Started[] = [];
let writer: string;
let counter: string;

function env(): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: clusters.primary.url(database),
    DATABASE_REPLICA_URLS: clusters.replica.url(database),
    SPENDGRAPH_MAX_REPLICA_LAG: '5',
    SPENDGRAPH_SAMPLES: 'off',
    REDIS_URL: process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379',
    SPENDGRAPH_QUOTA_PREFIX: prefix,
    SPENDGRAPH_QUOTA_ANONYMOUS: '0',
    SPENDGRAPH_QUOTA_KEY: String(quota),
  };
}

function url(gateway: Started, path: string): string {
  return `http://127.0.0.1:${gateway.port}${path}`;
}

async function query(gateway: Started, text: string): Promise<{ status: number; body: { data?: unknown; errors?: unknown[] } }> {
  const response = await fetch(url(gateway, '/graphql'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } };
}

/** Uploads the Moldova BOOST package (its first `rows` lines) as `name` through one gateway's loading API. */
async function upload(gateway: Started, name: string, rows: number): Promise<Response> {
  const lines = csv.split('\n');
  const form = new FormData();
  form.set('datapackage', new Blob([readFileSync(new URL('datapackage.json', sample))]), 'datapackage.json');
  form.set('data/boost-moldova-2014.csv', new Blob([[...lines.slice(0, rows + 1), ''].join('\n')]), 'data.csv');
  form.set('name', name);
  return fetch(url(gateway, '/api/2/new'), { method: 'POST', headers: { authorization: `ApiKey ${writer}` }, body: form });
}

async function factCount(gateway: Started, name: string): Promise<number | undefined> {
  const response = await fetch(url(gateway, `/api/3/cubes/${name}/facts?pagesize=1`));
  if (response.status !== 200) return undefined;
  return ((await response.json()) as { total_fact_count: number }).total_fact_count;
}

async function health(gateway: Started) {
  return (await (await fetch(url(gateway, '/healthz'))).json()) as {
    status: string;
    databases: { role: string; status: string; inRotation?: boolean; lagSeconds?: number }[];
  };
}

async function createKey(grant: string): Promise<string> {
  const run = await runScript('keys', ['create', '--name', `replica-${grant}`, '--grant', grant], { DATABASE_URL: clusters.primary.url(database) });
  expect(run.code, run.stderr).toBe(0);
  return /shown once, store it now\): (\S+)/.exec(run.stdout)![1]!;
}

beforeAll(async () => {
  clusters = await startClusters();
  await sql(clusters.primary.url('postgres'), `CREATE DATABASE ${database}`);
  // The second gateway is a cluster of two workers (SPENDGRAPH_WORKERS) sharing its port.
  gateways = await Promise.all([startServer(env()), startServer({ ...env(), SPENDGRAPH_WORKERS: '2' })]);
  writer = await createKey('*:write');
  counter = await createKey('*:read');
  const dir = mkdtempSync(join(tmpdir(), 'spendgraph-replica-records-'));
  try {
    const ingested = await runScript('ingest', [writeRecordsCsv(dir, 'cities', 12_000), '--name', 'cities'], { DATABASE_URL: clusters.primary.url(database) });
    expect(ingested.code, ingested.stderr).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => stopServer(gateway.child)));
  killAll();
  clusters?.stop();
});

describe('two gateways, a primary and a streaming replica', () => {
  it('report both databases, the replica in rotation', async () => {
    await waitFor(async () => (gateways[1]!.output().match(/Spendgraph is serving/g) ?? []).length === 2, 60_000);
    expect(gateways[1]!.output()).toContain('starting 2 workers');
    for (const gateway of gateways) {
      const body = await health(gateway);
      expect(body.status).toBe('ok');
      expect(body.databases).toEqual([
        expect.objectContaining({ role: 'primary', status: 'ok' }),
        expect.objectContaining({ role: 'replica', status: 'ok', inRotation: true }),
      ]);
    }
  });

  it('write to the primary: a dataset loaded through one gateway is on the primary, then on the replica', async () => {
    const before = await commits(clusters.primary.url('postgres'), database);
    const loaded = await upload(gateways[0]!, 'moldova', 2000);
    expect(loaded.status, await loaded.clone().text()).toBe(201);
    const [row] = await sql<{ n: number }>(clusters.primary.url(database), `SELECT count(*)::int AS n FROM dataset WHERE name = 'moldova'`);
    expect(row!.n).toBe(1);
    expect(await commits(clusters.primary.url('postgres'), database)).toBeGreaterThan(before);
    await waitFor(async () => (await sql<{ n: number }>(clusters.replica.url(database), `SELECT count(*)::int AS n FROM fact`))[0]!.n === 2000, 10_000);
  });

  it('answer 60 reads from the replica: its transactions rise by 60 or more, the primary by less than half that', async () => {
    // The other gateway has not read this cube yet: its model is read from the replica too. Statistics of the load
    // before are published when its sessions go idle, and a session idle within a second of its last report waits
    // for PostgreSQL's idle interval (10 s) to report again: let them land before counting, or the load's own
    // commits are counted as reads on the primary.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const primaryBefore = await commits(clusters.primary.url('postgres'), database);
    const replicaBefore = await commits(clusters.replica.url('postgres'), database);
    const answers = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const gateway = gateways[i % 2]!;
        if (i % 3 === 0) return (await fetch(url(gateway, '/api/3/cubes/moldova/aggregate'))).status;
        if (i % 3 === 1) return (await fetch(url(gateway, `/graphql?query=${encodeURIComponent('{ datasets { totalCount nodes { name } } }')}`))).status;
        const answer = await query(gateway, '{ cube(name: "moldova") { name measures { name } dimensions { name } } }');
        // A failure shows the errors and the gateway's last log lines in the assertion below.
        return answer.body.errors ? `${JSON.stringify(answer.body.errors)}\n${gateway.output().slice(-2000)}` : answer.status;
      }),
    );
    expect(answers).toEqual(Array(60).fill(200));
    // Sessions publish their statistics when idle, at most every second and within 10 s: wait for that on both servers.
    let replicaReads = 0;
    await waitFor(async () => (replicaReads = (await commits(clusters.replica.url('postgres'), database)) - replicaBefore) >= 60, 12_000);
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    replicaReads = (await commits(clusters.replica.url('postgres'), database)) - replicaBefore;
    const primaryReads = (await commits(clusters.primary.url('postgres'), database)) - primaryBefore;
    console.log(`60 reads: replica transactions +${replicaReads}, primary +${primaryReads}`);
    // Reads fall back to the primary only when a replica leaves rotation, which each gateway logs: show why.
    const rotation = gateways.flatMap((gateway) => gateway.output().split('\n').filter((line) => /rotation/.test(line))).join('\n');
    expect(replicaReads, rotation).toBeGreaterThanOrEqual(60);
    expect(primaryReads, rotation).toBeLessThan(replicaReads / 2);
    expect(primaryReads, rotation).toBeLessThan(30);
  });

  it('stream a records download from the replica, its later pages too', async () => {
    await waitFor(async () => (await sql<{ n: number }>(clusters.replica.url(database), 'SELECT count(*)::int AS n FROM record'))[0]!.n === 12_000, 10_000);
    const before = [await rowsRead(clusters.primary.url('postgres'), database), await rowsRead(clusters.replica.url('postgres'), database)];
    const response = await fetch(url(gateways[0]!, '/api/records/1.0/download?dataset=cities&format=csv'));
    expect(response.status).toBe(200);
    expect((await response.text()).trim().split('\n')).toHaveLength(12_001);
    // Pages of 2,000 rows: read on the primary, the last five would add 10,000 rows to its count.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const [primaryRows, replicaRows] = [
      (await rowsRead(clusters.primary.url('postgres'), database)) - before[0]!,
      (await rowsRead(clusters.replica.url('postgres'), database)) - before[1]!,
    ];
    console.log(`download of 12,000 records: rows read on the replica +${replicaRows}, on the primary +${primaryRows}`);
    expect(replicaRows).toBeGreaterThanOrEqual(12_000);
    expect(primaryRows).toBeLessThan(2_000);
  });

  it('serve a dataset reloaded through one gateway from the other, never its old cached model', async () => {
    expect(await factCount(gateways[1]!, 'moldova')).toBe(2000);
    const reloaded = await upload(gateways[0]!, 'moldova', 500);
    expect(reloaded.status).toBe(200);
    const waited = await waitFor(async () => (await factCount(gateways[1]!, 'moldova')) === 500, 10_000);
    console.log(`reload seen by the other gateway after ${waited} ms`);
    const fresh = await upload(gateways[1]!, 'moldova-b', 100);
    expect(fresh.status).toBe(201);
    await waitFor(async () => (await factCount(gateways[0]!, 'moldova-b')) === 100, 10_000);
  });

  it('count one daily quota across both gateways', async () => {
    const remaining: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < quota + 2; i += 1) {
      const response = await fetch(url(gateways[i % 2]!, '/api/3/cubes'), { headers: { authorization: `ApiKey ${counter}` } });
      statuses.push(response.status);
      remaining.push(Number(response.headers.get('x-ratelimit-remaining')));
    }
    expect(statuses.slice(0, quota)).toEqual(Array(quota).fill(200));
    expect(statuses.slice(quota)).toEqual([429, 429]);
    expect(remaining.slice(0, quota)).toEqual(Array.from({ length: quota }, (_, i) => quota - 1 - i));
  });

  it('take a replica that falls behind out of rotation, serve fresh data and saved requests from the primary, and take it back', async () => {
    await sql(clusters.replica.url(database), 'SELECT pg_wal_replay_pause()');
    try {
      const loaded = await upload(gateways[0]!, 'moldova-c', 50);
      expect(loaded.status).toBe(201);
      // SPENDGRAPH_MAX_REPLICA_LAG is 5 s and replicas are checked every 2 s.
      await waitFor(async () => (await health(gateways[1]!)).databases[1]?.status === 'lagging', 15_000);
      expect((await health(gateways[1]!)).databases[1]).toMatchObject({ role: 'replica', status: 'lagging', inRotation: false });
      expect((await health(gateways[1]!)).databases[1]!.lagSeconds).toBeGreaterThan(5);
      expect(await factCount(gateways[1]!, 'moldova-c')).toBe(50);
      const [paused] = await sql<{ n: number }>(clusters.replica.url(database), `SELECT count(*)::int AS n FROM dataset WHERE name = 'moldova-c'`);
      expect(paused!.n).toBe(0);
      // A USAspending request saved through one gateway is found by the other while the replica has not replayed it.
      const saved = await fetch(url(gateways[0]!, '/api/v1/awards/?limit=1'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filters: [{ field: 'description', operation: 'contains', value: `replica-${process.pid}` }] }),
      });
      expect(saved.status).toBe(200);
      const { req } = (await saved.json()) as { req: string };
      expect(req).toMatch(/^[0-9a-f]+$/);
      expect((await fetch(url(gateways[1]!, `/api/v1/awards/?req=${req}`))).status).toBe(200);
      const [unreplayed] = await sql<{ n: number }>(clusters.replica.url(database), 'SELECT count(*)::int AS n FROM saved_request WHERE checksum = $1', [req]);
      expect(unreplayed!.n).toBe(0);
    } finally {
      await sql(clusters.replica.url(database), 'SELECT pg_wal_replay_resume()');
    }
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const gateway of gateways) await waitFor(async () => (await health(gateway)).databases[1]?.inRotation === true, 10_000);
  });

  it('fail no request while the replica stops: reads fall back to the primary and healthz says so', async () => {
    let stopped = false;
    const statuses: number[] = [];
    const load = (async () => {
      // Requests before the stop, and 20 after it.
      for (let i = 0, after = 0; after < 20; i += 1) {
        const gateway = gateways[i % 2]!;
        const answer =
          i % 2 ? await query(gateway, '{ datasets { totalCount } }') : { status: (await fetch(url(gateway, '/api/3/cubes/moldova/aggregate'))).status, body: {} };
        statuses.push('errors' in answer.body && answer.body.errors ? 500 : answer.status);
        if (stopped) after += 1;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    clusters.replica.stop();
    stopped = true;
    await load;
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // Every process has checked within 2 s (the second gateway is two workers, each with its own view).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const gateway of gateways) {
      for (let i = 0; i < 4; i += 1) {
        const body = await health(gateway);
        expect(body.status).toBe('ok');
        expect(body.databases[1]).toMatchObject({ role: 'replica', status: 'unreachable', inRotation: false });
      }
    }
    const primaryBefore = await commits(clusters.primary.url('postgres'), database);
    for (const gateway of gateways) expect(await factCount(gateway, 'moldova')).toBe(500);
    await waitFor(async () => (await commits(clusters.primary.url('postgres'), database)) - primaryBefore >= 2, 10_000);
  });
});
