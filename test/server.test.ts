import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'spendgraph-server-'));
const port = 41000 + Math.floor(Math.random() * 2000);
const running: ChildProcess[] = [];

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `src/server.ts` as `npm start` does, on the embedded database, and resolves once it listens. */
function start(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: new URL('..', import.meta.url),
    env: { ...process.env, PORT: String(port), DATABASE_URL: '', SPENDGRAPH_DATA_DIR: dataDir, NODE_ENV: 'production' },
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 240_000);
    child.stdout!.on('data', () => {
      if (output.includes('serving GraphiQL')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function datasetNames(): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ datasets(first: 100) { nodes { name } } }' }),
  });
  const body = (await response.json()) as { data: { datasets: { nodes: { name: string }[] } } };
  return body.data.datasets.nodes.map((node) => node.name);
}

describe('npm start on a fresh data directory', () => {
  it('migrates, loads the samples, serves GraphiQL and /healthz, and keeps the data across a restart', async () => {
    const first = await start();
    expect(first.output()).toContain('loaded sample cra (36 rows)');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const page = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('<title>Spendgraph</title>');
    const names = await datasetNames();
    expect(names).toEqual(expect.arrayContaining(['cra', 'ukgov-finances-cra', 'boost-moldova']));
    await stop(first.child);

    const second = await start();
    expect(second.output()).not.toContain('loaded sample');
    expect(await datasetNames()).toEqual(names);
    await stop(second.child);
  }, 600_000);
});
