import { principalOf } from '../../access/middleware.js';
import { visibleDatasets } from '../../access/principal.js';
import type { Context, Hono } from 'hono';
import { db } from '../../db.js';
import { badInput, notFound, UserError } from '../../errors.js';
import { contentTypes, errorResponse, isCallbackName, withErrorEnvelope, writeJsonp, type ErrorEnvelope, type JsonpStyle } from '../../shared/dialect.js';
import { exactJson, isExactNumber } from '../../shared/exact.js';
import { babbageModel } from './babbage.js';
import { aggregateNumber, aggregatePlan, membersPlan, type AggregatePlan } from '../query/aggregate.js';
import { dimensionCardinalities } from '../query/cardinality.js';
import { factsPlan } from '../query/facts.js';
import { parseFields, parseOrder, parseRefs, type ParsedOrder } from '../query/grammar.js';
import { loadCube, type CubeAttribute, type CubeDimension, type CubeMeasure, type CubeModel } from '../query/model.js';
import { maxPageSize, type Row } from '../query/scope.js';

type Query = Record<string, string | undefined>;

/** The babbage release whose API and tests these routes follow. */
const babbageVersion = '0.4.0';

/** RFC 4180 CSV: a header of refs, then one line per row; fields quoted when they hold a comma, quote or newline. */
export function toCsv(columns: string[], rows: Row[]): string {
  const quote = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    const text = isExactNumber(value) ? value.value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map(quote).join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function intParam(query: Query, names: string[], fallback: number): number {
  for (const name of names) {
    const raw = query[name];
    if (raw === undefined || raw === '') continue;
    if (!/^-?\d{1,15}$/.test(raw.trim())) throw badInput(`Invalid ${name}: '${raw}' is not an integer`, [name]);
    return Number(raw.trim());
  }
  return fallback;
}

interface Page {
  page: number;
  pageSize: number;
  offset: number;
}

/** Reads and checks `page` and `pagesize` (a 400 rather than babbage's silent cap; pagesize=0 asks for counts only). */
function pageParams(query: Query, defaultSize: number): () => Page {
  const pageSize = intParam(query, ['pagesize', 'page_size'], defaultSize);
  const page = intParam(query, ['page'], 1);
  return () => {
    if (!Number.isSafeInteger(page) || page < 1) throw badInput(`page: must be an integer of 1 or more, got ${page}`, ['page']);
    if (!Number.isSafeInteger(pageSize) || pageSize < 0 || pageSize > maxPageSize) {
      throw badInput(`pagesize: must be an integer from 0 to ${maxPageSize}, got ${pageSize}`, ['pagesize']);
    }
    return { page, pageSize, offset: (page - 1) * pageSize };
  };
}

/** A plan's cells for one page with the cell count and the summary, aggregate values as JSON numbers. */
async function aggregatePage(plan: AggregatePlan, page: Page) {
  const fetched = await plan.cells({ offset: page.offset, limit: page.pageSize });
  const totals = fetched.count === null ? await plan.totals() : { count: fetched.count, summary: fetched.summary! };
  const numbers = (row: Row): Row => {
    const out: Row = { ...row };
    for (const a of plan.aggregates) if (a.ref in out) out[a.ref] = aggregateNumber(out[a.ref]);
    return out;
  };
  return { cells: fetched.cells.map(numbers), summary: numbers(totals.summary), totalCellCount: totals.count };
}

/** babbage guards the call so a page whose callback is not defined yet gets no error: `cb && cb({...});`. */
const babbageJsonp: JsonpStyle = (callback, json) => `${callback} && ${callback}(${json});`;

/** JSON, or JSONP when the query names a `callback` (errors too); measures and aggregates with all their digits. */
function send(c: Context, body: unknown, status = 200): Response {
  const callback = c.req.query('callback');
  if (callback !== undefined) {
    if (!isCallbackName(callback)) {
      return c.json({ status: 'error', message: `Invalid callback: '${callback}'`, context: {} }, 400);
    }
    return writeJsonp(c, callback, exactJson(body), babbageJsonp, status);
  }
  return c.body(exactJson(body), status as 200, { 'content-type': 'application/json' });
}

function csv(c: Context, name: string, columns: string[], rows: Row[]): Response {
  return c.body(toCsv(columns, rows), 200, {
    'content-type': contentTypes.csv,
    'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv"`,
  });
}

/** babbage's error body: `{status: 'error', message, context}`; anything unexpected stays a generic 500. */
const babbageErrors: ErrorEnvelope = {
  dialect: 'babbage',
  user: (error) => ({ status: 'error', message: error.message, context: {} }),
  internal: { status: 'error', message: 'internal error', context: {} },
};

/** OpenSpending v2's error body: `{errors: [message]}`. */
const v2Errors: ErrorEnvelope = { dialect: 'OpenSpending v2', user: (error) => ({ errors: [error.message] }), internal: { errors: ['internal error'] } };

function babbageRoute(handler: (c: Context, query: Query) => Promise<Response>) {
  return (c: Context) => withErrorEnvelope(c, babbageErrors, () => handler(c, c.req.query()), (body, status) => send(c, body, status));
}

function orderParam(query: Query): ParsedOrder[] | undefined {
  return query.order ? parseOrder(query.order) : undefined;
}

function paths(app: Hono, path: string, handler: ReturnType<typeof babbageRoute>) {
  app.get(path, handler);
  app.get(`${path}/`, handler);
}

/** The facts and members answer: rows with their fields, order and paging, or the rows alone as CSV. */
function listing(
  c: Context,
  query: Query,
  filename: string,
  total: Record<string, number>,
  result: { data: Record<string, unknown>[]; cell: unknown; fields: string[]; order: unknown; page: number; pageSize: number },
): Response {
  if (query.format === 'csv') return csv(c, filename, result.fields, result.data);
  return send(c, {
    status: 'ok',
    ...total,
    data: result.data,
    cell: result.cell,
    fields: result.fields,
    order: result.order,
    page: result.page,
    page_size: result.pageSize,
  });
}

async function cubeParam(c: Context): Promise<CubeModel> {
  return loadCube(c.req.param('name') ?? '', principalOf(c));
}

/** babbage's API index: its name, status and version, and where the cube list is. */
async function indexRoute(c: Context): Promise<Response> {
  return send(c, {
    status: 'ok',
    api: 'babbage',
    message: 'Spendgraph: OpenSpending cubes over the babbage API',
    cubes_index_url: new URL('/api/3/cubes', c.req.url).toString(),
    version: babbageVersion,
  });
}

async function cubeList(c: Context): Promise<Response> {
  const cubes = await db.dataset.findMany({
    where: { AND: [{ family: 'CUBE' }, visibleDatasets(principalOf(c))] },
    select: { name: true },
    orderBy: { name: 'asc' },
  });
  return send(c, { status: 'ok', data: cubes.map((d) => ({ name: d.name })) });
}

async function cubeModelRoute(c: Context): Promise<Response> {
  const model = await cubeParam(c);
  return send(c, { status: 'ok', name: model.name, model: babbageModel(model, await dimensionCardinalities(model)) });
}

async function packageRoute(c: Context): Promise<Response> {
  const model = await cubeParam(c);
  const datapackage = model.source.datapackage;
  if (!datapackage) throw notFound(`cube "${model.name}" was not loaded from a data package`);
  return send(c, datapackage);
}

async function factsRoute(c: Context, query: Query): Promise<Response> {
  const model = await cubeParam(c);
  const paging = pageParams(query, 100);
  let page!: Page;
  const plan = factsPlan(
    model,
    { cut: query.cut || null, fields: query.fields ? parseFields(query.fields) : null, order: orderParam(query) },
    () => (page = paging()),
  );
  const [rows, total] = await Promise.all([
    page.pageSize === 0 ? [] : plan.rows({ offset: page.offset, limit: page.pageSize }),
    plan.count(),
  ]);
  return listing(c, query, `${model.name}-facts`, { total_fact_count: total }, {
    ...plan,
    data: rows.map((row) => row.data),
    page: page.page,
    pageSize: page.pageSize,
  });
}

async function membersRoute(c: Context, query: Query): Promise<Response> {
  const model = await cubeParam(c);
  const paging = pageParams(query, 100);
  let page!: Page;
  const { attributes, plan } = membersPlan(
    model,
    c.req.param('ref') ?? '',
    { cut: query.cut || null, order: orderParam(query) },
    () => (page = paging()),
  );
  const result = await aggregatePage(plan, page);
  const data = result.cells.map((cell) => Object.fromEntries(attributes.map((a) => [a.ref, cell[a.ref]])));
  return listing(c, query, `${model.name}-members`, { total_member_count: result.totalCellCount }, {
    data,
    cell: plan.cell,
    fields: attributes.map((a) => a.ref),
    order: plan.order,
    page: page.page,
    pageSize: page.pageSize,
  });
}

/** babbage names every aggregate in full (`amount.sum`): a bare measure is not one of its aggregates. */
function aggregateRefs(text: string): string[] {
  const refs = parseRefs(text, 'aggregate', 'aggregates');
  refs.forEach((ref, i) => {
    if (ref !== '_count' && !ref.includes('.')) throw badInput(`Invalid aggregate: '${ref}'`, ['aggregates', i]);
  });
  return refs;
}

async function aggregateRoute(c: Context, query: Query): Promise<Response> {
  const model = await cubeParam(c);
  const paging = pageParams(query, 100);
  let page!: Page;
  const plan = aggregatePlan(
    model,
    {
      cut: query.cut || null,
      drilldown: query.drilldown ? parseRefs(query.drilldown, 'drilldown', 'drilldown') : null,
      aggregates: query.aggregates ? aggregateRefs(query.aggregates) : null,
      order: orderParam(query),
      fiscalYearStart: query.fiscal_year_start || null,
    },
    () => (page = paging()),
  );
  const result = await aggregatePage(plan, page);
  const aggregates = plan.aggregates.map((a) => a.ref);
  if (query.format === 'csv') return csv(c, `${model.name}-aggregate`, [...plan.attributes, ...aggregates], result.cells);
  return send(c, {
    status: 'ok',
    total_cell_count: result.totalCellCount,
    cells: result.cells,
    summary: result.summary,
    cell: plan.cell,
    aggregates,
    attributes: plan.attributes,
    order: plan.order,
    page: page.page,
    page_size: page.pageSize,
  });
}

export function registerCubesRoutes(app: Hono): void {
  app.get('/api/3', babbageRoute(indexRoute));
  app.get('/api/3/', babbageRoute(indexRoute));
  paths(app, '/api/3/cubes', babbageRoute(cubeList));
  paths(app, '/api/3/cubes/:name/model', babbageRoute(cubeModelRoute));
  paths(app, '/api/3/info/:name/package', babbageRoute(packageRoute));
  paths(app, '/api/3/cubes/:name/facts', babbageRoute(factsRoute));
  paths(app, '/api/3/cubes/:name/members/:ref', babbageRoute(membersRoute));
  paths(app, '/api/3/cubes/:name/aggregate', babbageRoute(aggregateRoute));
  app.get('/api/2/aggregate', legacyAggregate);
}

interface LegacyGroup {
  name: string;
  dimension: CubeDimension;
  attributes: CubeAttribute[];
}

/** The ref v2's `year` shorthand stands for: the year attribute of the time dimension, when the cube has one. */
function legacyYearRef(model: CubeModel): string | null {
  const time = model.dimensionsByName.get('time') ?? model.dimensions.find((d) => d.dimensionType === 'datetime');
  return time?.attributes.find((a) => a.name === 'year')?.ref ?? null;
}

function legacyRef(model: CubeModel, ref: string): string {
  return ref === 'year' ? (legacyYearRef(model) ?? ref) : ref;
}

/** `year:2009` in a v2 cut is the time dimension's year. */
function legacyCut(model: CubeModel, cut: string | undefined): string | null {
  if (!cut) return null;
  const year = legacyYearRef(model);
  return year ? cut.replace(/(^|\|)year:/g, `$1${year}:`) : cut;
}

/** The measures, drilldown groups and order of a v2 request, checked in the order v2 clients know. */
function legacyRequest(model: CubeModel, query: Query) {
  const measureNames = query.measure
    ? query.measure.split('|')
    : [model.measuresByName.has('amount') ? 'amount' : (model.measures[0]?.name ?? 'amount')];
  const measures = measureNames.map((name) => {
    const measure = model.measuresByName.get(name);
    if (!measure) throw badInput(`no measure with name "${name}"`, ['measure']);
    return measure;
  });
  const drilldownRefs = query.drilldown ? parseRefs(query.drilldown, 'drilldown', 'drilldown').map((ref) => legacyRef(model, ref)) : [];
  // A dimension contributes all its attributes, nested under the dimension name as v2 clients expect.
  const groups = drilldownRefs.map<LegacyGroup>((ref, i) => {
    const dimension = model.dimensionsByName.get(ref);
    if (dimension) return { name: dimension.name, dimension, attributes: dimension.attributes };
    const attribute = model.attributesByRef.get(ref);
    if (!attribute) throw badInput(`no dimension with name "${ref}"`, ['drilldown', i]);
    return { name: attribute.dimension, dimension: model.dimensionsByName.get(attribute.dimension)!, attributes: [attribute] };
  });
  const order: ParsedOrder[] = query.order
    ? query.order.split('|').flatMap((item) => parseOrder(item)).map((item) => ({ ...item, ref: legacyRef(model, item.ref) })).map((o) => {
        const group = groups.find((g) => g.name === o.ref);
        if (group) return { ref: group.attributes[0]!.ref, direction: o.direction };
        if (groups.some((g) => g.attributes.some((a) => a.ref === o.ref))) return o;
        return model.measuresByName.has(o.ref) ? { ref: `${o.ref}.sum`, direction: o.direction } : o;
      })
    : measures.map((m) => ({ ref: `${m.name}.sum`, direction: 'desc' as const }));
  return { measures, groups, order };
}

/** A cell in the v2 shape: measures, num_entries, and each drilldown dimension as a nested member. */
function legacyCell(cell: Row, measures: CubeMeasure[], groups: LegacyGroup[]): Row {
  const out: Row = {};
  for (const m of measures) out[m.name] = cell[`${m.name}.sum`];
  out.num_entries = cell._count;
  for (const group of groups) {
    const member: Row = (out[group.name] as Row | undefined) ?? {};
    for (const a of group.attributes) member[a.name] = cell[a.ref];
    if (group.attributes.includes(group.dimension.keyAttribute)) member.name = cell[group.dimension.keyAttribute.ref];
    if (group.attributes.includes(group.dimension.labelAttribute)) member.label = cell[group.dimension.labelAttribute.ref];
    if (group.dimension.name === 'time' || group.dimension.dimensionType === 'datetime') {
      member.taxonomy = 'time';
      for (const key of Object.keys(member)) if (typeof member[key] === 'number') member[key] = String(member[key]);
    }
    out[group.name] = member;
  }
  return out;
}

async function legacyModel(c: Context, name: string | undefined): Promise<CubeModel> {
  if (!name) throw badInput('dataset name not provided', ['dataset']);
  try {
    return await loadCube(name, principalOf(c));
  } catch (error) {
    if (error instanceof UserError && error.code === 'NOT_FOUND') throw badInput(`no dataset with name "${name}"`, ['dataset']);
    throw error;
  }
}

/** The OpenSpending v2 aggregate call, answered by the same aggregate plan as /api/3 and GraphQL. */
async function legacyAggregate(c: Context): Promise<Response> {
  try {
    const query = c.req.query();
    const model = await legacyModel(c, query.dataset);
    const { measures, groups, order } = legacyRequest(model, query);
    const paging = pageParams(query, 10_000);
    let page!: Page;
    const plan = aggregatePlan(
      model,
      {
        legacyCut: legacyCut(model, query.cut),
        drilldown: groups.flatMap((g) => g.attributes.map((a) => a.ref)),
        aggregates: ['_count', ...measures.map((m) => `${m.name}.sum`)],
        order,
      },
      () => (page = paging()),
    );
    const result = await aggregatePage(plan, page);
    if (query.format === 'csv') {
      const columns = [...plan.attributes, ...measures.map((m) => m.name), 'num_entries'];
      const rows = result.cells.map((cell) => {
        const row: Row = { ...cell, num_entries: cell._count };
        for (const m of measures) row[m.name] = cell[`${m.name}.sum`];
        return row;
      });
      return csv(c, `${model.name}-aggregate`, columns, rows);
    }
    const summary: Row = {};
    for (const m of measures) summary[m.name] = result.summary[`${m.name}.sum`];
    summary.currency = Object.fromEntries(measures.map((m) => [m.name, m.currency]));
    summary.num_drilldowns = result.totalCellCount;
    summary.num_entries = result.summary._count;
    summary.page = page.page;
    summary.pages = page.pageSize > 0 ? Math.ceil(result.totalCellCount / page.pageSize) : 0;
    summary.pagesize = page.pageSize;
    return send(c, { drilldown: result.cells.map((cell) => legacyCell(cell, measures, groups)), summary });
  } catch (error) {
    return errorResponse(c, v2Errors, error, (body, status) => send(c, body, status));
  }
}
