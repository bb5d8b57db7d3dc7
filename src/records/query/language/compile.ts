import { badInput } from '../../../errors.js';
import { Prisma } from '../../../generated/prisma/client.js';
import { evalNow, parsePeriod, type Period } from '../dates.js';
import type { FieldDef } from '../fields.js';
import { fieldOf, isDateType, isGeoType, isNumberType, valueSql, type RecordsModel } from '../model.js';
import { foldSql, foldText, words, wordsSql } from '../text.js';
import type { FieldOp, FuncArg, QueryNode, QueryValue } from './ast.js';
import { parseQuery } from './grammar.js';

const EARTH_RADIUS_M = 6_371_008.8;

interface Ctx {
  model: RecordsModel;
  arg: string;
  now: Date;
}

/** Parses and compiles `q` into a parameterised SQL condition over records aliased `r`. */
export function compileQuery(model: RecordsModel, q: string | null | undefined, arg = 'q', now = new Date()): Prisma.Sql | undefined {
  if (!q || q.trim() === '') return undefined;
  const ast = parseQuery(q, arg);
  return ast ? compileNode(ast, { model, arg, now }) : undefined;
}

export function compileNode(node: QueryNode, ctx: Ctx): Prisma.Sql {
  switch (node.type) {
    case 'and':
      return Prisma.sql`(${compileNode(node.left, ctx)} AND ${compileNode(node.right, ctx)})`;
    case 'or':
      return Prisma.sql`(${compileNode(node.left, ctx)} OR ${compileNode(node.right, ctx)})`;
    case 'not':
      return Prisma.sql`(NOT ${compileNode(node.expr, ctx)})`;
    case 'term':
      return textMatch(Prisma.sql`r.search_text`, node.text, true);
    case 'phrase':
      return textMatch(Prisma.sql`r.search_text`, node.text, false);
    case 'field':
      return fieldQuery(node.field, node.op, node.value, ctx, node.offset);
    case 'range': {
      const field = fieldOf(ctx.model, node.field, at(ctx, node.offset));
      return Prisma.sql`(${fieldQuery(field.name, '>=', node.from, ctx, node.offset)} AND ${fieldQuery(field.name, '<=', node.to, ctx, node.offset)})`;
    }
    case 'func':
      return func(node.name, node.args, ctx, node.offset);
  }
}

function at(ctx: Ctx, offset: number): string {
  return `${ctx.arg} (position ${offset})`;
}

/** Words of `text` found in a padded word column: the last word as a prefix when `prefix`, else whole words. */
export function textMatch(column: Prisma.Sql, text: string, prefix: boolean): Prisma.Sql {
  const found = words(text);
  if (found.length === 0) return Prisma.sql`TRUE`;
  const needle = ` ${found.join(' ')}${prefix ? '' : ' '}`;
  return Prisma.sql`(strpos(${column}, ${needle}) > 0)`;
}

function numberOf(text: string, where: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw badInput(`${where}: "${text}" is not a number`);
  return n;
}

type Bound = { period: Period } | { instant: Date };

function dateBound(value: QueryValue, ctx: Ctx, where: string): Bound {
  if (value.kind === 'now') {
    try {
      return { instant: evalNow(value.params, ctx.now) };
    } catch (error) {
      throw badInput(`${where}: #now: ${(error as Error).message}`);
    }
  }
  const period = parsePeriod(value.text);
  if (!period) throw badInput(`${where}: "${value.text}" is not a date (YYYY, YYYY/MM/DD or ISO 8601)`);
  return { period };
}

function timeParam(field: FieldDef, d: Date): Prisma.Sql {
  const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
  if (field.type === 'date' && midnight) return Prisma.sql`${d.toISOString().slice(0, 10)}::date`;
  return Prisma.sql`${d.toISOString()}::timestamptz`;
}

