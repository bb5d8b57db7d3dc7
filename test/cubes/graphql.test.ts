import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/access/keys.js';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { fiscalYearOf, parseFiscalYearStart } from '../../src/shared/fiscal.js';
import { encodeNodeId } from '../../src/shared/node-id.js';
import { graphql } from '../gql/index.js';
import type { CubeFilter, CubeGqlFactCountQueryVariables, CubeGqlFactsQueryVariables } from '../gql/graphql.js';
import { app, errorCodes, execute } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'spendgraph-cubes-gql-'));
const privateCube = 'cubes-gql-private';
const keyName = `cubes-gql-${process.pid}`;
let readerKey: string;

beforeAll(async () => {
  await ingest(db, { path: join(root, 'test/cubes/fixtures/fdp/al-treasury-spending'), name: 'cubes-gql-al' });
  const dir = join(work, 'private');
  cpSync(join(root, 'samples/cubes/cra'), dir, { recursive: true });
  await ingest(db, { path: dir, name: privateCube, private: true });
  readerKey = (await createKey(db, keyName, [[privateCube, 'read']])).key;
}, 300_000);

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name: { in: ['cubes-gql-al', privateCube] } } });
  await db.apiKey.deleteMany({ where: { name: keyName } });
  rmSync(work, { recursive: true, force: true });
});

const Facts = graphql(`
  query CubeGqlFacts($name: String!, $filter: CubeFilter, $cut: String, $fiscalYearStart: String, $orderBy: [CubeOrderBy!],
                     $first: Int, $after: String, $last: Int, $before: String, $offset: Int) {
    cube(name: $name) {
      facts(filter: $filter, cut: $cut, fiscalYearStart: $fiscalYearStart, orderBy: $orderBy,
            first: $first, after: $after, last: $last, before: $before, offset: $offset) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id rowNumber data } }
      }
    }
  }
`);

async function facts(variables: CubeGqlFactsQueryVariables) {
  const result = await execute(Facts, variables);
  expect(result.errors, JSON.stringify(variables)).toBeUndefined();
  return result.data!.cube!.facts;
}

async function allFacts(name: string): Promise<Row[]> {
  const page = await facts({ name, first: 1000 });
  return page.edges.map((edge) => edge.node.data as Row);
}

/** Row numbers of the facts a filter keeps, against the rows a JavaScript predicate keeps. */
async function expectFilter(name: string, filter: CubeFilter, keep: (row: Row) => boolean, extra: Record<string, unknown> = {}) {
  const every = await facts({ name, first: 1000 });
  const expected = every.edges.filter((edge) => keep(edge.node.data as Row)).map((edge) => edge.node.rowNumber);
  const page = await facts({ name, filter, first: 1000, ...extra });
  expect(page.edges.map((edge) => edge.node.rowNumber), JSON.stringify(filter)).toEqual(expected);
  expect(page.totalCount).toBe(expected.length);
  return expected.length;
}

