/**
 * The one filter compiler of the records family: the kernel tree, whether it came from GraphQL's `filter` or from
 * the ODS query language `q`, becomes a parameterised SQL condition over records aliased `r`.
 */
import { badInput } from '../../errors.js';
import { limits } from '../../limits.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { Condition, FilterNode, InputPath, IntersectValue, RangeValue } from '../../shared/filter/ast.js';
import { pathText } from '../../shared/filter/ast.js';
import { fiscalYearBounds } from '../../shared/fiscal.js';
import type { FieldDef } from './fields.js';
import { isDateType, isGeoType, isNumberType, TIMESTAMP_FIELD, valueSql, type RecordsModel } from './model.js';
import { foldSql, foldText, words, wordsSql } from './text.js';

const EARTH_RADIUS_M = 6_371_008.8;

/** Conditions of the query language that no kernel operator expresses. */
export type NativeQuery =
  /** Words of `text` in a row, in order: over every value (`field` absent) or one field; the last word as a prefix. */
  | { kind: 'words'; field?: string; text: string; prefix: boolean }
  /** Equal ignoring case and accents (`field = value`). */
  | { kind: 'folded'; field: string; text: string }
  /** The stored text equals `text` exactly (`#exact` on fields that are neither text nor numbers). */
  | { kind: 'rawEquals'; field: string; text: string }
  /** Starts with `text`, case-sensitive (`#startswith`). */
  | { kind: 'startsWithExact'; field: string; text: string }
  /** Prefix words of `text` in any of the fields (`#search`). */
  | { kind: 'search'; fields: string[]; text: string }
  | { kind: 'distance'; lat: number; lon: number; meters: number }
  | { kind: 'polygon'; points: [number, number][] }
  | { kind: 'geometry'; type: string };

export type RecordsFilterNode = FilterNode<string, NativeQuery>;

/** AND of the given nodes, dropping empty ones. */
export function allOfRecords(nodes: (RecordsFilterNode | null | undefined)[]): RecordsFilterNode | null {
  const present = nodes.filter((node): node is RecordsFilterNode => !!node);
  if (present.length === 0) return null;
  return present.length === 1 ? present[0]! : { kind: 'and', children: present };
}

function fail(message: string, at: InputPath | undefined): never {
  throw badInput(at ? `${pathText(at)}: ${message}` : message, at);
}

/** A field of the dataset by name; unknown names are an error listing the dataset's fields. */
export function filterField(model: RecordsModel, name: string, at: InputPath | undefined): FieldDef {
  if (name === TIMESTAMP_FIELD.name) return TIMESTAMP_FIELD;
  const field = model.byName.get(name);
  if (!field) {
    const known = [...model.fields.map((f) => f.name), TIMESTAMP_FIELD.name].join(', ');
    fail(`unknown field "${name}" in dataset "${model.name}"; known fields: ${known}`, at);
  }
  return field;
}

export function compileFilter(model: RecordsModel, node: RecordsFilterNode): Prisma.Sql {
  switch (node.kind) {
    case 'and':
      return Prisma.sql`(${Prisma.join(node.children.map((child) => compileFilter(model, child)), ' AND ')})`;
    case 'or':
      return Prisma.sql`(${Prisma.join(node.children.map((child) => compileFilter(model, child)), ' OR ')})`;
    case 'not':
      return Prisma.sql`(NOT ${compileFilter(model, node.child)})`;
    case 'native':
      return nativeSql(model, node.native);
    case 'cond':
      return conditionSql(model, node);
  }
}

function fieldAt(at: InputPath | undefined): InputPath | undefined {
  return at ? [...at.slice(0, -1), 'field'] : undefined;
}

/** A value of the field's type as a SQL parameter: numbers as float8, dates as date or timestamptz. */
function param(field: FieldDef, value: unknown, at: InputPath | undefined): Prisma.Sql {
  if (isNumberType(field)) {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) fail(`${JSON.stringify(value)} is not a number (field "${field.name}" is ${field.type})`, at);
    return Prisma.sql`${n}::float8`;
  }
  if (isDateType(field)) return timeParam(field, dateOf(value, field, at));
  if (typeof value !== 'string') fail(`${JSON.stringify(value)} is not text (field "${field.name}" is ${field.type})`, at);
  return Prisma.sql`${value}`;
}

