import { describe, expect, it } from 'vitest';
import { graphql } from './gql/index.js';
import { app, errorCodes, execute } from './helpers.js';

const Catalog = graphql(`
  query Catalog($filter: DatasetFilter, $first: Int, $offset: Int, $after: String, $last: Int, $before: String) {
    datasets(filter: $filter, first: $first, offset: $offset, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor }
      nodes {
        id
        name
        family
        title
        license
      }
    }
  }
`);

const OneDataset = graphql(`
  query OneDataset($name: String!) {
    dataset(name: $name) {
      name
      family
      loader
      source
    }
  }
`);

describe('Query.datasets', () => {
  it('lists the bundled samples with a total count', async () => {
    // A page of 100: test files that ran before may have loaded more cubes than a default page holds.
    const result = await execute(Catalog, { filter: { family: { equals: 'CUBE' } }, first: 100 });
    expect(result.errors).toBeUndefined();
    const names = result.data!.datasets.nodes.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['boost-moldova', 'cra', 'ukgov-finances-cra']));
    expect(names).toEqual([...names].sort());
    expect(result.data!.datasets.totalCount).toBeGreaterThanOrEqual(3);
    expect(result.data!.datasets.nodes.find((d) => d.name === 'boost-moldova')?.license).toBe('PDDL-1.0');
  });

  it('pages through the catalog with first/after, offset and last/before', async () => {
    const all = await execute(Catalog, { filter: { family: { equals: 'CUBE' } }, first: 100 });
    const names = all.data!.datasets.nodes.map((d) => d.name);
    expect(all.data!.datasets.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const first = await execute(Catalog, { filter: { family: { equals: 'CUBE' } }, first: 1 });
    expect(first.data!.datasets.pageInfo.hasNextPage).toBe(true);
    const second = await execute(Catalog, { filter: { family: { equals: 'CUBE' } }, first: 1, after: first.data!.datasets.pageInfo.endCursor });
    expect(second.data!.datasets.nodes.map((d) => d.name)).toEqual([names[1]]);
    expect(second.data!.datasets.totalCount).toBe(all.data!.datasets.totalCount);
    const byOffset = await execute(Catalog, { filter: { family: { equals: 'CUBE' } }, first: 2, offset: 1 });
    expect(byOffset.data!.datasets.nodes.map((d) => d.name)).toEqual(names.slice(1, 3));
    expect(byOffset.data!.datasets.pageInfo.hasPreviousPage).toBe(true);
    const last = await execute(Catalog, { filter: { family: { equals: 'CUBE' } }, last: 2 });
    expect(last.data!.datasets.nodes.map((d) => d.name)).toEqual(names.slice(-2));
    const before = await execute(Catalog, { filter: { family: { equals: 'CUBE' } }, last: 1, before: second.data!.datasets.edges[0]!.cursor });
    expect(before.data!.datasets.nodes.map((d) => d.name)).toEqual([names[0]]);
  });

  it('filters families with equals and in, alike with and without catalog search', async () => {
    const everything = await execute(Catalog, { first: 100 });
    const families = (names: string[]) => everything.data!.datasets.nodes.filter((d) => names.includes(d.family)).map((d) => d.name);
    const among = await execute(Catalog, { filter: { family: { in: ['CUBE', 'RECORDS'] } }, first: 100 });
    expect(among.data!.datasets.nodes.map((d) => d.name)).toEqual(families(['CUBE', 'RECORDS']));
    const searched = await execute(CatalogSearch, { filter: { family: { in: ['CUBE', 'RECORDS'] } }, orderBy: [{ field: 'NAME', direction: 'ASC' }], first: 100 });
    expect(searched.data!.datasets.nodes.map((d) => d.name)).toEqual(families(['CUBE', 'RECORDS']));
    const both = await execute(Catalog, { filter: { family: { in: ['CUBE', 'RECORDS'], equals: 'AWARDS' } }, first: 100 });
    expect(both.data!.datasets.totalCount).toBe(0);
  });

  it('finds datasets by text in title or description, case-insensitively', async () => {
    const result = await execute(Catalog, { filter: { search: { text: 'country REGIONAL analysis' } }, first: 100 });
    const names = result.data!.datasets.nodes.map((d) => d.name);
    expect(names).toContain('ukgov-finances-cra');
    expect(names).not.toContain('cra');
    expect(result.data!.datasets.nodes.every((d) => /country regional analysis/i.test(d.title))).toBe(true);
  });

  it('rejects a page size out of range with BAD_USER_INPUT', async () => {
    for (const first of [-5, 1001]) {
      const result = await execute(Catalog, { first });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('first must be between 0 and 1000');
    }
    const cursor = await execute(Catalog, { after: 'not-a-cursor' });
    expect(errorCodes(cursor)).toEqual(['BAD_USER_INPUT']);
  });
});

const CatalogSearch = graphql(`
  query CatalogSearch($q: String, $filter: DatasetFilter, $facets: [String!], $refine: [FacetValueInput!], $orderBy: [DatasetOrderBy!], $first: Int = 100) {
    datasets(q: $q, filter: $filter, facets: $facets, refine: $refine, orderBy: $orderBy, first: $first) {
      totalCount
      nodes {
        name
        family
      }
      facetGroups {
        name
        facets {
          name
          count
          state
        }
      }
    }
  }
`);

