/**
 * Benchmark and load harness: Spendgraph over HTTP against the floor (hand-written SQL through `pg`, prepared
 * statements) and PostGraphile 5 (the peer), on one seeded database, then autocannon load and a soak.
 *
 *   npx tsx bench/run.ts --scale small|medium|large [--runs N] [--warmup N] [--soak-seconds S] [--load-seconds S] [--no-peer] [--json]
 *
 * The peer is a separate npm project in bench/peer (run `npm install` there once; it brings Node 22 and autocannon).
 * Both servers run on that same Node binary, so neither gains from a newer V8. Results: bench/results/<scale>.md and
 * bench/results/<scale>.json (both committed), and the scale's table in the README's performance section. `--json`
 * ends the output with one line of JSON: the worst ratios to the floor and to the peer, throughput and statements.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { compare, summarise, takeSnapshot } from './heap.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const peerDir = join(here, 'peer');

// ---------------------------------------------------------------------------------------------------------- options
const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SCALES = {
  small: { facts: 50_000, awards: 60_000, transactions: 180_000, records: 50_000, runs: 20, load: 5, soak: 15 },
  medium: { facts: 250_000, awards: 150_000, transactions: 450_000, records: 250_000, runs: 20, load: 15, soak: 60 },
  large: { facts: 1_000_000, awards: 500_000, transactions: 1_500_000, records: 1_000_000, runs: 20, load: 30, soak: 300 },
} as const;
type Scale = keyof typeof SCALES;
const scaleName = (arg('scale') ?? 'small') as Scale;
if (!(scaleName in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
const scale = SCALES[scaleName];
const positive = (name: string, fallback: number) => {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
};
const RUNS = positive('runs', scale.runs);
const WARMUP = positive('warmup', 30);
const SOAK_SECONDS = positive('soak-seconds', scale.soak);
const LOAD_SECONDS = positive('load-seconds', scale.load);
const LOAD_WARMUP_SECONDS = 5;
const WITH_PEER = !argv.includes('--no-peer');
const JSON_SUMMARY = argv.includes('--json');
const SEED = 7;
const GENERATION = { version: 1, seed: SEED, ...scale, runs: undefined, load: undefined, soak: undefined };
const dbName = `sg_bench_${scaleName}`;
const directUrl = `postgresql://postgres@127.0.0.1:5432/${dbName}`;
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

// --------------------------------------------------------------------------------- statement-counting wire proxy
/**
 * Every contender reaches PostgreSQL through this pass-through TCP proxy, which counts the statements clients send:
 * simple-protocol Query messages and extended-protocol Execute messages (BEGIN/COMMIT included). It adds the same
 * small hop to every contender, the floor included.
 */
const clip = (sql: string) => (sql.length > 4000 ? `${sql.slice(0, 4000)}...` : sql);

class CountingProxy {
  statements = 0;
  /**
   * When set, the SQL text of every Query, unnamed Parse and Bind of a named (prepared) statement is appended here:
   * what each request runs, whether or not its statements were prepared by an earlier one.
   */
  capture: string[] | null = null;
  private server = net.createServer((client) => this.handle(client));
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private handle(client: net.Socket) {
    const upstream = net.connect(5432, '127.0.0.1');
    // Without this, Nagle's algorithm holds back clients that write one protocol message at a time (about 40 ms).
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    let started = false;
    /** The SQL of the statements this connection prepared, by name, so that a request executing one shows its text. */
    const prepared = new Map<string, string>();
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      for (;;) {
        if (!started) {
          if (pending.length - at < 8) break;
          const len = pending.readInt32BE(at);
          if (pending.length - at < len) break;
          const code = pending.readInt32BE(at + 4);
          at += len;
          if (code !== 80877103 && code !== 80877104) started = true; // not SSLRequest / GSSENCRequest
          continue;
        }
        if (pending.length - at < 5) break;
        const len = pending.readInt32BE(at + 1);
        if (pending.length - at < len + 1) break;
        const type = pending[at];
        if (type === 0x51 || type === 0x45) this.statements += 1; // 'Q' or 'E'
        if (type === 0x51 || type === 0x50) {
          // Query: the SQL; Parse: a statement name, then the SQL (both NUL-terminated).
          let from = at + 5;
          let name = '';
          if (type === 0x50) {
            const end = pending.indexOf(0, from);
            name = pending.toString('utf8', from, end);
            from = end + 1;
          }
          const sql = pending.toString('utf8', from, pending.indexOf(0, from)).replace(/\s+/g, ' ');
          if (name) prepared.set(name, sql);
          else this.capture?.push(clip(sql));
        } else if (type === 0x42 && this.capture) {
          // Bind: a portal name, then the statement name. A named statement was parsed by an earlier request.
          const portalEnd = pending.indexOf(0, at + 5);
          const name = pending.toString('utf8', portalEnd + 1, pending.indexOf(0, portalEnd + 1));
          const sql = name ? prepared.get(name) : undefined;
          if (sql) this.capture.push(`(prepared ${name}) ${clip(sql)}`);
        }
        at += len + 1;
      }
      pending = pending.subarray(at);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  }

  close() {
    this.server.close();
  }
}

// ------------------------------------------------------------------------------------------------------- generator
async function ensureDatabase() {
  const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const { createAdapter } = await import('../src/db/adapter.js');
  const { applyMigrations } = await import('../src/db/schema-engine.js');
  const adapter = createAdapter({ url: directUrl });
  await applyMigrations(adapter.factory);
  await adapter.close();
}

const h = (expr: string, salt: number) => `(abs(hashint8((${expr}) * ${salt} + ${SEED})) % 2147483647)`;

