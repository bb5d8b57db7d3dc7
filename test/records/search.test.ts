import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { app, errorCodes, execute } from '../helpers.js';
import { countBy, exported, meters } from './expected.js';
import { GEONAMES, geonames } from './fixture.js';

beforeAll(geonames);

async function rest(path: string, params: Record<string, string | string[]> = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  const response = await app.request(`${path}?${search}`);
  return { status: response.status, body: (await response.json()) as any, response };
}

const search = (params: Record<string, string | string[]>) => rest('/api/records/1.0/search', { dataset: GEONAMES, ...params });

const RECORDS = graphql(`
  query RecordsSearch($dataset: String!, $q: String, $first: Int, $facets: [String!], $refine: [FacetValueInput!],
    $geofilter: GeoFilterInput, $orderBy: [RecordOrderBy!]) {
    records(dataset: $dataset, q: $q, first: $first, facets: $facets, refine: $refine, geofilter: $geofilter, orderBy: $orderBy) {
      totalCount
      nodes { id recordId dataset { name } fields geometry timestamp }
      facetGroups { name count facets { name path count state facets { name path count state } } }
    }
  }
`);

const RecordsLookup = graphql(`
  query RecordsLookup($d: String!, $id: String!) {
    record(dataset: $d, recordId: $id) {
      recordId
      fields
    }
  }
`);

describe('records search on the geonames sample', () => {
  it('finds the documented counts through REST and GraphQL', async () => {
    const cases: [string, number][] = [
      ['#null(elevation)', 2862],
      ['#startswith(name,"War")', 6],
      ['#startswith(name,"war")', 0],
    ];
    for (const [q, n] of cases) {
      expect((await search({ q, rows: '0' })).body.nhits, q).toBe(n);
      const result = await execute(RECORDS, { dataset: GEONAMES, q, first: 0 });
      expect(result.data?.records?.totalCount, q).toBe(n);
    }
    expect(exported.filter((r) => r.fields.elevation === undefined)).toHaveLength(2862);
  });

  it('matches full-text prefixes without case or accents, and phrases exactly', async () => {
    const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[łŁ]/g, 'l').toLowerCase();
    const lodz = exported.filter((r) => Object.values(r.fields).some((v) => typeof v === 'string' && /(^|[^a-z0-9])lodz/.test(fold(v)))).length;
    expect(lodz).toBeGreaterThan(1);
    expect((await search({ q: 'lodz' })).body.nhits).toBe(lodz);
    expect((await search({ q: 'ŁÓDŹ' })).body.nhits).toBe(lodz);
    const wars = (await search({ q: 'warszaw', rows: '100' })).body;
    expect(wars.records.map((r: any) => r.fields.name)).toContain('Warsaw');
    const exact = exported.filter((r) => Object.values(r.fields).some((v) => typeof v === 'string' && /(^|[^a-z0-9])lodz($|[^a-z0-9])/.test(fold(v)))).length;
    expect((await search({ q: '"Łódź"' })).body.nhits).toBe(exact);
    expect((await search({ q: '"lodz"' })).body.nhits).toBe(exact);
  });

  it('compares numbers and dates by field type and honours boolean precedence', async () => {
    const big = exported.filter((r) => r.fields.population > 100000).length;
    expect((await search({ q: 'population > 100000' })).body.nhits).toBe(big);
    expect((await search({ q: 'population:[1000 TO 2000]' })).body.nhits).toBe(
      exported.filter((r) => r.fields.population >= 1000 && r.fields.population <= 2000).length,
    );
    expect((await search({ q: 'modification_date >= 2020' })).body.nhits).toBe(exported.filter((r) => r.fields.modification_date >= '2020').length);
    expect((await search({ q: 'modification_date: 2019/03' })).body.nhits).toBe(
      exported.filter((r) => r.fields.modification_date.startsWith('2019-03')).length,
    );
    expect((await search({ q: 'modification_date < 2011-01-01T00:00:00' })).body.nhits).toBe(
      exported.filter((r) => r.fields.modification_date < '2011').length,
    );
    expect((await search({ q: 'modification_date <= #now()' })).body.nhits).toBe(2874);
    const expected = exported.filter(
      (r) => r.fields.elevation !== undefined || (r.fields.population > 500000 && r.fields.feature_code === 'PPLA'),
    ).length;
    expect((await search({ q: 'NOT #null(elevation) OR population > 500000 AND feature_code = ppla' })).body.nhits).toBe(expected);
    expect((await search({ q: '#exact(feature_code, "PPLC")' })).body.records[0].fields.name).toBe('Warsaw');
    expect((await search({ q: 'feature_code:ppl' })).body.nhits).toBe(exported.filter((r) => r.fields.feature_code === 'PPL').length);
    expect((await search({ q: 'feature_code == ppl' })).body.nhits).toBe(0);
    expect((await search({ q: '#search(name, ascii_name, "zielona g")' })).body.nhits).toBe(
      exported.filter((r) => /zielona g/i.test(String(r.fields.ascii_name))).length,
    );
  });

  it('answers bad queries with 400 and the position', async () => {
    const syntax = await search({ q: 'population >= (' });
    expect(syntax.status).toBe(400);
    expect(syntax.body).toMatchObject({ errorcode: 400 });
    expect(syntax.body.error).toMatch(/^q: syntax error at position \d+/);
    const unknown = await search({ q: 'colour:red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/unknown field "colour"/);
    expect((await search({ q: 'population > many' })).body.error).toMatch(/"many" is not a number/);
    expect((await search({ rows: '10001' })).status).toBe(400);
    expect((await search({ rows: '5000', start: '5001' })).body.error).toMatch(/start \+ rows/);
    expect((await rest('/api/records/1.0/search', { dataset: 'nope' })).status).toBe(404);
    expect((await rest('/api/records/1.0/search')).body).toEqual({ errorcode: 400, error: 'dataset: this parameter is mandatory' });
    const result = await execute(RECORDS, { dataset: GEONAMES, q: 'a AND (', first: 1 });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toMatch(/position 7/);
  });

  it('pages, sorts and restricts fields', async () => {
    const byPop = [...exported].sort((a, b) => b.fields.population - a.fields.population);
    const page = (await search({ sort: 'population', rows: '3', start: '1', fields: 'name,population' })).body;
    expect(page.records.map((r: any) => r.fields)).toEqual(byPop.slice(1, 4).map((r) => ({ name: r.fields.name, population: r.fields.population })));
    const asc = (await search({ sort: '-population', rows: '1' })).body.records[0].fields.population;
    expect(asc).toBe(byPop[byPop.length - 1]!.fields.population);
    const gqlPage = await execute(RECORDS, { dataset: GEONAMES, orderBy: [{ field: 'population', direction: 'DESC' }], first: 1 });
    expect((gqlPage.data?.records?.nodes[0]!.fields as { name: string }).name).toBe('Warsaw');
    expect(gqlPage.data?.records?.nodes[0]!.geometry).toMatchObject({ type: 'Point' });
    expect(gqlPage.data?.records?.nodes[0]!.dataset.name).toBe(GEONAMES);
  });

  it('formats as geojson, jsonp and pretty JSON', async () => {
    const geo = (await search({ q: 'name:warsaw', format: 'geojson' })).body;
    expect(geo.type).toBe('FeatureCollection');
    expect(geo.features[0].properties.name).toBe('Warsaw');
    const jsonp = await app.request(`/api/records/1.0/search?dataset=${GEONAMES}&rows=0&format=jsonp&callback=cb`);
    expect(await jsonp.text()).toMatch(/^cb\(\{"nhits":2874,/);
    const pretty = await app.request(`/api/records/1.0/search?dataset=${GEONAMES}&rows=0&pretty_print=true`);
    expect(await pretty.text()).toContain('\n    "nhits": 2874');
    const post = await app.request('/api/records/1.0/search', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ dataset: GEONAMES, q: '#startswith(name,"War")', rows: '0' }),
    });
    expect(((await post.json()) as any).nhits).toBe(6);
  });
});

