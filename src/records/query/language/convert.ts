/**
 * The ODS query language as the kernel filter tree: comparisons, ranges, `#null` and exact matches become kernel
 * conditions; full-text, accent-folded, case-sensitive and geographic forms become native conditions. Field names,
 * values and function arguments are checked here, so errors name the position in `q`.
 */
import { badInput } from '../../../errors.js';
import type { Operator } from '../../../shared/filter/operators.js';
import type { NativeQuery, RecordsFilterNode } from '../compile.js';
import { evalNow, parsePeriod, type Period } from '../dates.js';
import type { FieldDef } from '../fields.js';
import { fieldOf, isDateType, isGeoType, isNumberType, type RecordsModel } from '../model.js';
import type { FieldOp, FuncArg, QueryNode, QueryValue } from './ast.js';
import { parseQuery } from './grammar.js';

interface Ctx {
  model: RecordsModel;
  arg: string;
  now: Date;
}

/** Parses `q` into the records filter tree; null when it is empty. */
export function queryFilter(model: RecordsModel, q: string | null | undefined, arg = 'q', now = new Date()): RecordsFilterNode | null {
  if (!q || q.trim() === '') return null;
  const ast = parseQuery(q, arg);
  return ast ? convert(ast, { model, arg, now }) : null;
}

const native = (query: NativeQuery): RecordsFilterNode => ({ kind: 'native', native: query });
const cond = (op: Operator, field: string, value: unknown): RecordsFilterNode => ({ kind: 'cond', op, fields: [field], value });

function convert(node: QueryNode, ctx: Ctx): RecordsFilterNode {
  switch (node.type) {
    case 'and':
    case 'or':
      return { kind: node.type, children: [convert(node.left, ctx), convert(node.right, ctx)] };
    case 'not':
      return { kind: 'not', child: convert(node.expr, ctx) };
    case 'term':
      return native({ kind: 'words', text: node.text, prefix: true });
    case 'phrase':
      return native({ kind: 'words', text: node.text, prefix: false });
    case 'field':
      return fieldQuery(node.field, node.op, node.value, ctx, node.offset);
    case 'range': {
      const field = fieldOf(ctx.model, node.field, at(ctx, node.offset));
      return { kind: 'and', children: [fieldQuery(field.name, '>=', node.from, ctx, node.offset), fieldQuery(field.name, '<=', node.to, ctx, node.offset)] };
    }
    case 'func':
      return func(node.name, node.args, ctx, node.offset);
  }
}

function at(ctx: Ctx, offset: number): string {
  return `${ctx.arg} (position ${offset})`;
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

const comparison: Record<FieldOp, Operator> = { ':': 'equals', '=': 'equals', '==': 'equals', '>': 'gt', '<': 'lt', '>=': 'gte', '<=': 'lte' };

/** A date period compared the ODS way: `>` means after the whole period, `:` within it. */
function dateQuery(field: FieldDef, op: FieldOp, period: Period): RecordsFilterNode {
  switch (op) {
    case '>=':
      return cond('gte', field.name, period.start);
    case '>':
      return cond('gte', field.name, period.end);
    case '<':
      return cond('lt', field.name, period.start);
    case '<=':
      return cond('lt', field.name, period.end);
    default:
      return { kind: 'and', children: [cond('gte', field.name, period.start), cond('lt', field.name, period.end)] };
  }
}

function fieldQuery(name: string, op: FieldOp, value: QueryValue, ctx: Ctx, offset: number): RecordsFilterNode {
  const where = at(ctx, offset);
  const field = fieldOf(ctx.model, name, where);
  if (isGeoType(field)) throw badInput(`${where}: field "${name}" is geographic: use #distance, #polygon or #geometry`);
  if (isDateType(field)) {
    const bound = dateBound(value, ctx, where);
    return 'instant' in bound ? cond(comparison[op], field.name, bound.instant) : dateQuery(field, op, bound.period);
  }
  if (value.kind === 'now') throw badInput(`${where}: #now() only applies to date fields; "${name}" is ${field.type}`);
  if (isNumberType(field)) return cond(comparison[op], field.name, numberOf(value.text, where));
  switch (op) {
    case ':':
      return native({ kind: 'words', field: field.name, text: value.text, prefix: false });
    case '=':
      return native({ kind: 'folded', field: field.name, text: value.text });
    default:
      return cond(comparison[op], field.name, value.text);
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

function exact(field: FieldDef, text: string, where: string): RecordsFilterNode {
  if (isNumberType(field)) return cond('equals', field.name, numberOf(text, where));
  if (field.type === 'text') return cond('equals', field.name, text);
  return native({ kind: 'rawEquals', field: field.name, text });
}

function func(name: string, args: FuncArg[], ctx: Ctx, offset: number): RecordsFilterNode {
  const where = at(ctx, offset);
  switch (name) {
    case 'null':
      arity(args, 1, name, where);
      return cond('isNull', argField(args[0], ctx, name, where).name, true);
    case 'exact': {
      arity(args, 2, name, where);
      const field = argField(args[0], ctx, name, where);
      return exact(field, argText(args[1], name, where), where);
    }
    case 'startswith': {
      arity(args, 2, name, where);
      const field = argField(args[0], ctx, name, where);
      return native({ kind: 'startsWithExact', field: field.name, text: argText(args[1], name, where) });
    }
    case 'search': {
      if (args.length < 2) throw badInput(`${where}: #search takes one or more fields (or *) and a value`);
      const text = argText(args[args.length - 1], name, where);
      const targets = args.slice(0, -1);
      if (targets.some((a) => a.kind === 'star')) return native({ kind: 'words', text, prefix: true });
      return native({ kind: 'search', fields: targets.map((a) => argField(a, ctx, name, where).name), text });
    }
    case 'distance': {
      arity(args, 3, name, where);
      geoField(argField(args[0], ctx, name, where), name, where);
      const [lat, lon] = latLon(argText(args[1], name, where), where);
      return native({ kind: 'distance', lat, lon, meters: meters(argText(args[2], name, where), where) });
    }
    case 'polygon':
      arity(args, 2, name, where);
      geoField(argField(args[0], ctx, name, where), name, where);
      return native({ kind: 'polygon', points: parsePolygon(argText(args[1], name, where), where) });
    case 'geometry': {
      arity(args, 2, name, where);
      geoField(argField(args[0], ctx, name, where), name, where);
      return native({ kind: 'geometry', type: argText(args[1], name, where).toLowerCase() });
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
