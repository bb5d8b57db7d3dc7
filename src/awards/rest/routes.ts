import type { Context, Hono } from 'hono';
import { principalOf } from '../../access/middleware.js';
import { visibleDatasets } from '../../access/principal.js';
import { db } from '../../db.js';
import { UserError, badInput, notFound } from '../../errors.js';
import { withErrorEnvelope, type ErrorEnvelope } from '../../shared/dialect.js';
import { stripLocations, type FilterNode } from '../../shared/filter/ast.js';
import { parseQueryFilters, parseRestFilters } from '../query/filter/rest.js';
import {
  aggregates,
  autocomplete,
  awardInclude,
  clampPage,
  countRows,
  delegate,
  listRows,
  locationAutocomplete,
  prepareList,
  totals,
  transactionInclude,
  type Aggregate,
  type DatePart,
  type RootModel,
  type TotalsRequest,
} from '../query/queries.js';
import { loadRequest, saveRequest } from '../query/saved.js';
import { awardAccountInclude, awardJson, defaultAwardFields, defaultTransactionFields, shape, transactionJson, type Json, type Shape } from './serialize.js';
import { downloadFileName, ensureDownload, openDownload } from './download.js';

type Input = { body: Record<string, unknown>; query: Record<string, string> };

const RESERVED = new Set(['page', 'limit', 'req', 'verbose', 'fields', 'exclude', 'order', 'format', 'dataset']);

async function readInput(c: Context): Promise<Input> {
  const query = c.req.query();
  if (c.req.method !== 'POST') return { body: {}, query };
  const text = await c.req.text();
  if (!text.trim()) return { body: {}, query };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badInput('Malformed JSON body');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badInput('The request body must be a JSON object');
  return { body: body as Record<string, unknown>, query };
}

/** USAspending's error body: `{message}`. */
const usaspendingErrors: ErrorEnvelope = {
  dialect: 'USAspending',
  user: (error) => ({ message: error.message }),
  internal: { message: 'Internal error while answering the request' },
};

function guarded(c: Context, work: () => Promise<Response>): Promise<Response> {
  return withErrorEnvelope(c, usaspendingErrors, work);
}

function and(a: FilterNode | null, b: FilterNode | null): FilterNode | null {
  if (!a) return b;
  if (!b) return a;
  return { kind: 'and', children: [a, b] };
}

function listOption(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.split(',').filter(Boolean);
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badInput(`${name} must be a list of field names`, [name]);
  return value as string[];
}

function bool(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === 'True' || value === '1';
}

function pick(input: Input, key: string): unknown {
  return input.body[key] ?? input.query[key];
}

function pageLinks(c: Context, page: number, hasNext: boolean, req: string) {
  const link = (p: number) => {
    const url = new URL(c.req.url);
    url.searchParams.set('page', String(p));
    url.searchParams.set('req', req);
    return url.toString();
  };
  return { next: hasNext ? link(page + 1) : null, current: link(page), previous: page > 1 ? link(page - 1) : null };
}

interface StoredList extends Shape {
  filter: FilterNode | null;
  order: string[];
  dataset: string | null;
}

async function listRequest(input: Input, endpoint: string): Promise<StoredList> {
  const req = pick(input, 'req');
  if (req !== undefined && req !== null && req !== '') return loadRequest<StoredList>(endpoint, req);
  const filter = and(parseRestFilters(input.body.filters), parseQueryFilters(input.query, RESERVED));
  const fields = listOption(pick(input, 'fields'), 'fields');
  const exclude = listOption(pick(input, 'exclude'), 'exclude');
  return {
    filter: stripLocations(filter),
    order: listOption(pick(input, 'order'), 'order') ?? [],
    dataset: typeof pick(input, 'dataset') === 'string' ? (pick(input, 'dataset') as string) : null,
    ...(fields ? { fields } : {}),
    ...(exclude ? { exclude } : {}),
    ...(bool(pick(input, 'verbose')) ? { verbose: true } : {}),
  };
}

/** How the v1 routes of one model read and write its rows. */
export interface RestModel {
  root: RootModel;
  /** What a list row loads; `verbose` lists and the detail route load `detailInclude` when there is one. */
  include: object;
  detailInclude?: object;
  toJson(row: Record<string, unknown>): Record<string, Json>;
  /** The fields a list shows without `fields` or `verbose`; null for every field. */
  defaults: string[] | null;
  /** A condition every row of the route meets (the balances list shows each fiscal year's final balances). */
  where?: Record<string, unknown>;
  /** What the detail route's 404 calls a row. */
  noun: string;
}

function shaped(model: RestModel, row: Record<string, unknown>, options: Shape): Record<string, Json> {
  const json = model.toJson(row);
  return shape(json, options, model.defaults ?? Object.keys(json));
}

