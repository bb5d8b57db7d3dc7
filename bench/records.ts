/**
 * Records benchmark: the query layer (src/records) against hand-written SQL on the same data.
 *
 *   npx tsx bench/records.ts [--records 1000000] [--runs 5] [--url postgresql://postgres@127.0.0.1:5432/sg_bench_records]
 *
 * Seeds a deterministic dataset (text, numeric, date and geo fields) into the PostgreSQL database sg_bench_records
 * (created when missing; reused when it already holds the same generation), then times: full-text q +
 * geofilter.distance + two facets; analyze by month with AVG; geocluster at a mid zoom; a 200,000-row download
 * (with peak memory). Each layer timing is the median of the runs, divided by the median of the equivalent
 * hand-written SQL sent straight through `pg`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const RECORDS = Number(arg('records', '1000000'));
const RUNS = Number(arg('runs', '5'));
const URL_ = arg('url', 'postgresql://postgres@127.0.0.1:5432/sg_bench_records');
const DOWNLOAD_ONLY = argv.includes('--download-only');
const DATASET = 'bench-records';
const GENERATION = `v1-${RECORDS}`;

async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected database name ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

if (!DOWNLOAD_ONLY) await ensureDatabase(URL_);
process.env.DATABASE_URL = URL_;
const { db, migrate, closeDb } = await import('../src/db.js');
const { searchRecords } = await import('../src/records/query/search.js');
const { analyzeRecords } = await import('../src/records/query/analyze.js');
const { geoclusterRecords } = await import('../src/records/query/geocluster.js');
const { downloadRecords } = await import('../src/records/rest/download.js');
if (!DOWNLOAD_ONLY) await migrate();

const client = new pg.Pool({ connectionString: URL_, max: 4 });

const WORDS = [
  'alpha', 'bridge', 'canal', 'delta', 'east', 'forest', 'garden', 'harbor', 'island', 'junction', 'king', 'lake',
  'market', 'north', 'oak', 'park', 'queen', 'river', 'south', 'tower', 'upper', 'valley', 'west', 'york', 'zenith',
];

async function seed(): Promise<number> {
  const existing = await db.dataset.findUnique({ where: { name: DATASET }, select: { id: true, source: true } });
  if (existing && (existing.source as { generation?: string } | null)?.generation === GENERATION) return existing.id;
  console.log(`seeding ${RECORDS} records...`);
  const started = Date.now();
  await db.dataset.deleteMany({ where: { name: DATASET } });
  const dataset = await db.dataset.create({
    data: { name: DATASET, family: 'RECORDS', title: 'Benchmark records', loader: 'bench', source: { generation: GENERATION } },
  });
  await db.recordField.createMany({
    data: [
      { datasetId: dataset.id, name: 'name', label: 'Name', type: 'text', position: 0 },
      { datasetId: dataset.id, name: 'category', label: 'Category', type: 'text', annotations: { facet: true }, position: 1 },
      { datasetId: dataset.id, name: 'amount', label: 'Amount', type: 'int', position: 2 },
      { datasetId: dataset.id, name: 'day', label: 'Day', type: 'date', annotations: { facet: true, hierarchical: true }, position: 3 },
      { datasetId: dataset.id, name: 'location', label: 'Location', type: 'geo_point_2d', position: 4 },
    ],
  });
  const words = `{${WORDS.join(',')}}`;
  const chunk = 250_000;
  for (let from = 1; from <= RECORDS; from += chunk) {
    const to = Math.min(RECORDS, from + chunk - 1);
    await client.query(
      `INSERT INTO record (dataset_id, record_id, fields, lat, lon, geometry, timestamp, search_text)
       SELECT $1, 'r' || i, jsonb_build_object('name', name, 'category', category, 'amount', amount, 'day', day, 'location', jsonb_build_array(lat, lon)),
              lat, lon, jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(lon, lat)), now(),
              ' ' || name || ' ' || category || ' ' || amount || ' ' || day || ' '
       FROM (SELECT i,
               ($2::text[])[1 + abs(hashint8(i * 31 + 1)) % 25] || ' ' || ($2::text[])[1 + abs(hashint8(i * 37 + 2)) % 25] AS name,
               'cat' || abs(hashint8(i * 41 + 3)) % 5 AS category,
               abs(hashint8(i * 43 + 4)) % 100000 AS amount,
               to_char(date '2015-01-01' + (abs(hashint8(i * 47 + 5)) % 3650)::int, 'YYYY-MM-DD') AS day,
               round((36 + (abs(hashint8(i * 53 + 6)) % 34000000) / 1e6)::numeric, 5)::float8 AS lat,
               round((-10 + (abs(hashint8(i * 59 + 7)) % 50000000) / 1e6)::numeric, 5)::float8 AS lon
             FROM generate_series($3::bigint, $4::bigint) i) g`,
      [dataset.id, words, from, to],
    );
    process.stdout.write(`  ${to}\r`);
  }
  await client.query('ANALYZE record');
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dataset.id;
}

if (DOWNLOAD_ONLY) {
  await download();
  await client.end();
  await closeDb();
  process.exit(0);
}

const datasetId = await seed();

async function download(): Promise<void> {
  global.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  let bytes = 0;
  let lines = 0;
  const started = performance.now();
  for await (const chunk of downloadRecords({ dataset: DATASET, refine: argv.includes('--download-all') ? [] : [{ field: 'category', value: 'cat1' }], format: 'csv' })) {
    bytes += chunk.length;
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines += 1;
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }
  const elapsed = performance.now() - started;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  console.log(
    `download csv: ${lines - 1} rows, ${mb(bytes)} MB in ${(elapsed / 1000).toFixed(1)} s; peak RSS ${mb(peakRss)} MB (start ${mb(baseline.rss)} MB), peak heap ${mb(peakHeap)} MB`,
  );
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const center = { lat: 48.85, lon: 2.35, meters: 300_000 };
const dLat = (center.meters / 6_371_008.8) * (180 / Math.PI);
const dLon = dLat / Math.cos((center.lat * Math.PI) / 180);
const HAVERSINE = `2 * 6371008.8 * asin(least(1, sqrt(power(sin(radians(lat - $2::float8) / 2), 2) + cos(radians($2::float8)) * cos(radians(lat)) * power(sin(radians(lon - $3::float8) / 2), 2))))`;
const SEARCH_WHERE = `dataset_id = $1 AND strpos(search_text, ' alpha') > 0 AND lat BETWEEN $2::float8 - $5::float8 AND $2::float8 + $5::float8 AND lon BETWEEN $3::float8 - $6::float8 AND $3::float8 + $6::float8 AND ${HAVERSINE} <= $4::float8`;
const searchParams = [datasetId, center.lat, center.lon, center.meters, dLat, dLon];

const results: { name: string; layer: number; sql: number; detail?: string }[] = [];

{
  const layer = await time(() =>
    searchRecords({ dataset: DATASET, q: 'alpha', geofilter: { distance: center }, facets: ['category', 'day'], rows: 10 }),
  );
  const sql = await time(() =>
    Promise.all([
      client.query(`SELECT count(*) FROM record WHERE ${SEARCH_WHERE}`, searchParams),
      client.query(`SELECT record_id, fields, geometry, timestamp FROM record WHERE ${SEARCH_WHERE} ORDER BY id LIMIT 10`, searchParams),
      client.query(`SELECT fields->>'category' v, count(*) FROM record WHERE ${SEARCH_WHERE} GROUP BY 1 ORDER BY 2 DESC LIMIT 1000`, searchParams),
      client.query(`SELECT to_char((fields->>'day')::date, 'YYYY/MM/DD') v, count(*) FROM record WHERE ${SEARCH_WHERE} GROUP BY 1`, searchParams),
    ]),
  );
  const hits = await searchRecords({ dataset: DATASET, q: 'alpha', geofilter: { distance: center }, rows: 0 });
  results.push({ name: 'search: q + geofilter.distance + 2 facets', layer, sql, detail: `${hits.nhits} hits` });
}

{
  const layer = await time(() =>
    analyzeRecords({ dataset: DATASET, x: 'day', precision: 'month', series: [{ name: 'avg', func: 'AVG', expr: 'amount' }] }),
  );
  const sql = await time(() =>
    client.query(
      `SELECT date_trunc('month', (fields->>'day')::date::timestamp) x, avg((fields->>'amount')::float8) FROM record WHERE dataset_id = $1 GROUP BY 1 ORDER BY 1`,
      [datasetId],
    ),
  );
  results.push({ name: 'analyze: by month, AVG(amount)', layer, sql });
}

{
  const precision = 8;
  const cell = (50 * 360) / (256 * 2 ** precision);
  const layer = await time(() => geoclusterRecords({ dataset: DATASET, clusterprecision: precision, clusterdistance: 50 }));
  const sql = await time(() =>
    client.query(
      `SELECT count(*), avg(lat), avg(lon), min(lat), max(lat), min(lon), max(lon) FROM record WHERE dataset_id = $1 AND lat IS NOT NULL AND lon IS NOT NULL GROUP BY floor(lat / $2::float8), floor(lon / $2::float8)`,
      [datasetId, cell],
    ),
  );
  const clusters = await geoclusterRecords({ dataset: DATASET, clusterprecision: precision, clusterdistance: 50 });
  results.push({ name: `geocluster: zoom ${precision}, 50 px`, layer, sql, detail: `${clusters.clusters.length} clusters` });
}

// In a fresh process, so the figure is the download's, not the migration engine's or the earlier queries'.
const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--download-only', '--url', URL_], { encoding: 'utf8' });
process.stdout.write(child.stdout);
if (child.status !== 0) process.stderr.write(child.stderr);

console.log(`\n${RECORDS} records, median of ${RUNS} runs (after one warm-up)`);
for (const r of results) {
  console.log(`${r.name.padEnd(46)} layer ${r.layer.toFixed(1).padStart(8)} ms   sql ${r.sql.toFixed(1).padStart(8)} ms   ratio ${(r.layer / r.sql).toFixed(2)}x${r.detail ? `   (${r.detail})` : ''}`);
}

await client.end();
await closeDb();
