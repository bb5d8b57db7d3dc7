import { db } from '../../db.js';
import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import {
  conditionSql,
  cutConditions,
  fieldSql,
  fieldTextSql,
  filterCondition,
  legacyCutConditions,
  pinnedRefs,
  type Condition,
  type CubeFilterInput,
} from './filter.js';
import { parseCuts, type ParsedCut, type ParsedOrder } from './grammar.js';
import {
  fiscalYearStartArg,
  resolveAggregate,
  resolveAttribute,
  resolveDimension,
  resolveField,
  type CubeAggregate,
  type CubeAttribute,
  type CubeModel,
  type CubeMeasure,
  type FieldRef,
  type FiscalYearStart,
} from './model.js';

export const defaultPageSize = 100;
export const maxPageSize = 10_000;

/** Which facts a query covers: babbage cut string, v2 cut string and/or the filter grammar, all ANDed. */
export interface Selection {
  cut?: string | null;
  /** The /api/2 cut dialect: same syntax, values converted to the attribute type, same ref ORed. */
  legacyCut?: string | null;
  filter?: CubeFilterInput | null;
  /** `MM-DD`; defaults to the package's fiscalPeriod start, else January 1. */
  fiscalYearStart?: string | null;
}

export interface PageInput {
  page?: number | null;
  pageSize?: number | null;
  /** How the caller's dialect names the two parameters, for error messages. */
  pageNames?: { page: string; pageSize: string };
}

export interface CutEcho {
  ref: string;
  operator: string;
  value: unknown[];
}

interface Scope {
  model: CubeModel;
  conditions: Condition[];
  where: Prisma.Sql;
  cell: CutEcho[];
  fiscal: FiscalYearStart;
}

export type Row = Record<string, unknown>;

export function pageWindow(input: PageInput) {
  const names = input.pageNames ?? { page: 'page', pageSize: 'pageSize' };
  const page = input.page ?? 1;
  const pageSize = input.pageSize ?? defaultPageSize;
  if (!Number.isSafeInteger(page) || page < 1) throw badInput(`${names.page}: must be an integer of 1 or more, got ${page}`, [names.page]);
  if (!Number.isSafeInteger(pageSize) || pageSize < 0 || pageSize > maxPageSize) {
    throw badInput(`${names.pageSize}: must be an integer from 0 to ${maxPageSize}, got ${pageSize}`, [names.pageSize]);
  }
  return { page, pageSize, offset: (page - 1) * pageSize };
}

function cutEcho(cuts: ParsedCut[]): CutEcho[] {
  return cuts.map((cut) => {
    const prefix = cut.negated ? '!' : '';
    if (cut.kind === 'set') return { ref: cut.ref, operator: `${prefix}:`, value: cut.values.map((v) => scalarValue(v)) };
    if (cut.kind === 'compare') return { ref: cut.ref, operator: `${prefix}:${cut.op}`, value: [scalarValue(cut.values[0])] };
    return {
      ref: cut.ref,
      operator: `${prefix}:range`,
      value: [cut.from ? scalarValue(cut.from) : null, cut.to ? scalarValue(cut.to) : null],
    };
  });
}

function scalarValue(scalar: { type: string; value: string }): unknown {
  return scalar.type === 'integer' ? Number(scalar.value) : scalar.value;
}

/** Dimensions with at most this many members have values too common for an index lookup to beat a scan. */
const scanCardinality = 20;

/**
 * PostgreSQL's estimate for jsonb containment is a fixed guess, so it always takes the GIN index; for an attribute
 * with few distinct values (a fifth of the facts each) a scan is faster. Until the cardinalities of a model version are
 * known (computed once in the background) equality uses the index.
 */
function indexChoice(model: CubeModel): (field: FieldRef) => boolean {
  const counts = model.cardinalities;
  if (!counts) {
    dimensionCardinalities(model).catch(() => undefined);
    return () => true;
  }
  return (field) => field.kind === 'measure' || (counts.get(field.attribute.dimension) ?? Infinity) > scanCardinality;
}

