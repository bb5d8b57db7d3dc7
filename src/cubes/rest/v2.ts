import type { Context, Hono } from 'hono';
import { principalOf } from '../../access/middleware.js';
import { visibleDatasets } from '../../access/principal.js';
import { db } from '../../db.js';
import { badInput, notFound, UserError } from '../../errors.js';
import { contentTypes, errorResponse, isCallbackName, jsonpAllowed, jsonpStatement, writeJsonp, type ErrorEnvelope } from '../../shared/dialect.js';
import { exactJson } from '../../shared/exact.js';
import { loadCube, type CubeModel } from '../query/model.js';
import { maxPageSize, type Row } from '../query/scope.js';
import { facetDimension, searchPlan, type SearchRequest } from '../query/search.js';
import { taxShare } from '../query/tax-share.js';
import {
  categoryOf,
  csvTable,
  datasetObject,
  datasetSelect,
  dimensionKind,
  dimensionObject,
  entryIdSql,
  entryObject,
  factTextsSql,
  languageLabel,
  languagesOf,
  membersWithIds,
  territoriesOf,
  territoryLabel,
  v2Categories,
  type DatasetWithCurrency,
} from '../query/v2.js';
import { toCsv } from './routes.js';

/**
 * OpenSpending v2 beyond /api/2/aggregate: the REST resources (`/datasets.json`, `/{dataset}.json`, its model,
 * dimensions, members and entries), the full-text search `/api/2/search` and the Personal Tax API `/api/mytax`.
 */

type Format = 'json' | 'csv';

/** OpenSpending v2's error body: `{errors: [message]}`. */
export const v2Errors: ErrorEnvelope = { dialect: 'OpenSpending v2', user: (error) => ({ errors: [error.message] }), internal: { errors: ['internal error'] } };

/** JSON (indented by 2 unless an XMLHttpRequest asks), or JSONP `cb(...);` on a GET naming a `callback`. */
export function sendV2(c: Context, body: unknown, status = 200): Response {
  const indent = c.req.header('x-requested-with')?.toLowerCase() === 'xmlhttprequest' ? undefined : 2;
  const callback = c.req.query('callback');
  if (callback !== undefined && jsonpAllowed(c)) {
    if (!isCallbackName(callback)) return c.body(exactJson({ errors: [`Invalid callback: '${callback}'`] }), 400, { 'content-type': contentTypes.json });
    return writeJsonp(c, callback, exactJson(body, indent), jsonpStatement, status);
  }
  return c.body(exactJson(body, indent), status as 200, { 'content-type': contentTypes.json });
}

function sendCsv(c: Context, filename: string, rows: Row[]): Response {
  const table = csvTable(rows);
  return c.body(toCsv(table.columns, table.rows), 200, {
    'content-type': contentTypes.csv,
    'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv"`,
  });
}

async function v2Route(c: Context, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    return errorResponse(c, v2Errors, error, (body, status) => sendV2(c, body, status));
  }
}

const origin = (c: Context) => new URL(c.req.url).origin;

const datasetMissing = (name: string) => notFound(`Sorry, there is no dataset named '${name}'`);

async function cubeOf(c: Context, name: string): Promise<CubeModel> {
  try {
    return await loadCube(name, principalOf(c));
  } catch (error) {
    if (error instanceof UserError && error.code === 'NOT_FOUND') throw datasetMissing(name);
    throw error;
  }
}

async function datasetRows(c: Context, names?: string[]): Promise<DatasetWithCurrency[]> {
  return db.dataset.findMany({
    where: { AND: [{ family: 'CUBE' }, visibleDatasets(principalOf(c)), ...(names ? [{ name: { in: names } }] : [])] },
    include: datasetSelect,
    orderBy: [{ updatedAt: 'desc' }, { name: 'asc' }],
  });
}

async function datasetRow(c: Context, name: string): Promise<DatasetWithCurrency> {
  const [row] = await datasetRows(c, [name]);
  if (!row) throw datasetMissing(name);
  return row;
}

const categoryLabels: Record<string, string> = { budget: 'Budget', spending: 'Expenditure', other: 'Other' };

function facetOf<T extends string>(values: T[][], key: string, param: string, label: (value: T) => string | undefined): Row[] {
  const counts = new Map<T, number>();
  for (const list of values) for (const value of list) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([value, count]) => ({ [key]: value, count, url: `/datasets?${param}=${encodeURIComponent(value)}`, label: label(value) ?? value }));
}