async function seed(client: pg.Client) {
  const marker = JSON.stringify(GENERATION);
  const current = await client.query(`SELECT source AS s FROM dataset WHERE name = 'bench-marker'`);
  const canonical = (value: object) => JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))));
  if (current.rows[0]?.s && canonical(current.rows[0].s) === canonical(JSON.parse(marker))) {
    log('data already generated for this scale');
    return false;
  }
  const started = Date.now();
  // The database is the benchmark's own: emptying it wholesale is much faster than cascading deletes.
  await client.query('TRUNCATE dataset RESTART IDENTITY CASCADE');
  const dataset = async (name: string, family: string) =>
    (
      await client.query(
        `INSERT INTO dataset (name, family, title, loader, updated_at) VALUES ($1, $2, $1, 'bench', now()) RETURNING id`,
        [name, family],
      )
    ).rows[0].id as number;

  // Awards: 20 toptier agencies, 100 agencies, 20,000 locations, 10,000 recipients, then awards and transactions.
  const aw = await dataset('bench-awards', 'AWARDS');
  const states = `(ARRAY['AL','AZ','CA','CO','FL','GA','IL','MA','MD','MI','MN','NC','NJ','NY','OH','PA','TX','VA','WA','WI'])`;
  await client.query(
    `INSERT INTO toptier_agency (dataset_id, cgac_code, fpds_code, name)
     SELECT $1, lpad(i::text, 3, '0'), lpad(i::text, 4, '0'), 'AGENCY ' || i FROM generate_series(1, 20) i`,
    [aw],
  );
  await client.query(
    `INSERT INTO subtier_agency (dataset_id, subtier_code, name) SELECT $1, lpad(i::text, 4, '0'), 'SUBTIER ' || i FROM generate_series(1, 100) i`,
    [aw],
  );
  await client.query(
    `INSERT INTO agency (dataset_id, toptier_agency_id, subtier_agency_id, toptier_flag)
     SELECT $1, t.id, s.id, s.rn <= 20
     FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM subtier_agency WHERE dataset_id = $1) s
     JOIN (SELECT id, row_number() OVER (ORDER BY id) rn FROM toptier_agency WHERE dataset_id = $1) t ON t.rn = 1 + s.rn % 20
     ORDER BY s.id`,
    [aw],
  );
  await client.query(
    `INSERT INTO location (dataset_id, country_code, country_name, state_code, city_name, zip5, recipient_flag, place_of_performance_flag)
     SELECT $1, 'USA', 'UNITED STATES', ${states}[1 + ${h('i', 7)} % 20], 'CITY ' || ${h('i', 11)} % 2000,
            lpad((${h('i', 13)} % 99999)::text, 5, '0'), i % 2 = 0, i % 2 = 1
     FROM generate_series(1, 20000) i`,
    [aw],
  );
  const firstId = async (table: string) =>
    Number((await client.query(`SELECT min(id) AS m FROM "${table}" WHERE dataset_id = $1`, [aw])).rows[0].m);
  const [agency0, location0] = [await firstId('agency'), await firstId('location')];
  await client.query(
    `INSERT INTO recipient (dataset_id, recipient_name, recipient_unique_id, business_categories, location_id)
     SELECT $1, (ARRAY['ACME','GLOBEX','INITECH','UMBRELLA','STARK','WAYNE'])[1 + ${h('i', 17)} % 6] || ' ' || i,
            lpad(i::text, 9, '0'), ARRAY[]::text[], $2 + ${h('i', 19)} % 20000
     FROM generate_series(1, 10000) i`,
    [aw, location0],
  );
  const recipient0 = await firstId('recipient');
  for (let from = 1; from <= scale.awards; from += 100_000) {
    const to = Math.min(scale.awards, from + 99_999);
    await client.query(
      `INSERT INTO award (dataset_id, type, category, piid, total_obligation, awarding_agency_id, funding_agency_id, recipient_id,
                          place_of_performance_id, date_signed, description, period_of_performance_start_date,
                          period_of_performance_current_end_date)
       SELECT $1, t, CASE WHEN t IN ('A','B','C','D') THEN 'contract' ELSE 'grant' END, 'PIID' || i, (${h('i', 23)} % 10000000) / 100.0,
              $2 + ${h('i', 29)} % 100, $2 + ${h('i', 31)} % 100, $3 + ${h('i', 37)} % 10000, $4 + ${h('i', 41)} % 20000,
              d, 'AWARD ' || i, d, d + 30 + ${h('i', 43)} % 700
       FROM (SELECT i, (ARRAY['A','B','C','D','02','03','04','05'])[1 + ${h('i', 47)} % 8] t,
                    DATE '2012-10-01' + (${h('i', 53)} % 1826)::int d
             FROM generate_series($5::int, $6::int) i) g`,
      [aw, agency0, recipient0, location0, from, to],
    );
  }
  const award0 = await firstId('award');
  for (let from = 0; from < scale.transactions; from += 300_000) {
    const to = Math.min(scale.transactions, from + 300_000) - 1;
    await client.query(
      `INSERT INTO transaction (dataset_id, award_id, type, action_date, action_type, federal_action_obligation, awarding_agency_id,
                                funding_agency_id, recipient_id, place_of_performance_id, fiscal_year, modification_number)
       SELECT $1, a.id, a.type, a.date_signed + (i / $3::int) * 90, 'A', round(a.total_obligation / 3, 2), a.awarding_agency_id,
              a.funding_agency_id, a.recipient_id, a.place_of_performance_id, EXTRACT(YEAR FROM a.date_signed)::int, (i / $3::int)::text
       FROM generate_series($4::int, $5::int) i JOIN award a ON a.id = $2 + i % $3::int`,
      [aw, award0, scale.awards, from, to],
    );
  }

  // Cube: 5 dimensions (one with 10,000 members), 2 measures, facts in JSONB.
  const cube = await dataset('bench-cubes', 'CUBE');
  await client.query(`UPDATE dataset SET source = '{"fiscalPeriod": {"start": "2015-04-01", "end": "2016-03-31"}}' WHERE id = $1`, [cube]);
  const dims: [string, [string, string][]][] = [
    ['recipient', [['id', 'string'], ['name', 'string']]],
    ['region', [['code', 'string'], ['name', 'string']]],
    ['category', [['code', 'integer'], ['label', 'string']]],
    ['date', [['day', 'date']]],
    ['type', [['kind', 'string']]],
  ];
  for (const [position, [name, attributes]] of dims.entries()) {
    const { rows } = await client.query(
      `INSERT INTO dimension (dataset_id, name, key_attribute, label_attribute, position) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [cube, name, attributes[0]![0], attributes[1]?.[0] ?? null, position],
    );
    for (const [i, [attr, type]] of attributes.entries()) {
      await client.query(`INSERT INTO attribute (dimension_id, name, "column", type, position) VALUES ($1, $2, $3, $4, $5)`, [
        rows[0].id,
        attr,
        `${name}.${attr}`,
        type,
        i,
      ]);
    }
  }
  await client.query(
    `INSERT INTO measure (dataset_id, name, "column", currency, position) VALUES ($1, 'amount', 'amount', 'EUR', 0), ($1, 'quantity', 'quantity', NULL, 1)`,
    [cube],
  );
  for (let from = 1; from <= scale.facts; from += 200_000) {
    const to = Math.min(scale.facts, from + 199_999);
    await client.query(
      `INSERT INTO fact (dataset_id, row_number, data)
       SELECT $1, i, jsonb_build_object('recipient.id', 'R' || lpad(r::text, 5, '0'), 'recipient.name', 'Recipient ' || r,
         'region.code', 'RG' || lpad(g::text, 2, '0'), 'region.name', 'Region ' || g, 'category.code', c, 'category.label', 'Category ' || c,
         'date.day', to_char(date '2015-01-01' + d, 'YYYY-MM-DD'), 'type.kind', (ARRAY['grant','contract','loan','transfer','other'])[k + 1],
         'amount', round(a / 100.0 - 1000000, 2), 'quantity', q)
       FROM (SELECT i, ${h('i', 59)} % 10000 + 1 r, ${h('i', 61)} % 50 + 1 g, ${h('i', 67)} % 300 + 1 c, (${h('i', 71)} % 3650)::int d,
                    ${h('i', 73)} % 5 k, ${h('i', 79)} % 1000000000 a, ${h('i', 83)} % 100 q
             FROM generate_series($2::int, $3::int) i) s`,
      [cube, from, to],
    );
  }

  // Records: text, facet, numeric, date and geo fields.
  const rec = await dataset('bench-records', 'RECORDS');
  const fields: [string, string, object][] = [
    ['name', 'text', {}],
    ['category', 'text', { facet: true }],
    ['amount', 'int', {}],
    ['day', 'date', { facet: true, hierarchical: true }],
    ['location', 'geo_point_2d', {}],
  ];
  for (const [position, [name, type, annotations]] of fields.entries()) {
    await client.query(`INSERT INTO record_field (dataset_id, name, label, type, annotations, position) VALUES ($1, $2, $2, $3, $4, $5)`, [
      rec,
      name,
      type,
      JSON.stringify(annotations),
      position,
    ]);
  }
  const words = `{alpha,bridge,canal,delta,east,forest,garden,harbor,island,junction,king,lake,market,north,oak,park,queen,river,south,tower}`;
  for (let from = 1; from <= scale.records; from += 250_000) {
    const to = Math.min(scale.records, from + 249_999);
    await client.query(
      `INSERT INTO record (dataset_id, record_id, fields, lat, lon, geometry, timestamp, search_text)
       SELECT $1, 'r' || i, jsonb_build_object('name', name, 'category', category, 'amount', amount, 'day', day, 'location', jsonb_build_array(lat, lon)),
              lat, lon, jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(lon, lat)), now(),
              ' ' || name || ' ' || category || ' ' || amount || ' ' || day || ' '
       FROM (SELECT i, ($2::text[])[1 + ${h('i', 89)} % 20] || ' ' || ($2::text[])[1 + ${h('i', 97)} % 20] AS name,
                    'cat' || ${h('i', 101)} % 5 AS category, ${h('i', 103)} % 100000 AS amount,
                    to_char(date '2015-01-01' + (${h('i', 107)} % 3650)::int, 'YYYY-MM-DD') AS day,
                    round((36 + (${h('i', 109)} % 34000000) / 1e6)::numeric, 5)::float8 AS lat,
                    round((-10 + (${h('i', 113)} % 50000000) / 1e6)::numeric, 5)::float8 AS lon
             FROM generate_series($3::int, $4::int) i) g`,
      [rec, words, from, to],
    );
  }
  await client.query(`INSERT INTO dataset (name, family, title, loader, updated_at, source) VALUES ('bench-marker', 'RECORDS', 'generation', 'bench', now(), $1)`, [
    marker,
  ]);
  await client.query('VACUUM ANALYZE');
  log(`generated ${scaleName} data in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

// ----------------------------------------------------------------------------------------------------- contenders
async function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, cwd = root) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 120 s:\n${output.slice(-2000)}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
  child.removeAllListeners('exit');
  return child;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const SETTLE_STEP_SECONDS = 10;