export function buildScope(model: CubeModel, selection: Selection): Scope {
  const conditions: Condition[] = [];
  let cell: CutEcho[] = [];
  if (selection.cut) {
    const cuts = parseCuts(selection.cut);
    conditions.push(...cutConditions(model, cuts, false));
    cell = cutEcho(cuts);
  }
  if (selection.legacyCut) {
    conditions.push(...legacyCutConditions(model, selection.legacyCut));
    cell = [...cell, ...cutEcho(parseCuts(selection.legacyCut))];
  }
  if (selection.filter) conditions.push(filterCondition(model, selection.filter));
  const fiscal = selection.fiscalYearStart
    ? fiscalYearStartArg(selection.fiscalYearStart, 'fiscalYearStart')
    : model.fiscalYearStart;
  const where =
    conditions.length === 0
      ? Prisma.sql`f.dataset_id = ${model.datasetId}`
      : Prisma.sql`f.dataset_id = ${model.datasetId} AND ${conditionSql({ op: 'and', items: conditions }, fiscal, indexChoice(model))}`;
  return { model, conditions, where, cell, fiscal };
}

/** Converts what the driver returns (Decimal, bigint, Date) to plain JSON values. */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && typeof (value as { toFixed?: unknown }).toFixed === 'function') {
    return Number((value as { toString(): string }).toString());
  }
  return value;
}

// ------------------------------------------------------------------ drilldown columns

export type TimeBucket = 'year' | 'quarter' | 'month' | 'fy';
const timeBuckets: TimeBucket[] = ['year', 'quarter', 'month', 'fy'];

interface Column {
  /** Key in the result cell. */
  ref: string;
  sql: Prisma.Sql;
  attribute: CubeAttribute;
}

/** Output expression of an attribute: dates stay the stored YYYY-MM-DD text, numbers numeric, booleans boolean. */
function attributeOutputSql(attribute: CubeAttribute): Prisma.Sql {
  const field: FieldRef = { kind: 'attribute', attribute };
  return attribute.type === 'date' || attribute.type === 'string' ? fieldTextSql(field) : fieldSql(field);
}

function bucketSql(attribute: CubeAttribute, bucket: TimeBucket, fiscal: FiscalYearStart): Prisma.Sql {
  const date = fieldSql({ kind: 'attribute', attribute });
  switch (bucket) {
    case 'year':
      return Prisma.sql`(EXTRACT(YEAR FROM ${date})::int)`;
    case 'quarter':
      return Prisma.sql`to_char(${date}, 'YYYY-"Q"Q')`;
    case 'month':
      return Prisma.sql`to_char(${date}, 'YYYY-MM')`;
    case 'fy': {
      if (fiscal.month === 1 && fiscal.day === 1) return Prisma.sql`(EXTRACT(YEAR FROM ${date})::int)`;
      // Shifting the start of the fiscal year onto January 1 makes the shifted calendar year the fiscal year.
      const days = fiscal.day - 1;
      const months = 13 - fiscal.month;
      return Prisma.sql`(EXTRACT(YEAR FROM (${date} - ${days}::int * interval '1 day' + ${months}::int * interval '1 month'))::int)`;
    }
  }
}

