import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers.js';
import { catalogMemo } from '../../src/db/catalog-events.js';
import { catalogSettled, statementLog } from '../statements.js';
import { exported } from './expected.js';
import { GEONAMES, geonames } from './fixture.js';


/**
 * Statements a request sends, and how many of them look a dataset up, from a cold catalog memo (which otherwise
 * answers repeated lookups without a statement; see the last test).
 */
async function measure(run: () => Promise<unknown>, warm = false): Promise<{ count: number; datasetLookups: number }> {
  if (!warm) catalogMemo.changed();
  const sql = await statements.statements(run);
  return { count: sql.length, datasetLookups: sql.filter((text) => text.includes('FROM record_field f WHERE f.dataset_id = d.id')).length };
}

const OneSearch = graphql(`
  query StatementsOneSearch($d: String!, $first: Int!) {
    a: records(dataset: $d, first: $first) { nodes { id recordId fields dataset { name title } } }
  }
`);

const ThreeSearches = graphql(`
  query StatementsThreeSearches($d: String!, $first: Int!) {
    a: records(dataset: $d, first: $first) { nodes { id recordId dataset { name } } }
    b: records(dataset: $d, first: $first, q: "war") { nodes { id dataset { name } } }
    c: records(dataset: $d, first: $first, filter: { field: "population", gt: 1000 }) { nodes { id } }
  }
`);

const OneRecord = graphql(`
  query StatementsOneRecord($d: String!, $a: String!) {
    a: record(dataset: $d, recordId: $a) { id recordId dataset { name } }
  }
`);

const FiveRecords = graphql(`
  query StatementsFiveRecords($d: String!, $a: String!, $b: String!, $c: String!, $e: String!, $f: String!) {
    a: record(dataset: $d, recordId: $a) { id recordId dataset { name } }
    b: record(dataset: $d, recordId: $b) { id recordId dataset { name } }
    c: record(dataset: $d, recordId: $c) { id recordId dataset { name } }
    e: record(dataset: $d, recordId: $e) { id recordId dataset { name } }
    f: record(dataset: $d, recordId: $f) { id recordId dataset { name } }
  }
`);

const EveryDoor = graphql(`
  query StatementsEveryDoor($d: String!, $a: String!) {
    records(dataset: $d, first: 2) { nodes { id dataset { name } } }
    record(dataset: $d, recordId: $a) { recordId }
    analyze(dataset: $d, x: "feature_code", series: [{ name: "n", func: COUNT }]) { x }
    geocluster(dataset: $d, clusterprecision: 3, clusterdistance: 100) { countMax }
    dataset(name: $d) { name recordFields { name } }
  }
`);

const CatalogPage = graphql(`
  query StatementsCatalogPage($first: Int!) {
    datasets(first: $first) { nodes { id name family title } }
  }
`);

const CatalogByFamily = graphql(`
  query StatementsCatalogByFamily($first: Int!) {
    datasets(first: $first, orderBy: [{ field: FAMILY, direction: DESC }, { field: NAME }]) {
      nodes { id name family recordFields { name type } }
    }
  }
`);

let statements: ReturnType<typeof statementLog>;

beforeAll(async () => {
  await geonames();
  statements = statementLog();
});

afterAll(() => statements.restore());

const ids = exported.slice(0, 5).map((r) => r.recordid);

describe('records GraphQL costs a fixed number of SQL statements', () => {
  it('looks a dataset up once however many aliases name it, each alias adding only its page', async () => {
    const one = await measure(async () => {
      const result = await execute(OneSearch, { d: GEONAMES, first: 2 });
      expect(result.data?.a?.nodes).toHaveLength(2);
    });
    const three = await measure(async () => {
      const result = await execute(ThreeSearches, { d: GEONAMES, first: 2 });
      expect(result.errors).toBeUndefined();
      expect(result.data?.c?.nodes).toHaveLength(2);
    });
    expect(one).toEqual({ count: 2, datasetLookups: 1 });
    expect(three).toEqual({ count: one.count + 2, datasetLookups: 1 });
  });

  it('takes as many statements for 50 records as for 2', async () => {
    const run = (first: number) => async () => {
      const result = await execute(OneSearch, { d: GEONAMES, first });
      expect(result.data?.a?.nodes).toHaveLength(first);
    };
    const small = await measure(run(2));
    const large = await measure(run(50));
    expect(large).toEqual(small);
  });

  it('loads 5 record lookups in the statements of 1', async () => {
    const one = await measure(async () => {
      const result = await execute(OneRecord, { d: GEONAMES, a: ids[0]! });
      expect(result.data?.a?.recordId).toBe(ids[0]);
    });
    const five = await measure(async () => {
      const result = await execute(FiveRecords, { d: GEONAMES, a: ids[0]!, b: ids[1]!, c: ids[2]!, e: ids[3]!, f: ids[4]! });
      expect(result.data?.f?.recordId).toBe(ids[4]);
    });
    expect(one).toEqual({ count: 2, datasetLookups: 1 });
    expect(five).toEqual(one);
  });

  it('shares one dataset lookup between records, record, analyze, geocluster and dataset', async () => {
    const every = await measure(async () => {
      const result = await execute(EveryDoor, { d: GEONAMES, a: ids[0]! });
      expect(result.errors).toBeUndefined();
      expect(result.data?.dataset?.recordFields.length).toBeGreaterThan(5);
    });
    expect(every).toEqual({ count: 5, datasetLookups: 1 });
  });

  it('answers a repeated dataset lookup from the catalog memo, without a statement', async () => {
    await catalogSettled();
    const run = async () => {
      const result = await execute(OneSearch, { d: GEONAMES, first: 2 });
      expect(result.data?.a?.nodes).toHaveLength(2);
    };
    const cold = await measure(run);
    const warm = await measure(run, true);
    expect(cold).toEqual({ count: 2, datasetLookups: 1 });
    expect(warm).toEqual({ count: 1, datasetLookups: 0 });
  });

  it('lists 20 catalog rows in the statements of 2, record fields included', async () => {
    const plain = (first: number) => async () => {
      const result = await execute(CatalogPage, { first });
      const length = result.data!.datasets.nodes.length;
      expect(first === 2 ? length === 2 : length > 5).toBe(true);
    };
    const small = await measure(plain(2));
    expect(await measure(plain(20))).toEqual(small);
    expect(small.count).toBe(1);
    const withFields = (first: number) => async () => {
      const result = await execute(CatalogByFamily, { first });
      const nodes = result.data!.datasets.nodes;
      expect(first === 2 ? nodes.length === 2 : nodes.length > 5).toBe(true);
      expect(nodes[0]!.family).toBe('RECORDS');
      expect(nodes[0]!.recordFields.length).toBeGreaterThan(0);
    };
    const two = await measure(withFields(2));
    expect(await measure(withFields(20))).toEqual(two);
    expect(two.count).toBe(3);
  });
});