export function listHandler(model: RestModel, endpoint: string) {
  return (c: Context) =>
    guarded(c, async () => {
      const input = await readInput(c);
      const stored = await listRequest(input, endpoint);
      const paging = clampPage(pick(input, 'page'), pick(input, 'limit'));
      const list = await prepareList(model.root, stored, paging, visibleDatasets(principalOf(c)));
      if (model.where) list.where = { AND: [list.where, model.where] };
      const include = stored.verbose ? model.detailInclude ?? model.include : model.include;
      const [{ rows, hasNextPage, hasPreviousPage }, count] = await Promise.all([listRows(list, { include }), countRows(list)]);
      const req = await saveRequest(endpoint, stored);
      return c.json({
        page_metadata: { count, page: paging.page, has_next_page: hasNextPage, has_previous_page: hasPreviousPage, ...pageLinks(c, paging.page, hasNextPage, req) },
        req,
        results: rows.map((row) => shaped(model, row, stored)),
      });
    });
}

/** What an award's detail (and a verbose list) shows beyond a list row: its latest transaction and financial accounts. */
const awardDetailInclude = {
  ...awardInclude,
  latestTransaction: { include: awardInclude },
  awardAccounts: { include: awardAccountInclude, orderBy: { id: 'asc' } },
} as const;

const awardModel: RestModel = { root: 'Award', include: awardInclude, detailInclude: awardDetailInclude, toJson: awardJson, defaults: defaultAwardFields, noun: 'award' };
const transactionModel: RestModel = { root: 'Transaction', include: transactionInclude, toJson: transactionJson, defaults: defaultTransactionFields, noun: 'transaction' };

/** One row by id, every field; upstream's tests also POST here (with `fields` or `verbose`, which detail ignores). */
export function detailHandler(model: RestModel) {
  return (c: Context) =>
    guarded(c, async () => {
      const raw = c.req.param('id') ?? '';
      const id = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(id)) throw notFound(`No ${model.noun} with id "${raw.slice(0, 40)}"`);
      const where = { id, dataset: { is: visibleDatasets(principalOf(c)) } };
      const row = await delegate(model.root).findFirst({ where, include: model.detailInclude ?? model.include });
      if (!row) throw notFound(`No ${model.noun} with id ${id}`);
      const input = await readInput(c);
      const json = model.toJson(row);
      return c.json(shape(json, { fields: Object.keys(json), exclude: listOption(pick(input, 'exclude'), 'exclude') ?? null }, []));
    });
}

const restDateParts: Record<string, DatePart> = { year: 'year', quarter: 'quarter', month: 'month', day: 'day', fy: 'fiscalYear', fiscal_year: 'fiscalYear' };

/** `labels`: the group names as the client spelled them (e.g. "date_signed__fy"), used as keys in the results. */
type StoredTotals = Omit<TotalsRequest, 'dataset'> & { dataset: string | null; labels?: string[] };

async function totalsRequest(input: Input, endpoint: string): Promise<StoredTotals> {
  const req = pick(input, 'req');
  if (req !== undefined && req !== null && req !== '') return loadRequest<StoredTotals>(endpoint, req);
  const b = { ...input.query, ...input.body } as Record<string, unknown>;
  if (b.field === undefined || b.field === null || b.field === '') throw badInput('Request is missing the name of the field to aggregate', ['field']);
  if (typeof b.field !== 'string') throw badInput('field must be a field name', ['field']);
  if (b.group === undefined || b.group === null || b.group === '') throw badInput('Request is missing the field to group by', ['group']);
  const group = typeof b.group === 'string' ? [b.group] : b.group;
  if (!Array.isArray(group) || group.some((g) => typeof g !== 'string')) throw badInput('group must be a field name or a list of them', ['group']);
  const aggregate = (typeof b.aggregate === 'string' ? b.aggregate : 'sum').toLowerCase();
  if (!(aggregates as readonly string[]).includes(aggregate)) {
    throw badInput(`Aggregate ${String(b.aggregate).slice(0, 40)} is unsupported. Supported aggregates are ${aggregates.join(', ')}`, ['aggregate']);
  }
  let datePart: DatePart | null = null;
  if (b.date_part !== undefined && b.date_part !== null) {
    datePart = typeof b.date_part === 'string' ? restDateParts[b.date_part.toLowerCase()] ?? null : null;
    if (!datePart) {
      throw badInput(`Date part ${String(b.date_part).slice(0, 40)} is unsupported. Supported date parts are ['year', 'month', 'quarter', 'day', 'fiscal_year']`, ['date_part']);
    }
  }
  const labels = group as string[];
  const fyGroups = labels.filter((g) => g.endsWith('__fy'));
  if (fyGroups.length) {
    if (datePart && datePart !== 'fiscalYear') throw badInput(`date_part ${String(b.date_part)} cannot combine with ${fyGroups[0]}`, ['date_part']);
    datePart = 'fiscalYear';
  }
  const showNulls = bool(b.show_nulls);
  return {
    field: b.field,
    aggregate: aggregate as Aggregate,
    group: labels.map((g) => g.replace(/__fy$/, '')),
    ...(fyGroups.length ? { labels } : {}),
    datePart,
    showNullGroups: showNulls || bool(b.show_null_groups),
    showNullAggregates: showNulls || bool(b.show_null_aggregates),
    filter: stripLocations(parseRestFilters(input.body.filters)),
    order: listOption(b.order, 'order') ?? [],
    dataset: typeof b.dataset === 'string' ? b.dataset : null,
  };
}