function compare(expr: Prisma.Sql, op: '>=' | '>' | '<' | '<=' | '=', param: Prisma.Sql): Prisma.Sql {
  switch (op) {
    case '>=':
      return Prisma.sql`(${expr} >= ${param})`;
    case '>':
      return Prisma.sql`(${expr} > ${param})`;
    case '<':
      return Prisma.sql`(${expr} < ${param})`;
    case '<=':
      return Prisma.sql`(${expr} <= ${param})`;
    case '=':
      return Prisma.sql`(${expr} = ${param})`;
  }
}

function fieldQuery(name: string, op: FieldOp, value: QueryValue, ctx: Ctx, offset: number): Prisma.Sql {
  const where = at(ctx, offset);
  const field = fieldOf(ctx.model, name, where);
  const expr = valueSql(field);
  if (isGeoType(field)) throw badInput(`${where}: field "${name}" is geographic: use #distance, #polygon or #geometry`);
  if (isDateType(field)) {
    const bound = dateBound(value, ctx, where);
    if ('instant' in bound) {
      const p = timeParam(field, bound.instant);
      return compare(expr, op === ':' || op === '==' ? '=' : op, p);
    }
    const start = timeParam(field, bound.period.start);
    const end = timeParam(field, bound.period.end);
    switch (op) {
      case '>=':
        return compare(expr, '>=', start);
      case '>':
        return compare(expr, '>=', end);
      case '<':
        return compare(expr, '<', start);
      case '<=':
        return compare(expr, '<', end);
      default:
        return Prisma.sql`(${expr} >= ${start} AND ${expr} < ${end})`;
    }
  }
  if (value.kind === 'now') throw badInput(`${where}: #now() only applies to date fields; "${name}" is ${field.type}`);
  if (isNumberType(field)) {
    const n = numberOf(value.text, where);
    return compare(expr, op === ':' || op === '==' ? '=' : op, Prisma.sql`${n}::float8`);
  }
  switch (op) {
    case ':':
      return textMatch(wordsSql(expr), value.text, false);
    case '=':
      return Prisma.sql`(${foldSql(expr)} = ${foldText(value.text)})`;
    case '==':
      return Prisma.sql`(${expr} = ${value.text})`;
    default:
      return compare(expr, op, Prisma.sql`${value.text}`);
  }
}

function argField(arg: FuncArg | undefined, ctx: Ctx, fn: string, where: string): FieldDef {
  if (arg?.kind === 'ident') return fieldOf(ctx.model, arg.name, where);
  if (arg?.kind === 'string') return fieldOf(ctx.model, arg.text, where);
  throw badInput(`${where}: #${fn} expects a field name as its first argument`);
}

function argText(arg: FuncArg | undefined, fn: string, where: string): string {
  if (arg?.kind === 'string') return arg.text;
  if (arg?.kind === 'number') return String(arg.value);
  if (arg?.kind === 'ident') return arg.name;
  throw badInput(`${where}: #${fn} expects a value`);
}

