import { describe, expect, it } from 'vitest';
import { createGraphQLHandler } from '../../src/yoga.js';
import { graphqlLimitsFromEnv } from '../../src/graphql-limits.js';
import { app } from '../helpers.js';

async function post(query: string, handler?: ReturnType<typeof createGraphQLHandler>, extra: object = {}) {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, ...extra }),
  };
  const response = handler ? await handler.fetch('http://spendgraph/graphql', init) : await app.request('/graphql', init);
  return (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe('GraphQL limits', () => {
  it('refuse queries whose cost, with page sizes multiplied in, is over the limit', async () => {
    const cheap = await post('{ datasets(first: 10) { nodes { name title } } }');
    expect(cheap.errors).toBeUndefined();
    const costly = await post('{ datasets(first: 1000) { nodes { name title description publisher license keywords themes language } } }',
      createGraphQLHandler({ ...graphqlLimitsFromEnv({}), maxComplexity: 5_000 }));
    expect(costly.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(costly.errors?.[0]?.message).toMatch(/^query complexity \d+ exceeds the limit of 5000$/);
  });

  it('price a connection by its page size once, whether rows are read through edges or nodes', async () => {
    const handler = createGraphQLHandler({ ...graphqlLimitsFromEnv({}), maxComplexity: 50_000 });
    const big = await post('{ cube(name: "cra") { facts(first: 10000) { edges { cursor node { id } } } } }', handler);
    expect(big.errors).toBeUndefined();
    const bigger = await post('{ cube(name: "cra") { facts(first: 10000) { edges { cursor node { id data } } nodes { id data } } } }', handler);
    expect(bigger.errors?.[0]?.message).toMatch(/^query complexity \d+ exceeds the limit of 50000$/);
    // Without first, a connection is priced like any list (10 rows), not as one row.
    const tight = createGraphQLHandler({ ...graphqlLimitsFromEnv({}), maxComplexity: 30 });
    const unsized = await post('{ datasets { nodes { name title license } } }', tight);
    expect(unsized.errors?.[0]?.message).toMatch(/^query complexity \d+ exceeds the limit of 30$/);
  });

  it('refuse queries nested deeper than the limit', async () => {
    const handler = createGraphQLHandler({ ...graphqlLimitsFromEnv({}), maxDepth: 2 });
    const deep = await post('{ datasets { nodes { name } } }', handler);
    expect(deep.errors?.[0]?.message).toBe('query depth 3 exceeds the limit of 2');
  });

  it('refuse too many aliases and too many tokens', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: permissions(dataset: "cra") { read }`).join(' ');
    const tooManyAliases = await post(`{ ${aliases} }`);
    expect(tooManyAliases.errors?.[0]?.message).toMatch(/aliases/i);
    const handler = createGraphQLHandler({ ...graphqlLimitsFromEnv({}), maxTokens: 50 });
    const tooManyTokens = await post(`{ ${Array.from({ length: 30 }, () => 'datasets { totalCount }').join(' ')} }`, handler);
    expect(tooManyTokens.errors?.[0]?.message).toMatch(/token/i);
  });

  it('can turn introspection off', async () => {
    const handler = createGraphQLHandler({ ...graphqlLimitsFromEnv({}), introspection: false });
    const result = await post('{ __schema { queryType { name } } }', handler);
    expect(result.errors?.[0]?.message).toMatch(/introspection/i);
    const open = await post('{ __schema { queryType { name } } }');
    expect(open.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('persisted operations', () => {
  it('can be made mandatory: known ids run, arbitrary documents are refused', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'spendgraph-persisted-')), 'operations.json');
    writeFileSync(file, JSON.stringify({ catalogCount: '{ datasets { totalCount } }' }));
    const handler = createGraphQLHandler({ ...graphqlLimitsFromEnv({}), persistedOperations: file, requirePersisted: true });
    const known = await handler.fetch('http://spendgraph/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'catalogCount' } } }),
    });
    const body = (await known.json()) as { data: { datasets: { totalCount: number } } };
    expect(body.data.datasets.totalCount).toBeGreaterThan(0);
    const arbitrary = await post('{ datasets { totalCount } }', handler);
    expect(arbitrary.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });
});
