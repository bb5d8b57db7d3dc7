/**
 * Cube query benchmark: the query layer (src/cubes) against hand-written SQL on the same data.
 *
 *   npx tsx bench/cubes.ts --facts 1000000 [--pglite-facts 100000] [--runs 7] [--url postgresql://...]
 *
 * Generates a seeded cube (5 dimensions, one with 10,000 members, 2 measures) into the PostgreSQL database
 * sg_bench_cubes (created when missing; reused when it already holds the same generation), then the same at a smaller
 * scale in an in-memory PGlite (in a child process, since the database client is a per-process singleton).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

interface Options {
  facts: number;
  pgliteFacts: number;
  runs: number;
  url: string;
  engine: 'postgres' | 'pglite' | 'both';
  seed: number;
}

function options(argv: string[]): Options {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, fallback: number) => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    facts: int('facts', 1_000_000),
    pgliteFacts: int('pglite-facts', 100_000),
    runs: int('runs', 7),
    url: get('url') ?? 'postgresql://postgres@127.0.0.1:5432/sg_bench_cubes',
    engine: (get('engine') as Options['engine']) ?? 'both',
    seed: int('seed', 42),
  };
}

const DATASET = 'bench-cubes';

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function run(engine: 'postgres' | 'pglite', facts: number, opts: Options): Promise<void> {
  const { db, migrate, closeDb } = await import('../src/db.js');
  const { loadCube } = await import('../src/cubes/query/model.js');
  const { aggregatePlan, membersPlan } = await import('../src/cubes/query/aggregate.js');
  const { dimensionCardinalities } = await import('../src/cubes/query/cardinality.js');
  const { factsPlan } = await import('../src/cubes/query/facts.js');
  const firstPage = { offset: 0, limit: 100 };
  await migrate();

  const generation = { seed: opts.seed, facts, version: 1 };
  const existing = await db.dataset.findUnique({ where: { name: DATASET } });
  const current = (existing?.source as { generation?: typeof generation } | null)?.generation;
  if (!existing || JSON.stringify(current) !== JSON.stringify(generation)) {
    if (existing) await db.dataset.delete({ where: { id: existing.id } });
    const started = performance.now();
    const dims: [string, [string, string][]][] = [
      ['recipient', [['id', 'string'], ['name', 'string']]],
      ['region', [['code', 'string'], ['name', 'string']]],
      ['category', [['code', 'integer'], ['label', 'string']]],
      ['date', [['day', 'date']]],
      ['type', [['kind', 'string']]],
    ];
    const dataset = await db.dataset.create({
      data: {
        name: DATASET,
        family: 'CUBE',
        title: 'Benchmark cube',
        loader: 'bench',
        source: { model: null, datapackage: null, fiscalPeriod: { start: '2015-04-01', end: '2016-03-31' }, generation },
        dimensions: {
          create: dims.map(([name, attributes], position) => ({
            name,
            keyAttribute: attributes[0]![0],
            labelAttribute: attributes[1]?.[0] ?? null,
            position,
            attributes: {
              create: attributes.map(([attr, type], i) => ({ name: attr, column: `${name}.${attr}`, type, position: i })),
            },
          })),
        },
        measures: {
          create: [
            { name: 'amount', column: 'amount', currency: 'EUR', position: 0 },
            { name: 'quantity', column: 'quantity', position: 1 },
          ],
        },
      },
    });
    // Seeded, session-independent pseudo-random values: hashes of the row number and the seed.
    const batch = 100_000;
    for (let from = 1; from <= facts; from += batch) {
      const to = Math.min(facts, from + batch - 1);
      await db.$executeRaw`
        INSERT INTO fact (dataset_id, row_number, data)
        SELECT ${dataset.id}, i, jsonb_build_object(
          'recipient.id', 'R' || lpad(r::text, 5, '0'), 'recipient.name', 'Recipient ' || r,
          'region.code', 'RG' || lpad(g::text, 2, '0'), 'region.name', 'Region ' || g,
          'category.code', c, 'category.label', 'Category ' || c,
          'date.day', to_char(date '2015-01-01' + d, 'YYYY-MM-DD'),
          'type.kind', (ARRAY['grant', 'contract', 'loan', 'transfer', 'other'])[k + 1],
          'amount', round((a::numeric / 100) - 1000000, 2),
          'quantity', q)
        FROM (
          SELECT i,
            (hashint8(i * 11 + ${opts.seed}) & 2147483647) % 10000 + 1 AS r,
            (hashint8(i * 13 + ${opts.seed}) & 2147483647) % 50 + 1 AS g,
            (hashint8(i * 17 + ${opts.seed}) & 2147483647) % 300 + 1 AS c,
            ((hashint8(i * 19 + ${opts.seed}) & 2147483647) % 3650)::int AS d,
            (hashint8(i * 23 + ${opts.seed}) & 2147483647) % 5 AS k,
            (hashint8(i * 29 + ${opts.seed}) & 2147483647) % 1000000000 AS a,
            (hashint8(i * 31 + ${opts.seed}) & 2147483647) % 100 AS q
          FROM generate_series(${from}::bigint, ${to}::bigint) AS i
        ) s`;
      process.stderr.write(`\r${engine}: generated ${to} of ${facts} facts`);
    }
    await db.$executeRawUnsafe('ANALYZE fact');
    process.stderr.write(`\n${engine}: generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const { id } = await db.dataset.findUniqueOrThrow({ where: { name: DATASET }, select: { id: true } });

  // The layer computes dimension cardinalities once per model version (in the background on first use); they steer
  // index use for equality cuts. Measure that one-time cost separately rather than inside the first timed query.
  const cardinalityMs = await time(async () => dimensionCardinalities(await loadCube(DATASET)));
  process.stderr.write(`${engine}: one-time cardinalities of ${facts} facts: ${cardinalityMs.toFixed(0)} ms\n`);

  let floor: (sql: string, params: unknown[]) => Promise<unknown>;
  let closeFloor = async () => {};
  if (engine === 'postgres') {
    const pool = new pg.Pool({ connectionString: opts.url, max: 4 });
    floor = (sql, params) => pool.query(sql, params);
    closeFloor = () => pool.end();
  } else {
    floor = (sql, params) => db.$queryRawUnsafe(sql, ...params);
  }

  const cut = `type.kind:"grant"`;
  const cases: { name: string; layer: () => Promise<unknown>; floor: () => Promise<unknown> }[] = [
    {
      name: 'aggregate by 2 dims with a cut',
      layer: async () =>
        aggregatePlan(await loadCube(DATASET), {
          cut,
          drilldown: ['region.code', 'category.code'],
          aggregates: ['_count', 'amount.sum', 'quantity.sum'],
        }).cells(firstPage),
      floor: () =>
        floor(
          `SELECT d0, d1, count(*) AS a0, sum(m0) AS a1, sum(m1) AS a2, count(*) OVER () AS cells,
                  sum(count(*)) OVER () AS s0, sum(sum(m0)) OVER () AS s1, sum(sum(m1)) OVER () AS s2
           FROM (SELECT data ->> 'region.code' AS d0, (data ->> 'category.code')::numeric AS d1,
                        (data ->> 'amount')::numeric AS m0, (data ->> 'quantity')::numeric AS m1
                 FROM fact WHERE dataset_id = $1 AND data @> '{"type.kind": "grant"}') b
           GROUP BY d0, d1 ORDER BY d0, d1 LIMIT 100`,
          [id],
        ),
    },
    {
      name: 'aggregate by 2 dims with a cut, naive floor (->> equality)',
      layer: async () =>
        aggregatePlan(await loadCube(DATASET), {
          cut,
          drilldown: ['region.code', 'category.code'],
          aggregates: ['_count', 'amount.sum', 'quantity.sum'],
        }).cells(firstPage),
      floor: () =>
        floor(
          `SELECT d0, d1, count(*) AS a0, sum(m0) AS a1, sum(m1) AS a2, count(*) OVER () AS cells,
                  sum(count(*)) OVER () AS s0, sum(sum(m0)) OVER () AS s1, sum(sum(m1)) OVER () AS s2
           FROM (SELECT data ->> 'region.code' AS d0, (data ->> 'category.code')::numeric AS d1,
                        (data ->> 'amount')::numeric AS m0, (data ->> 'quantity')::numeric AS m1
                 FROM fact WHERE dataset_id = $1 AND data ->> 'type.kind' = 'grant') b
           GROUP BY d0, d1 ORDER BY d0, d1 LIMIT 100`,
          [id],
        ),
    },
    {
      name: 'aggregate by region and year with a selective cut (one recipient)',
      layer: async () =>
        aggregatePlan(await loadCube(DATASET), {
          cut: 'recipient:"R00042"',
          drilldown: ['region.code', 'date.day@year'],
          aggregates: ['_count', 'amount.sum'],
        }).cells(firstPage),
      floor: () =>
        floor(
          `SELECT d0, d1, count(*) AS a0, sum(m0) AS a1, count(*) OVER () AS cells,
                  sum(count(*)) OVER () AS s0, sum(sum(m0)) OVER () AS s1
           FROM (SELECT data ->> 'region.code' AS d0, EXTRACT(YEAR FROM (data ->> 'date.day')::date)::int AS d1,
                        (data ->> 'amount')::numeric AS m0
                 FROM fact WHERE dataset_id = $1 AND data @> '{"recipient.id": "R00042"}') b
           GROUP BY d0, d1 ORDER BY d0, d1 LIMIT 100`,
          [id],
        ),
    },
    ...[1, 500].map((page) => ({
      name: `facts page ${page} ordered by amount`,
      layer: async () => {
        const plan = factsPlan(await loadCube(DATASET), { order: [{ ref: 'amount', direction: 'desc' }] });
        return Promise.all([plan.rows({ offset: (page - 1) * 100, limit: 100 }), plan.count()]);
      },
      floor: () =>
        Promise.all([
          floor(
            `SELECT row_number, data FROM fact WHERE dataset_id = $1
             ORDER BY (data ->> 'amount')::numeric DESC NULLS LAST, row_number LIMIT 100 OFFSET $2`,
            [id, (page - 1) * 100],
          ),
          floor('SELECT count(*) FROM fact WHERE dataset_id = $1', [id]),
        ]),
    })),
    {
      name: 'members of the 10,000-member dimension',
      layer: async () => membersPlan(await loadCube(DATASET), 'recipient', {}).plan.cells(firstPage),
      floor: () =>
        floor(
          `SELECT data ->> 'recipient.id' AS d0, data ->> 'recipient.name' AS d1, count(*) OVER () AS members
           FROM fact WHERE dataset_id = $1 GROUP BY d0, d1 ORDER BY d0, d1 LIMIT 100`,
          [id],
        ),
    },
  ];

  const results: string[] = [];
  for (const c of cases) {
    await c.layer();
    await c.floor();
    const layer: number[] = [];
    const hand: number[] = [];
    for (let i = 0; i < opts.runs; i += 1) {
      layer.push(await time(c.layer));
      hand.push(await time(c.floor));
    }
    const l = median(layer);
    const f = median(hand);
    results.push(
      `| ${engine} | ${facts.toLocaleString('en')} | ${c.name} | ${l.toFixed(1)} | ${f.toFixed(1)} | ${(l / f).toFixed(2)}x |`,
    );
  }
  console.log(results.join('\n'));
  await closeFloor();
  await closeDb();
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const self = fileURLToPath(import.meta.url);
  if (process.env.BENCH_CHILD === 'postgres') return run('postgres', opts.facts, opts);
  if (process.env.BENCH_CHILD === 'pglite') return run('pglite', opts.pgliteFacts, opts);
  console.log('| engine | facts | query | layer median ms | hand-written SQL median ms | ratio |');
  console.log('|---|---|---|---|---|---|');
  const child = (engine: 'postgres' | 'pglite', env: Record<string, string>) => {
    const result = spawnSync(process.execPath, [...process.execArgv, self, ...process.argv.slice(2)], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...env, BENCH_CHILD: engine, NODE_ENV: 'production' },
    });
    if (result.status !== 0) throw new Error(`${engine} run failed`);
  };
  if (opts.engine !== 'pglite') {
    await ensureDatabase(opts.url);
    child('postgres', { DATABASE_URL: opts.url });
  }
  if (opts.engine !== 'postgres') child('pglite', { DATABASE_URL: '', SPENDGRAPH_DATA_DIR: 'memory://' });
}

await main();
