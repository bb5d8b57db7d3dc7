// Awards benchmark: seeded synthetic data (500,000 awards, 1,500,000 transactions, 100 agencies, 50,000 recipients)
// in the PostgreSQL database sg_bench_awards, then each API query against hand-written SQL on the same database.
// Usage: npx tsx bench/awards.ts [--reseed]   (BENCH_DATABASE_URL overrides the database)
import pg from 'pg';

const url = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/sg_bench_awards';
process.env.DATABASE_URL = url;
process.env.NODE_ENV ??= 'production';

const AWARDS = 500_000;
const TRANSACTIONS = 1_500_000;
const AGENCIES = 100;
const TOPTIERS = 20;
const RECIPIENTS = 50_000;
const LOCATIONS = 60_000;
const DATASET = 'bench-awards';

async function ensureDatabase() {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
}

async function seed(client: pg.Client, force: boolean) {
  const existing = await client.query('SELECT id FROM dataset WHERE name = $1', [DATASET]);
  if (existing.rowCount && !force) {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM award WHERE dataset_id = $1', [existing.rows[0].id]);
    if (rows[0].n === AWARDS) return false;
  }
  const started = Date.now();
  await client.query('BEGIN');
  await client.query('DELETE FROM dataset WHERE name = $1', [DATASET]);
  const { rows } = await client.query(
    `INSERT INTO dataset (name, family, title, loader, updated_at) VALUES ($1, 'AWARDS', 'Synthetic awards benchmark', 'bench', now()) RETURNING id`,
    [DATASET],
  );
  const ds = rows[0].id as number;
  const base = async (table: string) => Number((await client.query(`SELECT coalesce(max(id), 0) AS m FROM "${table}"`)).rows[0].m);
  const off = {
    top: await base('toptier_agency'),
    sub: await base('subtier_agency'),
    agency: await base('agency'),
    location: await base('location'),
    recipient: await base('recipient'),
    award: await base('award'),
    transaction: await base('transaction'),
  };
  const states = `(ARRAY['AL','AK','AZ','AR','CA','CO','CT','DE','FL','GA','HI','ID','IL','IN','IA','KS','KY','LA','ME','MD','MA','MI','MN','MS','MO','MT','NE','NV','NH','NJ','NM','NY','NC','ND','OH','OK','OR','PA','RI','SC','SD','TN','TX','UT','VT','VA','WA','WV','WI','WY'])`;
  await client.query(
    `INSERT INTO toptier_agency (id, dataset_id, cgac_code, fpds_code, name)
     SELECT $2 + i, $1, lpad(i::text, 3, '0'), lpad(i::text, 4, '0'), 'AGENCY ' || i FROM generate_series(1, ${TOPTIERS}) i`,
    [ds, off.top],
  );
  await client.query(
    `INSERT INTO subtier_agency (id, dataset_id, subtier_code, name)
     SELECT $2 + i, $1, lpad(i::text, 4, '0'), 'SUBTIER ' || i FROM generate_series(1, ${AGENCIES}) i`,
    [ds, off.sub],
  );
  await client.query(
    `INSERT INTO agency (id, dataset_id, toptier_agency_id, subtier_agency_id, toptier_flag)
     SELECT $2 + i, $1, $3 + 1 + (i % ${TOPTIERS}), $4 + i, i <= ${TOPTIERS} FROM generate_series(1, ${AGENCIES}) i`,
    [ds, off.agency, off.top, off.sub],
  );
  await client.query(
    `INSERT INTO location (id, dataset_id, country_code, country_name, state_code, city_name, zip5, congressional_code, recipient_flag, place_of_performance_flag)
     SELECT $2 + i, $1, 'USA', 'UNITED STATES', ${states}[1 + (i * 7) % 50], 'CITY ' || (i % 5000), lpad(((i * 13) % 99999)::text, 5, '0'),
            lpad(((i % 12) + 1)::text, 2, '0'), i % 2 = 0, i % 2 = 1
     FROM generate_series(1, ${LOCATIONS}) i`,
    [ds, off.location],
  );
  await client.query(
    `INSERT INTO recipient (id, dataset_id, recipient_name, recipient_unique_id, business_categories, location_id)
     SELECT $2 + i, $1,
            (ARRAY['ACME','GLOBEX','INITECH','UMBRELLA','STARK','WAYNE','TYRELL','CYBERDYNE'])[1 + i % 8] || ' ' || i || ' ' ||
            (ARRAY['INC','LLC','CORP','UNIVERSITY','FOUNDATION'])[1 + (i / 8) % 5],
            lpad(i::text, 9, '0'),
            CASE WHEN i % 3 = 0 THEN ARRAY['small_business'] WHEN i % 3 = 1 THEN ARRAY['nonprofit', 'local_government'] ELSE ARRAY[]::text[] END,
            $3 + 2 * (1 + (i * 17) % (${LOCATIONS} / 2))
     FROM generate_series(1, ${RECIPIENTS}) i`,
    [ds, off.recipient, off.location],
  );
  await client.query(
    `INSERT INTO award (id, dataset_id, type, type_description, category, piid, total_obligation, awarding_agency_id, funding_agency_id,
                        recipient_id, place_of_performance_id, date_signed, description, period_of_performance_start_date,
                        period_of_performance_current_end_date)
     SELECT $2 + i, $1, t.code, t.description, t.category, 'PIID' || i, ((i::bigint * 7919) % 10000000) / 100.0,
            $3 + 1 + (i * 31) % ${AGENCIES}, $3 + 1 + (i * 37) % ${AGENCIES}, $4 + 1 + (i * 131) % ${RECIPIENTS},
            $5 + 1 + 2 * ((i * 71) % (${LOCATIONS} / 2)), DATE '2012-10-01' + ((i * 53) % 1826),
            'SYNTHETIC AWARD ' || i, DATE '2012-10-01' + ((i * 53) % 1826), DATE '2012-10-01' + ((i * 53) % 1826) + 30 + (i % 700)
     FROM generate_series(1, ${AWARDS}) i
     CROSS JOIN LATERAL (SELECT (ARRAY['A','B','C','D','02','03','04','05'])[1 + i % 8] AS code) c
     CROSS JOIN LATERAL (SELECT c.code,
        CASE c.code WHEN 'A' THEN 'BPA Call' WHEN 'B' THEN 'Purchase Order' WHEN 'C' THEN 'Delivery Order' WHEN 'D' THEN 'Definitive Contract'
          WHEN '02' THEN 'Block Grant' WHEN '03' THEN 'Formula Grant' WHEN '04' THEN 'Project Grant' ELSE 'Cooperative Agreement' END AS description,
        CASE WHEN c.code IN ('A','B','C','D') THEN 'contract' ELSE 'grant' END AS category) t`,
    [ds, off.award, off.agency, off.recipient, off.location],
  );
  await client.query(
    `INSERT INTO transaction (id, dataset_id, award_id, type, action_date, action_type, federal_action_obligation, awarding_agency_id,
                              funding_agency_id, recipient_id, place_of_performance_id, fiscal_year, modification_number)
     SELECT $2 + i, $1, a.id, a.type, a.date_signed + (i / ${AWARDS}) * 90, 'A', round(a.total_obligation / 3, 2), a.awarding_agency_id,
            a.funding_agency_id, a.recipient_id, a.place_of_performance_id,
            EXTRACT(YEAR FROM a.date_signed + (i / ${AWARDS}) * 90)::int + CASE WHEN EXTRACT(MONTH FROM a.date_signed + (i / ${AWARDS}) * 90) > 9 THEN 1 ELSE 0 END,
            (i / ${AWARDS})::text
     FROM generate_series(0, ${TRANSACTIONS - 1}) i JOIN award a ON a.id = $3 + 1 + i % ${AWARDS}`,
    [ds, off.transaction, off.award],
  );
  for (const table of ['toptier_agency', 'subtier_agency', 'agency', 'location', 'recipient', 'award', 'transaction']) {
    await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT max(id) FROM "${table}"))`);
  }
  await client.query('COMMIT');
  await client.query('ANALYZE');
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function main() {
  await ensureDatabase();
  const { migrate, db, closeDb } = await import('../src/db.js');
  await migrate();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await seed(client, process.argv.includes('--reseed'));
  const { app } = await import('../src/app.js');
  const { totals, autocomplete, prepareList, listRows, publicScope } = await import('../src/awards/query/queries.js');
  const { filterOf } = await import('../src/awards/schema/inputs/filter.js');
  const { rows: top } = await client.query(
    `SELECT t.name FROM toptier_agency t JOIN dataset d ON d.id = t.dataset_id WHERE d.name = $1 ORDER BY t.id OFFSET 3 LIMIT 1`,
    [DATASET],
  );
  const agencyName = top[0].name as string;

  const filter = {
    type: { in: ['A', 'B', 'C', 'D'] },
    dateSigned: { fy: [2015] },
    totalObligation: { range: { from: '1000', to: '80000' } },
    or: [{ recipient: { location: { stateCode: { equals: 'CA' } } } }, { not: { awardingAgency: { toptierAgency: { name: { equals: agencyName } } } } }],
  };
  const listQuery = `query ($f: AwardFilter, $offset: Int) { awards(filter: $f, offset: $offset, first: 100, dataset: "${DATASET}") {
    nodes { id type totalObligation dateSigned
      awardingAgency { toptierAgency { name } subtierAgency { name } }
      recipient { recipientName location { stateCode cityName } }
      placeOfPerformance { stateCode cityName } } } }`;
  const graphqlList = (page: number) => async () => {
    const response = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: listQuery, variables: { f: filter, offset: (page - 1) * 100 } }),
    });
    const body = (await response.json()) as { data?: { awards: { nodes: unknown[] } }; errors?: unknown };
    if (body.errors || body.data?.awards.nodes.length !== 100) throw new Error(`unexpected list answer: ${JSON.stringify(body).slice(0, 300)}`);
  };
  const layerList = (page: number) => async () => {
    const list = await prepareList('Award', { filter: filterOf('Award', filter), dialect: 'graphql', order: [], dataset: DATASET }, { page, limit: 100 }, publicScope);
    const { rows } = await listRows(list);
    if (rows.length !== 100) throw new Error('query layer list returned too few rows');
  };
  const handList = (page: number) => async () => {
    const result = await client.query(
      `SELECT a.id, a.type, a.total_obligation, a.date_signed, tt.name AS toptier, st.name AS subtier, r.recipient_name,
              rl.state_code AS r_state, rl.city_name AS r_city, pop.state_code AS pop_state, pop.city_name AS pop_city
       FROM award a
       JOIN dataset d ON d.id = a.dataset_id AND d.name = $1 AND NOT d.private
       LEFT JOIN agency ag ON ag.id = a.awarding_agency_id
       LEFT JOIN toptier_agency tt ON tt.id = ag.toptier_agency_id
       LEFT JOIN subtier_agency st ON st.id = ag.subtier_agency_id
       LEFT JOIN recipient r ON r.id = a.recipient_id
       LEFT JOIN location rl ON rl.id = r.location_id
       LEFT JOIN location pop ON pop.id = a.place_of_performance_id
       WHERE a.type IN ('A', 'B', 'C', 'D') AND a.date_signed BETWEEN '2014-10-01' AND '2015-09-30'
         AND a.total_obligation BETWEEN 1000 AND 80000
         AND (rl.state_code ILIKE 'CA' OR NOT coalesce(tt.name ILIKE $2, false))
       ORDER BY a.id LIMIT 100 OFFSET $3`,
      [DATASET, agencyName, (page - 1) * 100],
    );
    if (result.rowCount !== 100) throw new Error('hand-written list returned too few rows');
  };
  const apiTotals = async () => {
    const result = await totals(
      'Award',
      {
        field: 'totalObligation',
        aggregate: 'sum',
        group: ['awardingAgency.toptierAgency.name', 'dateSigned'],
        datePart: 'fiscalYear',
        showNullGroups: false,
        showNullAggregates: false,
        filter: null,
        order: [],
        dataset: DATASET,
      },
      { offset: 0, limit: 500 },
      publicScope,
    );
    if (result.rows.length !== TOPTIERS * 6 && result.rows.length !== TOPTIERS * 5) throw new Error(`totals rows: ${result.rows.length}`);
  };
  const graphqlTotals = async () => {
    const response = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ awardTotals(field: TOTAL_OBLIGATION, groupBy: [AWARDING_AGENCY_TOPTIER_AGENCY_NAME, DATE_SIGNED], datePart: FISCAL_YEAR,
          dataset: "${DATASET}", first: 500) { nodes { item groups { value } sum } } }`,
      }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const handTotals = async () => {
    await client.query(
      `SELECT tt.name, EXTRACT(YEAR FROM a.date_signed)::int + CASE WHEN EXTRACT(MONTH FROM a.date_signed) > 9 THEN 1 ELSE 0 END AS fy,
              sum(a.total_obligation)
       FROM award a JOIN dataset d ON d.id = a.dataset_id AND d.name = $1
       LEFT JOIN agency ag ON ag.id = a.awarding_agency_id LEFT JOIN toptier_agency tt ON tt.id = ag.toptier_agency_id
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [DATASET],
    );
  };
  const apiAutocomplete = async () => {
    const result = await autocomplete('Award', {
      fields: ['recipient.recipientName'],
      value: 'globex 12',
      mode: 'contains',
      limit: 10,
      filter: null,
      dataset: DATASET,
    }, publicScope);
    if (!result.results['recipient.recipientName']!.length) throw new Error('autocomplete found nothing');
  };
  const handAutocomplete = async () => {
    await client.query(
      `SELECT DISTINCT name FROM (SELECT r.recipient_name AS name FROM award a JOIN dataset d ON d.id = a.dataset_id AND d.name = $1
         JOIN recipient r ON r.id = a.recipient_id WHERE r.recipient_name ILIKE $2 ORDER BY a.id LIMIT 10) s`,
      [DATASET, '%globex 12%'],
    );
  };

  const report: [string, number, number][] = [];
  const measure = async (name: string, runs: number, ours: () => Promise<unknown>, hand: () => Promise<unknown>) => {
    const a = await median(runs, ours);
    const b = await median(runs, hand);
    report.push([name, a, b]);
    console.log(`${name.padEnd(52)} api ${a.toFixed(1).padStart(8)} ms   sql ${b.toFixed(1).padStart(8)} ms   ratio ${(a / b).toFixed(2)}x`);
  };
  await measure('award list, nested, page 1 of 100 (GraphQL)', 15, graphqlList(1), handList(1));
  await measure('award list, nested, page 1 of 100 (query layer)', 15, layerList(1), handList(1));
  await measure('award list, nested, page 200 of 100 (GraphQL)', 9, graphqlList(200), handList(200));
  await measure('award list, nested, page 200 of 100 (query layer)', 9, layerList(200), handList(200));
  await measure('totals agency x fiscal year (query layer)', 9, apiTotals, handTotals);
  await measure('totals agency x fiscal year (GraphQL)', 9, graphqlTotals, handTotals);
  await measure('autocomplete recipient name (query layer)', 15, apiAutocomplete, handAutocomplete);
  await client.end();
  await closeDb();
  void db;
  return report;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