function arity(args: FuncArg[], n: number, fn: string, where: string): void {
  if (args.length !== n) throw badInput(`${where}: #${fn} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

function geoField(field: FieldDef, fn: string, where: string): void {
  if (!isGeoType(field)) throw badInput(`${where}: #${fn} needs a geographic field; "${field.name}" is ${field.type}`);
}

function func(name: string, args: FuncArg[], ctx: Ctx, offset: number): Prisma.Sql {
  const where = at(ctx, offset);
  switch (name) {
    case 'null': {
      arity(args, 1, name, where);
      const field = argField(args[0], ctx, name, where);
      if (isGeoType(field)) return Prisma.sql`(r.lat IS NULL AND r.geometry IS NULL)`;
      return Prisma.sql`((r.fields ->> ${field.name}) IS NULL)`;
    }
    case 'exact': {
      arity(args, 2, name, where);
      const field = argField(args[0], ctx, name, where);
      const text = argText(args[1], name, where);
      if (isNumberType(field)) return Prisma.sql`(${valueSql(field)} = ${numberOf(text, where)}::float8)`;
      return Prisma.sql`((r.fields ->> ${field.name}) = ${text})`;
    }
    case 'startswith': {
      arity(args, 2, name, where);
      const field = argField(args[0], ctx, name, where);
      return Prisma.sql`starts_with(r.fields ->> ${field.name}, ${argText(args[1], name, where)})`;
    }
    case 'search': {
      if (args.length < 2) throw badInput(`${where}: #search takes one or more fields (or *) and a value`);
      const text = argText(args[args.length - 1], name, where);
      const targets = args.slice(0, -1);
      if (targets.some((a) => a.kind === 'star')) return textMatch(Prisma.sql`r.search_text`, text, true);
      const parts = targets.map((a) => textMatch(wordsSql(Prisma.sql`(r.fields ->> ${argField(a, ctx, name, where).name})`), text, true));
      return Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
    }
    case 'distance': {
      arity(args, 3, name, where);
      geoField(argField(args[0], ctx, name, where), name, where);
      const [lat, lon] = latLon(argText(args[1], name, where), where);
      return distanceSql(lat, lon, meters(argText(args[2], name, where), where));
    }
    case 'polygon': {
      arity(args, 2, name, where);
      geoField(argField(args[0], ctx, name, where), name, where);
      return polygonSql(parsePolygon(argText(args[1], name, where), where));
    }
    case 'geometry': {
      arity(args, 2, name, where);
      const field = argField(args[0], ctx, name, where);
      geoField(field, name, where);
      const kind = argText(args[1], name, where).toLowerCase();
      return Prisma.sql`(lower(r.geometry ->> 'type') = ${kind})`;
    }
    case 'now':
      throw badInput(`${where}: #now() is a value: compare a date field with it, e.g. date <= #now()`);
    default:
      throw badInput(`${where}: unknown function #${name}`);
  }
}

export function latLon(text: string, where: string): [number, number] {
  const parts = text.split(',').map((p) => Number(p.trim()));
  const [lat, lon] = parts;
  if (parts.length !== 2 || lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw badInput(`${where}: "${text}" is not a "latitude, longitude" point`);
  }
  return [lat, lon];
}

function meters(text: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|km|mi|yd|ft)?\s*$/i.exec(text);
  if (!m) throw badInput(`${where}: "${text}" is not a distance (meters, or with a unit m, km, mi, yd, ft)`);
  const factor = { m: 1, km: 1000, mi: 1609.344, yd: 0.9144, ft: 0.3048 }[(m[2] ?? 'm').toLowerCase() as 'm'];
  return Number(m[1]) * factor;
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

/** Parses "(lat, lon), (lat, lon), ..." (optionally wrapped in one more pair of parentheses). */
export function parsePolygon(text: string, where: string): [number, number][] {
  const points: [number, number][] = [];
  const re = /\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) points.push([Number(m[1]), Number(m[2])]);
  const rest = text.replace(re, '').replace(/[\s,()]/g, '');
  if (points.length < 3 || rest !== '') throw badInput(`${where}: a polygon needs at least three "(lat, lon)" points`);
  return points;
}

/** Records inside a polygon of (lat, lon) points, with PostgreSQL's built-in geometric types. */
export function polygonSql(points: [number, number][]): Prisma.Sql {
  const lats = points.map((p) => p[0]);
  const lons = points.map((p) => p[1]);
  const text = `(${points.map(([lat, lon]) => `(${lat},${lon})`).join(',')})`;
  return Prisma.sql`(r.lat BETWEEN ${Math.min(...lats)}::float8 AND ${Math.max(...lats)}::float8 AND r.lon BETWEEN ${Math.min(...lons)}::float8 AND ${Math.max(...lons)}::float8 AND ${text}::polygon @> point(r.lat, r.lon))`;
}
