import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/access/keys.js';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { graphql } from '../gql/index.js';
import { app, errorCodes, execute } from '../helpers.js';
import { countBy, exported } from './expected.js';
import { GEONAMES, geonames, samplePath } from './fixture.js';

const COPY = 'records-test-geonames-copy';
const HIDDEN = 'records-test-hidden';
const work = mkdtempSync(join(tmpdir(), 'records-graphql-'));
let readerKey: string;

beforeAll(async () => {
  await geonames();
  await ingest(db, { path: samplePath('geonames-pl-ods-v1-export.json'), name: COPY });
  const csv = join(work, 'hidden.csv');
  writeFileSync(csv, 'id,name,amount\n1,alpha,10\n2,beta,20\n');
  writeFileSync(`${csv}.records.json`, JSON.stringify({ idColumn: 'id' }));
  await ingest(db, { path: csv, name: HIDDEN, private: true });
  readerKey = (await createKey(db, `records-graphql-${process.pid}`, [[HIDDEN, 'read']])).key;
}, 120_000);

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name: { in: [COPY, HIDDEN] } } });
  await db.apiKey.deleteMany({ where: { name: `records-graphql-${process.pid}` } });
  rmSync(work, { recursive: true, force: true });
});

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[łŁ]/g, 'l').toLowerCase();
const count = (keep: (r: (typeof exported)[number]) => boolean) => exported.filter(keep).length;

const Filtered = graphql(`
  query RecordsFiltered($dataset: String!, $q: String, $filter: RecordFilter, $orderBy: [RecordOrderBy!]) {
    records(dataset: $dataset, q: $q, filter: $filter, orderBy: $orderBy, first: 1) {
      totalCount
    }
  }
`);

const Page = graphql(`
  query RecordsPage($dataset: String!, $first: Int, $after: String, $last: Int, $before: String, $offset: Int) {
    records(dataset: $dataset, first: $first, after: $after, last: $last, before: $before, offset: $offset) {
      edges { cursor node { id recordId } }
      nodes { recordId }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

const Ids = graphql(`
  query RecordsIds($dataset: String!) {
    records(dataset: $dataset, first: 3) {
      nodes { id recordId dataset { id name } }
    }
  }
`);

const NodeLookup = graphql(`
  query RecordsNode($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Record { recordId fields dataset { name } }
    }
  }
`);

const Lookups = graphql(`
  query RecordsLookups($dataset: String!, $present: String!) {
    missing: record(dataset: $dataset, recordId: "nope") { recordId }
    present: record(dataset: $dataset, recordId: $present) { recordId dataset { name } }
  }
`);

const Facets = graphql(`
  query RecordsFacets($dataset: String!) {
    records(dataset: $dataset, first: 2, facets: ["feature_code"], refine: [{ field: "feature_code", value: "PPLA" }]) {
      totalCount
      nodes { fields }
      facetGroups { name count facets { name count state } }
    }
  }
