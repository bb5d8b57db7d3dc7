import { Prisma } from '../../../generated/prisma/client.js';
import { badInput } from '../../../errors.js';
import { fmtPath, models, resolvePath, type ModelName, type RelationDef, type ResolvedPath, type ScalarDef } from '../registry.js';
import type { FilterNode, InputPath, Operation } from './ast.js';

/** A where condition Prisma cannot express (array containment and length): ids selected by parameterised SQL. */
export class RawIds {
  constructor(
    readonly table: string,
    readonly sql: Prisma.Sql,
  ) {}
}

export type Where = Record<string, unknown>;

const MAX_CONDITIONS = 1000;
const MAX_LIST = 1000;
const MAX_TEXT = 1000;
const INT_MAX = 2147483647;

function fail(message: string, at: InputPath): never {
  throw badInput(`${fmtPath(at)}: ${message}`, at);
}

/**
 * Compiles a filter tree into a Prisma where input of the root model (Award or Transaction). Pure: array
 * operators that need SQL come back as RawIds placeholders, resolved by `materializeWhere` before the query runs.
 */
export function compileFilter(root: ModelName, node: FilterNode | null): Where {
  if (!node) return {};
  const counter = { conditions: 0 };
  const where = compileNode(root, node, counter, node.at ?? ['filter'], 0);
  if (jsonDepth(where) > MAX_WHERE_DEPTH) {
    const at = node.at ?? ['filter'];
    fail('filter is nested too deeply (flatten the AND/OR groups)', at);
  }
  return where;
}

/** Prisma's query protocol refuses JSON nested beyond 128 levels; keep the where well inside that. */
const MAX_WHERE_DEPTH = 96;

function jsonDepth(value: unknown): number {
  if (value instanceof RawIds || value instanceof Date || value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const inner of Array.isArray(value) ? value : Object.values(value)) deepest = Math.max(deepest, jsonDepth(inner));
  return deepest + 1;
}

/** AND/OR of the compiled children: single children unwrapped and nested groups of the same kind merged. */
function group(kind: 'AND' | 'OR', children: Where[]): Where {
  const flat = children.flatMap((child) => {
    const keys = Object.keys(child);
    return keys.length === 1 && keys[0] === kind ? (child[kind] as Where[]) : [child];
  });
  return flat.length === 1 ? flat[0]! : { [kind]: flat };
}

function compileNode(root: ModelName, node: FilterNode, counter: { conditions: number }, fallback: InputPath, depth: number): Where {
  const at = node.at ?? fallback;
  if (depth > 100) fail('filter is nested too deeply (at most 100 levels)', at);
  switch (node.kind) {
    case 'and':
      return group('AND', node.children.map((child, i) => compileNode(root, child, counter, [...at, i], depth + 1)));
    case 'or':
      return group('OR', node.children.map((child, i) => compileNode(root, child, counter, [...at, i], depth + 1)));
    case 'not': {
      const inner = compileNode(root, node.child, counter, [...at, 'not'], depth + 1);
      const keys = Object.keys(inner);
      return keys.length === 1 && keys[0] === 'NOT' && !Array.isArray(inner.NOT) ? (inner.NOT as Where) : { NOT: inner };
    }
    case 'cond':
      counter.conditions += 1;
      if (counter.conditions > MAX_CONDITIONS) fail(`a filter may hold at most ${MAX_CONDITIONS} conditions`, at);
      return compileCondition(root, node, at);
  }
}

function wrap(relations: RelationDef[], inner: Where): Where {
  return relations.reduceRight<Where>((acc, relation) => ({ [relation.name]: { is: acc } }), inner);
}

function leaf(path: ResolvedPath, filter: unknown): Where {
  return wrap(path.relations, { [path.scalar!.name]: filter });
}

function text(value: unknown, at: InputPath): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') fail(`expected a text value, got ${describe(value)}`, at);
  if (value.length > MAX_TEXT) fail(`text values are limited to ${MAX_TEXT} characters`, at);
  if (value.includes('\u0000')) fail('text values must not contain NUL characters', at);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

