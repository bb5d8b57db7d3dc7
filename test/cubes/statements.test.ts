import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers.js';
import { catalogSettled, statementLog } from '../statements.js';


const CubesWithModels = graphql(`
  query CubeStatementsList($first: Int!) {
    cubes(first: $first) {
      nodes {
        id name
        dimensions { id name cardinality attributes { ref } }
        measures { id name }
        hierarchies { name }
        aggregates { ref }
      }
    }
  }
`);

const CubesByAlias = graphql(`
  query CubeStatementsAliases($a: String!, $b: String!, $c: String!) {
    a: cube(name: $a) { name dimensions { cardinality } }
    b: cube(name: $b) { name dimensions { cardinality } }
    c: cube(name: $c) { name dimensions { cardinality } }
  }
`);

const CubeName = graphql(`
  query CubeStatementsName {
    cube(name: "cra") { name }
  }
`);

const CubeDimensions = graphql(`
  query CubeStatementsDimensions {
    cube(name: "cra") { name dimensions { name } }
  }
`);

const CubeEverything = graphql(`
  query CubeStatementsEverything {
    cube(name: "cra") {
      name
      model
      aggregates { ref }
      dimensions { name cardinality }
      measures { name }
      hierarchies { name }
      again: dimensions { keyAttribute cardinality }
    }
  }
`);

const CubeFacts = graphql(`
  query CubeStatementsFacts($first: Int!) {
    cube(name: "boost-moldova") {
      facts(first: $first) {
        totalCount
        nodes { id rowNumber data }
      }
    }
  }
`);

let counter: ReturnType<typeof statementLog>;

/** A new updatedAt makes every cached model and cardinality stale, as a reload does. */
/** Changes every cube's row and waits until the catalog memo has heard it: the next request starts cold. */
async function touchCubes() {
  await db.dataset.updateMany({ where: { family: 'CUBE' }, data: { updatedAt: new Date() } });
  await catalogSettled();
}

beforeAll(() => {
  counter = statementLog();
});

afterAll(() => counter.restore());

describe('cube queries cost a fixed number of SQL statements', () => {
  it('one cube and three cubes with their models and cardinalities take the same number', async () => {
    const run = (first: number) => async () => {
      const result = await execute(CubesWithModels, { first });
      expect(result.errors).toBeUndefined();
      expect(result.data!.cubes.nodes).toHaveLength(first);
      expect(result.data!.cubes.nodes.every((cube) => cube.dimensions.every((d) => d.cardinality > 0))).toBe(true);
    };
    await touchCubes();
    const coldOne = await counter.measure(run(1));
    await touchCubes();
    const coldThree = await counter.measure(run(3));
    const warmOne = await counter.measure(run(1));
    const warmThree = await counter.measure(run(3));
    expect(coldThree).toBe(coldOne);
    expect(warmThree).toBe(warmOne);
    expect(warmOne).toBe(1);
    expect(coldOne).toBeLessThanOrEqual(7);
  });

  it('cube(name) under three aliases costs what one alias costs', async () => {
    const names = (await execute(CubesWithModels, { first: 3 })).data!.cubes.nodes.map((n) => n.name);
    const run = (a: string, b: string, c: string) => async () => {
      const result = await execute(CubesByAlias, { a, b, c });
      expect(result.errors).toBeUndefined();
      expect([result.data!.a!.name, result.data!.b!.name, result.data!.c!.name]).toEqual([a, b, c]);
    };
    await touchCubes();
    const coldOne = await counter.measure(run(names[0]!, names[0]!, names[0]!));
    await touchCubes();
    const coldThree = await counter.measure(run(names[0]!, names[1]!, names[2]!));
    const warmThree = await counter.measure(run(names[0]!, names[1]!, names[2]!));
    expect(coldThree).toBe(coldOne);
    expect(coldOne).toBeGreaterThan(0);
    // Warm, the cubes' rows and models come from the catalog memo: no statement at all.
    expect(warmThree).toBe(0);
  });

  it('reads the model of a cube once however many fields need it', async () => {
    await counter.measure(async () => execute(CubeEverything));
    const name = await counter.measure(async () => execute(CubeName));
    const everything = await counter.measure(async () => {
      const result = await execute(CubeEverything);
      expect(result.errors).toBeUndefined();
      expect(result.data!.cube!.dimensions.find((d) => d.name === 'cofog1')!.cardinality).toBe(4);
    });
    expect(everything).toBe(name);
    await touchCubes();
    const coldDimensions = await counter.measure(async () => execute(CubeDimensions));
    await touchCubes();
    const coldEverything = await counter.measure(async () => execute(CubeEverything));
    // The only extra statement is the one counting the cardinalities.
    expect(coldEverything).toBe(coldDimensions + 1);
  });

  it('2 facts and 50 facts take the same number', async () => {
    const run = (first: number) => async () => {
      const result = await execute(CubeFacts, { first });
      expect(result.errors).toBeUndefined();
      expect(result.data!.cube!.facts.nodes).toHaveLength(first);
    };
    await run(2)();
    const small = await counter.measure(run(2));
    const large = await counter.measure(run(50));
    expect(large).toBe(small);
    // The page and its count: the cube's row and model come from the catalog memo.
    expect(large).toBe(2);
  });
});
