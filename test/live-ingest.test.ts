// `npm run ingest` and `npm run keys` next to `npm start` on the embedded database: the command hands its work to
// the running server, which serves the result at once and keeps it across a restart.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  datasetNames,
  killAll,
  recordCount,
  runScript,
  startEntry,
  startScript,
  startServer,
  stopServer,
  waitFor,
  writeRecordsCsv,
  type Started,
} from './processes.js';

const dataDir = mkdtempSync(join(tmpdir(), 'spendgraph-live-'));
const env = { DATABASE_URL: '', SPENDGRAPH_DATA_DIR: dataDir, SPENDGRAPH_SAMPLES: 'off' };
const ownerFile = join(dataDir, 'owner.json');
let server: Started;

afterAll(async () => {
  if (server) await stopServer(server.child);
  killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('commands next to a running server on the embedded database', () => {
  it('ingest and keys are run by the server, which serves the result within seconds and after a restart', async () => {
    server = await startServer(env);
    const owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid: number; port: number; admin: { token: string } };
    expect(owner).toMatchObject({ pid: server.child.pid, role: 'server', port: server.port });
    expect(statSync(ownerFile).mode & 0o777).toBe(0o600);

    const ingest = await runScript('ingest', ['samples/cubes/cra', '--name', 'live-cra', '--private'], env);
    expect(ingest.stderr).toContain(`the Spendgraph server (pid ${server.child.pid}, port ${server.port}) holds the embedded database`);
    expect(ingest.stdout).toMatch(/loaded cube dataset "live-cra": 36 rows/);
    expect(ingest.code).toBe(0);

    const keys = await runScript('keys', ['create', '--name', 'live-reader', '--grant', 'live-cra:read'], env);
    expect(keys.code).toBe(0);
    const key = /key \(shown once, store it now\): (\S+)/.exec(keys.stdout)![1]!;
    const withKey = { authorization: `ApiKey ${key}` };

    const waited = await waitFor(async () => (await datasetNames(server.port, withKey)).includes('live-cra'), 5000);
    expect(waited).toBeLessThan(5000);
    expect(await datasetNames(server.port)).not.toContain('live-cra');

    await stopServer(server.child);
    expect(existsSync(ownerFile)).toBe(false);
    server = await startServer(env);
    expect(await datasetNames(server.port, withKey)).toContain('live-cra');
    const listed = await runScript('keys', ['list'], env);
    expect(listed.stdout).toMatch(/\tlive-reader\tactive\t/);
  }, 600_000);

  it('a broken load run by the server fails with file and line, exit 1, and changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spendgraph-live-csv-'));
    const csv = writeRecordsCsv(dir, 'broken', 3);
    expect((await runScript('ingest', [csv, '--name', 'live-broken'], env)).code).toBe(0);
    writeFileSync(csv, 'id,city,amount\n1,"unclosed,2\n');
    const failed = await runScript('ingest', [csv, '--name', 'live-broken'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`ingest failed: ${csv}:\\d+: `));
    expect(await recordCount(server.port, 'live-broken')).toBe(3);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('a command killed while the server runs its load rolls the load back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spendgraph-live-cut-'));
    const small = writeRecordsCsv(dir, 'v1', 3);
    expect((await runScript('ingest', [small, '--name', 'live-cut'], env)).code).toBe(0);
    const load = startScript('ingest', [writeRecordsCsv(dir, 'v2', 300_000), '--name', 'live-cut'], env);
    await waitFor(async () => load.output().includes('it runs this command'), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    load.child.kill('SIGKILL');
    await load.done;
    expect(await recordCount(server.port, 'live-cut')).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await recordCount(server.port, 'live-cut')).toBe(3);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('a second server on the same data directory refuses, naming the first', async () => {
    const second = startEntry('src/server.ts', [], { ...env, PORT: '0' });
    const finished = await second.done;
    expect(finished.code).toBe(1);
    expect(finished.stderr).toContain(
      `is already served by the Spendgraph server (pid ${server.child.pid}, port ${server.port}): stop it first`,
    );
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
  }, 120_000);

  it('a server killed with SIGKILL half way through a load it runs keeps the previous version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spendgraph-live-kill-'));
    const small = writeRecordsCsv(dir, 'v1', 3);
    expect((await runScript('ingest', [small, '--name', 'live-killed'], env)).code).toBe(0);
    const large = writeRecordsCsv(dir, 'v2', 300_000);
    const load = startScript('ingest', [large, '--name', 'live-killed'], env);
    await waitFor(async () => load.output().includes('it runs this command'), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    server.child.kill('SIGKILL');
    const finished = await load.done;
    expect(finished.code).toBe(1);
    expect(finished.stdout).not.toContain('loaded records dataset');
    expect(finished.stderr).toContain('stopped before the command finished');

    server = await startServer(env);
    expect(await recordCount(server.port, 'live-killed')).toBe(3);
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('without a server, ingest opens the database itself and a server started later serves the dataset', async () => {
    await stopServer(server.child);
    const ingest = await runScript('ingest', ['samples/cubes/cra', '--name', 'offline-cra'], env);
    expect(ingest.code).toBe(0);
    expect(ingest.stderr).not.toContain('holds the embedded database');
    expect(existsSync(ownerFile)).toBe(false);
    server = await startServer(env);
    expect(await datasetNames(server.port)).toContain('offline-cra');
  }, 600_000);
});