function dateOf(value: unknown, field: FieldDef, at: InputPath | undefined): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const iso = value.length === 10 ? `${value}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`;
    const date = new Date(iso.replace(' ', 'T'));
    if (!Number.isNaN(date.getTime())) return date;
  }
  fail(`${JSON.stringify(value)} is not a date (YYYY-MM-DD or ISO 8601; field "${field.name}" is ${field.type})`, at);
}

export function timeParam(field: FieldDef, d: Date): Prisma.Sql {
  const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
  if (field.type === 'date' && midnight) return Prisma.sql`${d.toISOString().slice(0, 10)}::date`;
  return Prisma.sql`${d.toISOString()}::timestamptz`;
}

const comparisons = { equals: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function conditionSql(model: RecordsModel, cond: Condition<string>): Prisma.Sql {
  const field = filterField(model, cond.fields[0]!, fieldAt(cond.at));
  const expr = valueSql(field);
  if (cond.op === 'isNull') {
    const isNull = field === TIMESTAMP_FIELD ? Prisma.sql`(r.timestamp IS NULL)` : isGeoType(field) ? Prisma.sql`(r.lat IS NULL AND r.geometry IS NULL)` : Prisma.sql`((r.fields ->> ${field.name}) IS NULL)`;
    return cond.value === false ? Prisma.sql`(NOT ${isNull})` : isNull;
  }
  if (isGeoType(field)) fail(`field "${field.name}" is geographic: filter it with geofilter or #distance, #polygon, #geometry in q`, cond.at);
  switch (cond.op) {
    case 'equals':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return Prisma.sql`(${expr} ${Prisma.raw(comparisons[cond.op])} ${param(field, cond.value, cond.at)})`;
    case 'in': {
      const values = (cond.value as unknown[]).map((v, i) => param(field, v, cond.at && [...cond.at, i]));
      return Prisma.sql`(${expr} IN (${Prisma.join(values)}))`;
    }
    case 'range': {
      const { from, to } = cond.value as RangeValue;
      const parts: Prisma.Sql[] = [];
      if (from !== null) parts.push(Prisma.sql`${expr} >= ${param(field, from, cond.at && [...cond.at, 'from'])}`);
      if (to !== null) parts.push(Prisma.sql`${expr} <= ${param(field, to, cond.at && [...cond.at, 'to'])}`);
      return Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
    }
    case 'contains':
    case 'startsWith': {
      if (typeof cond.value !== 'string') fail('expected text', cond.at);
      const text = foldSql(field === TIMESTAMP_FIELD ? Prisma.sql`r.timestamp::text` : Prisma.sql`(r.fields ->> ${field.name})`);
      const needle = foldText(cond.value);
      return cond.op === 'contains' ? Prisma.sql`(strpos(${text}, ${needle}) > 0)` : Prisma.sql`starts_with(${text}, ${needle})`;
    }
    case 'fy':
      return fiscalYearsSql(field, cond.value as number[], cond.at);
    case 'rangeIntersect':
      return intersectSql(model, field, cond);
    default:
      fail(`operator ${cond.op} does not apply to records`, cond.at);
  }
}

function fiscalYearsSql(field: FieldDef, years: number[], at: InputPath | undefined): Prisma.Sql {
  if (!isDateType(field)) fail(`fy needs a date field; "${field.name}" is ${field.type}`, at);
  const expr = valueSql(field);
  const parts = years.map((year) => {
    const { start, next } = fiscalYearBounds(year);
    return Prisma.sql`(${expr} >= ${timeParam(field, start)} AND ${expr} < ${timeParam(field, next)})`;
  });
  return Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
}

function intersectSql(model: RecordsModel, start: FieldDef, cond: Condition<string>): Prisma.Sql {
  const at = cond.at;
  const end = filterField(model, cond.fields[1]!, at && [...at, 'endField']);
  for (const f of [start, end]) {
    if (!isDateType(f) && !isNumberType(f)) fail(`rangeIntersect needs date or number fields; "${f.name}" is ${f.type}`, at);
  }
  const value = cond.value as IntersectValue;
  let from: Prisma.Sql | null = null;
  let to: Prisma.Sql | null = null;
  let before = Prisma.sql`<=`;
  if (value.fy !== null) {
    if (!isDateType(start) || !isDateType(end)) fail('fy needs date fields', at && [...at, 'fy']);
    const bounds = fiscalYearBounds(value.fy);
    from = timeParam(end, bounds.start);
    to = timeParam(start, bounds.next);
    before = Prisma.sql`<`;
  } else {
    if (value.from !== null) from = param(end, value.from, at && [...at, 'from']);
    if (value.to !== null) to = param(start, value.to, at && [...at, 'to']);
  }
  const parts: Prisma.Sql[] = [];
  if (to) parts.push(Prisma.sql`(${valueSql(start)} IS NULL OR ${valueSql(start)} ${before} ${to})`);
  if (from) parts.push(Prisma.sql`(${valueSql(end)} IS NULL OR ${valueSql(end)} >= ${from})`);
  return parts.length ? Prisma.sql`(${Prisma.join(parts, ' AND ')})` : Prisma.sql`TRUE`;
}

/** Words of `text` found in a padded word column: the last word as a prefix when `prefix`, else whole words. */
export function textMatch(column: Prisma.Sql, text: string, prefix: boolean): Prisma.Sql {
  const found = words(text);
  if (found.length === 0) return Prisma.sql`TRUE`;
  const needle = ` ${found.join(' ')}${prefix ? '' : ' '}`;
  return Prisma.sql`(strpos(${column}, ${needle}) > 0)`;
}

function nativeSql(model: RecordsModel, native: NativeQuery): Prisma.Sql {
  const raw = (name: string) => Prisma.sql`(r.fields ->> ${name})`;
  switch (native.kind) {
    case 'words':
      return textMatch(native.field === undefined ? Prisma.sql`r.search_text` : wordsSql(valueSql(filterField(model, native.field, undefined))), native.text, native.prefix);
    case 'folded':
      return Prisma.sql`(${foldSql(valueSql(filterField(model, native.field, undefined)))} = ${foldText(native.text)})`;
    case 'rawEquals':
      return Prisma.sql`(${raw(native.field)} = ${native.text})`;
    case 'startsWithExact':
      return Prisma.sql`starts_with(${raw(native.field)}, ${native.text})`;
    case 'search':
      return Prisma.sql`(${Prisma.join(native.fields.map((name) => textMatch(wordsSql(raw(name)), native.text, true)), ' OR ')})`;
    case 'distance':
      return distanceSql(native.lat, native.lon, native.meters);
    case 'polygon':
      return polygonSql(native.points);
    case 'geometry':
      return Prisma.sql`(lower(r.geometry ->> 'type') = ${native.type})`;
  }
}

/** Records within `meters` of a point: a bounding box the (dataset, lat, lon) index can use, then the haversine test. */
export function distanceSql(lat: number, lon: number, distance: number): Prisma.Sql {
  const dLat = (distance / EARTH_RADIUS_M) * (180 / Math.PI);
  const cos = Math.cos((lat * Math.PI) / 180);
  const box = [Prisma.sql`r.lat BETWEEN ${lat - dLat}::float8 AND ${lat + dLat}::float8`];
  if (cos > 1e-6 && Math.abs(lat) + dLat < 90) {
    const dLon = dLat / cos;
    if (dLon < 180) box.push(Prisma.sql`r.lon BETWEEN ${lon - dLon}::float8 AND ${lon + dLon}::float8`);
  }
  return Prisma.sql`(${Prisma.join(box, ' AND ')} AND ${haversineSql(lat, lon)} <= ${distance}::float8)`;
}

export function haversineSql(lat: number, lon: number): Prisma.Sql {
  return Prisma.sql`(2 * ${EARTH_RADIUS_M}::float8 * asin(least(1, sqrt(power(sin(radians(r.lat - ${lat}::float8) / 2), 2) + cos(radians(${lat}::float8)) * cos(radians(r.lat)) * power(sin(radians(r.lon - ${lon}::float8) / 2), 2)))))`;
}

/** Records inside a polygon of (lat, lon) points, with PostgreSQL's built-in geometric types. */
export function polygonSql(points: [number, number][]): Prisma.Sql {
  if (points.length > limits.maxPolygonPoints) {
    throw badInput(`a polygon may have at most ${limits.maxPolygonPoints} points (SPENDGRAPH_MAX_POLYGON_POINTS), got ${points.length}`);
  }
  const lats = points.map((p) => p[0]);
  const lons = points.map((p) => p[1]);
  const text = `(${points.map(([lat, lon]) => `(${lat},${lon})`).join(',')})`;
  return Prisma.sql`(r.lat BETWEEN ${Math.min(...lats)}::float8 AND ${Math.max(...lats)}::float8 AND r.lon BETWEEN ${Math.min(...lons)}::float8 AND ${Math.max(...lons)}::float8 AND ${text}::polygon @> point(r.lat, r.lon))`;
}
