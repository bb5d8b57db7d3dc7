import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { app, errorCodes, execute } from '../helpers.js';
import { cofog1Rows, counted, craRows, exactSum, hasWords, ukRows } from './v2-samples.js';

// OpenSpending v2's REST resources and full-text search over the bundled samples `cra` (babbage's test cube) and
// `ukgov-finances-cra` (HM Treasury's CRA 2010 package); every expectation is computed from the sample files.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Data; text: string; response: Response }> {
  const response = await app.request(path, { headers });
  const text = await response.text();
  let body: Data = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, body, text, response };
}

const craModel = JSON.parse(readFileSync(new URL('../../samples/cubes/cra/model.json', import.meta.url), 'utf8')) as {
  dimensions: Record<string, unknown>;
  measures: Record<string, unknown>;
};
const ukPackage = JSON.parse(readFileSync(new URL('../../samples/cubes/uk-sample/datapackage.json', import.meta.url), 'utf8')) as {
  title: string;
  countryCode: string[];
  model: { dimensions: Record<string, unknown> };
};

describe('GET /datasets.json', () => {
  it('lists the visible cubes with their core metadata and territory, language and category facets', async () => {
    const { status, body, response } = await get('/datasets.json');
    expect(status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const names = body.datasets.map((d: Data) => d.name);
    expect(names).toEqual(expect.arrayContaining(['cra', 'ukgov-finances-cra']));
    const uk = body.datasets.find((d: Data) => d.name === 'ukgov-finances-cra');
    expect(uk).toMatchObject({ label: ukPackage.title, currency: 'GBP', territories: ukPackage.countryCode, category: 'other' });
    expect(Object.keys(uk)).toEqual(
      expect.arrayContaining(['name', 'label', 'description', 'currency', 'category', 'timestamps', 'languages', 'territories', 'html_url']),
    );
    const withGB = body.datasets.filter((d: Data) => d.territories.includes('GB')).length;
    expect(body.territories).toContainEqual({ code: 'GB', count: withGB, url: '/datasets?territories=GB', label: 'United Kingdom' });
    expect(body.categories.reduce((sum: number, c: Data) => sum + c.count, 0)).toBe(body.datasets.length);
  });

  it('filters by territory (case-insensitive) and refuses codes that are not ISO codes', async () => {
    const { body } = await get('/datasets.json?territories=gb');
    expect(body.datasets.map((d: Data) => d.name)).toContain('ukgov-finances-cra');
    expect(body.datasets.map((d: Data) => d.name)).not.toContain('cra');
    expect(body.datasets.every((d: Data) => d.territories.includes('GB'))).toBe(true);
    const bad = await get('/datasets.json?territories=XQ');
    expect(bad).toMatchObject({ status: 400, body: { errors: ['Parameter values not supported: Territory XQ not found'] } });
  });

  it('is served as CSV by suffix and by Accept, flattened with sorted columns', async () => {
    const csv = await get('/datasets.csv');
    expect(csv.status).toBe(200);
    expect(csv.response.headers.get('content-type')).toContain('text/csv');
    const header = csv.text.split('\r\n')[0]!.split(',');
    expect(header).toEqual([...header].sort());
    expect(header).toEqual(expect.arrayContaining(['name', 'label', 'timestamps.created']));
    const negotiated = await get('/datasets', { accept: 'text/csv' });
    expect(negotiated.text).toBe(csv.text);
    // Without a suffix or an Accept naming JSON or CSV (a browser asking for HTML) there is nothing to serve.
    expect((await get('/datasets', { accept: 'text/html' })).status).toBe(404);
  });

  it('wraps JSON in the callback named by `callback`', async () => {
    const { text, response } = await get('/datasets.json?callback=foo');
    expect(response.headers.get('content-type')).toContain('javascript');
    expect(text.startsWith('foo(')).toBe(true);
    expect(text.endsWith(');')).toBe(true);
    expect(JSON.parse(text.slice(4, -2)).datasets.length).toBeGreaterThan(1);
  });
});

describe('dataset, model and dimensions', () => {
  it('GET /{dataset}.json is the dataset object, by suffix or Accept, with JSONP', async () => {
    const { status, body } = await get('/ukgov-finances-cra.json');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'ukgov-finances-cra', label: ukPackage.title, currency: 'GBP', html_url: 'http://localhost/ukgov-finances-cra' });
    expect((await get('/ukgov-finances-cra', { accept: 'application/json' })).body).toEqual(body);
    const jsonp = await get('/ukgov-finances-cra.json?callback=show.it');
    expect(jsonp.text).toMatch(/^show\.it\(\{/);
  });

  it('an unknown dataset is a 404 in the v2 error shape; a trailing slash redirects', async () => {
    expect(await get('/no-such-dataset.json')).toMatchObject({ status: 404, body: { errors: ["Sorry, there is no dataset named 'no-such-dataset'"] } });
    const slash = await app.request('/cra.json/');
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toBe('/cra.json');
  });

  it('GET /{dataset}/model.json holds the dataset object, a mapping entry per dimension and measure, and views', async () => {
    const { status, body } = await get('/cra/model.json');
    expect(status).toBe(200);
    expect(body.dataset.name).toBe('cra');
    expect(Object.keys(body.mapping).sort()).toEqual([...Object.keys(craModel.dimensions), ...Object.keys(craModel.measures)].sort());
    expect(body.mapping.amount).toMatchObject({ type: 'measure', datatype: 'float' });
    expect(body.mapping.from.type).toBe('compound');
    expect(body.views).toEqual([]);
  });

  it('GET /{dataset}/dimensions.json lists every dimension (no measures) with type, key and attributes', async () => {
    const { body } = await get('/cra/dimensions.json');
    expect(body).toHaveLength(Object.keys(craModel.dimensions).length);
    const from = body.find((d: Data) => d.key === 'from');
    expect(from).toMatchObject({ name: 'from', key: 'from', type: 'compound', label: 'Paid by', html_url: 'http://localhost/cra/from' });
    expect(Object.keys(from.attributes).sort()).toEqual(['description', 'label', 'name']);
    expect(body.find((d: Data) => d.key === 'region')).toMatchObject({ type: 'attribute', datatype: 'string' });
  });

  it('GET /{dataset}/{dimension}.json is one dimension; a measure or an unknown name is a 404', async () => {
    expect((await get('/cra/from.json')).body.key).toBe('from');
    expect(await get('/cra/amount.json')).toMatchObject({ status: 404, body: { errors: ['This is not a dimension'] } });
    expect((await get('/cra/nothing.json')).status).toBe(404);
  });
});

describe('members and entries', () => {
  it('GET /{dataset}/{dimension}/{name}.json is the member with its integer id, label and attributes', async () => {
    const keys = [...new Set(craRows.map((r) => r.cofog1_name!))].sort();
    const key = keys[1]!;
    const { status, body } = await get(`/cra/cofog1/${key}.json`);
    expect(status).toBe(200);
    const label = cofog1Rows.find((r) => r.id === key)!.cofog1_label;
    expect(body).toMatchObject({ id: 2, name: key, label, taxonomy: 'cofog1' });
    const csv = await get(`/cra/cofog1/${key}.csv`);
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
    expect(await get('/cra/cofog1/nope.json')).toMatchObject({ status: 404, body: { errors: ["Sorry, there is no member named 'nope'"] } });
    // An attribute dimension has no members of its own.
    expect((await get(`/cra/region/${craRows[0]!.region}.json`)).status).toBe(404);
  });

  it('GET /{dataset}/entries/{id}.json is one denormalised entry; CSV has one row; listings redirect to search', async () => {
    const search = await get('/api/2/search?dataset=cra&filter=from.name:Dept047&pagesize=1');
    const hit = search.body.results[0];
    expect(hit.id).toMatch(/^[0-9a-f]{40}$/);
    const { status, body, text } = await get(`/cra/entries/${hit.id}.json`);
    expect(status).toBe(200);
    expect(text).toContain('"Dept047"');
    expect(body).toMatchObject({ id: hit.id, from: { name: 'Dept047', taxonomy: 'from' } });
    const row = craRows.find((r) => r.from_name === 'Dept047')!;
    expect(body.amount).toBe(Number(row.amount));
    expect(body.region).toBe(row.region);
    const csv = await get(`/cra/entries/${hit.id}.csv`);
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
    expect(csv.text.split('\r\n')[0]).toContain('from.name');
    expect((await get('/cra/entries/0000000000000000000000000000000000000000.json')).status).toBe(404);
    const list = await app.request('/cra/entries.csv');
    expect(list.status).toBe(302);
    expect(list.headers.get('location')).toBe('/api/2/search?dataset=cra&format=csv');
  });
});

describe('GET /api/2/search', () => {
  it('without parameters pages 100 entries of one dataset with counts and the dataset object', async () => {
    const { status, body } = await get('/api/2/search?dataset=ukgov-finances-cra');
    expect(status).toBe(200);
    expect(body.stats).toEqual({ results_count_query: ukRows.length, results_count: 100 });
    expect(body.facets).toEqual({});
    expect(body.results[0].dataset.name).toBe('ukgov-finances-cra');
    const page = await get('/api/2/search?dataset=cra&page=2&pagesize=10');
    expect(page.body.stats).toEqual({ results_count_query: craRows.length, results_count: 10 });
  });

  it('q: words are ANDed over every value, stemmed, stop words dropped', async () => {
    const expected = craRows.filter((r) => hasWords(r, ['ministry', 'justice'])).length;
    expect(expected).toBeGreaterThan(0);
    const { body } = await get('/api/2/search?dataset=cra&q=Ministry%20of%20Justice');
    expect(body.stats.results_count_query).toBe(expected);
    expect(body.results.every((e: Data) => JSON.stringify(e).toLowerCase().includes('justice'))).toBe(true);
  });

  it('q: field:value is exact; OR, -term, ranges and phrases combine', async () => {
    const field = await get('/api/2/search?dataset=cra&q=from.name:Dept047&pagesize=0');
    expect(field.body.stats.results_count_query).toBe(craRows.filter((r) => r.from_name === 'Dept047').length);
    const either = await get('/api/2/search?dataset=cra&q=region:SCOTLAND%20OR%20region:WALES&pagesize=0');
    expect(either.body.stats.results_count_query).toBe(craRows.filter((r) => r.region === 'SCOTLAND' || r.region === 'WALES').length);
    const without = await get('/api/2/search?dataset=cra&q=*:*%20-region:SCOTLAND&pagesize=0');
    expect(without.body.stats.results_count_query).toBe(craRows.filter((r) => r.region !== 'SCOTLAND').length);
    const range = await get('/api/2/search?dataset=cra&q=amount:[1000000%20TO%20*]&pagesize=0');
    expect(range.body.stats.results_count_query).toBe(craRows.filter((r) => Number(r.amount) >= 1_000_000).length);
    const phrase = await get('/api/2/search?dataset=cra&q=%22Department%20for%20Work%22&pagesize=0');
    expect(phrase.body.stats.results_count_query).toBe(craRows.filter((r) => Object.values(r).some((v) => v.includes('Department for Work'))).length);
  });

  it('filter: field:value parts are ANDed; a part without one colon is a 400', async () => {
    const pog = craRows[0]!.pog_name!;
    const { body } = await get(`/api/2/search?dataset=cra&filter=${encodeURIComponent(`pog:${pog}|region:${craRows[0]!.region}`)}&pagesize=0`);
    expect(body.stats.results_count_query).toBe(craRows.filter((r) => r.pog_name === pog && r.region === craRows[0]!.region).length);
    const bad = await get('/api/2/search?dataset=cra&filter=pog');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toContain('Wrong format for "filter"');
  });

  it('stats: sum, mean, min, max, stddev of amount over the whole result, exact', async () => {
    const { body, text } = await get('/api/2/search?dataset=ukgov-finances-cra&stats=true&pagesize=1');
    const amounts = ukRows.map((r) => r.amount!).filter((a) => a !== '');
    expect(text).toContain(`"sum": ${exactSum(amounts)},`);
    const numbers = amounts.map(Number);
    expect(body.stats).toMatchObject({ count: numbers.length, missing: ukRows.length - numbers.length, min: Math.min(...numbers), max: Math.max(...numbers) });
    const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
    expect(body.stats.mean).toBeCloseTo(mean, 6);
    const sd = Math.sqrt(numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / (numbers.length - 1));
    expect(body.stats.stddev).toBeCloseTo(sd, 4);
  });

  it('facets: [value, count] pairs, most frequent first, paged; expanded to members for one dataset', async () => {
    const datasets = await get('/api/2/search?pagesize=0&facet_field=dataset');
    expect(datasets.body.facets.dataset).toContainEqual(['cra', craRows.length]);
    expect(datasets.body.facets.dataset).toContainEqual(['ukgov-finances-cra', ukRows.length]);
    const from = counted(craRows.map((r) => r.from_name!));
    const plain = await get('/api/2/search?dataset=cra&pagesize=0&facet_field=from|to.name');
    expect(plain.body.facets.from).toEqual(from);
    expect(plain.body.facets['to.name']).toEqual(counted(craRows.map((r) => r.to_name!)));
    const paged = await get('/api/2/search?dataset=cra&pagesize=0&facet_field=from&facet_page=2&facet_pagesize=2');
    expect(paged.body.facets.from).toEqual(from.slice(2, 4));
    const expanded = await get('/api/2/search?dataset=cra&pagesize=0&facet_field=from|to.name&expand_facet_dimensions=1');
    const [member, count] = expanded.body.facets.from[0];
    const row = craRows.find((r) => r.from_name === from[0]![0])!;
    expect(member).toMatchObject({ name: from[0]![0], label: row.from_label, taxonomy: 'from' });
    expect(typeof member.id).toBe('number');
    expect(count).toBe(from[0]![1]);
    expect(expanded.body.facets['to.name'][0][0]).toBe('society');
  });

  it('category narrows the datasets searched when no dataset is named', async () => {
    const budget = await get('/api/2/search?category=budget&pagesize=0&facet_field=dataset');
    expect(budget.body.facets.dataset.map(([name]: [string]) => name)).not.toContain('cra');
    const other = await get('/api/2/search?category=other&pagesize=0&facet_field=dataset');
    expect(other.body.facets.dataset).toContainEqual(['cra', craRows.length]);
    expect(other.body.facets.dataset).toContainEqual(['ukgov-finances-cra', ukRows.length]);
  });

  it('order sorts by a measure; CSV drops stats and facets', async () => {
    const desc = await get('/api/2/search?dataset=cra&order=amount:desc&pagesize=3');
    expect(desc.body.results.map((e: Data) => e.amount)).toEqual(craRows.map((r) => Number(r.amount)).sort((a, b) => b - a).slice(0, 3));
    const csv = await get('/api/2/search?dataset=cra&format=csv&pagesize=1000');
    expect(csv.text.trim().split('\r\n')).toHaveLength(craRows.length + 1);
    expect(csv.response.headers.get('content-disposition')).toContain('entries.csv');
  });

  it('errors are 400 {errors: [...]}: unknown dataset, unknown field, a query that does not parse, bad paging', async () => {
    expect(await get('/api/2/search?dataset=nope')).toMatchObject({ status: 400, body: { errors: ['no dataset with name "nope"'] } });
    const field = await get('/api/2/search?dataset=cra&q=nofield:x');
    expect(field.status).toBe(400);
    expect(field.body.errors[0]).toContain('unknown field "nofield"');
    expect((await get('/api/2/search?dataset=cra&q=a:(')).status).toBe(400);
    expect((await get('/api/2/search?dataset=cra&pagesize=-1')).status).toBe(400);
    expect((await get('/api/2/search?dataset=cra&order=amount:sideways')).status).toBe(400);
    const jsonp = await get('/api/2/search?dataset=nope&callback=cb');
    expect(jsonp.text).toBe('cb({\n  "errors": [\n    "no dataset with name \\"nope\\""\n  ]\n});');
  });
});

describe('GraphQL text search', () => {
  it('Cube.facts(filter: {search}) matches every word over the whole fact, or over the fields named', async () => {
    const expected = craRows.filter((r) => hasWords(r, ['ministry', 'justice'])).length;
    const result = await execute(
      graphql(`
        query CubeTextSearch($filter: CubeFilter) {
          cube(name: "cra") {
            facts(filter: $filter, first: 100) {
              totalCount
              nodes { entryId data }
            }
          }
        }
      `),
      { filter: { search: { text: 'Ministry of Justice' } } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.cube!.facts.totalCount).toBe(expected);
    const scoped = await execute(
      graphql(`
        query CubeFieldSearch($filter: CubeFilter) {
          cube(name: "cra") { facts(filter: $filter, first: 0) { totalCount } }
        }
      `),
      { filter: { and: [{ search: { text: 'justice', fields: ['from.label'] } }, { field: 'region', equals: 'SCOTLAND' }] } },
    );
    expect(scoped.data!.cube!.facts.totalCount).toBe(craRows.filter((r) => /justice/i.test(r.from_label!) && r.region === 'SCOTLAND').length);
    const unknown = await execute(
      graphql(`query CubeBadSearch($filter: CubeFilter) { cube(name: "cra") { facts(filter: $filter) { totalCount } } }`),
      { filter: { search: { text: 'x', fields: ['nope'] } } },
    );
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
  });

  it('Query.factSearch searches across cubes with the /api/2/search syntax; each fact names its cube and entry id', async () => {
    const result = await execute(
      graphql(`
        query FactSearch($q: String, $cubes: [String!]) {
          factSearch(q: $q, cubes: $cubes, first: 5) {
            totalCount
            nodes { entryId cube { name } data }
          }
        }
      `),
      { q: 'region:SCOTLAND OR region:scotland', cubes: ['cra', 'ukgov-finances-cra'] },
    );
    expect(result.errors).toBeUndefined();
    const expected = craRows.filter((r) => r.region === 'SCOTLAND').length + ukRows.filter((r) => r.region_name === 'scotland').length;
    expect(result.data!.factSearch.totalCount).toBe(expected);
    const rest = await get('/api/2/search?dataset=cra|ukgov-finances-cra&q=region:SCOTLAND%20OR%20region:scotland&pagesize=5');
    expect(result.data!.factSearch.nodes.map((n) => n.entryId)).toEqual(rest.body.results.map((e: Data) => e.id));
    expect(result.data!.factSearch.nodes.map((n) => n.cube.name)).toEqual(rest.body.results.map((e: Data) => e.dataset.name));
    const missing = await execute(graphql(`query FactSearchMissing { factSearch(cubes: ["nope"]) { totalCount } }`));
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
  });
});
