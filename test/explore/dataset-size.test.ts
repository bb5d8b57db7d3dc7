import { afterAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers.js';
import { statementLog } from '../statements.js';

const Sizes = graphql(`
  query DatasetSizes($first: Int) {
    datasets(first: $first) { nodes { name family size } }
  }
`);

const Rows = graphql(`
  query DatasetRows {
    cra: cube(name: "cra") { facts(first: 1) { totalCount } }
    moldova: cube(name: "boost-moldova") { facts(first: 1) { totalCount } }
    fixture: awards(dataset: "usaspending-fixture", first: 1) { totalCount }
    contracts: awards(dataset: "usaspending-treasury-contracts", first: 1) { totalCount }
    geonames: records(dataset: "geonames-all-cities-with-a-population-1000", first: 1) { totalCount }
  }
`);

const log = statementLog();
afterAll(() => log.restore());

describe('Dataset.size', () => {
  it('counts the facts of a cube, the awards of an awards dataset and the records of a records dataset', async () => {
    const [sizes, rows] = await Promise.all([execute(Sizes, { first: 100 }), execute(Rows)]);
    expect(sizes.errors).toBeUndefined();
    const size = Object.fromEntries(sizes.data!.datasets.nodes.map((d) => [d.name, d.size]));
    const r = rows.data!;
    expect(size).toMatchObject({
      cra: r.cra!.facts.totalCount,
      'boost-moldova': r.moldova!.facts.totalCount,
      'usaspending-fixture': r.fixture.totalCount,
      'usaspending-treasury-contracts': r.contracts.totalCount,
      'geonames-all-cities-with-a-population-1000': r.geonames!.totalCount,
    });
    expect(size.cra).toBe(36);
    expect(size['geonames-all-cities-with-a-population-1000']).toBe(2874);
  });

  it('costs one statement for a whole page of the catalog, whatever its size', async () => {
    await execute(Sizes, { first: 1 });
    const counting = (statements: string[]) => statements.filter((sql) => /count\(\*\) FROM fact/.test(sql)).length;
    const one = await log.statements(() => execute(Sizes, { first: 1 }));
    const all = await log.statements(() => execute(Sizes, { first: 100 }));
    expect(counting(one)).toBe(1);
    expect(counting(all)).toBe(1);
    expect(all.length).toBe(one.length);
  });
});