function resolveDrilldown(scope: Scope, refs: string[], name: string): Column[] {
  const { model } = scope;
  const columns: Column[] = [];
  const add = (column: Column) => {
    if (!columns.some((c) => c.ref === column.ref)) columns.push(column);
  };
  const addAttribute = (attribute: CubeAttribute) => add({ ref: attribute.ref, sql: attributeOutputSql(attribute), attribute });
  const pinned = pinnedRefs(scope.conditions);
  refs.forEach((ref, i) => {
    const path = [name, i];
    if (model.measuresByName.has(ref)) throw badInput(`Invalid drilldown: '${ref}' is a measure, not a dimension`, path);
    const at = ref.lastIndexOf('@');
    if (at > 0) {
      const bucket = ref.slice(at + 1) as TimeBucket;
      const attribute = resolveAttribute(model, ref.slice(0, at), `Invalid drilldown: '${ref}'`, path);
      if (!timeBuckets.includes(bucket)) {
        throw badInput(`Invalid drilldown: '${ref}': time bucket must be one of ${timeBuckets.join(', ')}`, path);
      }
      if (attribute.type !== 'date') {
        throw badInput(`Invalid drilldown: '${ref}': "${attribute.ref}" is a ${attribute.type}, not a date`, path);
      }
      add({ ref: `${attribute.ref}@${bucket}`, sql: bucketSql(attribute, bucket, scope.fiscal), attribute });
      return;
    }
    const hierarchy = model.hierarchiesByName.get(ref);
    if (hierarchy && !model.dimensionsByName.has(ref)) {
      const levels = hierarchy.levels.map((level) => model.dimensionsByName.get(level)!);
      let depth = 0;
      while (depth < levels.length - 1 && pinned.has(levels[depth]!.keyAttribute.ref)) depth += 1;
      for (const level of levels.slice(0, depth + 1)) {
        addAttribute(level.keyAttribute);
        addAttribute(level.labelAttribute);
      }
      return;
    }
    const dimension = model.dimensionsByName.get(ref);
    if (dimension) {
      dimension.attributes.forEach(addAttribute);
      return;
    }
    addAttribute(resolveAttribute(model, ref, `Invalid drilldown: '${ref}'`, path));
  });
  return columns;
}

// ------------------------------------------------------------------ ordering

export type OrderInput = ParsedOrder;

function direction(order: OrderInput): Prisma.Sql {
  return order.direction === 'desc' ? Prisma.raw('DESC NULLS LAST') : Prisma.raw('ASC NULLS LAST');
}

function sortError(ref: string, reason: string, name: string, i: number) {
  return badInput(`Invalid sorting criterion: '${ref}' ${reason}`, [name, i]);
}

// ------------------------------------------------------------------ aggregate

export interface AggregateArgs extends Selection, PageInput {
  drilldown?: string[] | null;
  aggregates?: string[] | null;
  order?: OrderInput[] | null;
}

export interface AggregateResult {
  summary: Row;
  cells: Row[];
  totalCellCount: number;
  aggregates: CubeAggregate[];
  attributes: string[];
  order: [string, 'asc' | 'desc'][];
  page: number;
  pageSize: number;
  cell: CutEcho[];
}

function measureIndex(measures: CubeMeasure[], measure: CubeMeasure): number {
  let index = measures.indexOf(measure);
  if (index < 0) index = measures.push(measure) - 1;
  return index;
}

function cellAggregateSql(aggregate: CubeAggregate, m: Prisma.Sql): Prisma.Sql {
  switch (aggregate.function) {
    case 'count':
      return aggregate.measure ? Prisma.sql`count(${m})` : Prisma.sql`count(*)`;
    case 'sum':
      return Prisma.sql`sum(${m})`;
    case 'avg':
      return Prisma.sql`avg(${m})`;
    case 'min':
      return Prisma.sql`min(${m})`;
    case 'max':
      return Prisma.sql`max(${m})`;
  }
}

function summaryWindowSql(aggregate: CubeAggregate, m: Prisma.Sql): Prisma.Sql {
  switch (aggregate.function) {
    case 'count':
      return aggregate.measure ? Prisma.sql`sum(count(${m})) OVER ()` : Prisma.sql`sum(count(*)) OVER ()`;
    case 'sum':
      return Prisma.sql`sum(sum(${m})) OVER ()`;
    case 'avg':
      return Prisma.sql`(sum(sum(${m})) OVER () / NULLIF(sum(count(${m})) OVER (), 0))`;
    case 'min':
      return Prisma.sql`min(min(${m})) OVER ()`;
    case 'max':
      return Prisma.sql`max(max(${m})) OVER ()`;
  }
}

