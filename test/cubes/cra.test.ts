import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { graphql } from '../gql/index.js';
import type { CubesAggregateQueryVariables } from '../gql/graphql.js';
import { app, errorCodes, execute } from '../helpers.js';
import { factCount } from './plans.js';

const craPath = new URL('../../samples/cubes/cra', import.meta.url).pathname;

// REST bodies are untyped JSON; GraphQL results are typed by codegen (JSON scalars are `unknown`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;
/** A JSON object keyed by ref (fact data, cell keys and values, summaries, members). */
type Row = Record<string, Data>;

async function getJson(path: string): Promise<{ status: number; body: Data }> {
  const response = await app.request(path);
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  await ingest(db, { path: craPath, name: 'cra' });
});

const AGGREGATE = graphql(`
  query CubesAggregate($name: String!, $drilldown: [String!], $aggregates: [String!], $cut: String, $filter: CubeFilter,
         $orderBy: [CubeOrderBy!], $first: Int, $offset: Int) {
    cube(name: $name) {
      aggregate(drilldown: $drilldown, aggregates: $aggregates, cut: $cut, filter: $filter, orderBy: $orderBy,
                first: $first, offset: $offset) {
        summary totalCount attributes aggregates nodes { key values }
      }
    }
  }
`);

const FACTS = graphql(`
  query CubesFacts($name: String!, $cut: String, $filter: CubeFilter, $fields: [String!], $orderBy: [CubeOrderBy!],
         $first: Int, $offset: Int) {
    cube(name: $name) {
      facts(cut: $cut, filter: $filter, fields: $fields, orderBy: $orderBy, first: $first, offset: $offset) {
        totalCount fields nodes { rowNumber data }
      }
    }
  }
`);

const CubesModel = graphql(`
  query CubesModel {
    cubes(first: 1000) {
      nodes { name }
    }
    cube(name: "cra") {
      name
      title
      dataset { name family }
      hierarchies { name }
      dimensions { name keyAttribute labelAttribute cardinality hierarchy attributes { name ref type } }
      measures { name currency }
      aggregates { ref label function measure }
      model
    }
  }
`);

const CubesMembers = graphql(`
  query CubesMembers {
    cube(name: "cra") {
      members(dimension: "cofog1", first: 2, orderBy: [{ field: "cofog1.label", direction: DESC }]) {
        totalCount
        fields
        nodes { key label attributes }
      }
    }
  }
`);

const CubesAggregateFirst = graphql(`
  query CubesAggregateFirst($first: Int!) {
    cube(name: "cra") {
      aggregate(first: $first) {
        totalCount
      }
    }
  }
`);

