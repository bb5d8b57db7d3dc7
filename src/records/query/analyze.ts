import { db } from '../../db.js';
import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { pathText } from '../../shared/filter/ast.js';
import type { OrderTerm } from '../../shared/order.js';
import { exprSql } from './expr.js';
import { filterConditions, whereSql, type RecordsFilter } from './filter.js';
import { fieldOf, isDateType, isGeoType, loadModel, valueSql, type RecordsModel } from './model.js';

export const SERIES_FUNCS = ['COUNT', 'AVG', 'SUM', 'MIN', 'MAX', 'STDDEV', 'SUMSQUARES'] as const;
export type SeriesFunc = (typeof SERIES_FUNCS)[number];
export const PRECISIONS = ['year', 'month', 'week', 'day', 'hour', 'minute'] as const;
export const PERIODICS = ['year', 'month', 'week', 'weekday', 'day', 'hour'] as const;

export interface Series {
  name: string;
  func: SeriesFunc;
  expr?: string | null;
  cumulative?: boolean | null;
}

export interface AnalyzeQuery extends RecordsFilter {
  dataset: string;
  x: string;
  series: Series[];
  periodic?: (typeof PERIODICS)[number] | null;
  precision?: (typeof PRECISIONS)[number] | null;
  maxpoints?: number | null;
  /** ODS sort (REST): "x" or a series name, descending; "-" in front for ascending. */
  sort?: string | null;
  /** Sort keys in order of precedence (GraphQL): "x" or a series name with a direction. */
  orderBy?: OrderTerm[] | null;
}

interface SortKey extends OrderTerm {
  at: (string | number)[];
}

function sortKeys(query: AnalyzeQuery): SortKey[] {
  if (query.orderBy?.length) return query.orderBy.map((term, i) => ({ ...term, at: ['orderBy', i, 'field'] }));
  if (!query.sort) return [];
  const ascending = query.sort.startsWith('-');
  return [{ field: ascending ? query.sort.slice(1) : query.sort, direction: ascending ? 'asc' : 'desc', at: ['sort'] }];
}

/** One point: `x` (a value, or date parts such as {year, month}) and one number per series. */
export type AnalyzePoint = { x: unknown } & Record<string, unknown>;

export function seriesSql(model: RecordsModel, series: Series, index: number, argName = 'series'): Prisma.Sql {
  const where = `${argName}[${index}]`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(series.name)) throw badInput(`${where}.name: use letters, digits and _`);
  const func = String(series.func).toUpperCase() as SeriesFunc;
  if (!SERIES_FUNCS.includes(func)) throw badInput(`${where}.func: one of ${SERIES_FUNCS.join(', ')}`);
  if (func === 'COUNT') return Prisma.sql`count(*)::float8`;
  if (!series.expr) throw badInput(`${where}.expr: required for ${func}`);
  const e = exprSql(model, series.expr, `${where}.expr`);
  switch (func) {
    case 'AVG':
      return Prisma.sql`avg(${e})::float8`;
    case 'SUM':
      return Prisma.sql`sum(${e})::float8`;
    case 'MIN':
      return Prisma.sql`min(${e})::float8`;
    case 'MAX':
      return Prisma.sql`max(${e})::float8`;
    case 'STDDEV':
      return Prisma.sql`stddev_pop(${e})::float8`;
    case 'SUMSQUARES':
      return Prisma.sql`sum(${e} * ${e})::float8`;
  }
}

function checkSeriesNames(series: Series[]): void {
  const seen = new Set<string>();
  series.forEach((s, i) => {
    if (s.name === 'x' || seen.has(s.name)) throw badInput(`series[${i}].name: "${s.name}" is used twice or reserved`);
    seen.add(s.name);
  });
}

const PERIODIC_SQL: Record<(typeof PERIODICS)[number], string> = {
  year: 'year',
  month: 'month',
  week: 'week',
  weekday: 'isodow',
  day: 'day',
  hour: 'hour',
};