const decimalPattern = /^-?\d{1,18}(\.\d{1,10})?$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function toDate(value: unknown, withTime: boolean, at: InputPath): Date {
  const raw = typeof value === 'string' ? value.trim() : undefined;
  const match = raw === undefined ? null : (withTime ? dateTimePattern : datePattern).exec(raw);
  if (!raw || !match) fail(`expected a date (YYYY-MM-DD${withTime ? ' or an ISO date-time' : ''}), got ${describe(value)}`, at);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const date = match[4] ? new Date(raw.replace(' ', 'T')) : new Date(Date.UTC(year, month - 1, day));
  if (
    Number.isNaN(date.getTime()) ||
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    (!match[4] && date.getUTCDate() !== day)
  ) {
    fail(`invalid date ${describe(value)}`, at);
  }
  return date;
}

/** A value of the scalar's type, as Prisma takes it. */
function coerce(scalar: ScalarDef, value: unknown, at: InputPath): unknown {
  switch (scalar.type) {
    case 'string':
      return text(value, at);
    case 'decimal': {
      const raw = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
      if (!decimalPattern.test(raw)) fail(`expected a number for ${scalar.name}, got ${describe(value)}`, at);
      return raw;
    }
    case 'int': {
      const n = typeof value === 'string' && /^-?\d{1,10}$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > INT_MAX) {
        fail(`expected an integer for ${scalar.name}, got ${describe(value)}`, at);
      }
      return n;
    }
    case 'date':
      return toDate(value, false, at);
    case 'datetime':
      return toDate(value, true, at);
    case 'boolean':
      if (value === true || value === 'true' || value === 'True') return true;
      if (value === false || value === 'false' || value === 'False') return false;
      return fail(`expected true or false for ${scalar.name}, got ${describe(value)}`, at);
    case 'stringArray':
      return stringList(value, at, 'equals');
  }
}

function stringList(value: unknown, at: InputPath, op: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    fail(`Invalid value. When using operation ${op}, value must be an array of strings.`, at);
  }
  if (value.length > MAX_LIST) fail(`lists are limited to ${MAX_LIST} values`, at);
  return value.map((item, i) => text(item, [...at, i]));
}

function requireScalar(path: ResolvedPath, op: Operation, at: InputPath): ScalarDef {
  if (!path.scalar) fail(`operation '${op}' needs a field, but "${path.path}" is a relation`, at);
  return path.scalar;
}

function requireArrayField(scalar: ScalarDef, op: Operation, at: InputPath): void {
  if (scalar.type !== 'stringArray') fail(`operation '${op}' applies to array fields only; ${scalar.name} is not one`, at);
}

function requireOrdered(scalar: ScalarDef, op: Operation, at: InputPath): void {
  if (scalar.type === 'boolean' || scalar.type === 'stringArray') fail(`operation '${op}' does not apply to ${scalar.type} field ${scalar.name}`, at);
}

function rawIds(path: ResolvedPath, condition: Prisma.Sql): Where {
  const table = path.model.table;
  const sql = Prisma.sql`SELECT id FROM ${Prisma.raw(`"${table}"`)} WHERE ${condition}`;
  return wrap(path.relations, { id: { in: new RawIds(table, sql) } });
}

function column(scalar: ScalarDef): Prisma.Sql {
  return Prisma.raw(`"${scalar.column}"`);
}

function fiscalYear(value: unknown, at: InputPath): number {
  const n = typeof value === 'string' && /^\d{1,4}$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > 9999) {
    fail(`expected a fiscal year such as 2017, got ${describe(value)}`, at);
  }
  return n;
}

/** FY2017 = 2016-10-01 .. 2017-09-30: the first day and the day after the last one, both at UTC midnight. */
export function fiscalYearBounds(fy: number): { start: Date; next: Date; last: Date } {
  const start = new Date(Date.UTC(fy - 1, 9, 1));
  start.setUTCFullYear(fy - 1);
  const next = new Date(Date.UTC(fy, 9, 1));
  next.setUTCFullYear(fy);
  const last = new Date(Date.UTC(fy, 8, 30));
  last.setUTCFullYear(fy);
  return { start, next, last };
}

