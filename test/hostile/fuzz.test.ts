import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwardSamples } from '../awards/samples.js';
import { RECORDS, expectClean, send, type Answer } from './support.js';

/**
 * Randomised and wrongly typed input for every REST route of every family and for GraphQL arguments: each answer
 * is a 2xx or 4xx without driver or stack text, within a bounded time.
 */

const BOUND_MS = 3000;

const hostile = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    '\u0000', 'a\u0000b', '1e400', '-1', '0', '9'.repeat(400), 'NaN', 'Infinity', '((((', ')', '"', '\\', '%', '_', '%_\\',
    '[]', '{}', 'null', 'true', '🚀', '\uD800', 'ü', 'cofog1.name', 'time.year', 'amount.sum', 'name', 'population',
    'feature_code', 'SUM', 'STDDEV', 'csv', 'json', 'geojson', 'jsonp', 'xls', '2017-02-30', '1:2', 'a:b;c', 'x|y',
    '50.1,19.9,1000', '(50,19),(51,19),(51,20)', 'pow(10,400)', 'population/0', 'exp(600)', '5e-324', '29', '-5',
  ),
  fc.integer({ min: 1, max: 300 }).map((n) => '('.repeat(n) + 'a' + ')'.repeat(n)),
  fc.tuple(fc.integer({ min: 1, max: 800 }), fc.constantFrom(' ', ' OR ', ' AND ', ',')).map(([n, join]) => Array.from({ length: n }, (_, i) => `t${i}`).join(join)),
);

/** A JSON value of any shape, sometimes nested past the JSON depth limit (written as text: stringify recurses). */
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 50, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.constantFrom('{"field":"type","operation":"equals","value":"%"}', '[{"field":"id","operation":"is_null","value":true}]', '{', '[1,'),
);

interface Route {
  family: 'cubes' | 'records' | 'awards' | 'accounts' | 'catalog';
  path: string;
  params: string[];
  post?: 'form' | 'json';
}