describe('Query.datasets catalog search', () => {
  it('counts facets over the whole catalog and refines on them', async () => {
    const all = await execute(CatalogSearch, { facets: ['family'] });
    expect(all.errors).toBeUndefined();
    const family = all.data!.datasets.facetGroups.find((g) => g.name === 'family')!;
    const cubeCount = family.facets.find((f) => f.name === 'CUBE')!.count;
    expect(cubeCount).toBeGreaterThanOrEqual(3);
    const cubes = await execute(CatalogSearch, { facets: ['family'], refine: [{ field: 'family', value: 'CUBE' }] });
    expect(cubes.data!.datasets.totalCount).toBe(cubeCount);
    expect(cubes.data!.datasets.nodes.every((d) => d.family === 'CUBE')).toBe(true);
    const refined = cubes.data!.datasets.facetGroups[0]!.facets.find((f) => f.name === 'CUBE')!;
    expect(refined.state).toBe('refined');
  });

  it('searches with the query language and sorts with orderBy', async () => {
    const result = await execute(CatalogSearch, { q: 'moldova' });
    expect(result.data!.datasets.nodes.map((d) => d.name)).toContain('boost-moldova');
    const descending = await execute(CatalogSearch, { q: 'family:CUBE', orderBy: [{ field: 'NAME', direction: 'DESC' }] });
    const names = descending.data!.datasets.nodes.map((d) => d.name);
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names).toEqual([...names].sort().reverse());
    const ascending = await execute(CatalogSearch, { q: 'family:CUBE', orderBy: [{ field: 'NAME' }] });
    expect(ascending.data!.datasets.nodes.map((d) => d.name)).toEqual([...names].sort());
  });

  it('orders the catalog by a field with a filter, ties broken by the next key', async () => {
    const result = await execute(CatalogSearch, {
      filter: { family: { equals: 'CUBE' } },
      orderBy: [{ field: 'FAMILY' }, { field: 'TITLE', direction: 'DESC' }],
    });
    expect(result.errors).toBeUndefined();
    const titles = await execute(OneDatasetTitles);
    const cubeTitles = titles.data!.datasets.nodes.filter((d) => d.family === 'CUBE').map((d) => d.title);
    const ordered = result.data!.datasets.nodes.map((d) => d.name);
    expect(result.data!.datasets.nodes.every((d) => d.family === 'CUBE')).toBe(true);
    const titleOf = new Map(titles.data!.datasets.nodes.map((d) => [d.name, d.title]));
    expect(ordered.map((name) => titleOf.get(name))).toEqual([...cubeTitles].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    const page = await execute(CatalogSearch, { filter: { family: { equals: 'CUBE' } }, orderBy: [{ field: 'NAME', direction: 'DESC' }], first: 1 });
    expect(page.data!.datasets.totalCount).toBe(cubeTitles.length);
    expect(page.data!.datasets.nodes.map((d) => d.name)).toEqual([[...ordered].sort().reverse()[0]]);
  });

  it('reports a syntax error in q with its position', async () => {
    const result = await execute(CatalogSearch, { q: 'title:(' });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.message).toMatch(/position/);
  });
});

const OneDatasetTitles = graphql(`
  query CatalogTitles {
    datasets(first: 1000) {
      nodes { name family title }
    }
  }
`);

const DatasetNode = graphql(`
  query DatasetNode($id: ID!) {
    node(id: $id) {
      id
      ... on Dataset { name family }
    }
  }
`);

const CatalogAndMissing = graphql(`
  query CatalogAndMissing {
    datasets { totalCount }
    dataset(name: "nope") { name }
  }
`);

describe('Query.dataset', () => {
  it('returns one dataset with the metadata it was loaded from', async () => {
    const result = await execute(OneDataset, { name: 'boost-moldova' });
    expect(result.data!.dataset).toMatchObject({ name: 'boost-moldova', family: 'CUBE', loader: 'fdp' });
    expect((result.data!.dataset!.source as { datapackage: { title: string } }).datapackage.title).toBe('Moldova BOOST');
  });

  it('resolves by global id through Query.node', async () => {
    const all = await execute(Catalog, { first: 1000 });
    const moldova = all.data!.datasets.nodes.find((d) => d.name === 'boost-moldova')!;
    const node = await execute(DatasetNode, { id: moldova.id });
    expect(node.data?.node).toMatchObject({ id: moldova.id, name: 'boost-moldova', family: 'CUBE' });
    const missing = await execute(DatasetNode, { id: Buffer.from('Dataset:999999').toString('base64url') });
    expect(missing.data?.node).toBeNull();
  });

  it('returns null and NOT_FOUND for a missing dataset while its siblings resolve', async () => {
    const result = await execute(CatalogAndMissing);
    expect(result.data?.datasets.totalCount).toBeGreaterThan(3);
    expect(result.data?.dataset).toBeNull();
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.errors![0]!.path).toEqual(['dataset']);
  });

  it('answers an unknown name with NOT_FOUND and no stack trace', async () => {
    const result = await execute(OneDataset, { name: 'no-such-dataset' });
    expect(result.data).toEqual({ dataset: null });
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.errors![0]!.message).toBe('no dataset named "no-such-dataset"');
    expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it('reports malformed queries as client errors naming the problem', async () => {
    const response = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ dataset(name: 1) { nam } }' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    const messages = body.errors.map((e) => e.message).join(' ');
    expect(messages).toContain('String cannot represent a non string value: 1');
    expect(messages).toContain('Cannot query field "nam" on type "Dataset"');
  });
});

describe('HTTP', () => {
  it('answers /healthz with 200 once migrated', async () => {
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      quota: 'memory',
      databases: [{ role: 'primary', database: expect.stringMatching(/^(PostgreSQL at|embedded PGlite)/), status: 'ok' }],
    });
  });

  it('serves GraphiQL to browsers', async () => {
    const response = await app.request('/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Spendgraph');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await app.request('/nowhere');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'no route for GET /nowhere' });
  });
});
