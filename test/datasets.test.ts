import { describe, expect, it } from 'vitest';
import { graphql } from './gql/index.js';
import { app, errorCodes, execute } from './helpers.js';

const Catalog = graphql(`
  query Catalog($filter: DatasetFilter, $page: Int! = 1, $pageSize: Int! = 20) {
    datasets(filter: $filter, page: $page, pageSize: $pageSize) {
      totalCount
      page
      pageSize
      nodes {
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
    const result = await execute(Catalog, { filter: { family: 'CUBE' } });
    expect(result.errors).toBeUndefined();
    const names = result.data!.datasets.nodes.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['boost-moldova', 'cra', 'ukgov-finances-cra']));
    expect(names).toEqual([...names].sort());
    expect(result.data!.datasets.totalCount).toBeGreaterThanOrEqual(3);
    expect(result.data!.datasets.nodes.find((d) => d.name === 'boost-moldova')?.license).toBe('PDDL-1.0');
  });

  it('pages through the catalog', async () => {
    const all = await execute(Catalog, { filter: { family: 'CUBE' }, pageSize: 100 });
    const second = await execute(Catalog, { filter: { family: 'CUBE' }, page: 2, pageSize: 1 });
    expect(second.data!.datasets.page).toBe(2);
    expect(second.data!.datasets.nodes.map((d) => d.name)).toEqual([all.data!.datasets.nodes[1]!.name]);
    expect(second.data!.datasets.totalCount).toBe(all.data!.datasets.totalCount);
  });

  it('finds datasets by text in title or description, case-insensitively', async () => {
    const result = await execute(Catalog, { filter: { text: 'country REGIONAL analysis' }, pageSize: 100 });
    const names = result.data!.datasets.nodes.map((d) => d.name);
    expect(names).toContain('ukgov-finances-cra');
    expect(names).not.toContain('cra');
    expect(result.data!.datasets.nodes.every((d) => /country regional analysis/i.test(d.title))).toBe(true);
  });

  it('rejects a page size out of range with BAD_USER_INPUT', async () => {
    for (const pageSize of [0, -5, 100_000]) {
      const result = await execute(Catalog, { pageSize });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('pageSize');
    }
  });
});

const CatalogSearch = graphql(`
  query CatalogSearch($q: String, $facets: [String!], $refine: [FacetValueInput!], $sort: [String!]) {
    datasets(q: $q, facets: $facets, refine: $refine, sort: $sort, pageSize: 100) {
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

  it('searches with the query language and sorts', async () => {
    const result = await execute(CatalogSearch, { q: 'moldova', sort: ['-datasetid'] });
    expect(result.data!.datasets.nodes.map((d) => d.name)).toContain('boost-moldova');
    // As in OpenDataSoft: descending by default, "-" for ascending.
    const descending = await execute(CatalogSearch, { q: 'family:CUBE', sort: ['datasetid'] });
    const names = descending.data!.datasets.nodes.map((d) => d.name);
    expect(names).toEqual([...names].sort().reverse());
    const ascending = await execute(CatalogSearch, { q: 'family:CUBE', sort: ['-datasetid'] });
    expect(ascending.data!.datasets.nodes.map((d) => d.name)).toEqual([...names].sort());
  });

  it('reports a syntax error in q with its position', async () => {
    const result = await execute(CatalogSearch, { q: 'title:(' });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.message).toMatch(/position/);
  });
});

describe('Query.dataset', () => {
  it('returns one dataset with the metadata it was loaded from', async () => {
    const result = await execute(OneDataset, { name: 'boost-moldova' });
    expect(result.data!.dataset).toMatchObject({ name: 'boost-moldova', family: 'CUBE', loader: 'fdp' });
    expect((result.data!.dataset.source as { datapackage: { title: string } }).datapackage.title).toBe('Moldova BOOST');
  });

  it('answers an unknown name with NOT_FOUND and no stack trace', async () => {
    const result = await execute(OneDataset, { name: 'no-such-dataset' });
    expect(result.data).toBeNull();
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
    expect(await response.json()).toEqual({ status: 'ok' });
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