/** Settled: RSS grew by less than this over the last two steps. */
const SETTLE_GROWTH_PERCENT = 2;

/**
 * Runs `step` (SETTLE_STEP_SECONDS of load) until the process's RSS has settled: at least `minSeconds`, then until
 * it grew by less than SETTLE_GROWTH_PERCENT over the last two steps, at most 180 s. Returns the seconds it took and
 * the RSS after each step, which the results keep.
 */
async function settleRss(pid: number, step: () => Promise<unknown>, minSeconds: number): Promise<{ seconds: number; readings: number[] }> {
  const readings = [rssMb(pid)];
  let seconds = 0;
  for (;;) {
    await step();
    seconds += SETTLE_STEP_SECONDS;
    readings.push(rssMb(pid));
    const twoStepsAgo = readings.at(-3);
    const settled = twoStepsAgo !== undefined && ((readings.at(-1)! - twoStepsAgo) / twoStepsAgo) * 100 < SETTLE_GROWTH_PERCENT;
    if ((seconds >= minSeconds && settled) || seconds >= 180) return { seconds, readings: readings.map((mb) => Math.round(mb)) };
  }
}

async function graphql(port: number, query: string, variables?: unknown): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL error (${response.status}): ${JSON.stringify(body.errors ?? body).slice(0, 600)}`);
  return body.data;
}

// ------------------------------------------------------------------------------------------------------ scenarios
interface Scenario {
  name: string;
  /** Each returns a canonical answer; the harness checks they are equal before timing. */
  floor: () => Promise<unknown>;
  spendgraph: () => Promise<unknown>;
  peer?: () => Promise<unknown>;
  /** The GraphQL request sent to Spendgraph (reused for load). */
  request?: { query: string; variables?: unknown };
  /** The equivalent request sent to the peer (reused for load). */
  peerRequest?: { query: string; variables?: unknown };
}

const money = (v: unknown) => (v === null || v === undefined ? null : Number(v).toFixed(2));

function scenarios(floorClient: pg.Pool, sgPort: number, peerPort: number, ids: { agency: number; toptierName: string }): Scenario[] {
  const q = async (name: string, text: string, values: unknown[]) => (await floorClient.query({ name, text, values })).rows;
  const sg = (query: string, variables?: unknown) => graphql(sgPort, query, variables);
  const pp = (query: string, variables?: unknown) => graphql(peerPort, query, variables);
  const ds = `dataset: "bench-awards"`;
  const awardsDs = `a.dataset_id = (SELECT id FROM dataset WHERE name = 'bench-awards')`;

  const filtered = {
    query: `query ($f: AwardFilter) { awards(${ds}, filter: $f, first: 100) { nodes { rowId totalObligation } } }`,
    variables: {
      f: {
        type: { in: ['A', 'B', 'C', 'D'] },
        or: [{ totalObligation: { range: { from: '1000', to: '20000' } } }, { dateSigned: { gte: '2017-06-01' } }],
        not: { type: { equals: 'C' } },
      },
    },
  };
  const nested = {
    query: `query ($f: AwardFilter) { awards(${ds}, filter: $f, first: 20) { nodes { rowId
      recipient { recipientName location { stateCode } } transactions(first: 500) { nodes { rowId federalActionObligation } } } } }`,
    variables: { f: { awardingAgency: { rowId: { equals: ids.agency } } } },
  };
  const totals = (agg: string) => `${agg.toLowerCase()}: awardTotals(${ds}, field: TOTAL_OBLIGATION, aggregates: [${agg}],
      groupBy: [AWARDING_AGENCY_ROW_ID], first: 500) { nodes { groups { value } ${agg.toLowerCase()} } }`;
  const grouped = { query: `{ ${['COUNT', 'SUM', 'AVG', 'MAX'].map(totals).join(' ')} }` };
  const deep = { query: `{ awards(${ds}, offset: 49900, first: 100) { nodes { rowId totalObligation } } }` };
  const range = {
    query: `{ awards(${ds}, first: 100, filter: { periodOfPerformanceStartDate: { isNull: false,
      rangeIntersect: { endField: PERIOD_OF_PERFORMANCE_CURRENT_END_DATE, from: "2015-01-01", to: "2015-03-31" } },
      periodOfPerformanceCurrentEndDate: { isNull: false } }) { totalCount nodes { rowId } } }`,
  };
  const relation = {
    query: `query ($name: String!) { awards(${ds}, first: 100, filter: { recipient: { location: { stateCode: { equals: "CA" } } },
      awardingAgency: { toptierAgency: { name: { equals: $name } } } }) { totalCount nodes { rowId recipient { recipientName } } } }`,
    variables: { name: ids.toptierName },
  };
  const cube = {
    query: `{ cube(name: "bench-cubes") { aggregate(cut: "type.kind:\\"grant\\"", drilldown: ["region.code", "category.code"],
      aggregates: ["_count", "amount.sum"], first: 100) { totalCount nodes { key values } } } }`,
  };
  const search = {
    query: `{ records(dataset: "bench-records", q: "alpha", facets: ["category"], first: 10) { totalCount nodes { recordId } facetGroups { name facets { name count } } } }`,
  };

  const filteredPeer = {
    query: `{ allAwards(first: 100, orderBy: PRIMARY_KEY_ASC, filter: { and: [{ type: { in: ["A","B","C","D"] } },
      { or: [{ totalObligation: { greaterThanOrEqualTo: "1000", lessThanOrEqualTo: "20000" } }, { dateSigned: { greaterThanOrEqualTo: "2017-06-01" } }] },
      { not: { type: { equalTo: "C" } } }] }) { nodes { rowId totalObligation } } }`,
  };

  const list = (rows: { id: unknown; total?: unknown }[]) => rows.map((r) => [String(r.id), money(r.total)]);
  return [
    {
      name: 'filtered list (and/or/not), 100 rows',
      request: filtered,
      peerRequest: filteredPeer,
      floor: async () =>
        list(
          await q(
            'filtered',
            `SELECT a.id, a.total_obligation AS total FROM award a WHERE ${awardsDs} AND a.type IN ('A','B','C','D')
             AND (a.total_obligation BETWEEN 1000 AND 20000 OR a.date_signed >= '2017-06-01') AND NOT a.type = 'C' ORDER BY a.id LIMIT 100`,
            [],
          ),
        ),
      spendgraph: async () => list((await sg(filtered.query, filtered.variables)).awards.nodes.map((n: any) => ({ id: n.rowId, total: n.totalObligation }))),
      peer: async () =>
        list(
          (await pp(filteredPeer.query)).allAwards.nodes.map((n: any) => ({ id: n.rowId, total: n.totalObligation })),
        ),
    },
    {
      name: 'three-level nesting: agency -> 20 awards -> recipient + transactions',
      request: nested,
      floor: async () =>
        (
          await q(
            'nested',
            `SELECT a.id, r.recipient_name, l.state_code,
                    (SELECT json_agg(json_build_array(t.id, t.federal_action_obligation) ORDER BY t.id) FROM transaction t WHERE t.award_id = a.id) tx
             FROM award a LEFT JOIN recipient r ON r.id = a.recipient_id LEFT JOIN location l ON l.id = r.location_id
             WHERE ${awardsDs} AND a.awarding_agency_id = $1 ORDER BY a.id LIMIT 20`,
            [ids.agency],
          )
        ).map((r) => [String(r.id), r.recipient_name, r.state_code, (r.tx ?? []).map((t: unknown[]) => [String(t[0]), money(t[1])])]),
      spendgraph: async () =>
        (await sg(nested.query, nested.variables)).awards.nodes.map((n: any) => [
          String(n.rowId),
          n.recipient?.recipientName,
          n.recipient?.location?.stateCode,
          n.transactions.nodes.map((t: any) => [String(t.rowId), money(t.federalActionObligation)]).sort((x: string[], y: string[]) => Number(x[0]) - Number(y[0])),
        ]),
      peer: async () =>
        (
          await pp(`{ agencyByRowId(rowId: ${ids.agency}) { awardsByAwardingAgencyId(first: 20, orderBy: PRIMARY_KEY_ASC) { nodes { rowId
            recipientByRecipientId { recipientName locationByLocationId { stateCode } }
            transactionsByAwardId(orderBy: PRIMARY_KEY_ASC) { nodes { rowId federalActionObligation } } } } } }`)
        ).agencyByRowId.awardsByAwardingAgencyId.nodes.map((n: any) => [
          String(n.rowId),
          n.recipientByRecipientId?.recipientName,
          n.recipientByRecipientId?.locationByLocationId?.stateCode,
          n.transactionsByAwardId.nodes.map((t: any) => [String(t.rowId), money(t.federalActionObligation)]),
        ]),
    },
    {
      name: 'group-by agency with count, sum, avg, max',
      request: grouped,
      floor: async () =>
        (
          await q(
            'grouped',
            `SELECT a.awarding_agency_id k, count(*) n, sum(a.total_obligation) s, avg(a.total_obligation) av, max(a.total_obligation) mx
             FROM award a WHERE ${awardsDs} GROUP BY 1 ORDER BY 1`,
            [],
          )
        ).map((r) => [String(r.k), Number(r.n), money(r.s), money(r.av), money(r.mx)]),
      spendgraph: async () => {
        const data = await sg(grouped.query);
        const by = new Map<string, unknown[]>();
        for (const [i, key] of ['count', 'sum', 'avg', 'max'].entries()) {
          for (const row of data[key].nodes) {
            const k = String(row.groups[0].value);
            if (!by.has(k)) by.set(k, [k, 0, null, null, null]);
            by.get(k)![i + 1] = i === 0 ? Number(row[key]) : money(row[key]);
          }
        }
        return [...by.values()].sort((x, y) => Number(x[0]) - Number(y[0]));
      },
      peer: async () =>
        (
          await pp(`{ allAwards { groupedAggregates(groupBy: AWARDING_AGENCY_ID) { keys distinctCount { rowId }
            sum { totalObligation } average { totalObligation } max { totalObligation } } } }`)
        ).allAwards.groupedAggregates
          .map((g: any) => [String(g.keys[0]), Number(g.distinctCount.rowId), money(g.sum.totalObligation), money(g.average.totalObligation), money(g.max.totalObligation)])
          .sort((x: unknown[], y: unknown[]) => Number(x[0]) - Number(y[0])),
    },
    {
      name: 'deep pagination: page 500 of 100',
      request: deep,
      floor: async () =>
        list(await q('deep', `SELECT a.id, a.total_obligation AS total FROM award a WHERE ${awardsDs} ORDER BY a.id LIMIT 100 OFFSET 49900`, [])),
      spendgraph: async () => list((await sg(deep.query)).awards.nodes.map((n: any) => ({ id: n.rowId, total: n.totalObligation }))),
      peer: async () =>
        list(
          (await pp(`{ allAwards(first: 100, offset: 49900, orderBy: PRIMARY_KEY_ASC) { nodes { rowId totalObligation } } }`)).allAwards.nodes.map(
            (n: any) => ({ id: n.rowId, total: n.totalObligation }),
          ),
        ),
    },
    {
      name: 'range intersection with total count',
      request: range,
      floor: async () => {
        const where = `${awardsDs} AND a.period_of_performance_start_date <= '2015-03-31' AND a.period_of_performance_current_end_date >= '2015-01-01'`;
        const [count, rows] = await Promise.all([
          q('range-count', `SELECT count(*)::int n FROM award a WHERE ${where}`, []),
          q('range-rows', `SELECT a.id FROM award a WHERE ${where} ORDER BY a.id LIMIT 100`, []),
        ]);
        return [count[0].n, rows.map((r) => String(r.id))];
      },
      spendgraph: async () => {
        const page = (await sg(range.query)).awards;
        return [page.totalCount, page.nodes.map((n: any) => String(n.rowId))];
      },
      peer: async () => {
        const page = (
          await pp(`{ allAwards(first: 100, orderBy: PRIMARY_KEY_ASC, filter: { periodOfPerformanceStartDate: { lessThanOrEqualTo: "2015-03-31" },
            periodOfPerformanceCurrentEndDate: { greaterThanOrEqualTo: "2015-01-01" } }) { totalCount nodes { rowId } } }`)
        ).allAwards;
        return [page.totalCount, page.nodes.map((n: any) => String(n.rowId))];
      },
    },
    {
      name: 'relation filter (recipient state, agency name) with total count',
      request: relation,
      floor: async () => {
        const from = `FROM award a JOIN recipient r ON r.id = a.recipient_id JOIN location l ON l.id = r.location_id
          JOIN agency g ON g.id = a.awarding_agency_id JOIN toptier_agency t ON t.id = g.toptier_agency_id
          WHERE ${awardsDs} AND l.state_code = 'CA' AND t.name = $1`;
        const [count, rows] = await Promise.all([
          q('relation-count', `SELECT count(*)::int n ${from}`, [ids.toptierName]),
          q('relation-rows', `SELECT a.id, r.recipient_name ${from} ORDER BY a.id LIMIT 100`, [ids.toptierName]),
        ]);
        return [count[0].n, rows.map((r) => [String(r.id), r.recipient_name])];
      },
      spendgraph: async () => {
        const page = (await sg(relation.query, relation.variables)).awards;
        return [page.totalCount, page.nodes.map((n: any) => [String(n.rowId), n.recipient.recipientName])];
      },
      peer: async () => {
        const page = (
          await pp(
            `query ($name: String!) { allAwards(first: 100, orderBy: PRIMARY_KEY_ASC, filter: {
              recipientByRecipientId: { locationByLocationId: { stateCode: { equalTo: "CA" } } },
              agencyByAwardingAgencyId: { toptierAgencyByToptierAgencyId: { name: { equalTo: $name } } } }) {
              totalCount nodes { rowId recipientByRecipientId { recipientName } } } }`,
            { name: ids.toptierName },
          )
        ).allAwards;
        return [page.totalCount, page.nodes.map((n: any) => [String(n.rowId), n.recipientByRecipientId.recipientName])];
      },
    },
    {
      name: 'cube aggregate by two dimensions with a cut',
      request: cube,
      floor: async () => {
        const rows = await q(
          'cube',
          `SELECT d0, d1, count(*)::int n, sum(m0) s, count(*) OVER ()::int cells
           FROM (SELECT data ->> 'region.code' d0, (data ->> 'category.code')::numeric d1, (data ->> 'amount')::numeric m0
                 FROM fact WHERE dataset_id = (SELECT id FROM dataset WHERE name = 'bench-cubes') AND data @> '{"type.kind": "grant"}') b
           GROUP BY d0, d1 ORDER BY d0, d1 LIMIT 100`,
          [],
        );
        return [rows[0]?.cells ?? 0, rows.map((r) => [r.d0, Number(r.d1), r.n, money(r.s)])];
      },
      spendgraph: async () => {
        const agg = (await sg(cube.query)).cube.aggregate;
        return [
          agg.totalCount,
          agg.nodes.map((c: any) => [c.key['region.code'], Number(c.key['category.code']), Number(c.values._count), money(c.values['amount.sum'])]),
        ];
      },
    },
    {
      name: 'record search with a facet',
      request: search,
      floor: async () => {
        const where = `dataset_id = (SELECT id FROM dataset WHERE name = 'bench-records') AND strpos(search_text, ' alpha ') > 0`;
        const [count, rows, facets] = await Promise.all([
          q('search-count', `SELECT count(*)::int n FROM record WHERE ${where}`, []),
          q('search-rows', `SELECT record_id FROM record WHERE ${where} ORDER BY id LIMIT 10`, []),
          q('search-facets', `SELECT fields ->> 'category' v, count(*)::int n FROM record WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`, []),
        ]);
        return [count[0].n, rows.map((r) => r.record_id), facets.map((f) => [f.v, f.n])];
      },
      spendgraph: async () => {
        const result = (await sg(search.query)).records;
        return [
          result.totalCount,
          result.nodes.map((r: any) => r.recordId),
          result.facetGroups[0].facets.map((f: any) => [f.name, f.count]).sort((x: any[], y: any[]) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)),
        ];
      },
    },
  ];
}

// ------------------------------------------------------------------------------------------------------- timing
const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

/**
 * Median and p95 of each contender's latency, timed side by side: the contenders take turns, one request each, in an
 * order that rotates every run, so a burst of other work on the shared machine falls on all of them alike instead of
 * on whichever was being timed at that moment.
 */
async function timeSideBySide(works: (() => Promise<unknown>)[]): Promise<{ median: number; p95: number }[]> {
  // Steady state, not the first calls: a server's JIT and connection pool warm up over the first tens of requests.
  for (let i = 0; i < WARMUP; i += 1) for (const work of works) await work();
  const samples: number[][] = works.map(() => []);
  for (let i = 0; i < RUNS; i += 1) {
    for (let k = 0; k < works.length; k += 1) {
      const at = (i + k) % works.length;
      const start = performance.now();
      await works[at]!();
      samples[at]!.push(performance.now() - start);
    }
  }
  return samples.map((taken) => {
    taken.sort((a, b) => a - b);
    return { median: quantile(taken, 0.5), p95: quantile(taken, 0.95) };
  });
}

async function statementsPerRequest(proxy: CountingProxy, work: () => Promise<unknown>): Promise<{ statements: number; sql: string[] }> {
  proxy.capture = [];
  await work();
  const sql = proxy.capture;
  proxy.capture = null;
  const before = proxy.statements;
  const n = 5;
  for (let i = 0; i < n; i += 1) await work();
  return { statements: (proxy.statements - before) / n, sql };
}

// ------------------------------------------------------------------------------------------------------- load
async function load(port: number, request: { query: string; variables?: unknown }, connections: number, seconds: number) {
  const require = createRequire(join(peerDir, 'package.json'));
  const autocannon = require('autocannon') as (opts: object) => Promise<any>;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
    connections,
    duration: seconds,
  });
  return {
    connections,
    seconds,
    requestsPerSecond: result.requests.average as number,
    p50: result.latency.p50 as number,
    p97_5: result.latency.p97_5 as number,
    p99: result.latency.p99 as number,
    errors: (result.errors as number) + (result.non2xx as number) + (result.timeouts as number),
    requests: result.requests.total as number,
  };
}

// --------------------------------------------------------------------------------------------------------- main
async function main() {
  const started = Date.now();
  mkdirSync(join(here, 'results'), { recursive: true });
  log(`scale ${scaleName}: ${JSON.stringify(scale)}`);
  await ensureDatabase();
  const admin = new pg.Client({ connectionString: directUrl });
  await admin.connect();
  const generated = await seed(admin);
  const loadSeconds = (Date.now() - started) / 1000;

  const proxy = new CountingProxy();
  await proxy.start();
  const proxiedUrl = `postgresql://postgres@127.0.0.1:${proxy.port}/${dbName}`;
  const children: ChildProcess[] = [];
  const stopAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stopAll);

  const sgPort = 4391;
  const peerPort = 4392;
  // One Node for both servers: the peer's (Node 22, from bench/peer) when it is installed, else this process's.
  const peerNode = join(peerDir, 'node_modules', '.bin', 'node');
  const serverNode = existsSync(peerNode) ? peerNode : process.execPath;
  const serverNodeVersion = execFileSync(serverNode, ['--version']).toString().trim();
  log(`starting Spendgraph on Node ${serverNodeVersion}`);
  const spendgraphEnv = { DATABASE_URL: proxiedUrl, PORT: String(sgPort), SPENDGRAPH_SAMPLES: 'off', SPENDGRAPH_QUOTA_ANONYMOUS: '0', NODE_ENV: 'production' };
  // Heap snapshots on SIGUSR2, written into a directory of the run's own (the soak compares two of them).
  const snapshots = mkdtempSync(join(tmpdir(), 'spendgraph-bench-heap-'));
  const spendgraph = await startProcess(
    'Spendgraph',
    serverNode,
    ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`, '--import', 'tsx', 'src/server.ts'],
    spendgraphEnv,
    /serving/,
  );
  children.push(spendgraph);

  let peerStatus = 'running';
  if (!WITH_PEER) peerStatus = 'n/a: disabled with --no-peer';
  else if (!existsSync(peerNode) || !existsSync(join(peerDir, 'node_modules', 'postgraphile'))) peerStatus = 'n/a: run `npm install` in bench/peer';
  else {
    try {
      log('starting PostGraphile peer');
      children.push(await startProcess('peer', peerNode, ['server.mjs'], { DATABASE_URL: proxiedUrl, PORT: String(peerPort) }, /peer listening/, peerDir));
    } catch (error) {
      peerStatus = `n/a: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  log(`peer: ${peerStatus}`);

  // A small pool, so the floor may run its independent statements concurrently as the servers do.
  const floorClient = new pg.Pool({ connectionString: proxiedUrl, max: 4 });
  const pick = await admin.query(
    `SELECT a.id, t.name FROM agency a JOIN toptier_agency t ON t.id = a.toptier_agency_id
     WHERE a.dataset_id = (SELECT id FROM dataset WHERE name = 'bench-awards') ORDER BY a.id OFFSET 3 LIMIT 1`,
  );
  const list = scenarios(floorClient, sgPort, peerPort, { agency: pick.rows[0].id, toptierName: pick.rows[0].name });

  type Timing = { median: number; p95: number; ratio: number; statements: number; sql: string[] } | { error: string } | null;
  const results: { name: string; floor: Timing; spendgraph: Timing; peer: Timing }[] = [];
  for (const scenario of list) {
    log(`scenario: ${scenario.name}`);
    const expected = JSON.stringify(await scenario.floor());
    const row: (typeof results)[number] = { name: scenario.name, floor: null, spendgraph: null, peer: null };
    // Every contender's answer is checked against the floor's before any is timed; one that differs or fails is
    // reported and left out of the timing.
    const timed: ['floor' | 'spendgraph' | 'peer', () => Promise<unknown>][] = [['floor', scenario.floor]];
    const contenders: ['spendgraph' | 'peer', (() => Promise<unknown>) | undefined][] = [
      ['spendgraph', scenario.spendgraph],
      ['peer', peerStatus === 'running' ? scenario.peer : undefined],
    ];
    for (const [who, work] of contenders) {
      if (!work) continue;
      try {
        const answer = JSON.stringify(await work());
        if (answer !== expected) throw new Error(`answer differs from the floor: ${answer.slice(0, 300)} vs ${expected.slice(0, 300)}`);
        timed.push([who, work]);
      } catch (error) {
        row[who] = { error: (error as Error).message.slice(0, 400) };
        log(`  ${who}: ${(error as Error).message.slice(0, 400)}`);
      }
    }
    const times = await timeSideBySide(timed.map(([, work]) => work));
    const floorMedian = times[0]!.median;
    for (const [i, [who, work]] of timed.entries()) {
      row[who] = { ...times[i]!, ratio: times[i]!.median / floorMedian, ...(await statementsPerRequest(proxy, work)) };
    }
    results.push(row);
  }

  // Load: the servers in turn (the other one idle), then the soak against Spendgraph with the peer stopped.
  const loadRequest = list[0]!.request!;
  const loads = [];
  let soak = null;
  if (existsSync(join(peerDir, 'node_modules', 'autocannon'))) {
    const targets: [string, number, { query: string; variables?: unknown }][] = [['Spendgraph', sgPort, loadRequest]];
    if (peerStatus === 'running') targets.push(['PostGraphile 5', peerPort, list[0]!.peerRequest!]);
    // Warm-up at 8 connections first: the scenarios sent each server a few hundred requests one at a time, and a
    // JIT still settling would otherwise count against whichever server is loaded first.
    for (const [server, port, request] of targets) {
      log(`load: ${server}, warm-up at 8 connections for ${LOAD_WARMUP_SECONDS} s`);
      await load(port, request, 8, LOAD_WARMUP_SECONDS);
    }
    // Each number of connections for both servers in turn, so the two runs being compared are minutes apart at most.
    for (const connections of [1, 8, 32]) {
      for (const [server, port, request] of targets) {
        log(`load: ${server}, ${connections} connections for ${LOAD_SECONDS} s`);
        loads.push({ server, scenario: list[0]!.name, ...(await load(port, request, connections, LOAD_SECONDS)) });
      }
    }
    loads.sort((a, b) => targets.findIndex(([name]) => name === a.server) - targets.findIndex(([name]) => name === b.server) || a.connections - b.connections);
    for (const child of children.slice(1)) child.kill('SIGTERM');
    // The response cache is an option, reported as its own row: the targets are for the server without it.
    log('load: Spendgraph with the response cache (an option), 8 connections');
    const cachedPort = sgPort + 2;
    const cachedServer = await startProcess(
      'Spendgraph (response cache)',
      serverNode,
      ['--import', 'tsx', 'src/server.ts'],
      { ...spendgraphEnv, PORT: String(cachedPort), SPENDGRAPH_RESPONSE_CACHE_SECONDS: '60' },
      /serving/,
    );
    try {
      loads.push({ server: 'Spendgraph, response cache (option)', scenario: list[0]!.name, ...(await load(cachedPort, loadRequest, 8, LOAD_SECONDS)) });
    } finally {
      cachedServer.kill('SIGTERM');
    }
    // Warm-up first, so the soak's first reading is of a server that has filled its heap, not of an idle one.
    const warmUp = Math.max(5, Math.round(SOAK_SECONDS / 10));
    log(`soak: ${warmUp} s warm-up, heap snapshot, warm-up until RSS settles (at least ${warmUp} s), then ${SOAK_SECONDS} s at 8 connections`);
    await load(sgPort, loadRequest, 8, warmUp);
    const ping = () => fetch(`http://127.0.0.1:${sgPort}/healthz`).then((response) => response.text());
    log('heap snapshot before the soak');
    const heapStart = summarise(await takeSnapshot(spendgraph.pid!, snapshots, ping));
    // Writing a snapshot takes memory of its own, and the snapshot's full collection compacted the heap: warm up
    // again until the process has regrown to its working size, so that the soak measures growth, not warm-up.
    // V8 sizes its old generation from what survives under load, and reaches it in 50-70 s here whatever the scale.
    const settled = await settleRss(spendgraph.pid!, () => load(sgPort, loadRequest, 8, SETTLE_STEP_SECONDS), warmUp);
    const rssStart = rssMb(spendgraph.pid!);
    const soakRun = await load(sgPort, loadRequest, 8, SOAK_SECONDS);
    const rssEnd = rssMb(spendgraph.pid!);
    log('heap snapshot after the soak');
    const heap = compare(heapStart, summarise(await takeSnapshot(spendgraph.pid!, snapshots, ping)));
    soak = { ...soakRun, warmUpSeconds: warmUp, settleSeconds: settled.seconds, settleRssMb: settled.readings, heap, rssStartMb: rssStart, rssEndMb: rssEnd, rssGrowthPercent: ((rssEnd - rssStart) / rssStart) * 100 };
  } else {
    log('load and soak skipped: autocannon is installed with `npm install` in bench/peer');
  }

  await floorClient.end();
  await admin.end();
  stopAll();
  rmSync(snapshots, { recursive: true, force: true });
  proxy.close();

  const report = {
    scale: scaleName,
    sizes: scale,
    command: `npx tsx bench/run.ts --scale ${scaleName}${argv.includes('--soak-seconds') ? ` --soak-seconds ${SOAK_SECONDS}` : ''}`,
    machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: serverNodeVersion, harnessNode: process.version },
    runsPerScenario: RUNS,
    warmupsPerScenario: WARMUP,
    generateAndLoadSeconds: loadSeconds,
    generatedThisRun: generated,
    peer: peerStatus,
    statementsCount: 'Query + Execute protocol messages sent to PostgreSQL per request, counted by a pass-through proxy (BEGIN/COMMIT included)',
    scenarios: results,
    load: loads,
    soak,
    totalSeconds: (Date.now() - started) / 1000,
  };
  writeFileSync(join(here, 'results', `${scaleName}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(here, 'results', `${scaleName}.md`), markdown(report));
  updateReadme(report);
  process.stdout.write(markdown(report));
  if (JSON_SUMMARY) process.stdout.write(`${JSON.stringify(summary(report))}\n`);
}

/** The figures the targets are stated in: worst ratios, throughput and p99 at 8 connections, statements. */
function summary(report: any) {
  const timed = (t: any) => (t && !('error' in t) ? t : null);
  let worstToFloor = 0;
  let worstToPeer = 0;
  let maxAwardStatements = 0;
  const errors: string[] = [];
  for (const s of report.scenarios) {
    const sg = timed(s.spendgraph);
    if (!sg) {
      errors.push(s.name);
      continue;
    }
    worstToFloor = Math.max(worstToFloor, sg.ratio);
    const peer = timed(s.peer);
    if (peer) worstToPeer = Math.max(worstToPeer, sg.median / peer.median);
    if (!/cube|record/.test(s.name)) maxAwardStatements = Math.max(maxAwardStatements, sg.statements);
  }
  const at8 = (server: string) => report.load.find((l: any) => l.server === server && l.connections === 8);
  return {
    scale: report.scale,
    node: report.machine.node,
    worstRatioToFloor: Number(worstToFloor.toFixed(2)),
    worstRatioToPeer: Number(worstToPeer.toFixed(2)),
    maxAwardStatements,
    requestsPerSecondAt8: { spendgraph: at8('Spendgraph')?.requestsPerSecond ?? null, peer: at8('PostGraphile 5')?.requestsPerSecond ?? null },
    p99At8: { spendgraph: at8('Spendgraph')?.p99 ?? null, peer: at8('PostGraphile 5')?.p99 ?? null },
    soakRssGrowthPercent: report.soak ? Number(report.soak.rssGrowthPercent.toFixed(1)) : null,
    soakHeapGrowthPercent: report.soak?.heap?.growthPercent ?? null,
    errors,
  };
}

/** Rewrites the scale's block of the README's performance section from the report (between its markers). */
function updateReadme(report: any) {
  const path = join(root, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = `<!-- bench:${report.scale}:start -->`;
  const end = `<!-- bench:${report.scale}:end -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    log(`README has no ${start} … ${end} block: not updated`);
    return;
  }
  const body = markdown(report).split('\n').slice(2).join('\n').trim();
  writeFileSync(path, `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`);
}