describe('facets', () => {
  it('counts values, refines, excludes and combines disjunctively', async () => {
    const codes = countBy((r) => r.fields.feature_code as string);
    const all = (await search({ facet: 'feature_code', rows: '0' })).body;
    const group = all.facet_groups.find((g: any) => g.name === 'feature_code');
    expect(Object.fromEntries(group.facets.map((f: any) => [f.name, f.count]))).toEqual(Object.fromEntries(codes));
    expect(group.facets[0]).toMatchObject({ name: 'PPLA3', path: 'PPLA3', state: 'displayed' });

    const refined = (await search({ facet: 'feature_code', 'refine.feature_code': 'PPLA', rows: '0' })).body;
    expect(refined.nhits).toBe(codes.get('PPLA'));
    expect(refined.facet_groups[0].facets).toEqual([{ name: 'PPLA', path: 'PPLA', count: codes.get('PPLA'), state: 'refined' }]);

    const excluded = (await search({ facet: 'feature_code', 'exclude.feature_code': 'PPL', rows: '0' })).body;
    expect(excluded.nhits).toBe(2874 - codes.get('PPL')!);
    expect(excluded.facet_groups[0].facets.find((f: any) => f.name === 'PPL').state).toBe('excluded');

    const both = { facet: 'feature_code', 'refine.feature_code': ['PPLA', 'PPLC'], rows: '0' };
    expect((await search(both)).body.nhits).toBe(0);
    const disjunctive = (await search({ ...both, 'disjunctive.feature_code': 'true' })).body;
    expect(disjunctive.nhits).toBe(codes.get('PPLA')! + codes.get('PPLC')!);
    const states = Object.fromEntries(disjunctive.facet_groups[0].facets.map((f: any) => [f.name, f.state]));
    expect(states).toMatchObject({ PPLA: 'refined', PPLC: 'refined', PPL: 'displayed' });
  });

  it('nests date facets under refined years and months', async () => {
    const years = countBy((r) => r.fields.modification_date.slice(0, 4));
    const top = (await search({ facet: 'modification_date', rows: '0' })).body.facet_groups[0];
    expect(top.facets.map((f: any) => [f.path, f.count])).toEqual([...years.entries()].sort());
    expect(top.facets.every((f: any) => f.facets === undefined)).toBe(true);

    const result = await execute(RECORDS, {
      dataset: GEONAMES,
      first: 0,
      facets: ['modification_date'],
      refine: [{ field: 'modification_date', value: '2019' }],
    });
    const group = result.data!.records!.facetGroups[0]!;
    expect(result.data?.records?.totalCount).toBe(years.get('2019'));
    expect(group.facets).toHaveLength(1);
    const year = group.facets[0]!;
    expect(year).toMatchObject({ name: '2019', path: '2019', state: 'refined', count: years.get('2019') });
    const months = countBy((r) => r.fields.modification_date.slice(0, 7));
    expect(year.facets.map((m) => [m.path, m.count, m.state])).toEqual(
      [...months.entries()].filter(([k]) => k.startsWith('2019')).sort().map(([k, n]) => [k.replace('-', '/'), n, 'displayed']),
    );
  });

  it('rejects facets on unknown or geographic fields', async () => {
    expect((await search({ facet: 'nope' })).status).toBe(400);
    expect((await search({ facet: 'coordinates' })).body.error).toMatch(/geographic/);
    expect((await search({ 'refine.modification_date': 'March' })).body.error).toMatch(/not a date facet path/);
  });
});