/**
 * Groups the selected facts by the drilldown and computes the aggregates. One statement returns the page of cells,
 * the number of cells and the summary over the whole selection (window functions over the groups), so the facts
 * are scanned once; only an empty page needs a second statement for the counts.
 */
export async function aggregate(model: CubeModel, args: AggregateArgs): Promise<AggregateResult> {
  const scope = buildScope(model, args);
  const { page, pageSize, offset } = pageWindow(args);
  const aggregates = (args.aggregates ?? model.aggregates.map((a) => a.ref)).map((ref, i) =>
    resolveAggregate(model, ref, `Invalid aggregate: '${ref}'`, ['aggregates', i]),
  );
  const uniqueAggregates = aggregates.filter((a, i) => aggregates.findIndex((b) => b.ref === a.ref) === i);
  const columns = resolveDrilldown(scope, args.drilldown ?? [], 'drilldown');
  const measures: CubeMeasure[] = [];
  const mRef = (measure: CubeMeasure | null) =>
    measure ? Prisma.raw(`m${measureIndex(measures, measure)}`) : Prisma.empty;

  const cellSql = uniqueAggregates.map((a, i) => Prisma.sql`${cellAggregateSql(a, mRef(a.measure))} AS ${Prisma.raw(`a${i}`)}`);
  const orderSql: Prisma.Sql[] = [];
  const orderEcho: [string, 'asc' | 'desc'][] = [];
  const orderedColumns = new Set<number>();
  (args.order ?? []).forEach((item, i) => {
    const byColumn = columns.findIndex(
      (c) => c.ref === item.ref || (model.dimensionsByName.get(item.ref)?.keyAttribute.ref === c.ref && !c.ref.includes('@')),
    );
    if (byColumn >= 0) {
      orderedColumns.add(byColumn);
      orderSql.push(Prisma.sql`${Prisma.raw(`d${byColumn}`)} ${direction(item)}`);
      orderEcho.push([columns[byColumn]!.ref, item.direction]);
      return;
    }
    if (item.ref === '_count' || model.measuresByName.has(item.ref.split('.')[0]!)) {
      const aggregate = resolveAggregate(model, item.ref, `Invalid sorting criterion: '${item.ref}'`, ['order', i]);
      orderSql.push(Prisma.sql`${cellAggregateSql(aggregate, mRef(aggregate.measure))} ${direction(item)}`);
      orderEcho.push([aggregate.ref, item.direction]);
      return;
    }
    if (model.attributesByRef.has(item.ref) || model.dimensionsByName.has(item.ref)) {
      throw sortError(item.ref, 'is not in the drilldown', 'order', i);
    }
    throw sortError(item.ref, 'is not a drilldown attribute or an aggregate', 'order', i);
  });
  columns.forEach((column, i) => {
    if (orderedColumns.has(i)) return;
    orderSql.push(Prisma.sql`${Prisma.raw(`d${i}`)} ASC NULLS LAST`);
    if (!args.order?.length) orderEcho.push([column.ref, 'asc']);
  });

  const baseColumns = [
    ...columns.map((c, i) => Prisma.sql`${c.sql} AS ${Prisma.raw(`d${i}`)}`),
    ...measures.map((m, i) => Prisma.sql`${fieldSql({ kind: 'measure', measure: m })} AS ${Prisma.raw(`m${i}`)}`),
  ];
  const base = Prisma.sql`SELECT ${baseColumns.length ? Prisma.join(baseColumns) : Prisma.sql`1 AS one`} FROM fact f WHERE ${scope.where}`;

  const pick = (row: Row, prefix: string): Row => {
    const out: Row = {};
    uniqueAggregates.forEach((a, i) => (out[a.ref] = jsonValue(row[`${prefix}${i}`])));
    return out;
  };

  let cells: Row[];
  let summary: Row;
  let totalCellCount: number;
  if (columns.length === 0) {
    const rows = await db.$queryRaw<Row[]>`SELECT ${cellSql.length ? Prisma.join(cellSql) : Prisma.sql`1 AS one`} FROM (${base}) b`;
    summary = pick(rows[0] ?? {}, 'a');
    cells = pageSize > 0 && page === 1 ? [summary] : [];
    totalCellCount = 1;
  } else {
    const groupBy = Prisma.raw(columns.map((_, i) => `d${i}`).join(', '));
    const summarySql = uniqueAggregates.map((a, i) => Prisma.sql`${summaryWindowSql(a, mRef(a.measure))} AS ${Prisma.raw(`s${i}`)}`);
    const select = [
      ...columns.map((_, i) => Prisma.raw(`d${i}`)),
      ...cellSql,
      Prisma.sql`count(*) OVER () AS cell_count`,
      ...summarySql,
    ];
    const rows = await db.$queryRaw<Row[]>`SELECT ${Prisma.join(select)} FROM (${base}) b GROUP BY ${groupBy}
      ORDER BY ${Prisma.join(orderSql)} LIMIT ${pageSize} OFFSET ${offset}`;
    cells = rows.map((row) => {
      const cell: Row = {};
      columns.forEach((c, i) => (cell[c.ref] = jsonValue(row[`d${i}`])));
      return { ...cell, ...pick(row, 'a') };
    });
    if (rows.length > 0) {
      summary = pick(rows[0]!, 's');
      totalCellCount = Number(rows[0]!.cell_count);
    } else {
      const [counts] = await db.$queryRaw<Row[]>`SELECT
          (SELECT count(*) FROM (SELECT 1 FROM (${base}) g GROUP BY ${groupBy}) c) AS cell_count
          ${cellSql.length ? Prisma.sql`, ${Prisma.join(cellSql)}` : Prisma.empty}
        FROM (${base}) b`;
      summary = pick(counts ?? {}, 'a');
      totalCellCount = Number(counts?.cell_count ?? 0);
    }
  }
  return {
    summary,
    cells,
    totalCellCount,
    aggregates: uniqueAggregates,
    attributes: columns.map((c) => c.ref),
    order: orderEcho,
    page,
    pageSize,
    cell: scope.cell,
  };
}

