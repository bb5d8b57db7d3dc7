import { principalOf } from '../../access/middleware.js';
import { visibleDatasets } from '../../access/principal.js';
import type { Context, Hono } from 'hono';
import { db } from '../../db.js';
import { badInput, notFound, UserError } from '../../errors.js';
import { contentTypes, errorResponse, isCallbackName, jsonpStatement, withErrorEnvelope, writeJsonp, type ErrorEnvelope } from '../../shared/dialect.js';
import { babbageModel } from './babbage.js';
import { parseFields, parseOrder, parseRefs, type ParsedOrder } from '../query/grammar.js';
import { loadCube, type CubeModel } from '../query/model.js';
import { aggregate, facts, jsonValue, members, type Row } from '../query/query.js';

type Query = Record<string, string | undefined>;

/** RFC 4180 CSV: a header of refs, then one line per row; fields quoted when they hold a comma, quote or newline. */
export function toCsv(columns: string[], rows: Row[]): string {
  const quote = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
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

function pageParams(query: Query, defaultSize: number) {
  const pageSize = intParam(query, ['pagesize', 'page_size'], defaultSize);
  return { page: intParam(query, ['page'], 1), pageSize, pageNames: { page: 'page', pageSize: 'pagesize' } };
}

/** JSON, or JSONP when the query names a `callback` (errors too). */
function send(c: Context, body: unknown, status = 200): Response {
  const callback = c.req.query('callback');
  if (callback !== undefined) {
    if (!isCallbackName(callback)) {
      return c.json({ status: 'error', message: `Invalid callback: '${callback}'`, context: {} }, 400);
    }
    return writeJsonp(c, callback, JSON.stringify(body), jsonpStatement, status);
  }
  return c.json(body, status as 200);
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

export function registerCubesRoutes(app: Hono): void {
  paths(
    app,
    '/api/3/cubes',
    babbageRoute(async (c) => {
      const cubes = await db.dataset.findMany({
        where: { AND: [{ family: 'CUBE' }, visibleDatasets(principalOf(c))] },
        select: { name: true },
        orderBy: { name: 'asc' },
      });
      return send(c, { status: 'ok', data: cubes.map((d) => ({ name: d.name })) });
    }),
  );

  paths(
    app,
    '/api/3/cubes/:name/model',
    babbageRoute(async (c) => {
      const model = await cubeParam(c);
      return send(c, { status: 'ok', name: model.name, model: await babbageModel(model) });
    }),
  );

  paths(
    app,
    '/api/3/info/:name/package',
    babbageRoute(async (c) => {
      const model = await cubeParam(c);
      const datapackage = model.source.datapackage;
      if (!datapackage) throw notFound(`cube "${model.name}" was not loaded from a data package`);
      return send(c, datapackage);
    }),
  );

  paths(
    app,
    '/api/3/cubes/:name/facts',
    babbageRoute(async (c, query) => {
      const model = await cubeParam(c);
      const { page, pageSize, pageNames } = pageParams(query, 100);
      const result = await facts(model, {
        cut: query.cut || null,
        fields: query.fields ? parseFields(query.fields) : null,
        order: orderParam(query),
        page,
        pageSize,
        pageNames,
      });
      return listing(c, query, `${model.name}-facts`, { total_fact_count: result.totalFactCount }, result);
    }),
  );

  paths(
    app,
    '/api/3/cubes/:name/members/:ref',
    babbageRoute(async (c, query) => {
      const model = await cubeParam(c);
      const { page, pageSize, pageNames } = pageParams(query, 100);
      const result = await members(model, c.req.param('ref') ?? '', {
        cut: query.cut || null,
        order: orderParam(query),
        page,
        pageSize,
        pageNames,
      });
      return listing(c, query, `${model.name}-members`, { total_member_count: result.totalMemberCount }, result);
    }),
  );

  paths(
    app,
    '/api/3/cubes/:name/aggregate',
    babbageRoute(async (c, query) => {
      const model = await cubeParam(c);
      const { page, pageSize, pageNames } = pageParams(query, 100);
      const result = await aggregate(model, {
        cut: query.cut || null,
        drilldown: query.drilldown ? parseRefs(query.drilldown, 'drilldown', 'drilldown') : null,
        aggregates: query.aggregates ? parseRefs(query.aggregates, 'aggregate', 'aggregates') : null,
        order: orderParam(query),
        fiscalYearStart: query.fiscal_year_start || null,
        page,
        pageSize,
        pageNames,
      });
      const aggregates = result.aggregates.map((a) => a.ref);
      if (query.format === 'csv') return csv(c, `${model.name}-aggregate`, [...result.attributes, ...aggregates], result.cells);
      return send(c, {
        status: 'ok',
        total_cell_count: result.totalCellCount,
        cells: result.cells,
        summary: result.summary,
        cell: result.cell,
        aggregates,
        attributes: result.attributes,
        order: result.order,
        page: result.page,
        page_size: result.pageSize,
      });
    }),
  );

  app.get('/api/2/aggregate', legacyAggregate);
}

/** The OpenSpending v2 aggregate call, answered by the same aggregate() as /api/3 and GraphQL. */
async function legacyAggregate(c: Context): Promise<Response> {
  try {
    const query = c.req.query();
    if (!query.dataset) throw badInput('dataset name not provided', ['dataset']);
    let model: CubeModel;
    try {
      model = await loadCube(query.dataset, principalOf(c));
    } catch (error) {
      if (error instanceof UserError && error.code === 'NOT_FOUND') throw badInput(`no dataset with name "${query.dataset}"`, ['dataset']);
      throw error;
    }
    const measureNames = query.measure
      ? query.measure.split('|')
      : [model.measuresByName.has('amount') ? 'amount' : (model.measures[0]?.name ?? 'amount')];
    const measures = measureNames.map((name) => {
      const measure = model.measuresByName.get(name);
      if (!measure) throw badInput(`no measure with name "${name}"`, ['measure']);
      return measure;
    });
    const drilldownRefs = query.drilldown ? parseRefs(query.drilldown, 'drilldown', 'drilldown') : [];
    // A dimension contributes all its attributes, nested under the dimension name as v2 clients expect.
    const groups = drilldownRefs.map((ref, i) => {
      const dimension = model.dimensionsByName.get(ref);
      if (dimension) return { name: dimension.name, dimension, attributes: dimension.attributes };
      const attribute = model.attributesByRef.get(ref);
      if (!attribute) throw badInput(`no dimension with name "${ref}"`, ['drilldown', i]);
      return { name: attribute.dimension, dimension: model.dimensionsByName.get(attribute.dimension)!, attributes: [attribute] };
    });
    const order: ParsedOrder[] = query.order
      ? query.order.split('|').flatMap((item) => parseOrder(item)).map((o) => {
          const group = groups.find((g) => g.name === o.ref);
          if (group) return { ref: group.attributes[0]!.ref, direction: o.direction };
          return model.measuresByName.has(o.ref) ? { ref: `${o.ref}.sum`, direction: o.direction } : o;
        })
      : measures.map((m) => ({ ref: `${m.name}.sum`, direction: 'desc' as const }));
    const { page, pageSize, pageNames } = pageParams(query, 10_000);
    const result = await aggregate(model, {
      legacyCut: query.cut || null,
      drilldown: groups.flatMap((g) => g.attributes.map((a) => a.ref)),
      aggregates: ['_count', ...measures.map((m) => `${m.name}.sum`)],
      order,
      page,
      pageSize,
      pageNames,
    });
    const cells = result.cells.map((cell) => {
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
    });
    if (query.format === 'csv') {
      const columns = [
        ...result.attributes,
        ...measures.map((m) => m.name),
        'num_entries',
      ];
      const rows = result.cells.map((cell) => {
        const row: Row = { ...cell, num_entries: cell._count };
        for (const m of measures) row[m.name] = cell[`${m.name}.sum`];
        return row;
      });
      return csv(c, `${model.name}-aggregate`, columns, rows);
    }
    const summary: Row = {};
    for (const m of measures) summary[m.name] = jsonValue(result.summary[`${m.name}.sum`]);
    summary.currency = Object.fromEntries(measures.map((m) => [m.name, m.currency]));
    summary.num_drilldowns = result.totalCellCount;
    summary.num_entries = result.summary._count;
    summary.page = result.page;
    summary.pages = result.pageSize > 0 ? Math.ceil(result.totalCellCount / result.pageSize) : 0;
    summary.pagesize = result.pageSize;
    return send(c, { drilldown: cells, summary });
  } catch (error) {
    return errorResponse(c, v2Errors, error, (body, status) => send(c, body, status));
  }
}