function markdown(report: any): string {
  const cell = (t: any) => {
    if (!t) return 'n/a';
    if ('error' in t) return `error: ${String(t.error).replace(/\|/g, '/').slice(0, 80)}`;
    return `${t.median.toFixed(1)} / ${t.p95.toFixed(1)} ms (${t.ratio.toFixed(2)}x, ${t.statements.toFixed(1)} st)`;
  };
  const lines = [
    `# Benchmark, scale ${report.scale}`,
    '',
    `Command: \`${report.command}\`; ${report.machine.cpus} CPUs, ${report.machine.memoryGb} GB, both servers on Node ${report.machine.node}; ` +
      `${report.runsPerScenario} timed runs per scenario after ${report.warmupsPerScenario} warm-ups; data: ${JSON.stringify(report.sizes).replace(/"/g, '')}; ` +
      `${report.generatedThisRun ? 'generation + load' : 'migrations (data reused)'} ${report.generateAndLoadSeconds.toFixed(0)} s, whole run ${report.totalSeconds.toFixed(0)} s. Peer: ${report.peer}.`,
    '',
    'Cells: median / p95 latency (ratio of medians to the floor, SQL statements per request: ' + report.statementsCount + '). ' +
      'Every contender returned the same answer as the floor before it was timed. The SQL each contender sent for one request is in the JSON file.',
    '',
    '| scenario | floor (pg, prepared) | Spendgraph (HTTP) | PostGraphile 5 (HTTP) |',
    '| --- | --- | --- | --- |',
    ...report.scenarios.map((s: any) => `| ${s.name} | ${cell(s.floor)} | ${cell(s.spendgraph)} | ${cell(s.peer)} |`),
    '',
  ];
  if (!report.soak) return [...lines, 'Load and soak: n/a (autocannon is installed with `npm install` in bench/peer).', ''].join('\n');
  lines.push(
    `Load (autocannon, scenario "${report.load[0]?.scenario}"; autocannon runs on the same 2 CPUs):`,
    '',
    '| server | connections | seconds | req/s | p50 ms | p97.5 ms | p99 ms | errors |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.load.map(
      (l: any) => `| ${l.server} | ${l.connections} | ${l.seconds} | ${l.requestsPerSecond.toFixed(0)} | ${l.p50} | ${l.p97_5} | ${l.p99} | ${l.errors} |`,
    ),
    '',
    `Soak (Spendgraph, peer stopped): ${report.soak.warmUpSeconds ?? 0} s warm-up, a heap snapshot, warm-up until RSS settled (${report.soak.settleSeconds} s; RSS ${(report.soak.settleRssMb ?? []).join(' -> ')} MB every ${SETTLE_STEP_SECONDS} s), then ${report.soak.seconds} s at 8 connections, ${report.soak.requestsPerSecond.toFixed(0)} req/s, p99 ${report.soak.p99} ms, ` +
      `${report.soak.errors} errors; RSS ${report.soak.rssStartMb.toFixed(0)} MB -> ${report.soak.rssEndMb.toFixed(0)} MB ` +
      `(${report.soak.rssGrowthPercent.toFixed(1)}%)` +
      (report.soak.heap
        ? `; live heap in snapshots (after a full collection) ${report.soak.heap.startMb} MB -> ${report.soak.heap.endMb} MB (${report.soak.heap.growthPercent}%), ` +
          `most grown: ${report.soak.heap.top.map((t: any) => `${t.name} ${t.bytes >= 0 ? '+' : ''}${(t.bytes / 1024).toFixed(0)} kB (${t.count >= 0 ? '+' : ''}${t.count})`).join(', ')}.`
        : '.'),
    '',
  );
  return lines.join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