/** `GET /datasets.json`: visible cubes newest first, narrowed by `languages`, `territories` (each repeatable) and `category`. */
async function datasetList(c: Context, format: Format): Promise<Response> {
  const languages = (c.req.queries('languages') ?? []).filter(Boolean).map((l) => l.toLowerCase());
  const territories = (c.req.queries('territories') ?? []).filter(Boolean).map((t) => t.toUpperCase());
  const category = c.req.query('category') || undefined;
  const unsupported = [
    ...languages.filter((l) => !languageLabel(l)).map((l) => `Language ${l} not found`),
    ...territories.filter((t) => !territoryLabel(t)).map((t) => `Territory ${t} not found`),
    ...(category && !(v2Categories as readonly string[]).includes(category) ? [`Category ${category} not found`] : []),
  ];
  if (unsupported.length) throw badInput(`Parameter values not supported: ${unsupported.join(', ')}`, ['territories']);
  const rows = (await datasetRows(c)).filter(
    (row) =>
      languages.every((l) => languagesOf(row).includes(l)) &&
      territories.every((t) => territoriesOf(row).includes(t)) &&
      (!category || categoryOf(row) === category),
  );
  const datasets = rows.map((row) => datasetObject(row, origin(c)));
  if (format === 'csv') return sendCsv(c, 'datasets', datasets);
  return sendV2(c, {
    datasets,
    territories: facetOf(rows.map(territoriesOf), 'code', 'territories', territoryLabel),
    languages: facetOf(rows.map(languagesOf), 'code', 'languages', languageLabel),
    categories: facetOf(rows.map((row) => [categoryOf(row)]), 'category', 'category', (value) => categoryLabels[value]),
  });
}

function mappingOf(model: CubeModel, base: string): Row {
  const mapping: Row = {};
  for (const dimension of model.dimensions) {
    const { name: _name, key: _key, html_url: _url, ...spec } = dimensionObject(model, dimension, base);
    mapping[dimension.name] = spec;
  }
  for (const measure of model.measures) {
    mapping[measure.name] = { type: 'measure', label: measure.label ?? measure.name, column: measure.column, datatype: 'float', currency: measure.currency };
  }
  return mapping;
}

async function entryRoute(c: Context, model: CubeModel, id: string, format: Format): Promise<Response> {
  const missing = notFound(`Sorry, there is no entry '${id}'`);
  if (!/^[0-9a-f]{40}$/.test(id)) throw missing;
  const [row] = await db.$queryRaw<{ row_number: number; data: Row; texts: Record<string, string> | null }[]>`
    SELECT f.row_number, f.data, ${factTextsSql} AS texts FROM fact f
    WHERE f.dataset_id = ${model.datasetId} AND ${entryIdSql(model.name)} = ${id} LIMIT 1`;
  if (!row) throw missing;
  const entry = entryObject(model, { rowNumber: Number(row.row_number), data: row.data, texts: row.texts ?? {} }, origin(c));
  return format === 'csv' ? sendCsv(c, `${model.name}-entry`, [entry]) : sendV2(c, entry);
}

async function memberRoute(c: Context, model: CubeModel, dimensionName: string, name: string, format: Format): Promise<Response> {
  const dimension = model.dimensionsByName.get(dimensionName);
  if (!dimension || dimensionKind(dimension) === 'attribute') throw notFound(`Sorry, there is no dimension named '${dimensionName}'`);
  const member = (await membersWithIds(model, dimension, [name], origin(c))).get(name);
  if (!member) throw notFound(`Sorry, there is no member named '${name}'`);
  return format === 'csv' ? sendCsv(c, `${model.name}-${dimension.name}-member`, [member]) : sendV2(c, member);
}

const jsonOnly = (format: Format) => {
  if (format !== 'json') throw new UserError('NOT_FOUND', 'this resource is served as JSON only (.json)');
};

/**
 * The format a resource path asks for: its `.json`/`.csv` suffix, else the Accept header (whichever of CSV and the
 * JSON types it names first); null for anything else, such as a browser asking for HTML, which is not served.
 */
function formatOf(c: Context, last: string): { stem: string; format: Format } | null {
  const suffix = /\.(json|csv)$/.exec(last);
  if (suffix) return { stem: last.slice(0, -suffix[0].length), format: suffix[1] as Format };
  const accept = c.req.header('accept') ?? '';
  const csvAt = accept.indexOf('text/csv');
  const jsonAt = Math.min(...['application/json', 'text/javascript', 'application/javascript'].map((t) => accept.indexOf(t)).filter((i) => i >= 0), Infinity);
  if (csvAt < 0 && jsonAt === Infinity) return null;
  return { stem: last, format: csvAt >= 0 && csvAt < jsonAt ? 'csv' : 'json' };
}

