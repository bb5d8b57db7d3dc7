import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapter } from '../../src/db.js';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers.js';
import { loadAwardSamples, rest } from './samples.js';

/** Counts SQL statements reaching the database driver (PGlite client or pg pool): no mocking, only observation. */
function statementCounter() {
  let count = 0;
  let restore: () => void;
  if (adapter.kind === 'pglite') {
    const client = (adapter.factory as unknown as { client: { query: (...args: unknown[]) => Promise<unknown> } }).client;
    const original = client.query;
    client.query = function (this: unknown, ...args: unknown[]) {
      count += 1;
      return original.apply(this, args);
    };
    restore = () => {
      client.query = original;
    };
  } else {
    const proto = pg.Pool.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      count += 1;
      return original.apply(this, args);
    };
    restore = () => {
      proto.query = original;
    };
  }
  return {
    async measure(run: () => Promise<unknown>): Promise<number> {
      count = 0;
      await run();
      return count;
    },
    restore: () => restore(),
  };
}

const AwardsNestedList = graphql(`
  query AwardsNestedList($limit: Int) {
    awards(limit: $limit, order: ["id"]) {
      totalCount
      nodes {
        id
        totalObligation
        awardingAgency { toptierAgency { name } subtierAgency { name } }
        fundingAgency { toptierAgency { name } }
        recipient { recipientName location { stateCode cityName } }
        placeOfPerformance { stateCode countryName }
      }
    }
  }
`);

let counter: ReturnType<typeof statementCounter>;

beforeAll(async () => {
  await loadAwardSamples();
  counter = statementCounter();
});

afterAll(() => counter.restore());

describe('nested award lists cost a fixed number of SQL statements', () => {
  it('GraphQL: 2 rows and 200 rows take the same number of statements', async () => {
    const run = (limit: number) => async () => {
      const result = await execute(AwardsNestedList, { limit });
      expect(result.errors).toBeUndefined();
      expect(result.data!.awards.nodes.length).toBe(Math.min(limit, result.data!.awards.totalCount));
    };
    await run(2)();
    const small = await counter.measure(run(2));
    const large = await counter.measure(run(200));
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(12);
  });

  it('REST: 2 rows and 200 rows take the same number of statements', async () => {
    const run = (limit: number) => async () => {
      const { status, json } = await rest(`/api/v1/awards/?limit=${limit}&order=id`);
      expect(status).toBe(200);
      expect(json.results.length).toBeGreaterThan(1);
    };
    await run(2)();
    await run(200)();
    const small = await counter.measure(run(2));
    const large = await counter.measure(run(200));
    expect(large).toBe(small);
  });
});
