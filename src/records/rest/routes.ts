import type { Context, Hono } from 'hono';
import { badInput } from '../../errors.js';
import { contentTypes, errorResponse, isCallbackName, jsonpAllowed, jsonpStatement, writeJsonp, type ErrorEnvelope } from '../../shared/dialect.js';
import { principalOf } from '../../access/middleware.js';
import { analyzeRecords, type AnalyzeQuery, type Series } from '../query/analyze.js';
import { catalogDataset, searchCatalog } from '../../catalog/query/catalog.js';
import { downloadRecords, type DownloadFormat } from './download.js';
import type { FacetValue, RecordsFilter } from '../query/filter.js';
import { geoclusterRecords } from '../query/geocluster.js';
import { parsePolygon } from '../query/language/convert.js';
import { pushRecords } from '../ingest/push.js';
import { getRecord, searchRecords, type RecordHit } from '../query/search.js';
import { keepScope } from '../../db/routing.js';

type Params = URLSearchParams;

/** Query-string parameters, plus form or JSON body parameters on POST (the ODS APIs accept both methods). */
async function paramsOf(c: Context): Promise<Params> {
  const params = new URLSearchParams(new URL(c.req.url).search);
  if (c.req.method !== 'POST') return params;
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    const form = await c.req.formData();
    form.forEach((value, key) => {
      if (typeof value === 'string') params.append(key, value);
    });
  } else if (type.includes('application/json')) {
    const body = (await c.req.json().catch(() => {
      throw badInput('the request body is not valid JSON');
    })) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const [key, value] of Object.entries(body)) {
        for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
      }
    }
  }
  return params;
}

function intParam(params: Params, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badInput(`${name}: "${raw}" is not an integer`, [name]);
  return Number(raw);
}

function numberParam(params: Params, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw badInput(`${name}: "${raw}" is not a number`, [name]);
  return n;
}

function prefixed(params: Params, prefix: string): FacetValue[] {
  const out: FacetValue[] = [];
  params.forEach((value, key) => {
    if (key.startsWith(prefix) && key.length > prefix.length) out.push({ field: key.slice(prefix.length), value });
  });
  return out;
}

function list(params: Params, name: string): string[] {
  return params.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function filterOf(c: Context, params: Params): RecordsFilter {
  const filter: RecordsFilter = {
    principal: principalOf(c),
    q: params.get('q'),
    refine: prefixed(params, 'refine.'),
    exclude: prefixed(params, 'exclude.'),
    disjunctive: prefixed(params, 'disjunctive.').filter((d) => d.value === 'true').map((d) => d.field),
  };
  const distance = params.get('geofilter.distance');
  const polygon = params.get('geofilter.polygon');
  if (distance || polygon) filter.geofilter = {};
  if (distance) {
    const parts = distance.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 3 || !parts.every(Number.isFinite)) throw badInput('geofilter.distance: expected "latitude, longitude, meters"', ['geofilter.distance']);
    filter.geofilter!.distance = { lat: parts[0]!, lon: parts[1]!, meters: parts[2]! };
  }
  if (polygon) filter.geofilter!.polygon = parsePolygon(polygon, 'geofilter.polygon');
  return filter;
}

function seriesOf(params: Params): Series[] {
  const byName = new Map<string, Series>();
  params.forEach((value, key) => {
    const m = /^y\.([^.]+)\.(func|expr|cumulative)$/.exec(key);
    if (!m) return;
    const series = byName.get(m[1]!) ?? { name: m[1]!, func: 'COUNT' };
    if (m[2] === 'func') series.func = value.toUpperCase() as Series['func'];
    else if (m[2] === 'expr') series.expr = value;
    else series.cumulative = value === 'true';
    byName.set(m[1]!, series);
  });
  return [...byName.values()];
}

function dataset(params: Params): string {
  const name = params.get('dataset');
  if (!name) throw badInput('dataset: this parameter is mandatory', ['dataset']);
  return name;
}