/** Paths the v2 resources own: anything outside /api, /graphql, /healthz and /explore (checked in src/app.ts). */
export function isV2ResourcePath(path: string): boolean {
  return path !== '/' && !/^\/(api|graphql|healthz|explore)(\/|$)/.test(path);
}

async function resource(c: Context, segments: string[]): Promise<Response | null> {
  const last = segments.pop()!;
  const asked = formatOf(c, last);
  if (!asked) return null;
  const { stem, format } = asked;
  const parts = [...segments, stem];
  const base = origin(c);
  if (parts.length === 1 && parts[0] === 'datasets') return datasetList(c, format);
  const [ds, second, third, fourth] = parts;
  if (!ds || parts.length > 4) return null;
  if (parts.length === 1) {
    jsonOnly(format);
    return sendV2(c, datasetObject(await datasetRow(c, ds), base));
  }
  if (parts.length === 2 && second === 'entries') {
    await cubeOf(c, ds);
    return c.redirect(`/api/2/search?dataset=${encodeURIComponent(ds)}&format=${format}`, 302);
  }
  if (parts.length === 4 && fourth === 'entries') {
    await cubeOf(c, ds);
    const filter = `${second}.name:${third}`;
    return c.redirect(`/api/2/search?dataset=${encodeURIComponent(ds)}&filter=${encodeURIComponent(filter)}&format=${format}`, 302);
  }
  if (parts.length === 4) return null;
  const model = await cubeOf(c, ds);
  if (parts.length === 2 && second === 'model') {
    jsonOnly(format);
    const row = await datasetRow(c, ds);
    return sendV2(c, { dataset: datasetObject(row, base), mapping: mappingOf(model, base), views: (model.source.v2 as { views?: unknown } | undefined)?.views ?? [] });
  }
  if (parts.length === 2 && second === 'dimensions') {
    jsonOnly(format);
    return sendV2(c, model.dimensions.map((d) => dimensionObject(model, d, base)));
  }
  if (parts.length === 3 && second === 'entries') return entryRoute(c, model, third!, format);
  if (parts.length === 2) {
    jsonOnly(format);
    const dimension = model.dimensionsByName.get(second!);
    if (!dimension) throw notFound(model.measuresByName.has(second!) ? 'This is not a dimension' : `Sorry, there is no dimension named '${second}'`);
    return sendV2(c, dimensionObject(model, dimension, base));
  }
  return memberRoute(c, model, second!, third!, format);
}

async function resourceRoute(c: Context, next: () => Promise<void>): Promise<Response | void> {
  const path = new URL(c.req.url).pathname;
  if (!isV2ResourcePath(path)) return next();
  if (path.length > 1 && path.endsWith('/') && formatOf(c, path.replace(/\/+$/, ''))) {
    const url = new URL(c.req.url);
    return c.redirect(`${path.replace(/\/+$/, '') || '/'}${url.search}`, 301);
  }
  let segments: string[];
  try {
    segments = path.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    return sendV2(c, { errors: ['the path is not valid percent-encoded UTF-8'] }, 400);
  }
  const answer = await v2Route(c, async () => (await resource(c, segments)) ?? c.notFound());
  return answer;
}

function numberParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const text = value.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?$/.test(text)) throw badInput(`'${value}' is not a number`, [name]);
  return Number(text);
}

const truthy = (value: string | undefined) => value !== undefined && ['true', '1', 'yes', 'on'].includes(value.toLowerCase());

function pageParam(c: Context, name: string, fallback: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw.trim())) throw badInput(`${name}: must be a whole number from 0 to ${max}, got '${raw}'`, [name]);
  const value = Number(raw.trim());
  if (value > max) throw badInput(`${name}: must be a whole number from 0 to ${max}, got '${raw}'`, [name]);
  return value;
}

function pageNumber(c: Context, name: string): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return 1;
  const value = numberParam(raw, name)!;
  if (!(value >= 1) || value > 1e9) throw badInput(`${name}: must be a number of 1 or more, got '${raw}'`, [name]);
  return value;
}

const listParam = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split('|')).map((v) => v.trim()).filter(Boolean);

/** The cubes a search covers: `dataset` (repeatable or `|`-separated), else every visible cube (of `category`). */
async function searchModels(c: Context): Promise<{ models: CubeModel[]; named: boolean }> {
  const names = [...new Set(listParam(c.req.queries('dataset')))];
  if (names.length) {
    const models = await Promise.all(
      names.map(async (name) => {
        try {
          return await loadCube(name, principalOf(c));
        } catch (error) {
          if (error instanceof UserError && error.code === 'NOT_FOUND') throw badInput(`no dataset with name "${name}"`, ['dataset']);
          throw error;
        }
      }),
    );
    return { models, named: true };
  }
  const category = c.req.query('category');
  let rows = await datasetRows(c);
  if (category && (v2Categories as readonly string[]).includes(category)) rows = rows.filter((row) => categoryOf(row) === category);
  rows.sort((a, b) => a.id - b.id);
  return { models: await Promise.all(rows.map((row) => loadCube(row.name, principalOf(c)))), named: false };
}

