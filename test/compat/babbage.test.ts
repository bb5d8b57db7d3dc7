import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { graphql } from '../gql/index.js';
import { app, errorCodes, execute } from '../helpers.js';

// babbage's test cube `cra` (babbage, MIT licence), the fixture its own tests and OpenSpending v2's tests query.
const craPath = new URL('../../samples/cubes/cra', import.meta.url).pathname;
const CUBE = 'compat-cra';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;

async function getJson(path: string): Promise<{ status: number; body: Data }> {
  const response = await app.request(path);
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  await ingest(db, { path: craPath, name: CUBE });
});

// The suite shares one database: other files total every dataset they can see.
afterAll(async () => {
  await db.dataset.delete({ where: { name: CUBE } });
});

describe('babbage v0.4.0 tests/test_api.py', () => {
  it('test_index: GET /api/3/ answers 200 with api "babbage" and its status and version', async () => {
    for (const path of ['/api/3/', '/api/3']) {
      const { status, body } = await getJson(path);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ok', api: 'babbage', version: '0.4.0' });
      expect(body.cubes_index_url).toBe('http://localhost/api/3/cubes');
    }
  });

  it("test_jsonp: a callback answer starts with 'foo && foo('", async () => {
    const response = await app.request('/api/3/?callback=foo');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('foo && foo(')).toBe(true);
    expect(JSON.parse(text.slice('foo && foo('.length, -2))).toMatchObject({ api: 'babbage' });
    expect(text.endsWith(');')).toBe(true);
  });

  it("babbage/query/aggregates.py: an aggregate that is not one of the model's refs is 400 'Invalid aggregate'", async () => {
    const bare = await getJson(`/api/3/cubes/${CUBE}/aggregate?aggregates=amount`);
    expect(bare).toEqual({ status: 400, body: { status: 'error', message: "Invalid aggregate: 'amount'", context: {} } });
    const mixed = await getJson(`/api/3/cubes/${CUBE}/aggregate?aggregates=_count|total`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.message).toBe("Invalid aggregate: 'total'");
    const full = await getJson(`/api/3/cubes/${CUBE}/aggregate?aggregates=amount.sum|_count`);
    expect(full.status).toBe(200);
    expect(full.body.aggregates).toEqual(['amount.sum', '_count']);
  });

  it('GraphQL refuses a bare measure in aggregates the same way, with BAD_USER_INPUT naming the full refs', async () => {
    const query = graphql(`
      query CompatBareAggregate($name: String!, $aggregates: [String!]) {
        cube(name: $name) { aggregate(aggregates: $aggregates, first: 5) { summary } }
      }
    `);
    const bare = await execute(query, { name: CUBE, aggregates: ['_count', 'amount'] });
    expect(errorCodes(bare)).toEqual(['BAD_USER_INPUT']);
    expect(bare.errors![0]!.message).toMatch(/^Invalid aggregate: 'amount' is a measure; name an aggregate of it: 'amount\.sum'/);
    expect(bare.errors![0]!.extensions!.inputPath).toEqual(['aggregates', 1]);
    const full = await execute(query, { name: CUBE, aggregates: ['_count', 'amount.sum'] });
    expect(full.errors).toBeUndefined();
    const facts = await db.fact.findMany({ where: { dataset: { name: CUBE } }, select: { data: true } });
    const cents = facts.reduce((sum, fact) => sum + Math.round(Number((fact.data as { amount: number }).amount) * 100), 0);
    const summary = full.data!.cube!.aggregate.summary as Record<string, unknown>;
    expect(Number(summary['amount.sum'])).toBe(cents / 100);
    expect(summary._count).toBe(facts.length);
  });
});

describe('babbage model/*.py to_dict: /model keeps the declared model', () => {
  it("reports declared attribute and measure types, and a dimension's own name as its hierarchy", async () => {
    const { status, body } = await getJson(`/api/3/cubes/${CUBE}/model`);
    expect(status).toBe(200);
    const { dimensions, measures } = body.model;
    // model.json declares cofog1.change_date as "date" while its CSV column is untyped text.
    expect(dimensions.cofog1.attributes.change_date).toMatchObject({ type: 'date', ref: 'cofog1.change_date' });
    expect(dimensions.cofog1.attributes.label.type).toBe('string');
    expect(measures.amount).toMatchObject({ type: 'integer', ref: 'amount' });
    expect(measures.total).toMatchObject({ type: 'integer', ref: 'total' });
    // Dimension.__init__: `self.hierarchy = hierarchy if hierarchy is not None else self.name`.
    for (const [name, dimension] of Object.entries<Data>(dimensions)) expect(dimension.hierarchy).toBe(name);
  });

  it('serves the same model through GraphQL Cube.model', async () => {
    const response = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ cube(name: "${CUBE}") { model } }` }),
    });
    const { data } = (await response.json()) as Data;
    expect(data.cube.model.dimensions.cofog1.attributes.change_date.type).toBe('date');
    expect(data.cube.model.dimensions.time.hierarchy).toBe('time');
  });
});

describe('OpenSpending v2 openspending/tests/views/api_v2/test_aggregate.py', () => {
  it("test_aggregate_cut: cut=year:2009 → num_drilldowns 1, amount 57300000.0", async () => {
    const { status, body } = await getJson(`/api/2/aggregate?dataset=${CUBE}&cut=year:2009`);
    expect(status).toBe(200);
    expect(body.summary).toMatchObject({ num_drilldowns: 1, amount: 57300000 });
  });

  it("test_aggregate_measures: cut=year:2009&measure=total → total 57300000.0", async () => {
    const { body } = await getJson(`/api/2/aggregate?dataset=${CUBE}&cut=year:2009&measure=total`);
    expect(body.summary).toMatchObject({ num_drilldowns: 1, total: 57300000 });
  });

  it("test_aggregate_order: drilldown=year, order=year:asc|desc → cell['time']['year'] 2003…2010 in order", async () => {
    const years = ['2003', '2004', '2005', '2006', '2007', '2008', '2009', '2010'];
    const asc = await getJson(`/api/2/aggregate?dataset=${CUBE}&order=year:asc&drilldown=year`);
    expect(asc.status).toBe(200);
    expect(asc.body.drilldown.map((cell: Data) => cell.time.year)).toEqual(years);
    const desc = await getJson(`/api/2/aggregate?dataset=${CUBE}&order=year:desc&drilldown=year`);
    expect(desc.body.drilldown.map((cell: Data) => cell.time.year)).toEqual([...years].reverse());
  });

  it('other unknown drilldowns stay a 400 naming the field', async () => {
    const { status, body } = await getJson(`/api/2/aggregate?dataset=${CUBE}&drilldown=yearly`);
    expect(status).toBe(400);
    expect(body.errors[0]).toMatch(/yearly/);
  });
});

describe('OpenSpending v2 openspending/tests/views/test_api.py test_permissions', () => {
  it('a call without a dataset answers 200 with a single `error` property', async () => {
    const response = await app.request('/api/2/permissions');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body).toEqual({ error: 'dataset name not provided' });
  });
});
