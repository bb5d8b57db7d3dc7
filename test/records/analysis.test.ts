import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { app, errorCodes, execute } from '../helpers.js';
import { countBy, exported } from './expected.js';
import { GEONAMES, geonames } from './fixture.js';

beforeAll(geonames);

const RecordsAnalyzeYears = graphql(`
  query RecordsAnalyzeYears($d: String!) {
    analyze(dataset: $d, x: "modification_date", precision: year, orderBy: [{ field: "x", direction: ASC }],
      series: [{ name: "n", func: COUNT, cumulative: true }, { name: "avg", func: AVG, expr: "population" }]) {
      x
      series { name value }
    }
  }
`);

const RecordsAnalyzeOrdered = graphql(`
  query RecordsAnalyzeOrdered($d: String!, $orderBy: [AnalyzeOrderBy!]) {
    analyze(dataset: $d, x: "feature_code", series: [{ name: "n", func: COUNT }], orderBy: $orderBy, maxpoints: 3) {
      x
      series { name value }
    }
  }
`);

const RecordsAnalyzeGeoX = graphql(`
  query RecordsAnalyzeGeoX($d: String!) {
    analyze(dataset: $d, x: "coordinates", series: [{ name: "n", func: COUNT }]) {
      x
    }
  }
`);

const RecordsGeoclusterWar = graphql(`
  query RecordsGeoclusterWar($d: String!) {
    geocluster(dataset: $d, q: """#startswith(name, "War")""", clusterprecision: 3, clusterdistance: 100) {
      countMin
      countMax
      clusters { count center geometry }
    }
  }
`);

async function get(path: string, params: Record<string, string>) {
  const response = await app.request(`${path}?${new URLSearchParams({ dataset: GEONAMES, ...params })}`);
  const json = response.headers.get('content-type')?.includes('json') && !path.endsWith('/download');
  return { status: response.status, response, body: json ? ((await response.json()) as any) : await response.text() };
}