/** JSON, or JSONP with `callback`; `pretty_print=true` indents. */
function reply(c: Context, params: Params, body: unknown, status = 200): Response {
  const text = JSON.stringify(body, null, params.get('pretty_print') === 'true' ? 4 : undefined);
  const format = params.get('format') ?? 'json';
  if (format === 'jsonp' || format === 'geojsonp') {
    if (!jsonpAllowed(c)) throw badInput('format: JSONP is only served for GET requests', ['format']);
    const callback = params.get('callback') ?? 'callback';
    if (!isCallbackName(callback)) throw badInput('callback: not a valid JavaScript function name', ['callback']);
    return writeJsonp(c, callback, text, jsonpStatement, status);
  }
  return c.body(text, status as 200, { 'content-type': contentTypes.json });
}

/** OpenDataSoft's error body: `{errorcode, error}`, the errorcode being the HTTP status. */
const odsErrors: ErrorEnvelope = {
  dialect: 'OpenDataSoft',
  user: (error) => ({ errorcode: error.status, error: error.message }),
  internal: { errorcode: 500, error: 'internal error' },
};

function failure(c: Context, error: unknown): Response {
  return errorResponse(c, odsErrors, error);
}

type Handler = (c: Context, params: Params) => Promise<Response>;

function route(app: Hono, methods: string[], path: string, handler: Handler): void {
  const paths = path.endsWith('/') ? [path, path.slice(0, -1)] : [path, `${path}/`];
  app.on(methods, paths, async (c) => {
    try {
      return await handler(c, await paramsOf(c));
    } catch (error) {
      return failure(c, error);
    }
  });
}

function geojsonOf(records: RecordHit[]): unknown {
  return {
    type: 'FeatureCollection',
    features: records.map((r) => ({
      type: 'Feature',
      geometry: r.geometry,
      properties: { ...r.fields, recordid: r.recordid, record_timestamp: r.record_timestamp },
    })),
  };
}

function csvOf(rows: Record<string, unknown>[], separator: string): string {
  const cell = (v: unknown): string => {
    const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const flat = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).flatMap(([k, v]) =>
        k === 'x' && v && typeof v === 'object' ? Object.entries(v).map(([p, pv]) => [`x.${p}`, pv]) : [[k, v]],
      ),
    ),
  );
  const headers = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  return [headers, ...flat.map((r) => headers.map((h) => r[h]))].map((line) => line.map(cell).join(separator)).join('\r\n') + '\r\n';
}

/** The catalog search: datasets matching q, with facets. */
async function catalogSearch(c: Context, params: Params): Promise<Response> {
  const search = {
    principal: principalOf(c),
    q: params.get('q'),
    facets: params.getAll('facet'),
    refine: prefixed(params, 'refine.'),
    exclude: prefixed(params, 'exclude.'),
    disjunctive: prefixed(params, 'disjunctive.').filter((d) => d.value === 'true').map((d) => d.field),
    sort: list(params, 'sort'),
    rows: intParam(params, 'rows'),
    start: intParam(params, 'start'),
  };
  const result = await searchCatalog(search);
  return reply(c, params, {
    nhits: result.nhits,
    parameters: { rows: search.rows ?? 10, start: search.start ?? 0, format: params.get('format') ?? 'json', ...(search.q ? { q: search.q } : {}) },
    datasets: result.datasets,
    ...(search.facets.length ? { facet_groups: result.facetGroups } : {}),
  });
}

/** A page of a dataset's records (JSON or GeoJSON), with facets. */
async function recordsSearch(c: Context, params: Params): Promise<Response> {
  const format = params.get('format') ?? 'json';
  if (!['json', 'jsonp', 'geojson', 'geojsonp'].includes(format)) throw badInput('format: json, jsonp, geojson or geojsonp', ['format']);
  const search = {
    dataset: dataset(params),
    ...filterOf(c, params),
    facets: params.getAll('facet'),
    fields: list(params, 'fields'),
    sort: list(params, 'sort'),
    rows: intParam(params, 'rows'),
    start: intParam(params, 'start'),
  };
  const result = await searchRecords(search);
  if (format.startsWith('geojson')) return reply(c, params, geojsonOf(result.records));
  return reply(c, params, {
    nhits: result.nhits,
    parameters: {
      dataset: search.dataset,
      rows: search.rows ?? 10,
      start: search.start ?? 0,
      format,
      timezone: 'UTC',
      ...(search.q ? { q: search.q } : {}),
      ...(search.facets.length ? { facet: search.facets } : {}),
      ...(search.sort.length ? { sort: search.sort } : {}),
    },
    records: result.records,
    ...(search.facets.length ? { facet_groups: result.facetGroups } : {}),
  });
}