export function totalsHandler(root: RootModel, endpoint: string) {
  return (c: Context) =>
    guarded(c, async () => {
      const input = await readInput(c);
      const stored = await totalsRequest(input, endpoint);
      const paging = clampPage(pick(input, 'page'), pick(input, 'limit'));
      const window = { offset: (paging.page - 1) * paging.limit, limit: paging.limit };
      const result = await totals(root, stored, window, visibleDatasets(principalOf(c)));
      const req = await saveRequest(endpoint, stored);
      return c.json({
        page_metadata: {
          count: result.totalCount,
          page: paging.page,
          has_next_page: result.hasNextPage,
          has_previous_page: result.hasPreviousPage,
          ...pageLinks(c, paging.page, result.hasNextPage, req),
        },
        req,
        results: result.rows.map((row) => ({
          item: row.item,
          ...Object.fromEntries(stored.group.map((g, i) => [stored.labels?.[i] ?? g, row.groups[g] ?? null])),
          aggregate: row.aggregate,
        })),
      });
    });
}

export function autocompleteHandler(model: RestModel) {
  return (c: Context) =>
    guarded(c, async () => {
      const { body } = await readInput(c);
      if (body.fields === undefined || body.value === undefined || body.value === null) {
        throw badInput("Invalid request, autocomplete requests need parameters 'fields' and 'value'");
      }
      if (!Array.isArray(body.fields) || body.fields.some((f) => typeof f !== 'string')) {
        throw badInput('Invalid field, autocomplete fields value must be a list', ['fields']);
      }
      const mode = (typeof body.mode === 'string' ? body.mode : 'contains').toLowerCase();
      if (mode !== 'contains' && mode !== 'startswith') {
        throw badInput(`Invalid mode, autocomplete modes are 'contains', 'startswith', but got ${String(body.mode).slice(0, 40)}`, ['mode']);
      }
      if (typeof body.value !== 'string' && typeof body.value !== 'number') throw badInput('value must be a text or a number', ['value']);
      const result = await autocomplete(model.root, {
        fields: body.fields as string[],
        value: String(body.value),
        mode,
        limit: clampPage(1, body.limit ?? 10).limit,
        filter: parseRestFilters(body.filters),
        dataset: typeof body.dataset === 'string' ? body.dataset : null,
      }, visibleDatasets(principalOf(c)));
      const matched = bool(body.matched_objects) ? await matchedObjects(model, result.ids) : null;
      const keys = answerOrder(body.fields as string[], matched !== null);
      return c.json({
        results: Object.fromEntries(keys.map((key) => [key, result.results[key]])),
        counts: Object.fromEntries(keys.map((key) => [key, result.counts[key]])),
        ...(matched ? { matched_objects: matched } : {}),
      });
    });
}

/**
 * The order of fields in v1 autocomplete answers, which were filled as per-field queries finished: without matched
 * objects, fields crossing fewer relations first; with them (every field reading the same relations), as asked.
 */
function answerOrder(fields: string[], matched: boolean): string[] {
  const unique = [...new Set(fields)];
  if (matched) return unique;
  const hops = (field: string) => field.split(/__|\./).length - 1;
  return unique.map((field, i) => ({ field, i })).sort((a, b) => hops(a.field) - hops(b.field) || a.i - b.i).map(({ field }) => field);
}

/** The matched rows of every field, read in one query, as REST objects per field. */
async function matchedObjects(model: RestModel, ids: Record<string, number[]>): Promise<Record<string, Json[]>> {
  const all = [...new Set(Object.values(ids).flat())];
  const rows = await delegate(model.root).findMany({ where: { id: { in: all } }, include: model.include });
  const byId = new Map(rows.map((row) => [row.id as number, model.toJson(row) as Json]));
  return Object.fromEntries(Object.entries(ids).map(([field, list]) => [field, list.flatMap((id) => byId.get(id) ?? [])]));
}