function compileCondition(root: ModelName, node: Extract<FilterNode, { kind: 'cond' }>, at: InputPath): Where {
  const { op, value } = node;
  const valueAt = [...at, 'value'];
  const fieldAt = [...at, 'field'];
  if (op === 'search') return compileSearch(root, node, at);
  if (op === 'rangeIntersect') return compileRangeIntersect(root, node, at);
  if (node.fields.length !== 1) fail(`operation '${op}' takes a single field`, fieldAt);
  const path = resolvePath(root, node.fields[0], fieldAt);

  if (op === 'isNull') {
    const wanted = value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
    if (wanted === undefined) fail(`operation 'is_null' needs true or false, got ${describe(value)}`, valueAt);
    if (!path.scalar) {
      const last = path.relations[path.relations.length - 1]!;
      return wrap(path.relations.slice(0, -1), { [last.name]: wanted ? { is: null } : { isNot: null } });
    }
    if (path.scalar.type === 'stringArray') {
      return rawIds(path, Prisma.sql`${column(path.scalar)} IS ${wanted ? Prisma.sql`NULL` : Prisma.sql`NOT NULL`}`);
    }
    return leaf(path, wanted ? { equals: null } : { not: null });
  }

  const scalar = requireScalar(path, op, fieldAt);
  const isText = scalar.type === 'string';
  switch (op) {
    case 'equals':
      if (value === null) return leaf(path, { equals: null });
      return leaf(path, isText ? { equals: text(value, valueAt), mode: 'insensitive' } : { equals: coerce(scalar, value, valueAt) });
    case 'lessThan':
    case 'lessThanOrEqual':
    case 'greaterThan':
    case 'greaterThanOrEqual': {
      requireOrdered(scalar, op, fieldAt);
      const key = { lessThan: 'lt', lessThanOrEqual: 'lte', greaterThan: 'gt', greaterThanOrEqual: 'gte' }[op];
      return leaf(path, { [key]: coerce(scalar, value, valueAt) });
    }
    case 'in': {
      if (!Array.isArray(value)) fail("Invalid value, operation 'in' requires an array value", valueAt);
      if (value.length > MAX_LIST) fail(`lists are limited to ${MAX_LIST} values`, valueAt);
      if (scalar.type === 'stringArray') fail(`operation 'in' does not apply to array field ${scalar.name}`, fieldAt);
      if (isText) {
        return { OR: value.map((item, i) => leaf(path, { equals: text(item, [...valueAt, i]), mode: 'insensitive' })) };
      }
      return leaf(path, { in: value.map((item, i) => coerce(scalar, item, [...valueAt, i])) });
    }
    case 'range': {
      if (!Array.isArray(value) || value.length !== 2) fail("Invalid value, operation 'range' requires an array value of length 2", valueAt);
      requireOrdered(scalar, op, fieldAt);
      return leaf(path, { gte: coerce(scalar, value[0], [...valueAt, 0]), lte: coerce(scalar, value[1], [...valueAt, 1]) });
    }
    case 'contains': {
      if (scalar.type === 'stringArray') {
        const list = Array.isArray(value) ? stringList(value, valueAt, 'contains') : [text(value, valueAt)];
        return leaf(path, { hasEvery: list });
      }
      if (!isText) fail(`operation 'contains' needs a text or array field; ${scalar.name} is ${scalar.type}`, fieldAt);
      const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
      return leaf(path, { contains: text(one, valueAt), mode: 'insensitive' });
    }
    case 'overlap':
      requireArrayField(scalar, op, fieldAt);
      return leaf(path, { hasSome: stringList(value, valueAt, 'overlap') });
    case 'containedBy': {
      requireArrayField(scalar, op, fieldAt);
      const list = stringList(value, valueAt, 'contained_by');
      return rawIds(path, Prisma.sql`${column(scalar)} <@ ${list}::text[]`);
    }
    case 'lengthGreaterThan':
    case 'lengthLessThan': {
      requireArrayField(scalar, op, fieldAt);
      const n = coerce({ name: 'length', column: '', type: 'int' }, value, valueAt) as number;
      const length = Prisma.sql`coalesce(cardinality(${column(scalar)}), 0)`;
      return rawIds(path, op === 'lengthGreaterThan' ? Prisma.sql`${length} > ${n}` : Prisma.sql`${length} < ${n}`);
    }
    case 'fy': {
      if (scalar.type !== 'date' && scalar.type !== 'datetime') fail(`operation 'fy' needs a date field; ${scalar.name} is ${scalar.type}`, fieldAt);
      const { start, next, last } = fiscalYearBounds(fiscalYear(value, valueAt));
      return leaf(path, scalar.type === 'date' ? { gte: start, lte: last } : { gte: start, lt: next });
    }
  }
  return fail(`Invalid operation: ${op}`, at);
}