describe('cra through GraphQL', () => {
  it('lists the cube with its model', async () => {
    const result = await execute(CubesModel);
    expect(result.errors).toBeUndefined();
    expect(result.data!.cubes.nodes.map((c) => c.name)).toContain('cra');
    const cube = result.data!.cube!;
    expect(cube.dataset).toEqual({ name: 'cra', family: 'CUBE' });
    expect(cube.hierarchies).toEqual([]);
    const cofog1 = cube.dimensions.find((d) => d.name === 'cofog1')!;
    expect(cofog1).toMatchObject({ keyAttribute: 'name', labelAttribute: 'label', cardinality: 4, hierarchy: null });
    expect(cube.dimensions.find((d) => d.name === 'time')!.attributes).toEqual([{ name: 'year', ref: 'time.year', type: 'INTEGER' }]);
    expect(cofog1.attributes.map((a) => a.ref)).toContain('cofog1.label');
    expect(cube.measures.map((m) => m.name)).toEqual(['amount', 'total']);
    expect(cube.aggregates.map((a) => a.ref)).toEqual(['_count', 'amount.sum', 'total.sum']);
    expect(cube.aggregates[0]).toMatchObject({ label: 'Facts', function: 'count', measure: null });
    expect((cube.model as Data).dimensions.cofog1).toMatchObject({ key_ref: 'cofog1.name', label_ref: 'cofog1.label', cardinality_class: 'tiny' });
  });

  it('has 36 facts, 12 with cofog1 "4"', async () => {
    const all = await execute(FACTS, { name: 'cra', first: 5 });
    expect(all.data!.cube!.facts.totalCount).toBe(36);
    expect(all.data!.cube!.facts.nodes).toHaveLength(5);
    expect(all.data!.cube!.facts.nodes[0]!.rowNumber).toBe(1);
    const cut = await execute(FACTS, { name: 'cra', cut: 'cofog1:"4"' });
    expect(cut.data!.cube!.facts.totalCount).toBe(12);
    expect(cut.data!.cube!.facts.nodes.every((n) => (n.data as Row)['cofog1.name'] === '4')).toBe(true);
  });

  it('selects fields and orders facts', async () => {
    const result = await execute(FACTS, {
      name: 'cra',
      fields: ['cofog1', 'amount'],
      orderBy: [{ field: 'amount', direction: 'DESC' }],
      first: 3,
    });
    const facts = result.data!.cube!.facts;
    const amounts: number[] = facts.nodes.map((n) => (n.data as Row).amount);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(facts.fields).toEqual(['cofog1.name', 'cofog1.change_date', 'cofog1.description', 'cofog1.label', 'amount']);
    expect(Object.keys(facts.nodes[0]!.data as Row)).toEqual(facts.fields);
  });

  it('drills down by cap_or_cur: CAP first with 15 facts summing to -608400000, as exact decimals', async () => {
    const result = await execute(AGGREGATE, { name: 'cra', drilldown: ['cap_or_cur'], orderBy: [{ field: 'cap_or_cur' }] });
    expect(result.errors).toBeUndefined();
    const agg = result.data!.cube!.aggregate;
    expect(agg.totalCount).toBe(2);
    expect((agg.nodes[0]!.key as Row)['cap_or_cur.code']).toBe('CAP');
    expect(agg.nodes[0]!.values).toMatchObject({ _count: 15, 'amount.sum': '-608400000' });
    expect(agg.summary).toEqual({ _count: 36, 'amount.sum': '-371500000', 'total.sum': '-371500000' });
  });

  it('keeps the summary over the whole cut, not the first cell (openspending#1299)', async () => {
    const result = await execute(AGGREGATE, {
      name: 'cra',
      drilldown: ['cofog1.name'],
      aggregates: ['amount.sum', '_count', 'amount.min', 'amount.max', 'amount.avg'],
      first: 1,
      offset: 1,
    });
    const agg = result.data!.cube!.aggregate;
    const summary = agg.summary as Row;
    expect(agg.nodes).toHaveLength(1);
    expect(agg.totalCount).toBe(4);
    expect(summary._count).toBe(36);
    expect(summary['amount.sum']).toBe('-371500000');
    expect(Number(summary['amount.avg'])).toBeCloseTo(-371500000 / 36, 3);
    expect(Number(summary['amount.min'])).toBeLessThanOrEqual(Number((agg.nodes[0]!.values as Row)['amount.min']));
  });

  it('filters with the shared grammar: negation, comparisons, in, or', async () => {
    const not4 = await execute(FACTS, { name: 'cra', filter: { not: { field: 'cofog1', equals: '4' } }, first: 0 });
    expect(not4.data!.cube!.facts.totalCount).toBe(24);
    const big = await execute(FACTS, { name: 'cra', filter: { field: 'amount', gt: 40000000 }, first: 100 });
    expect(big.data!.cube!.facts.nodes.length).toBeGreaterThan(0);
    expect(big.data!.cube!.facts.nodes.every((n) => (n.data as Row).amount > 40000000)).toBe(true);
    const years = await execute(FACTS, {
      name: 'cra',
      filter: { and: [{ field: 'time.year', range: { from: 2005, to: 2007 } }, { field: 'cofog1', in: ['4', '10'] }] },
      first: 100,
    });
    expect(years.data!.cube!.facts.nodes.length).toBeGreaterThan(0);
    for (const { data } of years.data!.cube!.facts.nodes) {
      const n = data as Row;
      expect(n['time.year']).toBeGreaterThanOrEqual(2005);
      expect(n['time.year']).toBeLessThanOrEqual(2007);
      expect(['4', '10']).toContain(n['cofog1.name']);
    }
    const contains = await execute(FACTS, { name: 'cra', filter: { field: 'region', contains: 'england' }, first: 0 });
    const nulls = await execute(FACTS, { name: 'cra', filter: { field: 'cofog3.name', isNull: true }, first: 0 });
    expect(contains.data!.cube!.facts.totalCount).toBeGreaterThan(0);
    expect(nulls.data!.cube!.facts.totalCount).toBeGreaterThan(0);
  });

  it('cuts with extensions: negative cuts, comparisons and ranges', async () => {
    const neg = await execute(FACTS, { name: 'cra', cut: '!cofog1:"4"', first: 0 });
    expect(neg.data!.cube!.facts.totalCount).toBe(24);
    const range = await execute(AGGREGATE, { name: 'cra', cut: 'time.year:2006-2008', drilldown: ['time'] });
    expect(range.data!.cube!.aggregate.nodes.map((c) => (c.key as Row)['time.year'])).toEqual([2006, 2007, 2008]);
    const gt = await execute(AGGREGATE, { name: 'cra', cut: 'time.year:>2009', drilldown: ['time'] });
    expect(gt.data!.cube!.aggregate.nodes.map((c) => (c.key as Row)['time.year'])).toEqual([2010]);
  });

  it('lists members of a dimension with a total', async () => {
    const result = await execute(CubesMembers);
    expect(result.errors).toBeUndefined();
    const members = result.data!.cube!.members;
    expect(members.totalCount).toBe(4);
    expect(members.nodes).toHaveLength(2);
    expect(members.fields[0]).toBe('cofog1.name');
    const [a, b] = members.nodes;
    expect((a!.label as string) >= (b!.label as string)).toBe(true);
    expect((a!.attributes as Row)['cofog1.name']).toBe(a!.key);
    expect((a!.attributes as Row)['cofog1.label']).toBe(a!.label);
  });

  it('reports unknown cube, refs and bad sizes as coded errors naming the part', async () => {
    const unknownCube = await execute(FACTS, { name: 'no-such-cube' });
    expect(errorCodes(unknownCube)).toEqual(['NOT_FOUND']);
    expect(unknownCube.data).toEqual({ cube: null });
    const cases: [Partial<CubesAggregateQueryVariables>, RegExp][] = [
      [{ drilldown: ['nope'] }, /drilldown.*"nope"/],
      [{ drilldown: ['amount'] }, /'amount' is a measure/],
      [{ aggregates: ['amount.median'] }, /unknown aggregate "amount.median"/],
      [{ aggregates: ['nope.sum'] }, /unknown aggregate "nope.sum"/],
      [{ cut: 'cofog1:4' }, /Invalid value 4 parsed as type 'integer' for cut cofog1 of type 'string'/],
      [{ cut: 'cofog1.nope:"x"' }, /unknown field "cofog1.nope"/],
      [{ cut: 'cofog1:"4' }, /Invalid cut/],
      [{ orderBy: [{ field: 'region' }], drilldown: ['cofog1'] }, /Invalid sorting criterion: 'region' is not in the drilldown/],
      [{ first: -1 }, /first must be between 0 and 10000, got -1/],
      [{ offset: -1 }, /offset/],
      [{ filter: { field: 'amount', equals: 'lots' } }, /filter.equals: "lots" is not a valid number for "amount"/],
      [{ filter: { and: [{ field: 'cofog1', equals: '4' }, { field: 'foo', equals: 1 }] } }, /filter.and\[1\].field: unknown field "foo"/],
      [{ filter: { equals: '4' } }, /needs a field/],
    ];
    const huge = await execute(CubesAggregateFirst, { first: 20_000 });
    expect(errorCodes(huge)).toEqual(['BAD_USER_INPUT']);
    expect(huge.errors![0]!.message).toBe('first must be between 0 and 10000, got 20000');
    for (const [variables, message] of cases) {
      const result = await execute(AGGREGATE, { name: 'cra', ...variables });
      expect(errorCodes(result), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toMatch(message);
    }
  });
});

describe('cra through /api/3', () => {
  it('lists cubes and serves the model', async () => {
    const cubes = await getJson('/api/3/cubes');
    expect(cubes.status).toBe(200);
    expect(cubes.body.status).toBe('ok');
    expect(cubes.body.data).toContainEqual({ name: 'cra' });
    const model = await getJson('/api/3/cubes/cra/model/');
    expect(model.body).toMatchObject({ status: 'ok', name: 'cra' });
    expect(model.body.model.aggregates._count).toEqual({ label: 'Facts', ref: '_count', function: 'count' });
    expect(model.body.model.measures.amount.ref).toBe('amount');
    expect(model.body.model.dimensions.cofog1.attributes.label.ref).toBe('cofog1.label');
  });

  it('answers facts, cuts and members like babbage', async () => {
    const facts = await getJson('/api/3/cubes/cra/facts');
    expect(facts.body.total_fact_count).toBe(36);
    expect(facts.body.data).toHaveLength(36);
    expect(facts.body).toMatchObject({ status: 'ok', page: 1, page_size: 100, cell: [] });
    const cut = await getJson(`/api/3/cubes/cra/facts?cut=${encodeURIComponent('cofog1:"4"')}&pagesize=5`);
    expect(cut.body.total_fact_count).toBe(12);
    expect(cut.body.data).toHaveLength(5);
    expect(cut.body.cell).toEqual([{ ref: 'cofog1', operator: ':', value: ['4'] }]);
    const fields = await getJson('/api/3/cubes/cra/facts?fields=cofog1.name,amount&order=amount:desc&pagesize=2');
    expect(fields.body.fields).toEqual(['cofog1.name', 'amount']);
    expect(fields.body.order).toEqual([['amount', 'desc']]);
    const members = await getJson('/api/3/cubes/cra/members/cofog1');
    expect(members.body.total_member_count).toBe(4);
    expect(members.body.data.map((m: Data) => m['cofog1.name'])).toEqual(['10', '3', '4', '6']);
  });

  it('aggregates: CAP first with 15 facts summing to -608400000', async () => {
    const { status, body } = await getJson('/api/3/cubes/cra/aggregate?drilldown=cap_or_cur&order=cap_or_cur');
    expect(status).toBe(200);
    expect(body.total_cell_count).toBe(2);
    expect(body.cells[0]).toMatchObject({ 'cap_or_cur.code': 'CAP', _count: 15, 'amount.sum': -608400000 });
    expect(body.summary).toEqual({ _count: 36, 'amount.sum': -371500000, 'total.sum': -371500000 });
    expect(body.attributes).toEqual(['cap_or_cur.code', 'cap_or_cur.label']);
    expect(body.aggregates).toEqual(['_count', 'amount.sum', 'total.sum']);
    expect(body.order).toEqual([['cap_or_cur.code', 'asc']]);
    const desc = await getJson('/api/3/cubes/cra/aggregate?drilldown=cap_or_cur&aggregates=amount.sum&order=amount.sum:desc');
    expect(desc.body.cells.map((c: Data) => c['cap_or_cur.code'])).toEqual(['CUR', 'CAP']);
    expect(Object.keys(desc.body.summary)).toEqual(['amount.sum']);
  });

  it('returns pagesize=0 counts without cells', async () => {
    const { body } = await getJson('/api/3/cubes/cra/aggregate?drilldown=cofog1&pagesize=0');
    expect(body.cells).toEqual([]);
    expect(body.total_cell_count).toBe(4);
    expect(body.summary._count).toBe(36);
  });

  it('writes properly quoted CSV and JSONP', async () => {
    const response = await app.request('/api/3/cubes/cra/aggregate?drilldown=cofog2&format=csv');
    expect(response.headers.get('content-type')).toContain('text/csv');
    const text = await response.text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('cofog2.name,cofog2.change_date,cofog2.description,cofog2.label,_count,amount.sum,total.sum');
    expect(text).toContain('"General economic, commercial and labour affairs"');
    const jsonp = await app.request('/api/3/cubes/cra/aggregate?callback=cb.done');
    expect(await jsonp.text()).toMatch(/^cb\.done && cb\.done\(\{"status":"ok",.*\}\);$/);
    expect((await app.request('/api/3/cubes/cra/aggregate?callback=alert(1)')).status).toBe(400);
  });

  it('answers bad input with 400 and unknown cubes with a JSON 404', async () => {
    const noPackage = await getJson('/api/3/info/cra/package');
    expect(noPackage).toEqual({ status: 404, body: { status: 'error', message: 'cube "cra" was not loaded from a data package', context: {} } });
    const missing = await getJson('/api/3/cubes/nope/aggregate');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 'error', message: 'no cube named "nope"', context: {} });
    const cases: [string, RegExp][] = [
      ['aggregate?cut=cofog1:4', /Invalid value 4 parsed as type 'integer' for cut cofog1 of type 'string'/],
      ['aggregate?cut=%7C%7C', /Invalid cut/],
      ['aggregate?drilldown=nope', /Invalid drilldown: 'nope'/],
      ['aggregate?aggregates=amount.median', /Invalid aggregate: 'amount.median'/],
      ['aggregate?order=amount.sum:sideways', /Invalid sorting criterion/],
      ['facts?fields=nope', /Invalid field: 'nope'/],
      ['facts?pagesize=-5', /pagesize/],
      ['facts?pagesize=20000', /pagesize/],
      ['facts?pagesize=abc', /pagesize/],
      ['members/nope', /unknown dimension "nope"/],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await getJson(`/api/3/cubes/cra/${path}`);
      expect(status, path).toBe(400);
      expect(body.status).toBe('error');
      expect(body.message, path).toMatch(message);
    }
  });
});