describe('analyze', () => {
  it('counts and aggregates by a text field, with expressions', async () => {
    const { body } = await get('/api/records/1.0/analyze', {
      x: 'feature_code',
      'y.n.func': 'COUNT',
      'y.maxpop.func': 'MAX',
      'y.maxpop.expr': 'population',
      'y.twice.func': 'AVG',
      'y.twice.expr': 'sqrt(population) * 2',
    });
    const codes = countBy((r) => r.fields.feature_code as string);
    expect(body.map((p: any) => [p.x, p.n])).toEqual([...codes.entries()].sort((a, b) => a[0].localeCompare(b[0])));
    const ppla = exported.filter((r) => r.fields.feature_code === 'PPLA');
    const point = body.find((p: any) => p.x === 'PPLA');
    expect(point.maxpop).toBe(Math.max(...ppla.map((r) => r.fields.population)));
    const avg = ppla.reduce((s, r) => s + Math.sqrt(r.fields.population) * 2, 0) / ppla.length;
    expect(point.twice).toBeCloseTo(avg, 6);
  });

  it('buckets dates by precision and periodic, sorts, limits and accumulates', async () => {
    const result = await execute(RecordsAnalyzeYears, { d: GEONAMES });
    const years = [...countBy((r) => r.fields.modification_date.slice(0, 4)).entries()].sort();
    let total = 0;
    const cumulative = years.map(([y, n]) => [Number(y), (total += n)]);
    expect(result.data?.analyze.map((p) => [(p.x as { year: number }).year, p.series[0]!.value])).toEqual(cumulative);
    const monthly = await get('/api/records/1.0/analyze', { x: 'modification_date', periodic: 'month', 'y.n.func': 'COUNT', sort: 'n', maxpoints: '2' });
    const months = [...countBy((r) => String(Number(r.fields.modification_date.slice(5, 7)))).entries()].sort((a, b) => b[1] - a[1]);
    expect(monthly.body).toEqual(months.slice(0, 2).map(([m, n]) => ({ x: { month: Number(m) }, n })));
    const byMonth = await get('/api/records/1.0/analyze', { x: 'modification_date', precision: 'month', 'y.n.func': 'COUNT', q: 'modification_date:2019' });
    expect(byMonth.body[0].x).toEqual({ year: 2019, month: expect.any(Number) });
    const csv = await get('/api/records/1.0/analyze', { x: 'feature_code', 'y.n.func': 'COUNT', format: 'csv' });
    expect((csv.body as string).split('\r\n')[0]).toBe('x;n');
  });

  it('sorts with orderBy keys and directions in GraphQL', async () => {
    const codes = [...countBy((r) => r.fields.feature_code as string).entries()];
    const top = await execute(RecordsAnalyzeOrdered, { d: GEONAMES, orderBy: [{ field: 'n', direction: 'DESC' }, { field: 'x' }] });
    const expected = [...codes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3);
    expect(top.data?.analyze.map((p) => [p.x, p.series[0]!.value])).toEqual(expected);
    const byX = await execute(RecordsAnalyzeOrdered, { d: GEONAMES, orderBy: [{ field: 'x', direction: 'DESC' }] });
    expect(byX.data?.analyze.map((p) => p.x)).toEqual(codes.map(([c]) => c).sort().reverse().slice(0, 3));
    const bad = await execute(RecordsAnalyzeOrdered, { d: GEONAMES, orderBy: [{ field: 'x' }, { field: 'nope' }] });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0]!.message).toBe('orderBy[1].field: "nope" is neither x nor a series');
  });

  it('rejects bad series with 400', async () => {
    expect((await get('/api/records/1.0/analyze', { x: 'feature_code', 'y.s.func': 'AVG', 'y.s.expr': 'population +' })).body.error).toMatch(/y\.s\.expr|series\[0\]\.expr: syntax error at position/);
    expect((await get('/api/records/1.0/analyze', { x: 'feature_code', 'y.s.func': 'AVG', 'y.s.expr': 'name * 2' })).body.error).toMatch(/not a number/);
    expect((await get('/api/records/1.0/analyze', { x: 'feature_code', 'y.s.func': 'MEDIAN', 'y.s.expr': 'population' })).status).toBe(400);
    expect((await get('/api/records/1.0/analyze', { x: 'feature_code', 'y.s.func': 'AVG', 'y.s.expr': 'evil(population)' })).body.error).toMatch(/unknown function "evil"/);
    const bad = await execute(RecordsAnalyzeGeoX, { d: GEONAMES });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('geocluster', () => {
  it('clusters every located record once, with envelopes and series ranges', async () => {
    const { body } = await get('/api/records/1.0/geocluster', {
      clusterprecision: '6',
      clusterdistance: '50',
      'y.avg_population.func': 'AVG',
      'y.avg_population.expr': 'population',
    });
    const total = body.clusters.reduce((n: number, c: any) => n + c.count, 0);
    expect(total).toBe(2874);
    expect(body.clusterprecision).toBe(6);
    expect(body.count.max).toBe(Math.max(...body.clusters.map((c: any) => c.count)));
    const polygon = body.clusters.find((c: any) => c.cluster.type === 'Polygon');
    expect(polygon.cluster.coordinates[0]).toHaveLength(5);
    const avgs = body.clusters.map((c: any) => c.series.avg_population);
    expect(body.series.avg_population).toEqual({ min: Math.min(...avgs), max: Math.max(...avgs) });
    const finer = await get('/api/records/1.0/geocluster', { clusterprecision: '10', clusterdistance: '50' });
    expect(finer.body.clusters.length).toBeGreaterThan(body.clusters.length);
  });

  it('applies the filtering context and reports bad parameters', async () => {
    const result = await execute(RecordsGeoclusterWar, { d: GEONAMES });
    expect(result.data?.geocluster.clusters.reduce((n, c) => n + c.count, 0)).toBe(6);
    expect((await get('/api/records/1.0/geocluster', { clusterdistance: '50' })).status).toBe(400);
    expect((await get('/api/records/1.0/geocluster', { clusterprecision: '20', shapeprecision: '10', clusterdistance: '5' })).body.error).toMatch(/must not exceed 29/);
  });
});

describe('download', () => {
  it('streams csv with ";" by default, json and geojson', async () => {
    const csv = await get('/api/records/1.0/download', {});
    expect(csv.status).toBe(200);
    expect(csv.response.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (csv.body as string).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2875);
    expect(lines[0]!.split(';')).toContain('population');
    const comma = await get('/api/records/1.0/download', { csv_separator: ',', fields: 'name,population', q: '#startswith(name,"War")' });
    expect((comma.body as string).trimEnd().split('\r\n')).toEqual(
      ['name,population', ...exported.filter((r) => r.fields.name.startsWith('War')).map((r) => `${r.fields.name},${r.fields.population}`)],
    );
    const json = await get('/api/records/1.0/download', { format: 'json', q: 'population > 100000' });
    expect(JSON.parse(json.body as string)).toHaveLength(exported.filter((r) => r.fields.population > 100000).length);
    const geo = await get('/api/records/1.0/download', { format: 'geojson', rows: '5' });
    const collection = JSON.parse(geo.body as string);
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(2874);
    const bad = await get('/api/records/1.0/download', { q: 'nope:1' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body as string).error).toMatch(/unknown field "nope"/);
  });
});
