/**
 * USAspending download load benchmark: peak memory of a first load and a reload of a ~30 MB prime-transaction file.
 *
 *   npx tsx bench/usaspending-load.ts [--mb 30] [--db dir|memory|postgresql://…]
 *
 * Generates a current contract prime-transaction download (the header and rows of
 * test/fixtures/usaspending/contracts-prime-transactions.csv, repeated with new transaction and award keys, 3
 * transactions per award, until the file reaches --mb megabytes), then loads it twice under one dataset name in a
 * child process on a fresh database: a PGlite data directory (`dir`, the default), an in-memory PGlite (`memory`:
 * the database's pages then count in the process's memory too) or a fresh PostgreSQL database under the given URL.
 * Prints the file size, rows, seconds of each load, the reload ratio and the child's peak RSS (maxRSS).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { onServer } from './server-sql.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};

const FIXTURE = fileURLToPath(new URL('../test/fixtures/usaspending/contracts-prime-transactions.csv', import.meta.url));

async function child(path: string): Promise<void> {
  const { closeDb, db, migrate } = await import('../src/db.js');
  const { ingest } = await import('../src/shared/ingest/index.js');
  await migrate();
  const times: number[] = [];
  const peaks: number[] = [];
  let rows = 0;
  for (let i = 0; i < 2; i += 1) {
    const started = performance.now();
    rows = (await ingest(db, { path, name: 'bench-usaspending' })).rows;
    times.push((performance.now() - started) / 1000);
    peaks.push(process.resourceUsage().maxRSS / 1024);
  }
  await closeDb();
  console.log(JSON.stringify({ rows, first: times[0], reload: times[1], firstPeakMb: peaks[0], maxRssMb: peaks[1] }));
}

const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

async function generate(file: string, megabytes: number): Promise<number> {
  const [header, ...rows] = parse(readFileSync(FIXTURE, 'utf8')) as string[][];
  const col = (name: string) => header!.indexOf(name);
  const [txKey, awardKey, piid, amount] = ['contract_transaction_unique_key', 'contract_award_unique_key', 'award_id_piid', 'federal_action_obligation'].map(col) as [number, number, number, number];
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`${header!.map(quote).join(',')}\n`);
  let bytes = 0;
  let n = 0;
  let chunk = '';
  while (bytes < megabytes * 1e6) {
    const cells = [...rows[n % rows.length]!];
    const award = Math.floor(n / 3);
    cells[piid] = `BENCH${award}`;
    cells[awardKey] = `CONT_AWD_BENCH${award}_2050_-NONE-_-NONE-`;
    cells[txKey] = `2050_-NONE-_BENCH${award}_${n % 3}_-NONE-_0`;
    cells[amount] = `${(n * 37) % 100000}.${String(n % 100).padStart(2, '0')}`;
    const line = `${cells.map(quote).join(',')}\n`;
    bytes += Buffer.byteLength(line);
    chunk += line;
    n += 1;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return n;
}


async function main(): Promise<void> {
  const megabytes = Number(arg('mb', '30'));
  const target = arg('db', 'dir');
  const work = mkdtempSync(join(tmpdir(), 'spendgraph-bench-usaspending-'));
  try {
    const file = join(work, 'contracts-prime-transactions.csv');
    const lines = await generate(file, megabytes);
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', SPENDGRAPH_DATA_DIR: 'memory://', SPENDGRAPH_RETIRED_GRACE_SECONDS: '0' };
    const database = 'sg_bench_usaspending_load';
    if (target === 'dir') env.SPENDGRAPH_DATA_DIR = mkdtempSync(join(work, 'data-'));
    else if (target.startsWith('postgresql:')) {
      await onServer(target, `DROP DATABASE IF EXISTS ${database}`);
      await onServer(target, `CREATE DATABASE ${database}`);
      const url = new URL(target);
      url.pathname = `/${database}`;
      env.DATABASE_URL = url.toString();
    }
    const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (target.startsWith('postgresql:')) await onServer(target, `DROP DATABASE ${database}`);
    if (run.status !== 0) throw new Error(`load failed:\n${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { rows: number; first: number; reload: number; firstPeakMb: number; maxRssMb: number };
    console.log(`database:        ${target.startsWith('postgresql:') ? 'PostgreSQL (fresh database)' : target === 'dir' ? 'PGlite data directory' : 'in-memory PGlite'}`);
    console.log(`file:            ${(statSync(file).size / 1e6).toFixed(1)} MB, ${lines} transactions`);
    console.log(`rows written:    ${result.rows} (awards + transactions)`);
    console.log(`first load:      ${result.first.toFixed(1)} s`);
    console.log(`reload:          ${result.reload.toFixed(1)} s`);
    console.log(`reload ratio:    ${(result.reload / result.first).toFixed(2)}`);
    console.log(`peak memory:     ${result.firstPeakMb.toFixed(0)} MB after the first load, ${result.maxRssMb.toFixed(0)} MB after both (child RSS)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (argv[0] === '--child') await child(argv[1]!);
else await main();