function compileSearch(root: ModelName, node: Extract<FilterNode, { kind: 'cond' }>, at: InputPath): Where {
  const paths = node.fields.map((field, i) => {
    const fieldAt = node.fields.length > 1 ? [...at, 'field', i] : [...at, 'field'];
    const path = resolvePath(root, field, fieldAt);
    if (path.scalar?.type !== 'string') {
      fail(`Invalid field: '${String(field)}', operation 'search' requires a text-field for searching`, fieldAt);
    }
    return path;
  });
  const terms = text(node.value, [...at, 'value']).split(/\s+/).filter(Boolean).slice(0, 32);
  if (terms.length === 0) return { OR: [] };
  return { AND: terms.map((term) => ({ OR: paths.map((path) => leaf(path, { contains: term, mode: 'insensitive' })) })) };
}

function compileRangeIntersect(root: ModelName, node: Extract<FilterNode, { kind: 'cond' }>, at: InputPath): Where {
  const fieldAt = [...at, 'field'];
  const valueAt = [...at, 'value'];
  if (node.fields.length !== 2) fail("Invalid field, operation 'range_intersect' requires an array of length 2 for field", fieldAt);
  const [lower, upper] = node.fields.map((field, i) => {
    const path = resolvePath(root, field, [...fieldAt, i]);
    const scalar = requireScalar(path, 'rangeIntersect', [...fieldAt, i]);
    requireOrdered(scalar, 'rangeIntersect', [...fieldAt, i]);
    if (scalar.type === 'string') fail('operation \'range_intersect\' needs number or date fields', [...fieldAt, i]);
    return { path, scalar };
  }) as [{ path: ResolvedPath; scalar: ScalarDef }, { path: ResolvedPath; scalar: ScalarDef }];
  if (Array.isArray(node.value) && node.value.length === 2) {
    return {
      AND: [
        leaf(lower.path, { lte: coerce(lower.scalar, node.value[1], [...valueAt, 1]) }),
        leaf(upper.path, { gte: coerce(upper.scalar, node.value[0], [...valueAt, 0]) }),
      ],
    };
  }
  if (node.valueFormat === undefined) {
    fail(
      "Invalid value, operation 'range_intersect' requires an array value of length 2, or a single value with value_format set to a ranged format (such as fy)",
      valueAt,
    );
  }
  if (node.valueFormat !== 'fy') fail(`Invalid value_format: ${JSON.stringify(node.valueFormat)}; the only ranged format is "fy"`, [...at, 'value_format']);
  for (const side of [lower, upper]) {
    if (side.scalar.type !== 'date' && side.scalar.type !== 'datetime') fail("value_format 'fy' needs date fields", fieldAt);
  }
  const { start, next, last } = fiscalYearBounds(fiscalYear(node.value, valueAt));
  return {
    AND: [
      leaf(lower.path, lower.scalar.type === 'date' ? { lte: last } : { lt: next }),
      leaf(upper.path, { gte: start }),
    ],
  };
}

/** Replaces RawIds placeholders by the ids their SQL selects. */
export async function materializeWhere(
  where: Where,
  query: (sql: Prisma.Sql) => Promise<{ id: number }[]>,
): Promise<Where> {
  const walk = async (value: unknown): Promise<unknown> => {
    if (value instanceof RawIds) return (await query(value.sql)).map((row) => row.id);
    if (Array.isArray(value)) return Promise.all(value.map(walk));
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = await walk(inner);
      return out;
    }
    return value;
  };
  return (await walk(where)) as Where;
}

export { models };