/** Aggregated series of the matching records, as JSON or CSV. */
async function analyze(c: Context, params: Params): Promise<Response> {
  const query: AnalyzeQuery = {
    dataset: dataset(params),
    ...filterOf(c, params),
    x: params.get('x') ?? '',
    series: seriesOf(params),
    periodic: params.get('periodic') as AnalyzeQuery['periodic'],
    precision: params.get('precision') as AnalyzeQuery['precision'],
    maxpoints: intParam(params, 'maxpoints'),
    sort: params.get('sort'),
  };
  if (query.series.length === 0) query.series = [{ name: 'count', func: 'COUNT' }];
  const points = await analyzeRecords(query);
  if ((params.get('format') ?? 'json') === 'csv') {
    return c.body(csvOf(points, params.get('csv_separator') ?? ';'), 200, { 'content-type': 'text/csv; charset=utf-8' });
  }
  return reply(c, params, points);
}

/** Clusters of the matching records for a map. */
async function geocluster(c: Context, params: Params): Promise<Response> {
  const result = await geoclusterRecords({
    dataset: dataset(params),
    ...filterOf(c, params),
    clusterprecision: intParam(params, 'clusterprecision') ?? NaN,
    clusterdistance: numberParam(params, 'clusterdistance') ?? NaN,
    shapeprecision: intParam(params, 'shapeprecision'),
    clustermode: params.get('clustermode') as 'polygon' | 'heatmap' | null,
    series: seriesOf(params),
  });
  return reply(c, params, result);
}

/** Every matching record, streamed as CSV, JSON or GeoJSON. */
async function download(c: Context, params: Params): Promise<Response> {
  const format = (params.get('format') ?? 'csv') as DownloadFormat;
  const name = dataset(params);
  const chunks = downloadRecords({ dataset: name, ...filterOf(c, params), format, fields: list(params, 'fields'), csvSeparator: params.get('csv_separator') });
  // Pull the first chunk before answering, so bad input still gets a 4xx instead of a broken stream.
  const first = await chunks.next();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(encoder.encode(first.value));
      if (first.done) controller.close();
    },
    // Later pages read where the first did (a replica for this request), though the server pulls them after we return.
    pull: keepScope(async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        // Headers and data are gone: the transfer ends aborted, and only the server log says why.
        console.error('OpenDataSoft download aborted', error);
        controller.error(new Error('download aborted'));
      }
    }),
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const type = { csv: 'text/csv', json: 'application/json', geojson: 'application/geo+json' }[format] ?? 'text/plain';
  return new Response(stream, {
    headers: {
      'content-type': `${type}; charset=utf-8`,
      'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.${format}"`,
    },
  });
}

/** Records pushed into a dataset (write permission). */
async function push(c: Context, params: Params): Promise<Response> {
  const name = c.req.param('dataset')!;
  const body = (await c.req.json().catch(() => {
    throw badInput('the request body must be a JSON record or an array of records');
  })) as unknown;
  const result = await pushRecords(principalOf(c), name, body);
  return reply(c, params, { status: 'OK', count: result.count, recordids: result.recordids });
}

/** The OpenDataSoft v1 REST dialect over the records query layer. */
export function registerRecordsRoutes(app: Hono): void {
  const both = ['GET', 'POST'];

  route(app, both, '/api/datasets/1.0/search', catalogSearch);

  route(app, both, '/api/datasets/1.0/:datasetid/records/:recordid', async (c, params) =>
    reply(c, params, await getRecord(c.req.param('datasetid')!, c.req.param('recordid')!, principalOf(c))),
  );

  route(app, both, '/api/datasets/1.0/:datasetid', async (c, params) => reply(c, params, await catalogDataset(c.req.param('datasetid')!, principalOf(c))));

  route(app, both, '/api/records/1.0/search', recordsSearch);

  route(app, both, '/api/records/1.0/analyze', analyze);

  route(app, both, '/api/records/1.0/geocluster', geocluster);

  route(app, both, '/api/records/1.0/download', download);

  route(app, ['POST'], '/api/push/1.0/:dataset/:resource/push/', push);
}