const cube = fc.constantFrom('cra', 'boost-moldova', 'ukgov-finances-cra', 'nope', '\u0000');
const routes = (name: string): Route[] => [
  { family: 'cubes', path: '/api/3/cubes', params: ['page', 'pagesize'] },
  { family: 'cubes', path: `/api/3/cubes/${name}/model`, params: ['callback'] },
  { family: 'cubes', path: `/api/3/info/${name}/package`, params: [] },
  { family: 'cubes', path: `/api/3/cubes/${name}/facts`, params: ['cut', 'fields', 'order', 'page', 'pagesize', 'format', 'callback'] },
  { family: 'cubes', path: `/api/3/cubes/${name}/members/cofog1`, params: ['cut', 'order', 'page', 'pagesize', 'format'] },
  { family: 'cubes', path: `/api/3/cubes/${name}/aggregate`, params: ['cut', 'drilldown', 'aggregates', 'order', 'page', 'pagesize', 'format'] },
  { family: 'cubes', path: '/api/2/aggregate', params: ['dataset', 'cut', 'drilldown', 'measure', 'order', 'page', 'pagesize', 'format'] },
  { family: 'cubes', path: '/api/2/search', params: ['dataset', 'q', 'filter', 'category', 'stats', 'order', 'page', 'pagesize', 'facet_field', 'facet_page', 'facet_pagesize', 'expand_facet_dimensions', 'format', 'callback'] },
  { family: 'cubes', path: '/api/mytax', params: ['income', 'spending', 'smoker', 'drinker', 'driver', 'callback'] },
  { family: 'cubes', path: '/datasets.json', params: ['territories', 'languages', 'category', 'callback'] },
  { family: 'cubes', path: `/${name}.json`, params: ['callback'] },
  { family: 'cubes', path: `/${name}/model.json`, params: [] },
  { family: 'cubes', path: `/${name}/cofog1/${name}.csv`, params: [] },
  { family: 'cubes', path: `/${name}/entries/${name}.json`, params: [] },
  { family: 'catalog', path: '/api/2/permissions', params: ['dataset'] },
  { family: 'records', path: '/api/records/1.0/search', params: ['dataset', 'q', 'rows', 'start', 'sort', 'facet', 'refine.feature_code', 'exclude.name', 'geofilter.distance', 'geofilter.polygon', 'fields', 'format', 'callback', 'disjunctive.feature_code'], post: 'form' },
  { family: 'records', path: '/api/records/1.0/analyze', params: ['dataset', 'q', 'x', 'y.s.func', 'y.s.expr', 'periodic', 'precision', 'maxpoints', 'sort', 'refine.feature_code'] },
  { family: 'records', path: '/api/records/1.0/geocluster', params: ['dataset', 'q', 'clusterprecision', 'clusterdistance', 'shapeprecision', 'clustermode', 'y.s.func', 'y.s.expr', 'geofilter.polygon'] },
  { family: 'records', path: '/api/records/1.0/download', params: ['dataset', 'q', 'format', 'fields', 'csv_separator', 'refine.feature_code', 'exclude.name'] },
  { family: 'records', path: '/api/datasets/1.0/search', params: ['q', 'rows', 'start', 'sort', 'facet', 'refine.theme'], post: 'form' },
  { family: 'records', path: `/api/datasets/1.0/${name}`, params: ['callback'] },
  { family: 'records', path: `/api/datasets/1.0/${RECORDS}/records/${name}`, params: [] },
  { family: 'awards', path: '/api/v1/awards/', params: ['filters', 'fields', 'exclude', 'order', 'verbose', 'page', 'limit', 'type', 'recipient__recipient_name', 'total_obligation__gte', 'date_signed__fy'], post: 'json' },
  { family: 'awards', path: '/api/v1/awards/total/', params: ['filters', 'field', 'group', 'aggregate', 'date_part', 'order', 'page', 'limit'], post: 'json' },
  { family: 'awards', path: '/api/v1/transactions/', params: ['filters', 'fields', 'order', 'page', 'limit', 'type'], post: 'json' },
  { family: 'awards', path: '/api/v1/transactions/total/', params: ['filters', 'field', 'group', 'aggregate'], post: 'json' },
  { family: 'awards', path: '/api/v1/awards/autocomplete/', params: ['fields', 'value', 'mode', 'limit', 'filters'], post: 'json' },
  { family: 'awards', path: '/api/v1/references/locations/geocomplete/', params: ['value', 'mode', 'scope', 'usage', 'limit'], post: 'json' },
  { family: 'awards', path: `/api/v1/awards/${name}/`, params: [] },
  { family: 'accounts', path: '/api/v1/tas/', params: ['filters', 'fields', 'exclude', 'order', 'verbose', 'page', 'limit', 'main_account_code', 'federal_account', 'dataset'], post: 'json' },
  { family: 'accounts', path: '/api/v1/tas/balances/', params: ['filters', 'fields', 'order', 'page', 'limit', 'treasury_account_identifier__tas_rendering_label'], post: 'json' },
  { family: 'accounts', path: '/api/v1/tas/balances/total/', params: ['filters', 'field', 'group', 'aggregate', 'order', 'page', 'limit'], post: 'json' },
  { family: 'accounts', path: '/api/v1/tas/categories/', params: ['filters', 'fields', 'order', 'page', 'limit', 'object_class'], post: 'json' },
  { family: 'accounts', path: '/api/v1/tas/categories/total/', params: ['filters', 'field', 'group', 'aggregate'], post: 'json' },
  { family: 'accounts', path: '/api/v1/accounts/awards/', params: ['filters', 'fields', 'exclude', 'order', 'page', 'limit', 'award'], post: 'json' },
  { family: 'accounts', path: '/api/v1/accounts/awards/total/', params: ['filters', 'field', 'group', 'aggregate'], post: 'json' },
  { family: 'accounts', path: '/api/v1/federal_accounts/', params: ['filters', 'fields', 'order', 'page', 'limit', 'account_title'], post: 'json' },
  { family: 'accounts', path: '/api/v1/tas/autocomplete/', params: ['fields', 'value', 'mode', 'limit', 'filters', 'matched_objects'], post: 'json' },
  { family: 'accounts', path: '/api/v1/federal_accounts/autocomplete/', params: ['fields', 'value', 'mode', 'limit', 'filters'], post: 'json' },
  { family: 'accounts', path: `/api/v1/tas/${name}/`, params: [] },
  { family: 'accounts', path: `/api/v1/federal_accounts/${name}/`, params: [] },
];

const request = fc
  .record({
    name: fc.oneof(cube, hostile),
    route: fc.nat(),
    values: fc.array(fc.tuple(fc.nat(), hostile, jsonText), { maxLength: 6 }),
    method: fc.constantFrom('GET', 'POST'),
    badBytes: fc.boolean(),
  })
  .map(({ name, route, values, method, badBytes }): Input => {
    const all = routes(encodeURIComponent(name.replace(/[\uD800-\uDFFF]/g, '?')));
    const chosen = all[route % all.length]!;
    const params = new URLSearchParams();
    const body: Record<string, string> = {};
    for (const [which, text, json] of values) {
      const param = chosen.params[which % Math.max(1, chosen.params.length)];
      if (!param) continue;
      const jsonish = param === 'filters' || param === 'fields' || param === 'exclude' || param === 'order' || param === 'group';
      params.append(param, jsonish && which % 2 ? json : text);
      // JSON text as it is (even when broken or deep), so the body is written by hand: stringify would recurse.
      body[param] = jsonish ? json : JSON.stringify(text);
    }
    return { chosen, params, body, method: chosen.post ? method : 'GET', badBytes };
  });

interface Input {
  chosen: Route;
  params: URLSearchParams;
  body: Record<string, string>;
  method: string;
  badBytes: boolean;
}

