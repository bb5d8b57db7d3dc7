import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url);

/**
 * The PostgreSQL server that tests of processes create fresh databases on (127.0.0.1:5432, or the server .ci/run is
 * given in CI_POSTGRES_URL, or TEST_POSTGRES_ADMIN_URL), whichever database the rest of the suite runs on.
 */
export const adminUrl =
  process.env.TEST_POSTGRES_ADMIN_URL ??
  `${process.env.CI_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432'}/postgres`;

/** The URL of `database` on the admin URL's server. */
export function urlOf(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates (dropping any leftover first) or drops a scratch database on that server. */
export function testDatabase(action: 'create' | 'drop', database: string): void {
  const run = spawnSync(process.execPath, ['scripts/test-database.mjs', action, adminUrl, database], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`test-database ${action} ${database} failed: ${run.stderr}`);
}

export interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
}

const running = new Set<ChildProcess>();

/** Kills every process these helpers started and that is still running. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

function track(child: ChildProcess): () => string {
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return () => output;
}

/**
 * Starts `src/server.ts` as `npm start` does, on a port the system picks (so parallel runs never collide), and
 * resolves once it listens.
 */
export function startServer(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', ...env, PORT: '0' },
  });
  const output = track(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output()}`)), 280_000);
    child.stdout!.on('data', () => {
      const listening = /serving GraphiQL at http:\/\/localhost:(\d+)\//.exec(output());
      if (listening) {
        clearTimeout(timer);
        resolve({ child, port: Number(listening[1]), output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output()}`));
    });
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts one of the `npm run` scripts (src/scripts/<name>.ts); `done` resolves when it exits. */
export function startScript(script: string, args: string[], env: NodeJS.ProcessEnv) {
  return startEntry(`src/scripts/${script}.ts`, args, env);
}

/** Starts a TypeScript entry point of the project as a child process; `done` resolves when it exits. */
export function startEntry(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  const output = track(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Finished>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, output };
}

export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return startScript(script, args, env).done;
}

/** POSTs a GraphQL query to a server started by startServer. */
export async function graphql<T>(port: number, query: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as T;
}

export async function datasetNames(port: number, headers: Record<string, string> = {}): Promise<string[]> {
  const body = await graphql<{ data: { datasets: { nodes: { name: string }[] } } }>(
    port,
    '{ datasets(first: 100) { nodes { name } } }',
    headers,
  );
  return body.data.datasets.nodes.map((node) => node.name).sort();
}

/** Retries `check` every 100 ms until it returns true, for at most `ms`; resolves to how long it took. */
export async function waitFor(check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

/** A records CSV of `rows` generated rows with a `{}` sidecar, written into `dir`; returns its path. */
export function writeRecordsCsv(dir: string, name: string, rows: number): string {
  const lines = ['id,city,amount'];
  for (let i = 0; i < rows; i += 1) lines.push(`${i},city ${i % 977},${((i * 37) % 100000) / 100}`);
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  writeFileSync(`${file}.records.json`, '{}');
  return file;
}

export async function recordCount(port: number, dataset: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/records/1.0/search?dataset=${dataset}&rows=0`, { headers });
  const body = (await response.json()) as { nhits?: number };
  return body.nhits ?? -1;
}