describe('cra through /api/2/aggregate', () => {
  it('answers the legacy shape', async () => {
    const { status, body } = await getJson('/api/2/aggregate?dataset=cra&drilldown=cap_or_cur');
    expect(status).toBe(200);
    expect(body.summary).toMatchObject({ amount: -371500000, num_entries: 36, num_drilldowns: 2, page: 1, pages: 1, pagesize: 10000 });
    expect(body.summary.currency).toEqual({ amount: null });
    // Default order: the measure descending.
    expect(body.drilldown[0]).toMatchObject({ amount: 236900000, num_entries: 21, cap_or_cur: { name: 'CUR', code: 'CUR' } });
    expect(body.drilldown[1]).toMatchObject({ amount: -608400000, num_entries: 15, cap_or_cur: { name: 'CAP' } });
  });

  it('ORs cuts on one dimension, ANDs different ones, drills into time', async () => {
    const { body } = await getJson('/api/2/aggregate?dataset=cra&cut=cofog1:4|cofog1:10|time.year:2010&drilldown=time&order=time:asc');
    expect(body.summary.num_entries).toBeGreaterThan(0);
    expect(body.drilldown).toEqual([expect.objectContaining({ time: expect.objectContaining({ taxonomy: 'time', year: '2010' }) })]);
    const total = await getJson('/api/2/aggregate?dataset=cra&cut=time.year:2010');
    const four = await getJson('/api/2/aggregate?dataset=cra&cut=time.year:2010|cofog1:4');
    const ten = await getJson('/api/2/aggregate?dataset=cra&cut=time.year:2010|cofog1:10');
    expect(body.summary.amount).toBe(four.body.summary.amount + ten.body.summary.amount);
    expect(total.body.summary.num_entries).toBeGreaterThanOrEqual(body.summary.num_entries);
  });

  it('paginates, writes CSV and reports legacy errors', async () => {
    const paged = await getJson('/api/2/aggregate?dataset=cra&drilldown=cofog1&pagesize=3&page=2');
    expect(paged.body.summary).toMatchObject({ num_drilldowns: 4, pages: 2, page: 2, pagesize: 3 });
    expect(paged.body.drilldown).toHaveLength(1);
    const csv = await (await app.request('/api/2/aggregate?dataset=cra&drilldown=region&format=csv')).text();
    expect(csv.split('\r\n')[0]).toBe('region.region,amount,num_entries');
    expect(await getJson('/api/2/aggregate')).toEqual({ status: 400, body: { errors: ['dataset name not provided'] } });
    expect(await getJson('/api/2/aggregate?dataset=x')).toEqual({ status: 400, body: { errors: ['no dataset with name "x"'] } });
    expect(await getJson('/api/2/aggregate?dataset=cra&measure=y')).toEqual({ status: 400, body: { errors: ['no measure with name "y"'] } });
  });
});

describe('index choice for equality cuts', () => {
  it('uses the GIN index for selective attributes and a typed scan for attributes with few values', async () => {
    const { loadCube } = await import('../../src/cubes/query/model.js');
    const { dimensionCardinalities } = await import('../../src/cubes/query/cardinality.js');
    const { buildScope } = await import('../../src/cubes/query/scope.js');
    const model = await loadCube('cra');
    await dimensionCardinalities(model);
    expect(buildScope(model, { cut: 'cap_or_cur:"CAP"' }).where.sql).not.toContain('@>');
    expect(buildScope(model, { cut: 'name:"cra-r1"' }).where.sql).toContain('@>');
    expect(buildScope(model, { cut: 'amount:12100000' }).where.sql).toContain('@>');
    expect(await factCount(model, { cut: 'cap_or_cur:"CAP"' })).toBe(15);
    expect(await factCount(model, { cut: 'name:"cra-r1";"cra-r2"' })).toBe(2);
    expect(await factCount(model, { cut: 'amount:12100000' })).toBeGreaterThan(0);
  });
});