async function call({ chosen, params, body, method, badBytes }: Input): Promise<Answer> {
  const search = params.toString() + (badBytes ? '&x=%C3%28' : '');
  if (method === 'GET') return send(`${chosen.path}?${search}`);
  if (chosen.post === 'form') {
    return send(chosen.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: search });
  }
  const text = `{${Object.entries(body).map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
  return send(chosen.path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text.replace(/\\ud[89ab][0-9a-f]{2}/gi, '?') });
}

beforeAll(async () => {
  await loadAwardSamples();
});

describe('fuzzing every REST route', () => {
  it.each(['cubes', 'records', 'awards', 'accounts', 'catalog'] as const)('%s: no 500, no internal text, bounded time', async (family) => {
    const runs = { cubes: 500, records: 600, awards: 600, accounts: 300, catalog: 100 }[family];
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(request.filter((r) => r.chosen.family === family), async (input) => {
        const answer = await call(input);
        seen.add(answer.status);
        expectClean(answer, `${input.method} ${input.chosen.path}?${input.params.toString().slice(0, 300)}`);
        expect(answer.ms).toBeLessThan(BOUND_MS);
      }),
      { numRuns: runs, seed: 13_0000 + runs },
    );
    // The inputs reach both answers: some are served, some refused.
    expect([...seen].some((s) => s < 300)).toBe(true);
    expect([...seen].some((s) => s >= 400)).toBe(true);
  });
});

const operations: { query: string; variables: fc.Arbitrary<Record<string, unknown>> }[] = [
  {
    query: 'query($d: String!, $q: String, $f: RecordFilter, $r: [FacetValueInput!], $n: Int) { records(dataset: $d, q: $q, filter: $f, refine: $r, first: $n) { totalCount } }',
    variables: fc.record({ d: fc.oneof(fc.constant(RECORDS), hostile), q: hostile, f: fc.jsonValue({ maxDepth: 4 }), r: fc.jsonValue({ maxDepth: 3 }), n: fc.oneof(fc.integer(), hostile) }),
  },
  {
    query: 'query($d: String!, $x: String!, $s: [SeriesInput!]!) { analyze(dataset: $d, x: $x, series: $s) { x } }',
    variables: fc.record({ d: fc.oneof(fc.constant(RECORDS), hostile), x: hostile, s: fc.oneof(fc.array(fc.record({ name: fc.constantFrom('s', 'a b'), func: fc.constantFrom('SUM', 'AVG', 'STDDEV', 'COUNT', 'x'), expr: hostile })), fc.jsonValue({ maxDepth: 3 })) }),
  },
  {
    query: 'query($n: String!, $c: String, $f: CubeFilter, $d: [String!]) { cube(name: $n) { aggregate(cut: $c, filter: $f, drilldown: $d, first: 5) { totalCount } } }',
    variables: fc.record({ n: fc.oneof(cube, hostile), c: hostile, f: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ field: fc.constantFrom('cofog1.name', 'amount', 'time.year'), in: fc.array(hostile, { maxLength: 30 }) })), d: fc.jsonValue({ maxDepth: 2 }) }),
  },
  {
    query: 'query($q: String, $c: [String!], $f: CubeFilter) { factSearch(q: $q, cubes: $c, first: 5) { totalCount } cube(name: "cra") { facts(filter: $f, first: 1) { totalCount } } }',
    variables: fc.record({ q: hostile, c: fc.oneof(fc.array(cube, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })), f: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ search: fc.record({ text: hostile, fields: fc.array(hostile, { maxLength: 3 }) }) })) }),
  },
  {
    query: 'query($i: Float!, $s: Boolean) { taxShare(income: $i, smoker: $s) { tax explanation } }',
    variables: fc.record({ i: fc.oneof(fc.double(), hostile), s: fc.jsonValue({ maxDepth: 1 }) }),
  },
  {
    query: 'query($f: AwardFilter) { awards(filter: $f, first: 3) { totalCount } }',
    variables: fc.record({ f: fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.record({ recipient: fc.record({ recipientName: fc.record({ equals: hostile, contains: hostile }, { requiredKeys: [] }) }) })) }),
  },
  {
    query: 'query($f: DatasetFilter) { datasets(filter: $f) { totalCount } }',
    variables: fc.record({ f: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ search: fc.record({ text: hostile }) })) }),
  },
];

describe('fuzzing GraphQL arguments', () => {
  it('wrongly typed and hostile variables: no INTERNAL_SERVER_ERROR, no internal text, bounded time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(operations.length - 1).chain((i) => operations[i]!.variables.map((variables) => ({ query: operations[i]!.query, variables }))), async ({ query, variables }) => {
        const answer = await send('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }).replace(/\\ud[89ab][0-9a-f]{2}/gi, '?'),
        });
        expectClean(answer, JSON.stringify(variables).slice(0, 300));
        expect(answer.text).not.toMatch(/INTERNAL_SERVER_ERROR/);
        expect(answer.ms).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 600, seed: 1313 },
    );
  });
});