// ------------------------------------------------------------------ facts

export interface FactsArgs extends Selection, PageInput {
  fields?: string[] | null;
  order?: OrderInput[] | null;
}

export interface FactsResult {
  data: Row[];
  rowNumbers: number[];
  totalFactCount: number;
  fields: string[];
  order: [string, 'asc' | 'desc'][];
  page: number;
  pageSize: number;
  cell: CutEcho[];
}

function factFields(model: CubeModel, refs: string[] | null | undefined): { ref: string; column: string }[] {
  if (!refs?.length) {
    return [
      ...model.dimensions.flatMap((d) => d.attributes.map((a) => ({ ref: a.ref, column: a.column }))),
      ...model.measures.map((m) => ({ ref: m.ref, column: m.column })),
    ];
  }
  const out: { ref: string; column: string }[] = [];
  refs.forEach((ref, i) => {
    const dimension = model.dimensionsByName.get(ref);
    if (dimension) {
      for (const a of dimension.attributes) if (!out.some((o) => o.ref === a.ref)) out.push({ ref: a.ref, column: a.column });
      return;
    }
    const field = resolveField(model, ref, `Invalid field: '${ref}'`, ['fields', i]);
    const entry = field.kind === 'measure' ? { ref: field.measure.ref, column: field.measure.column } : { ref: field.attribute.ref, column: field.attribute.column };
    if (!out.some((o) => o.ref === entry.ref)) out.push(entry);
  });
  return out;
}