function isoWeek(d: Date): { year: number; week: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(t.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((t.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return { year: t.getUTCFullYear(), week };
}

function dateParts(bucket: Date, precision: (typeof PRECISIONS)[number]): Record<string, number> {
  if (precision === 'week') return isoWeek(bucket);
  const parts: Record<string, number> = { year: bucket.getUTCFullYear() };
  const order = ['year', 'month', 'day', 'hour', 'minute'] as const;
  const values = [bucket.getUTCFullYear(), bucket.getUTCMonth() + 1, bucket.getUTCDate(), bucket.getUTCHours(), bucket.getUTCMinutes()];
  for (let i = 1; i <= order.indexOf(precision as (typeof order)[number]); i += 1) parts[order[i]!] = values[i]!;
  return parts;
}

function compareX(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of Object.keys(a)) {
      const d = ((a as Record<string, number>)[key] ?? 0) - ((b as Record<string, number>)[key] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }
  if (a === null) return 1;
  if (b === null) return -1;
  return String(a).localeCompare(String(b));
}

/** The analysis series: records grouped by x (date fields bucketed by precision or periodic), aggregated in SQL. */
export async function analyzeRecords(query: AnalyzeQuery, preloaded?: RecordsModel): Promise<AnalyzePoint[]> {
  const model = preloaded ?? (await loadModel(query.dataset, query.principal));
  if (!query.x) throw badInput('x: required', ['x']);
  const field = fieldOf(model, query.x, 'x');
  if (isGeoType(field)) throw badInput(`x: cannot group by geographic field "${field.name}"`, ['x']);
  if (query.series.length === 0) throw badInput('series: at least one series is required', ['series']);
  checkSeriesNames(query.series);
  const aggregates = query.series.map((s, i) => Prisma.sql`${seriesSql(model, s, i)} AS ${Prisma.raw(`"s${i}"`)}`);
  const where = whereSql(filterConditions(model, query));
  if (query.maxpoints != null && (!Number.isInteger(query.maxpoints) || query.maxpoints < 1)) throw badInput('maxpoints: a positive integer', ['maxpoints']);
  const precision = query.precision ?? 'day';
  if (!PRECISIONS.includes(precision)) throw badInput(`precision: one of ${PRECISIONS.join(', ')}`, ['precision']);
  if (query.periodic && !PERIODICS.includes(query.periodic)) throw badInput(`periodic: one of ${PERIODICS.join(', ')}`, ['periodic']);
  let xSql: Prisma.Sql;
  let toX: (value: unknown) => unknown;
  if (isDateType(field)) {
    const ts = Prisma.sql`${valueSql(field)}::timestamp`;
    if (query.periodic) {
      const part = query.periodic;
      xSql = Prisma.sql`extract(${Prisma.raw(PERIODIC_SQL[part])} FROM ${ts})::int`;
      toX = (v) => (v === null ? null : { [part]: part === 'weekday' ? Number(v) - 1 : Number(v) });
    } else {
      xSql = Prisma.sql`date_trunc(${precision}, ${ts})`;
      toX = (v) => (v === null ? null : dateParts(new Date(v as Date), precision));
    }
  } else {
    xSql = valueSql(field);
    toX = (v) => v;
  }
  const rows = await db.$queryRaw<Record<string, unknown>[]>(
    Prisma.sql`SELECT ${xSql} AS x, ${Prisma.join(aggregates, ', ')} FROM record r WHERE ${where} GROUP BY 1`,
  );
  let points: AnalyzePoint[] = rows.map((row) => {
    const point: AnalyzePoint = { x: toX(row.x) };
    query.series.forEach((s, i) => {
      const v = row[`s${i}`];
      point[s.name] = v === null || v === undefined ? null : Number(v);
    });
    return point;
  });
  points.sort((a, b) => compareX(a.x, b.x));
  for (const s of query.series) {
    if (!s.cumulative) continue;
    let total = 0;
    for (const p of points) {
      total += (p[s.name] as number | null) ?? 0;
      p[s.name] = total;
    }
  }
  const keys = sortKeys(query);
  for (const { field, at } of keys) {
    if (field !== 'x' && !query.series.some((s) => s.name === field)) throw badInput(`${pathText(at)}: "${field}" is neither x nor a series`, at);
  }
  if (keys.length > 0) {
    points.sort((a, b) => {
      for (const { field, direction } of keys) {
        const order = field === 'x' ? compareX(a.x, b.x) : compareX(a[field] ?? null, b[field] ?? null);
        if (order !== 0) return direction === 'desc' ? -order : order;
      }
      return 0;
    });
  }
  if (query.maxpoints) points = points.slice(0, query.maxpoints);
  return points;
}