`);

async function total(filter: unknown, q?: string): Promise<number | undefined> {
  const result = await execute(Filtered, { dataset: GEONAMES, filter: filter as never, q });
  expect(result.errors, JSON.stringify(filter)).toBeUndefined();
  return result.data?.records?.totalCount;
}

describe('records filter', () => {
  it('applies every operator of the shared grammar', async () => {
    const pop = (r: (typeof exported)[number]) => r.fields.population;
    expect(await total({ field: 'feature_code', equals: 'PPLC' })).toBe(1);
    expect(await total({ field: 'feature_code', in: ['PPLA', 'PPLC'] })).toBe(count((r) => ['PPLA', 'PPLC'].includes(r.fields.feature_code as string)));
    expect(await total({ field: 'population', range: { from: 1000, to: 2000 } })).toBe(count((r) => pop(r) >= 1000 && pop(r) <= 2000));
    expect(await total({ field: 'population', range: { from: 500000 } })).toBe(count((r) => pop(r) >= 500000));
    expect(await total({ field: 'population', gt: 100000 })).toBe(count((r) => pop(r) > 100000));
    expect(await total({ field: 'population', gte: 100000, lt: 200000 })).toBe(count((r) => pop(r) >= 100000 && pop(r) < 200000));
    expect(await total({ field: 'population', lte: 1000 })).toBe(count((r) => pop(r) <= 1000));
    expect(await total({ field: 'elevation', isNull: true })).toBe(2862);
    expect(await total({ field: 'elevation', isNull: false })).toBe(2874 - 2862);
    expect(await total({ field: 'name', contains: 'ÓDŹ' })).toBe(count((r) => fold(r.fields.name).includes('odz')));
    expect(await total({ field: 'name', startsWith: 'war' })).toBe(count((r) => fold(r.fields.name).startsWith('war')));
    expect(await total({ field: 'modification_date', gte: '2020-01-01' })).toBe(count((r) => r.fields.modification_date >= '2020-01-01'));
    expect(await total({ field: 'modification_date', fy: [2020] })).toBe(
      count((r) => r.fields.modification_date >= '2019-10-01' && r.fields.modification_date <= '2020-09-30'),
    );
    const in2019 = count((r) => r.fields.modification_date.startsWith('2019'));
    expect(in2019).toBeGreaterThan(0);
    expect(await total({ field: 'modification_date', rangeIntersect: { endField: 'modification_date', from: '2019-01-01', to: '2019-12-31' } })).toBe(in2019);
  });

  it('nests and/or/not to any depth, and ANDs the filter with q', async () => {
    const elevated = (r: (typeof exported)[number]) => r.fields.elevation !== undefined;
    const big = (r: (typeof exported)[number]) => r.fields.population > 500000;
    expect(await total({ or: [{ field: 'population', gt: 500000 }, { not: { field: 'elevation', isNull: true } }] })).toBe(count((r) => big(r) || elevated(r)));
    expect(
      await total({ and: [{ field: 'feature_code', equals: 'PPLA' }, { not: { or: [{ field: 'population', lt: 100000 }, { field: 'name', startsWith: 'w' }] } }] }),
    ).toBe(count((r) => r.fields.feature_code === 'PPLA' && !(r.fields.population < 100000 || fold(r.fields.name).startsWith('w'))));
    const both = count((r) => r.fields.feature_code === 'PPLA' && r.fields.population > 300000);
    expect(both).toBeGreaterThan(0);
    expect(await total({ field: 'population', gt: 300000 }, 'feature_code:ppla')).toBe(both);
    expect(await total({ field: 'population', gt: 300000 })).toBeGreaterThan(both);
  });

  it('names unknown fields, bad values and bad sorts with their input path', async () => {
    const unknown = await execute(Filtered, { dataset: GEONAMES, filter: { and: [{ field: 'population', gt: 1 }, { field: 'colour', equals: 'red' }] } });
    expect(unknown.data).toEqual({ records: null });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors![0]!.message).toMatch(/^filter\.and\[1\]\.field: unknown field "colour" in dataset ".*"; known fields: .*\bpopulation\b/);
    expect(unknown.errors![0]!.extensions?.inputPath).toEqual(['filter', 'and', 1, 'field']);
    const value = await execute(Filtered, { dataset: GEONAMES, filter: { or: [{ field: 'population', gt: 'many' }] } });
    expect(value.errors![0]!.message).toMatch(/^filter\.or\[0\]\.gt: "many" is not a number/);
    const geo = await execute(Filtered, { dataset: GEONAMES, filter: { field: 'coordinates', equals: 1 } });
    expect(geo.errors![0]!.message).toMatch(/geographic/);
    const sort = await execute(Filtered, { dataset: GEONAMES, orderBy: [{ field: 'population' }, { field: 'nope' }] });
    expect(errorCodes(sort)).toEqual(['BAD_USER_INPUT']);
    expect(sort.errors![0]!.message).toMatch(/^orderBy\[1\]\.field: unknown field "nope"/);
  });
});

describe('records connection', () => {
  it('pages with first/after, offset and last/before over the same order', async () => {
    const all = (await execute(Page, { dataset: GEONAMES, first: 6 })).data!.records!;
    expect(all.nodes).toHaveLength(6);
    expect(all.edges.map((e) => e.node.recordId)).toEqual(all.nodes.map((n) => n.recordId));
    const first = (await execute(Page, { dataset: GEONAMES, first: 3 })).data!.records!;
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = (await execute(Page, { dataset: GEONAMES, first: 3, after: first.pageInfo.endCursor })).data!.records!;
    expect([...first.nodes, ...next.nodes]).toEqual(all.nodes);
    expect(next.pageInfo.hasPreviousPage).toBe(true);
    const offset = (await execute(Page, { dataset: GEONAMES, first: 2, offset: 4 })).data!.records!;
    expect(offset.nodes).toEqual(all.nodes.slice(4, 6));
    const before = (await execute(Page, { dataset: GEONAMES, last: 2, before: all.edges[5]!.cursor })).data!.records!;
    expect(before.nodes).toEqual(all.nodes.slice(3, 5));
    const tail = (await execute(Page, { dataset: GEONAMES, first: 3, offset: 2871 })).data!.records!;
    const last = (await execute(Page, { dataset: GEONAMES, last: 3 })).data!.records!;
    expect(last.nodes).toEqual(tail.nodes);
    expect(last.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses sizes, cursors and depths out of range', async () => {
    const cases: { first?: number; last?: number; offset?: number; after?: string }[] = [
      { first: 10_001 },
      { first: -1 },
      { first: 10, offset: 9_995 },
      { after: 'nope' },
      { first: 1, last: 1 },
    ];
    for (const variables of cases) {
      const result = await execute(Page, { dataset: GEONAMES, ...variables });
      expect(errorCodes(result), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
    }
    const deep = await execute(Page, { dataset: GEONAMES, first: 10, offset: 9_995 });
    expect(deep.errors![0]!.message).toMatch(/offset \+ first must not exceed 10000/);
    const edge = await execute(Page, { dataset: GEONAMES, first: 5, offset: 9_995 });
    expect(edge.errors).toBeUndefined();
    expect(edge.data!.records!.nodes).toEqual([]);
  });

  it('counts facets on the connection', async () => {
    const result = await execute(Facets, { dataset: GEONAMES });
    const codes = countBy((r) => r.fields.feature_code as string);
    expect(result.data?.records?.totalCount).toBe(codes.get('PPLA'));
    expect(result.data?.records?.nodes.every((n) => (n.fields as { feature_code: string }).feature_code === 'PPLA')).toBe(true);
    expect(result.data?.records?.facetGroups).toEqual([
      { name: 'feature_code', count: codes.get('PPLA'), facets: [{ name: 'PPLA', count: codes.get('PPLA'), state: 'refined' }] },
    ]);
  });
});

describe('record ids', () => {
  it('are unique across datasets: the same export loaded twice has two sets of ids, each resolving to its dataset', async () => {
    const a = (await execute(Ids, { dataset: GEONAMES })).data!.records!.nodes;
    const b = (await execute(Ids, { dataset: COPY })).data!.records!.nodes;
    expect(b.map((n) => n.recordId)).toEqual(a.map((n) => n.recordId));
    expect(new Set([...a, ...b].map((n) => n.id)).size).toBe(6);
    expect(a[0]!.dataset.id).not.toBe(b[0]!.dataset.id);
    const nodeA = await execute(NodeLookup, { id: a[0]!.id });
    const nodeB = await execute(NodeLookup, { id: b[0]!.id });
    expect(nodeA.data?.node).toMatchObject({ __typename: 'Record', id: a[0]!.id, recordId: a[0]!.recordId, dataset: { name: GEONAMES } });
    expect(nodeB.data?.node).toMatchObject({ __typename: 'Record', id: b[0]!.id, recordId: a[0]!.recordId, dataset: { name: COPY } });
    expect(Buffer.from(a[0]!.id, 'base64url').toString()).toMatch(/^Record:\d+$/);
  });

  it('make missing lookups null with NOT_FOUND while siblings resolve', async () => {
    const result = await execute(Lookups, { dataset: GEONAMES, present: exported[0]!.recordid });
    expect(result.data).toEqual({ missing: null, present: { recordId: exported[0]!.recordid, dataset: { name: GEONAMES } } });
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.errors![0]!.path).toEqual(['missing']);
    const node = await execute(NodeLookup, { id: Buffer.from('Record:999999999').toString('base64url') });
    expect(node.data).toEqual({ node: null });
  });
});

describe('a private records dataset', () => {
  async function post(query: string, variables: Record<string, unknown>, key?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers.authorization = `ApiKey ${key}`;
    const response = await app.request('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: Record<string, any>; errors?: { extensions?: { code?: string } }[] };
  }

  it('resolves to null everywhere for a caller who may not read it, node(id) included', async () => {
    const row = await db.record.findFirstOrThrow({ where: { dataset: { name: HIDDEN } }, select: { id: true } });
    const id = Buffer.from(`Record:${row.id}`).toString('base64url');
    const hidden = await db.dataset.findUniqueOrThrow({ where: { name: HIDDEN }, select: { id: true } });
    const datasetId = Buffer.from(`Dataset:${hidden.id}`).toString('base64url');
    const query = `query($d: String!, $id: ID!, $datasetId: ID!) {
      records(dataset: $d) { totalCount }
      record(dataset: $d, recordId: "1") { recordId }
      node(id: $id) { id }
      datasetNode: node(id: $datasetId) { id }
      dataset(name: $d) { name }
    }`;
    const anonymous = await post(query, { d: HIDDEN, id, datasetId });
    expect(anonymous.data).toEqual({ records: null, record: null, node: null, datasetNode: null, dataset: null });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    const reader = await post(query, { d: HIDDEN, id, datasetId }, readerKey);
    expect(reader.errors).toBeUndefined();
    expect(reader.data).toEqual({
      records: { totalCount: 2 },
      record: { recordId: '1' },
      node: { id },
      datasetNode: { id: datasetId },
      dataset: { name: HIDDEN },
    });
  });
});