/** Individual facts in source order (or `order`), with the total number of selected facts. */
export async function facts(model: CubeModel, args: FactsArgs): Promise<FactsResult> {
  const scope = buildScope(model, args);
  const { page, pageSize, offset } = pageWindow(args);
  const fields = factFields(model, args.fields);
  const orderEcho: [string, 'asc' | 'desc'][] = [];
  const orderSql = (args.order ?? []).map((item, i) => {
    const field = resolveField(model, item.ref, `Invalid sorting criterion: '${item.ref}'`, ['order', i]);
    orderEcho.push([field.kind === 'measure' ? field.measure.ref : field.attribute.ref, item.direction]);
    return Prisma.sql`${fieldSql(field)} ${direction(item)}`;
  });
  orderSql.push(Prisma.sql`f.row_number ASC`);
  const [rows, count] = await Promise.all([
    pageSize === 0
      ? Promise.resolve([] as { row_number: number; data: Record<string, unknown> }[])
      : db.$queryRaw<{ row_number: number; data: Record<string, unknown> }[]>`SELECT f.row_number, f.data FROM fact f
          WHERE ${scope.where} ORDER BY ${Prisma.join(orderSql)} LIMIT ${pageSize} OFFSET ${offset}`,
    db.$queryRaw<{ n: bigint | number }[]>`SELECT count(*) AS n FROM fact f WHERE ${scope.where}`,
  ]);
  return {
    data: rows.map((row) => {
      const out: Row = {};
      for (const field of fields) out[field.ref] = row.data[field.column] ?? null;
      return out;
    }),
    rowNumbers: rows.map((row) => Number(row.row_number)),
    totalFactCount: Number(count[0]?.n ?? 0),
    fields: fields.map((f) => f.ref),
    order: orderEcho,
    page,
    pageSize,
    cell: scope.cell,
  };
}

// ------------------------------------------------------------------ members

export interface MembersArgs extends Selection, PageInput {
  order?: OrderInput[] | null;
}

export interface MembersResult {
  data: Row[];
  totalMemberCount: number;
  fields: string[];
  order: [string, 'asc' | 'desc'][];
  page: number;
  pageSize: number;
  cell: CutEcho[];
}

/** Distinct members of a dimension (all its attributes, key first) or of one attribute, among the selected facts. */
export async function members(model: CubeModel, ref: string, args: MembersArgs): Promise<MembersResult> {
  const attributes: CubeAttribute[] = model.dimensionsByName.has(ref)
    ? resolveDimension(model, ref, 'dimension', ['dimension']).attributes
    : model.attributesByRef.has(ref)
      ? [model.attributesByRef.get(ref)!]
      : [resolveDimension(model, ref, 'dimension', ['dimension']).keyAttribute];
  const result = await aggregate(model, {
    ...args,
    drilldown: attributes.map((a) => a.ref),
    aggregates: [],
  });
  return {
    data: result.cells.map((cell) => {
      const out: Row = {};
      for (const a of attributes) out[a.ref] = cell[a.ref];
      return out;
    }),
    totalMemberCount: result.totalCellCount,
    fields: attributes.map((a) => a.ref),
    order: result.order,
    page: result.page,
    pageSize: result.pageSize,
    cell: result.cell,
  };
}

// ------------------------------------------------------------------ cardinality

const cardinalities = new WeakMap<CubeModel, Promise<Map<string, number>>>();

/** Distinct key values per dimension, computed once per loaded model version. */
export function dimensionCardinalities(model: CubeModel): Promise<Map<string, number>> {
  let result = cardinalities.get(model);
  if (!result) {
    result = (async () => {
      if (model.dimensions.length === 0) return new Map<string, number>();
      const select = model.dimensions.map(
        (d, i) => Prisma.sql`count(DISTINCT ${fieldTextSql({ kind: 'attribute', attribute: d.keyAttribute })}) AS ${Prisma.raw(`c${i}`)}`,
      );
      const [row] = await db.$queryRaw<Row[]>`SELECT ${Prisma.join(select)} FROM fact f WHERE f.dataset_id = ${model.datasetId}`;
      model.cardinalities = new Map(model.dimensions.map((d, i) => [d.name, Number(row?.[`c${i}`] ?? 0)]));
      return model.cardinalities;
    })();
    result.catch(() => cardinalities.delete(model));
    cardinalities.set(model, result);
  }
  return result;
}