function geocompleteHandler(c: Context) {
  return guarded(c, async () => {
    const input = await readInput(c);
    const b = { ...input.query, ...input.body } as Record<string, unknown>;
    if (typeof b.value !== 'string' && typeof b.value !== 'number') throw badInput("Invalid request, geocomplete requests need a 'value'", ['value']);
    const mode = (typeof b.mode === 'string' ? b.mode : 'contains').toLowerCase();
    const scope = (typeof b.scope === 'string' ? b.scope : 'all').toLowerCase();
    const usage = (typeof b.usage === 'string' ? b.usage : 'all').toLowerCase();
    if (mode !== 'contains' && mode !== 'startswith') throw badInput(`Invalid mode: ${mode.slice(0, 40)}`, ['mode']);
    if (!['all', 'domestic', 'foreign'].includes(scope)) throw badInput(`Invalid scope: ${scope.slice(0, 40)}`, ['scope']);
    if (!['all', 'recipient', 'place_of_performance'].includes(usage)) throw badInput(`Invalid usage: ${usage.slice(0, 40)}`, ['usage']);
    const matches = await locationAutocomplete({
      value: String(b.value),
      mode,
      scope: scope as 'all',
      usage: usage === 'place_of_performance' ? 'placeOfPerformance' : (usage as 'all'),
      limit: clampPage(1, b.limit ?? 10).limit,
    }, visibleDatasets(principalOf(c)));
    return c.json(matches.map((m) => ({ place: m.place, place_type: m.placeType, parent: m.parent, matched_ids: m.matchedIds })));
  });
}

function downloadHandler(c: Context) {
  return guarded(c, async () => {
    const input = await readInput(c);
    const stored = await listRequest(input, 'awards');
    const scope = visibleDatasets(principalOf(c));
    await prepareList('Award', stored, { page: 1, limit: 1 }, scope);
    const checksum = await saveRequest('awards', stored);
    const file = await downloadFileName(checksum, scope);
    const state = ensureDownload(file, stored, scope);
    const origin = new URL(c.req.url).origin;
    const body = {
      request_checksum: checksum,
      request_path: '/api/v1/awards/',
      retry_url: `${origin}/api/v1/download/awards/?req=${checksum}`,
      location: state.status === 'ready' ? `${origin}/api/v1/download/files/${file}` : null,
      status:
        state.status === 'ready'
          ? 'File is ready for download.'
          : state.status === 'queued'
            ? 'File has been queued for generation.'
            : `Error generating file: ${state.message}`,
    };
    return c.json(body, state.status === 'ready' ? 200 : state.status === 'queued' ? 202 : 500);
  });
}

function fileHandler(c: Context) {
  return guarded(c, async () => {
    const stream = await openDownload(c.req.param('name') ?? '', visibleDatasets(principalOf(c)));
    if (!stream) return c.json({ message: 'No such download file' }, 404);
    return new Response(stream, {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${c.req.param('name')}"` },
    });
  });
}

export function postOnly(c: Context): Promise<Response> {
  return Promise.resolve(c.json({ message: 'Autocomplete requests are POST only' }, 405));
}

export function both(app: Hono, method: 'get' | 'post', path: string, handler: (c: Context) => Promise<Response>) {
  app[method](path, handler);
  app[method](path.replace(/\/$/, ''), handler);
}

/** USAspending v1 compatible routes over the same query layer as the GraphQL schema. */
export function registerAwardsRoutes(app: Hono): void {
  const routes: [string, (c: Context) => Promise<Response>][] = [
    ['/api/v1/awards/', listHandler(awardModel, 'awards')],
    ['/api/v1/awards/total/', totalsHandler('Award', 'awards.total')],
    ['/api/v1/transactions/', listHandler(transactionModel, 'transactions')],
    ['/api/v1/transactions/total/', totalsHandler('Transaction', 'transactions.total')],
    ['/api/v1/references/locations/geocomplete/', geocompleteHandler],
    ['/api/v1/download/awards/', downloadHandler],
  ];
  for (const [path, handler] of routes) {
    both(app, 'get', path, handler);
    both(app, 'post', path, handler);
  }
  both(app, 'post', '/api/v1/awards/autocomplete/', autocompleteHandler(awardModel));
  both(app, 'post', '/api/v1/transactions/autocomplete/', autocompleteHandler(transactionModel));
  both(app, 'get', '/api/v1/awards/autocomplete/', postOnly);
  app.get('/api/v1/download/files/:name', fileHandler);
  for (const method of ['get', 'post'] as const) {
    both(app, method, '/api/v1/awards/:id/', detailHandler(awardModel));
    both(app, method, '/api/v1/transactions/:id/', detailHandler(transactionModel));
  }
}

export { listRequest, totalsRequest };