describe('geo filters', () => {
  const warsaw: [number, number] = [52.22977, 21.01178];
  const near = (m: number) => exported.filter((r) => meters(warsaw[0], warsaw[1], r.fields.coordinates[0], r.fields.coordinates[1]) <= m).length;

  it('filters by distance (geofilter and #distance) and by polygon', async () => {
    expect((await search({ 'geofilter.distance': `${warsaw[0]},${warsaw[1]},20000` })).body.nhits).toBe(near(20000));
    expect((await search({ q: `#distance(coordinates, "${warsaw[0]}, ${warsaw[1]}", "50km")` })).body.nhits).toBe(near(50000));
    const gqlHits = await execute(RECORDS, { dataset: GEONAMES, first: 0, geofilter: { distance: { lat: warsaw[0], lon: warsaw[1], meters: 10000 } } });
    expect(gqlHits.data?.records?.totalCount).toBe(near(10000));
    const inTriangle = (lat: number, lon: number) => lat >= 50 && lon >= 15 && lat - 50 <= (lon - 15) * 0.5 && lon <= 21;
    const expected = exported.filter((r) => inTriangle(r.fields.coordinates[0], r.fields.coordinates[1])).length;
    expect(expected).toBeGreaterThan(10);
    expect((await search({ 'geofilter.polygon': '(50,15),(50,21),(53,21)' })).body.nhits).toBe(expected);
    expect((await search({ q: '#polygon(coordinates, "(50,15),(50,21),(53,21)")' })).body.nhits).toBe(expected);
    const gqlPolygon = await execute(RECORDS, { dataset: GEONAMES, first: 0, geofilter: { polygon: [[50, 15], [50, 21], [53, 21]] } });
    expect(gqlPolygon.data?.records?.totalCount).toBe(expected);
    expect((await search({ q: '#geometry(coordinates, "point")', rows: '0' })).body.nhits).toBe(2874);
    expect((await search({ 'geofilter.distance': '52,21' })).status).toBe(400);
  });
});

describe('record lookup', () => {
  it('returns one record by id through REST and GraphQL', async () => {
    const first = exported[0]!;
    const { status, body } = await rest(`/api/datasets/1.0/${GEONAMES}/records/${first.recordid}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ datasetid: GEONAMES, recordid: first.recordid, fields: first.fields, geometry: { type: 'Point' } });
    expect(body.record_timestamp).toBe('2022-01-10T07:00:01.294Z');
    const result = await execute(RecordsLookup, { d: GEONAMES, id: first.recordid });
    expect(result.data?.record).toEqual({ recordId: first.recordid, fields: first.fields });
    expect((await rest(`/api/datasets/1.0/${GEONAMES}/records/nope`)).status).toBe(404);
    const missing = await execute(RecordsLookup, { d: GEONAMES, id: 'nope' });
    expect(missing.data).toEqual({ record: null });
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
  });
});