describe('CubeFilter over GraphQL', () => {
  it('applies every operator the way a plain predicate does', async () => {
    const cra = await allFacts('cra');
    expect(cra).toHaveLength(36);
    const cases: [CubeFilter, (row: Row) => boolean][] = [
      [{ field: 'cofog1', equals: '4' }, (r) => r['cofog1.name'] === '4'],
      [{ field: 'cofog1.name', in: ['4', '10'] }, (r) => ['4', '10'].includes(r['cofog1.name'])],
      [{ field: 'time.year', range: { from: 2005, to: 2007 } }, (r) => r['time.year'] >= 2005 && r['time.year'] <= 2007],
      [{ field: 'time.year', range: { to: 2005 } }, (r) => r['time.year'] <= 2005],
      [{ field: 'amount', gt: 40000000 }, (r) => r.amount > 40000000],
      [{ field: 'amount', gte: '12100000' }, (r) => r.amount >= 12100000],
      [{ field: 'amount', lt: 0 }, (r) => r.amount < 0],
      [{ field: 'time', lte: 2006 }, (r) => r['time.year'] <= 2006],
      [{ field: 'cofog3.name', isNull: true }, (r) => r['cofog3.name'] === null],
      [{ field: 'cofog3.name', isNull: false }, (r) => r['cofog3.name'] !== null],
      [{ field: 'region', contains: 'lond' }, (r) => String(r['region.region']).toLowerCase().includes('lond')],
      [{ field: 'cofog1.label', startsWith: 'public' }, (r) => String(r['cofog1.label']).toLowerCase().startsWith('public')],
      [{ field: 'amount', gt: 0, lt: 100000000 }, (r) => r.amount > 0 && r.amount < 100000000],
    ];
    for (const [filter, keep] of cases) {
      const kept = await expectFilter('cra', filter, keep);
      expect(kept, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(kept, JSON.stringify(filter)).toBeLessThan(36);
    }
  });

  it('nests and, or and not to any depth; not keeps facts without a value', async () => {
    await expectFilter(
      'cra',
      {
        or: [
          { and: [{ field: 'cofog1', equals: '4' }, { not: { field: 'time.year', in: [2005, 2006] } }] },
          { not: { or: [{ field: 'amount', lt: 100000000 }, { field: 'cap_or_cur', equals: 'CAP' }] } },
        ],
      },
      (r) =>
        (r['cofog1.name'] === '4' && ![2005, 2006].includes(r['time.year'])) ||
        !(r.amount < 100000000 || r['cap_or_cur.code'] === 'CAP'),
    );
    await expectFilter('cra', { not: { field: 'cofog3.name', equals: '1.1' } }, (r) => r['cofog3.name'] !== '1.1');
  });

  it('takes fiscal years and interval overlaps on date attributes', async () => {
    const al = await allFacts('cubes-gql-al');
    const start = parseFiscalYearStart('12-17')!;
    const fyOf = (text: string) => fiscalYearOf(new Date(`${text}T00:00:00Z`), start);
    const registered = Object.keys(al[0]!).find((k) => k.startsWith('date_registered.'))!;
    const executed = Object.keys(al[0]!).find((k) => k.startsWith('date_executed.'))!;
    const fy2015 = await expectFilter('cubes-gql-al', { field: 'date_executed', fy: [2015] }, (r) => fyOf(r[executed]) === 2015, {
      fiscalYearStart: '12-17',
    });
    expect(fy2015).toBeGreaterThan(0);
    await expectFilter('cubes-gql-al', { field: 'date_registered', fy: [2014] }, (r) => fyOf(r[registered]) === 2014, { fiscalYearStart: '12-17' });
    const overlap = (from: string | null, to: string | null) => (r: Row) =>
      (to === null || r[registered] <= to) && (from === null || r[executed] >= from);
    await expectFilter(
      'cubes-gql-al',
      { field: 'date_registered', rangeIntersect: { endField: 'date_executed', from: '2014-12-20', to: '2014-12-24' } },
      overlap('2014-12-20', '2014-12-24'),
    );
    await expectFilter(
      'cubes-gql-al',
      { field: 'date_registered', rangeIntersect: { endField: 'date_executed', fy: 2015 } },
      overlap('2014-12-17', '2015-12-16'),
      { fiscalYearStart: '12-17' },
    );
  });

  it('ANDs a cut with the filter', async () => {
    const both = await expectFilter(
      'cra',
      { field: 'amount', gt: 0 },
      (r) => r['cofog1.name'] === '4' && r['time.year'] >= 2006 && r.amount > 0,
      { cut: 'cofog1:"4"|time.year:2006-' },
    );
    expect(both).toBeGreaterThan(0);
  });

  it('names the input path, lists valid refs and checks types', async () => {
    const check = async (filter: CubeFilter, message: RegExp, extra: Record<string, unknown> = {}) => {
      const result = await execute(Facts, { name: 'cra', filter, ...extra });
      expect(errorCodes(result), JSON.stringify(filter)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toMatch(message);
      expect(result.data).toEqual({ cube: null });
    };
    await check(
      { or: [{ field: 'cofog1', equals: '4' }, { field: 'nope', gt: 1 }] },
      /^filter\.or\[1\]\.field: unknown field "nope" in cube "cra"; valid: cap_or_cur, cofog1, .*cofog1\.label, .*to\.name, amount, total$/,
    );
    await check({ field: 'amount', contains: 'x' }, /filter\.contains: "amount" is a number, contains needs a string/);
    await check({ field: 'cofog1', fy: [2010] }, /filter\.fy: "cofog1\.name" is a string, fy needs a date/);
    await check({ field: 'time.year', in: [2005, 'x'] }, /filter\.in\[1\]: "x" is not a valid integer for "time\.year"/);
    await check({ field: 'time.year', range: {} }, /filter\.range: a range needs from, to or both/);
    await check({ field: 'time.year', rangeIntersect: { endField: 'nope', from: 1 } }, /filter\.rangeIntersect\.endField: unknown field "nope"/);
    await check({ not: { field: 'cofog1' } }, /filter\.not\.field: field "cofog1" needs an operator/);
    await check({ field: 'cofog1', equals: '4' }, /fiscalYearStart/, { fiscalYearStart: 'June' });
  });
});

const FactCount = graphql(`
  query CubeGqlFactCount($name: String!, $first: Int, $after: String, $last: Int, $before: String) {
    cube(name: $name) {
      facts(first: $first, after: $after, last: $last, before: $before) { totalCount }
    }
  }
`);

const CubesPage = graphql(`
  query CubeGqlCubes($first: Int, $after: String, $last: Int, $before: String, $offset: Int) {
    cubes(first: $first, after: $after, last: $last, before: $before, offset: $offset) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { id name }
    }
  }
`);

const CubesCount = graphql(`
  query CubeGqlCubesCount($first: Int) {
    cubes(first: $first) { totalCount }
  }
`);

const Cells = graphql(`
  query CubeGqlCells($first: Int, $after: String, $last: Int, $before: String, $offset: Int, $orderBy: [CubeOrderBy!]) {
    cube(name: "cra") {
      aggregate(drilldown: ["cofog2"], aggregates: ["_count", "amount.sum"], orderBy: $orderBy,
                first: $first, after: $after, last: $last, before: $before, offset: $offset) {
        totalCount summary
        pageInfo { hasNextPage hasPreviousPage }
        edges { cursor node { key values } }
      }
      members(dimension: "cofog2", first: $first, after: $after, last: $last, before: $before, offset: $offset) {
        totalCount
        nodes { key }
      }
    }
  }
`);

describe('cube connections', () => {
  it('page facts forwards with first/after, backwards with last/before, and by offset', async () => {
    const every = (await facts({ name: 'cra', first: 100 })).edges.map((e) => e.node.rowNumber);
    expect(every).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    const seen: number[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await facts({ name: 'cra', first: 10, after });
      seen.push(...page.edges.map((e) => e.node.rowNumber));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(every);
    const last = await facts({ name: 'cra', last: 5 });
    expect(last.edges.map((e) => e.node.rowNumber)).toEqual([32, 33, 34, 35, 36]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await facts({ name: 'cra', last: 3, before: last.edges[0]!.cursor });
    expect(before.edges.map((e) => e.node.rowNumber)).toEqual([29, 30, 31]);
    const offset = await facts({ name: 'cra', first: 4, offset: 10 });
    expect(offset.edges.map((e) => e.node.rowNumber)).toEqual([11, 12, 13, 14]);
    const afterOffset = await facts({ name: 'cra', first: 2, offset: 3, after: offset.edges[0]!.cursor });
    expect(afterOffset.edges.map((e) => e.node.rowNumber)).toEqual([15, 16]);
    const ordered = await facts({ name: 'cra', first: 36, orderBy: [{ field: 'amount', direction: 'DESC' }] });
    const amounts = ordered.edges.map((e) => (e.node.data as Row).amount as number);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    const none = await facts({ name: 'cra', first: 0 });
    expect(none).toMatchObject({ totalCount: 36, edges: [] });
  });

  it('refuse sizes out of range and cursors of nothing', async () => {
    const cases: [Omit<CubeGqlFactCountQueryVariables, 'name'>, string][] = [
      [{ first: 10_001 }, 'first must be between 0 and 10000, got 10001'],
      [{ last: 10_001 }, 'last must be between 0 and 10000, got 10001'],
      [{ first: 1, last: 1 }, 'give first or last, not both'],
      [{ after: 'nonsense' }, 'after is not a cursor of this list: "nonsense"'],
    ];
    for (const [variables, message] of cases) {
      const result = await execute(FactCount, { name: 'cra', ...variables });
      expect(errorCodes(result), message).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toBe(message);
    }
    const cubes = await execute(CubesCount, { first: 1001 });
    expect(cubes.errors![0]!.message).toBe('first must be between 0 and 1000, got 1001');
  });

  it('page cubes by name', async () => {
    const all = await execute(CubesPage, { first: 1000 });
    const names = all.data!.cubes.nodes.map((n) => n.name);
    expect(names).toEqual([...names].sort());
    expect(all.data!.cubes.totalCount).toBe(names.length);
    expect(names).toContain('cra');
    expect(names).not.toContain(privateCube);
    const second = await execute(CubesPage, { first: 1, offset: 1 });
    expect(second.data!.cubes.nodes.map((n) => n.name)).toEqual([names[1]]);
    const tail = await execute(CubesPage, { last: 1 });
    expect(tail.data!.cubes.nodes.map((n) => n.name)).toEqual([names.at(-1)]);
  });

  it('page aggregate cells and members, ordered by aggregates too', async () => {
    const all = await execute(Cells, { first: 100 });
    const cells = all.data!.cube!.aggregate;
    expect(cells.totalCount).toBe(all.data!.cube!.members.totalCount);
    const counts = cells.edges.map((e) => (e.node.values as Row)._count as number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe((cells.summary as Row)._count);
    const page = await execute(Cells, { first: 2, after: cells.edges[1]!.cursor });
    expect(page.data!.cube!.aggregate.edges.map((e) => e.node.key)).toEqual(cells.edges.slice(2, 4).map((e) => e.node.key));
    expect(page.data!.cube!.members.nodes.map((n) => n.key)).toEqual(cells.edges.slice(2, 4).map((e) => (e.node.key as Row)['cofog2.name']));
    const last = await execute(Cells, { last: 1 });
    expect(last.data!.cube!.aggregate.edges.map((e) => e.node.key)).toEqual([cells.edges.at(-1)!.node.key]);
    expect(last.data!.cube!.aggregate.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const beyond = await execute(Cells, { first: 5, offset: 500 });
    expect(beyond.data!.cube!.aggregate).toMatchObject({ totalCount: cells.totalCount, edges: [], summary: cells.summary });
    const byCount = await execute(Cells, { first: 100, orderBy: [{ field: '_count', direction: 'DESC' }, { field: 'cofog2' }] });
    const ordered = byCount.data!.cube!.aggregate.edges.map((e) => (e.node.values as Row)._count as number);
    expect(ordered).toEqual([...counts].sort((a, b) => b - a));
  });
});

const CubeIds = graphql(`
  query CubeGqlIds($name: String!) {
    cube(name: $name) {
      id name
      dimensions { id name }
      measures { id name }
      facts(first: 2) { nodes { id rowNumber data } }
    }
  }
`);

const NodeLookup = graphql(`
  query CubeGqlNode($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Cube { name title }
      ... on Dimension { name keyAttribute cardinality }
      ... on CubeMeasure { name }
      ... on Fact { rowNumber data }
    }
  }
`);

async function gqlAs<T>(document: DocumentNode, variables: Record<string, unknown>, key?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `ApiKey ${key}`;
  const response = await app.request('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: print(document), variables }) });
  return (await response.json()) as T;
}

describe('global ids', () => {
  it('refetch a cube, a dimension, a measure and a fact with node(id)', async () => {
    const cube = (await execute(CubeIds, { name: 'cra' })).data!.cube!;
    const dimension = cube.dimensions.find((d) => d.name === 'cofog1')!;
    const measure = cube.measures[0]!;
    const fact = cube.facts.nodes[1]!;
    expect(new Set([cube.id, dimension.id, measure.id, fact.id]).size).toBe(4);
    const result = await execute(NodeLookup, { ids: [cube.id, dimension.id, measure.id, fact.id, encodeNodeId('Fact', 999_999_999)] });
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes).toEqual([
      { __typename: 'Cube', id: cube.id, name: 'cra', title: expect.any(String) },
      { __typename: 'Dimension', id: dimension.id, name: 'cofog1', keyAttribute: 'name', cardinality: 4 },
      { __typename: 'CubeMeasure', id: measure.id, name: measure.name },
      { __typename: 'Fact', id: fact.id, rowNumber: 2, data: fact.data },
      null,
    ]);
    const again = (await execute(CubeIds, { name: 'cra' })).data!.cube!;
    expect(again.facts.nodes[1]!.id).toBe(fact.id);
  });

  it('hide every part of a private cube from callers who may not read it', async () => {
    type Body = { data?: Row; errors?: { extensions?: { code?: string } }[] };
    const asReader = await gqlAs<Body>(CubeIds, { name: privateCube }, readerKey);
    expect(asReader.errors).toBeUndefined();
    const cube = asReader.data!.cube;
    const ids = [cube.id, cube.dimensions[0].id, cube.measures[0].id, cube.facts.nodes[0].id];
    const anonymous = await gqlAs<Body>(NodeLookup, { ids });
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data!.nodes).toEqual([null, null, null, null]);
    const reader = await gqlAs<Body>(NodeLookup, { ids }, readerKey);
    expect(reader.data!.nodes.map((n: Row) => n.__typename)).toEqual(['Cube', 'Dimension', 'CubeMeasure', 'Fact']);
    const lookup = await gqlAs<Body>(CubeIds, { name: privateCube });
    expect(lookup.data).toEqual({ cube: null });
    expect(lookup.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('resolve only rows of their own type', async () => {
    const other = await db.dataset.findFirstOrThrow({ where: { family: { not: 'CUBE' } }, select: { id: true } });
    const result = await execute(NodeLookup, { ids: [encodeNodeId('Cube', other.id), encodeNodeId('Cube', 'x'), encodeNodeId('Fact', '-1')] });
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes).toEqual([null, null, null]);
  });
});

const MissingNextToList = graphql(`
  query CubeGqlMissing {
    cubes { totalCount }
    cube(name: "nope") { name }
  }
`);

const MissingNextToDatasets = graphql(`
  query CubeGqlMissingDatasets {
    datasets { totalCount }
    cube(name: "nope") { name }
  }
`);

describe('a missing cube', () => {
  it('is null with a NOT_FOUND error while its siblings resolve', async () => {
    for (const result of [await execute(MissingNextToList), await execute(MissingNextToDatasets)]) {
      expect(errorCodes(result)).toEqual(['NOT_FOUND']);
      expect(result.errors![0]!.message).toBe('no cube named "nope"');
      expect(result.errors![0]!.path).toEqual(['cube']);
      const data = result.data as Row;
      expect(data.cube).toBeNull();
      expect(data.cubes?.totalCount ?? data.datasets?.totalCount).toBeGreaterThan(0);
    }
  });
});
