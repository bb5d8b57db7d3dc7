/**
 * Ingest memory benchmark: peak RSS of `npm run ingest`'s work as the file grows.
 *
 *   npx tsx bench/ingest-memory.ts [--rows 40000,200000,1000000] [--db memory|dir|postgresql://…] [--family records,cube,ods-json]
 *
 * Generates a records CSV (with a `{}` sidecar), a cube Fiscal Data Package and an OpenDataSoft v1 JSON export (the
 * records of samples/records/geonames-pl-ods-v1-export.json repeated under new record ids) of each size into a
 * temporary directory, loads each in a child process of its own on a fresh database — an in-memory PGlite (`memory`), a PGlite
 * data directory on disk (`dir`), or a fresh PostgreSQL database created under the given server URL — and prints
 * rows, seconds and the child's peak RSS (process.resourceUsage().maxRSS). An in-memory PGlite holds the loaded
 * data in the same process, so its RSS grows with the data however the load streams; `dir` and PostgreSQL show
 * the loader's own footprint.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onServer } from './server-sql.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};


/** Runs one load in this process and prints {rows, seconds, maxRssMb} as JSON on stdout. */
async function child(path: string, name: string | undefined): Promise<void> {
  const { closeDb, db, migrate } = await import('../src/db.js');
  const { ingest } = await import('../src/shared/ingest/index.js');
  await migrate();
  const started = performance.now();
  const result = await ingest(db, { path, name });
  const seconds = (performance.now() - started) / 1000;
  await closeDb();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ rows: result.rows, seconds, maxRssMb }));
}

const CITIES = ['Lyon', 'Paris', 'Nantes', 'Lille', 'Rennes', 'Nice', 'Brest', 'Metz', 'Tours', 'Dijon'];
const CATEGORIES = ['roads', 'schools', 'health', 'culture', 'housing', 'water', 'energy', 'transport'];

async function writeLines(file: string, header: string, rows: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`${header}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i += 1) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function day(i: number): string {
  return new Date(Date.UTC(2020, 0, 1) + (i % 1461) * 86_400_000).toISOString().slice(0, 10);
}

async function recordsCsv(dir: string, rows: number): Promise<string> {
  const file = join(dir, `records-${rows}.csv`);
  await writeLines(file, 'id,city,category,amount,count,date,note', rows, (i) =>
    [i, CITIES[i % 10], CATEGORIES[i % 8], `${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}`, i % 997, day(i), `item ${i}`].join(','),
  );
  writeFileSync(`${file}.records.json`, '{}');
  return file;
}

const ODS_SAMPLE = fileURLToPath(new URL('../samples/records/geonames-pl-ods-v1-export.json', import.meta.url));

/** An ODS v1 JSON export of `rows` records: the sample's records in turn, each under a new record id. */
async function odsJson(dir: string, rows: number): Promise<string> {
  const file = join(dir, `ods-${rows}.json`);
  const sample = JSON.parse(readFileSync(ODS_SAMPLE, 'utf8')) as { recordid: string }[];
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  let chunk = '[';
  for (let i = 0; i < rows; i += 1) {
    const record = sample[i % sample.length]!;
    chunk += `${i === 0 ? '' : ',\n'}${JSON.stringify({ ...record, recordid: `${record.recordid}-${i}` })}`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(`${chunk}]`);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return file;
}

async function cubePackage(dir: string, rows: number): Promise<string> {
  const folder = mkdtempSync(join(dir, `cube-${rows}-`));
  await writeLines(join(folder, 'data.csv'), 'year,city,category,amount', rows, (i) =>
    [2020 + (i % 4), CITIES[i % 10], CATEGORIES[i % 8], `${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}`].join(','),
  );
  const dimension = (source: string) => ({ attributes: { [source]: { source } }, primaryKey: source });
  writeFileSync(
    join(folder, 'datapackage.json'),
    JSON.stringify({
      name: `bench-cube-${rows}`,
      resources: [{ name: 'data', path: 'data.csv', schema: { fields: [{ name: 'year', type: 'integer' }, { name: 'city', type: 'string' }, { name: 'category', type: 'string' }, { name: 'amount', type: 'number' }] } }],
      model: {
        measures: { amount: { source: 'amount', currency: 'EUR' } },
        dimensions: { year: dimension('year'), city: dimension('city'), category: dimension('category') },
      },
    }),
  );
  return folder;
}


async function freshPostgres(server: string, rows: number, family: string): Promise<string> {
  const name = `sg_bench_ingest_${family.replace(/\W/g, '_')}_${rows}`;
  await onServer(server, `DROP DATABASE IF EXISTS ${name}`);
  await onServer(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function main(): Promise<void> {
  const sizes = arg('rows', '40000,200000,1000000').split(',').map(Number);
  const families = arg('family', 'records,cube').split(',');
  const target = arg('db', 'memory');
  const work = mkdtempSync(join(tmpdir(), 'spendgraph-bench-ingest-'));
  const self = fileURLToPath(import.meta.url);
  console.log(`database: ${target.startsWith('postgresql:') ? 'PostgreSQL (fresh database per load)' : target === 'dir' ? 'PGlite data directory (fresh per load)' : 'in-memory PGlite'}`);
  console.log('family   | rows      | file MB | seconds | peak RSS MB');
  try {
    for (const family of families) {
      for (const rows of sizes) {
        const path = family === 'cube' ? await cubePackage(work, rows) : family === 'ods-json' ? await odsJson(work, rows) : await recordsCsv(work, rows);
        const fileMb = statSync(family === 'cube' ? join(path, 'data.csv') : path).size / 1e6;
        const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', SPENDGRAPH_DATA_DIR: 'memory://' };
        if (target === 'dir') env.SPENDGRAPH_DATA_DIR = mkdtempSync(join(work, 'data-'));
        else if (target.startsWith('postgresql:')) env.DATABASE_URL = await freshPostgres(target, rows, family);
        const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', path, `bench-${family}-${rows}`], {
          env,
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        });
        if (run.status !== 0) throw new Error(`load of ${path} failed:\n${run.stderr}`);
        const { rows: loaded, seconds, maxRssMb } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { rows: number; seconds: number; maxRssMb: number };
        console.log(
          `${family.padEnd(8)} | ${String(loaded).padStart(9)} | ${fileMb.toFixed(1).padStart(7)} | ${seconds.toFixed(1).padStart(7)} | ${maxRssMb.toFixed(0).padStart(11)}`,
        );
        rmSync(path, { recursive: true, force: true });
        if (env.DATABASE_URL) await onServer(target, `DROP DATABASE ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
        if (env.SPENDGRAPH_DATA_DIR !== 'memory://') rmSync(env.SPENDGRAPH_DATA_DIR!, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (argv[0] === '--child') {
  await child(argv[1]!, argv[2]);
} else {
  await main();
}