function searchRequest(c: Context): SearchRequest {
  const filters = listParam(c.req.queries('filter')).map<[string, string]>((part) => {
    const pieces = part.split(':');
    if (pieces.length !== 2 || !pieces[0]) throw badInput(`Wrong format for "filter" parameter: '${part}' is not field:value`, ['filter']);
    return [pieces[0].trim(), pieces[1]!];
  });
  const order = listParam(c.req.queries('order')).map((part) => {
    const [field, direction = 'asc', ...rest] = part.split(':');
    if (!field || rest.length || !['asc', 'desc'].includes(direction.toLowerCase())) {
      throw badInput(`Wrong format for "order" parameter: '${part}' is not field:asc or field:desc`, ['order']);
    }
    return { field, direction: direction.toLowerCase() as 'asc' | 'desc' };
  });
  return { q: c.req.query('q'), filters, order };
}

/** `GET /api/2/search`: entries matching `q`, `filter`, `dataset` and `category`, with stats and facets. */
async function searchRoute(c: Context): Promise<Response> {
  const request = searchRequest(c);
  const pageSize = pageParam(c, 'pagesize', 100, maxPageSize);
  const page = pageNumber(c, 'page');
  const facetPageSize = pageParam(c, 'facet_pagesize', 100, 100);
  const facetPage = pageNumber(c, 'facet_page');
  const facetFields = listParam(c.req.queries('facet_field'));
  const format = c.req.query('format') === 'csv' ? 'csv' : 'json';
  const { models, named } = await searchModels(c);
  const plan = searchPlan(models, request);
  const offset = Math.floor((page - 1) * pageSize);
  const [hits, total, datasets] = await Promise.all([
    plan.hits({ offset, limit: pageSize }),
    plan.count(),
    datasetRows(c, models.map((m) => m.name)),
  ]);
  const base = origin(c);
  const datasetById = new Map(datasets.map((row) => [row.id, datasetObject(row, base)]));
  const results = hits.map((hit) => ({ ...entryObject(hit.model, hit, base), dataset: datasetById.get(hit.model.datasetId) ?? null }));
  if (format === 'csv') return sendCsv(c, 'entries', results);

  const facets: Record<string, unknown[]> = {};
  const expand = c.req.query('expand_facet_dimensions') !== undefined && named && models.length === 1;
  for (const field of facetFields) {
    const values = await plan.facet(field, { offset: Math.floor((facetPage - 1) * facetPageSize), limit: facetPageSize });
    const dimension = expand ? facetDimension(models[0]!, field) : null;
    if (dimension) {
      const members = await membersWithIds(models[0]!, dimension, values.map(([value]) => value), base);
      facets[field] = values.map(([value, count]) => [members.get(value) ?? value, count]);
    } else {
      facets[field] = values;
    }
  }
  const stats: Row = { results_count_query: total, results_count: results.length };
  if (truthy(c.req.query('stats'))) Object.assign(stats, await plan.stats('amount'));
  return sendV2(c, { stats, facets, results });
}

/** `GET /api/mytax`: a household's estimated tax from its income (and whether it smokes, drinks and drives). */
async function myTaxRoute(c: Context): Promise<Response> {
  const raw = c.req.query('income');
  if (raw === undefined || raw === '') throw badInput('parameter income is missing', ['income']);
  const income = numberParam(raw, 'income')!;
  numberParam(c.req.query('spending'), 'spending');
  const flag = (name: string) => {
    const value = c.req.query(name);
    if (value === undefined) return true;
    const lower = value.toLowerCase();
    if (lower !== 'yes' && lower !== 'no') throw badInput(`'${value}' is not 'yes' or 'no'`, [name]);
    return lower === 'yes';
  };
  return sendV2(c, taxShare({ income, smoker: flag('smoker'), drinker: flag('drinker'), driver: flag('driver') }));
}

export function registerV2Routes(app: Hono): void {
  app.get('/api/2/search', (c) => v2Route(c, () => searchRoute(c)));
  app.get('/api/mytax', (c) => v2Route(c, () => myTaxRoute(c)));
}

/** The resources at the root (`/datasets.json`, `/{dataset}/…`): register after every other route. */
export function registerV2Resources(app: Hono): void {
  app.get('*', resourceRoute);
}
