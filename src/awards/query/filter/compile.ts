import { Prisma } from '../../../generated/prisma/client.js';
import { badInput } from '../../../errors.js';
import type { Condition, FilterNode, InputPath } from '../../../shared/filter/ast.js';
import type { Operator } from '../../../shared/filter/operators.js';
import { fiscalYearBounds } from '../../../shared/fiscal.js';
import { escapeLike } from '../../../shared/like.js';
import { getDatamodel } from '../../../generated/pothos-types.js';
import { jsonConditionSql, jsonField, transactionField } from './extended.js';
import { fmtPath, models, relationKey, resolvePath, type ModelName, type RelationDef, type ResolvedPath, type ScalarDef } from '../registry.js';

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

/** An ILIKE pattern matching `value` anywhere in the text, or at its start. */
export function likePattern(value: string, mode: 'contains' | 'startswith'): string {
  const escaped = escapeLike(value);
  return mode === 'startswith' ? `${escaped}%` : `%${escaped}%`;
}
const MAX_TEXT = 1000;
const INT_MAX = 2147483647;

function fail(message: string, at: InputPath): never {
  throw badInput(`${fmtPath(at)}: ${message}`, at);
}

/**
 * Where a tree came from. REST v1 conditions are objects `{field, operation, value}`, so errors point at
 * `filters[0].value`, and v1 values keep v1 rules (both ends of a range, one fiscal year, `value_format`); a GraphQL
 * condition is the operator input itself (`filter.totalObligation.gt`) with the kernel's rules (open-ended ranges,
 * lists of fiscal years).
 */
export type Dialect = 'rest' | 'graphql';

interface State {
  root: ModelName;
  dialect: Dialect;
  conditions: number;
  /**
   * Fields the enclosing conjunction requires to be set (`isNull: false`), as `Root:path`: a rangeIntersect's open
   * end (`OR field IS NULL`) is dead there and left out, which PostgreSQL cannot work out for itself.
   */
  nonNull?: Set<string>;
}

/**
 * Compiles a kernel filter tree into a Prisma where input of the root model (Award or Transaction). Pure: array
 * operators that need SQL come back as RawIds placeholders, resolved by `materializeWhere` before the query runs.
 */
export function compileFilter(root: ModelName, node: FilterNode | null, dialect: Dialect = 'rest'): Where {
  if (!node) return {};
  const state: State = { root, dialect, conditions: 0 };
  const where = compileNode(state, node, node.at ?? ['filter'], 0);
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

/** The fields `isNull: false` conditions of a conjunction (and of the conjunctions in it) require, added to `known`. */
function requiredFields(state: State, node: FilterNode, known: Set<string> | undefined): Set<string> | undefined {
  let result = known;
  const visit = (child: FilterNode) => {
    if (child.kind === 'and') child.children.forEach(visit);
    if (child.kind !== 'cond' || child.op !== 'isNull' || (child.value !== false && child.value !== 'false') || child.fields.length !== 1) return;
    let path: ResolvedPath;
    try {
      path = resolvePath(state.root, child.fields[0], []);
    } catch {
      return; // an unknown field: compiling the condition itself reports it
    }
    result = new Set(result);
    result.add(`${state.root}:${path.path}`);
  };
  if (node.kind === 'and') node.children.forEach(visit);
  return result;
}

/** AND/OR of the compiled children: single children unwrapped and nested groups of the same kind merged. */
function group(kind: 'AND' | 'OR', children: Where[]): Where {
  const flat = children.flatMap((child) => {
    const keys = Object.keys(child);
    return keys.length === 1 && keys[0] === kind ? (child[kind] as Where[]) : [child];
  });
  return flat.length === 1 ? flat[0]! : { [kind]: flat };
}

function compileNode(state: State, node: FilterNode, fallback: InputPath, depth: number): Where {
  const at = node.at ?? fallback;
  if (depth > 100) fail('filter is nested too deeply (at most 100 levels)', at);
  switch (node.kind) {
    case 'and': {
      const outer = state.nonNull;
      const known = requiredFields(state, node, outer);
      if (known !== outer) state.nonNull = known;
      try {
        return group('AND', node.children.map((child, i) => compileNode(state, child, [...at, i], depth + 1)));
      } finally {
        state.nonNull = outer;
      }
    }
    case 'or':
      return group('OR', node.children.map((child, i) => compileNode(state, child, [...at, i], depth + 1)));
    case 'not': {
      const inner = compileNode(state, node.child, [...at, 'not'], depth + 1);
      const keys = Object.keys(inner);
      return keys.length === 1 && keys[0] === 'NOT' && !Array.isArray(inner.NOT) ? (inner.NOT as Where) : { NOT: inner };
    }
    case 'cond':
      state.conditions += 1;
      if (state.conditions > MAX_CONDITIONS) fail(`a filter may hold at most ${MAX_CONDITIONS} conditions`, at);
      return compileExtended(state, node, at) ?? compileCondition(state, node, at);
  }
}

/** Paths outside the registry (see extended.ts): an award's transactions, a transaction's contract or assistance data. */
function compileExtended(state: State, node: Condition, at: InputPath): Where | null {
  const { fieldAt, valueAt } = partsOf(state, at);
  const through = node.fields.map((field) => transactionField(state.root, field));
  if (through.length && through.every((field) => field !== null)) {
    const inner: State = { ...state, root: 'Transaction' };
    const child: Condition = { ...node, fields: through as string[] };
    const where = compileExtended(inner, child, at) ?? compileCondition(inner, child, at);
    state.conditions = inner.conditions;
    return { transactions: { some: where } };
  }
  const json = node.fields.length === 1 ? jsonField(state.root, node.fields[0]) : null;
  if (!json) return null;
  const sql = Prisma.sql`SELECT id FROM "transaction" WHERE ${jsonConditionSql(json, node, fieldAt, valueAt)}`;
  return { id: { in: new RawIds('transaction', sql) } };
}

function wrap(relations: RelationDef[], inner: Where): Where {
  return relations.reduceRight<Where>((acc, relation) => ({ [relation.name]: { is: acc } }), inner);
}

/** The foreign-key field of each to-one relation by `Model.relation` (`Award.awardingAgency` → `awardingAgencyId`). */
const foreignKeys = (() => {
  const keys = new Map<string, string>();
  for (const [model, { fields }] of Object.entries(getDatamodel().datamodel.models)) {
    for (const field of fields) {
      if (field.kind === 'object' && !field.isList && field.relationFromFields?.length === 1) keys.set(`${model}.${field.name}`, field.relationFromFields[0]!);
    }
  }
  return keys;
})();

/**
 * A condition on the related row's id is a condition on the foreign key that points at it (every relation references
 * `id`): `awardingAgency.rowId = 50` is `award.awarding_agency_id = 50`, without joining the agency. The key must not
 * be null, as the join required, so that a negation keeps the rows without one as it did (NOT (NULL AND false)).
 */
function onForeignKey(path: ResolvedPath, filter: unknown): Where | undefined {
  const last = path.relations[path.relations.length - 1];
  if (!last || path.scalar?.name !== 'id' || !filter || typeof filter !== 'object' || 'not' in filter || (filter as Where).equals === null) return undefined;
  const from = path.relations.length > 1 ? path.relations[path.relations.length - 2]!.target : path.root;
  const key = foreignKeys.get(`${from}.${last.name}`);
  return key ? wrap(path.relations.slice(0, -1), { [key]: { ...filter, not: null } }) : undefined;
}

function leaf(path: ResolvedPath, filter: unknown): Where {
  return onForeignKey(path, filter) ?? wrap(path.relations, { [path.scalar!.name]: filter });
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
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) fail('invalid date', at);
    return value;
  }
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

function requireScalar(path: ResolvedPath, op: Operator, at: InputPath): ScalarDef {
  if (!path.scalar) fail(`operation '${op}' needs a field, but "${path.path}" is a relation`, at);
  return path.scalar;
}

function requireArrayField(scalar: ScalarDef, op: Operator, at: InputPath): void {
  if (scalar.type !== 'stringArray') fail(`operation '${op}' applies to array fields only; ${scalar.name} is not one`, at);
}

function requireOrdered(scalar: ScalarDef, op: Operator, at: InputPath): void {
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


/** Where the parts of a condition are named in errors (see Dialect). */
function partsOf(state: State, at: InputPath) {
  return state.dialect === 'rest'
    ? { fieldAt: [...at, 'field'], valueAt: [...at, 'value'], formatAt: [...at, 'value_format'] }
    : { fieldAt: at, valueAt: at, formatAt: at };
}

// Not `{ OR: [] }`: Prisma 7 drops an empty OR nested in an AND, which then matches every row.
const matchNothing: Where = { id: { in: [] } };

/** `isNull` (and `equals: null`) on a field or relation; a required column is never null, so it needs no SQL test. */
function compileIsNull(path: ResolvedPath, value: unknown, valueAt: InputPath): Where {
  const wanted = value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
  if (wanted === undefined) fail(`operation 'is_null' needs true or false, got ${describe(value)}`, valueAt);
  if (!path.scalar) {
    const last = path.relations[path.relations.length - 1]!;
    return wrap(path.relations.slice(0, -1), { [last.name]: wanted ? { is: null } : { isNot: null } });
  }
  if (path.scalar.required) return wrap(path.relations, wanted ? matchNothing : {});
  if (path.scalar.type === 'stringArray') {
    return rawIds(path, Prisma.sql`${column(path.scalar)} IS ${wanted ? Prisma.sql`NULL` : Prisma.sql`NOT NULL`}`);
  }
  return leaf(path, wanted ? { equals: null } : { not: null });
}

function fiscalYears(state: State, value: unknown, at: InputPath): number[] {
  if (Array.isArray(value) && state.dialect === 'graphql') {
    if (value.length === 0 || value.length > 100) fail('give 1 to 100 fiscal years', at);
    return value.map((year, i) => fiscalYear(year, [...at, i]));
  }
  return [fiscalYear(value, at)];
}

function compileFy(state: State, path: ResolvedPath, scalar: ScalarDef, value: unknown, at: InputPath, fieldAt: InputPath): Where {
  if (scalar.type !== 'date' && scalar.type !== 'datetime') fail(`operation 'fy' needs a date field; ${scalar.name} is ${scalar.type}`, fieldAt);
  const years = fiscalYears(state, value, at).map((year) => {
    const { start, next, last } = fiscalYearBounds(year);
    return leaf(path, scalar.type === 'date' ? { gte: start, lte: last } : { gte: start, lt: next });
  });
  return years.length === 1 ? years[0]! : { OR: years };
}

const given = (value: unknown) => value !== null && value !== undefined;

/** v1 ranges are `[from, to]` (arriving as {from, to}), both ends required; GraphQL ranges may leave one open. */
function compileRange(state: State, path: ResolvedPath, scalar: ScalarDef, value: unknown, valueAt: InputPath, fieldAt: InputPath): Where {
  const rest = state.dialect === 'rest';
  const range = value as { from?: unknown; to?: unknown } | null;
  if (!range || typeof range !== 'object' || Array.isArray(range)) fail("Invalid value, operation 'range' requires an array value of length 2", valueAt);
  requireOrdered(scalar, 'range', fieldAt);
  const bounds: Where = {};
  if (rest || given(range.from)) bounds.gte = coerce(scalar, range.from, rest ? [...valueAt, 0] : [...valueAt, 'from']);
  if (rest || given(range.to)) bounds.lte = coerce(scalar, range.to, rest ? [...valueAt, 1] : [...valueAt, 'to']);
  if (Object.keys(bounds).length === 0) fail('a range needs from, to or both', valueAt);
  return leaf(path, bounds);
}

/**
 * Text equal to one of `values`, ignoring case. Prisma writes an insensitive `in` as `LOWER(col) IN (LOWER($1), …)`
 * and an insensitive `equals` as `col ILIKE $1`; for a value without wildcards (escaped) both are the same comparison,
 * since PostgreSQL's ILIKE lowercases both sides. LOWER() lowercases the column once per row where ILIKE does it per
 * term, and a list of ILIKE terms costs PostgreSQL several times a LOWER() IN at every row a page scans. ILIKE stays
 * on columns a trigram index serves (`trigram` in the registry), which LOWER() would take the index from.
 */
function textEquals(path: ResolvedPath, scalar: ScalarDef, values: string[]): Where {
  if (!scalar.trigram) return leaf(path, { in: values, mode: 'insensitive' });
  if (values.length === 1) return leaf(path, { equals: escapeLike(values[0]!), mode: 'insensitive' });
  return { OR: values.map((value) => leaf(path, { equals: escapeLike(value), mode: 'insensitive' })) };
}

function compileText(path: ResolvedPath, scalar: ScalarDef, op: 'contains' | 'startsWith', value: unknown, valueAt: InputPath, fieldAt: InputPath): Where {
  if (op === 'contains' && scalar.type === 'stringArray') {
    const list = Array.isArray(value) ? stringList(value, valueAt, 'contains') : [text(value, valueAt)];
    return leaf(path, { hasEvery: list });
  }
  if (scalar.type !== 'string') fail(`operation '${op}' needs a text or array field; ${scalar.name} is ${scalar.type}`, fieldAt);
  const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return leaf(path, { [op]: escapeLike(text(one, valueAt)), mode: 'insensitive' });
}

function compileList(path: ResolvedPath, scalar: ScalarDef, op: Operator, value: unknown, valueAt: InputPath, fieldAt: InputPath): Where {
  requireArrayField(scalar, op, fieldAt);
  switch (op) {
    case 'hasAll':
      return leaf(path, { hasEvery: stringList(value, valueAt, 'contains') });
    case 'overlap':
      return leaf(path, { hasSome: stringList(value, valueAt, 'overlap') });
    case 'containedBy':
      return rawIds(path, Prisma.sql`${column(scalar)} <@ ${stringList(value, valueAt, 'contained_by')}::text[]`);
    default: {
      const n = coerce({ name: 'length', column: '', type: 'int' }, value, valueAt) as number;
      const length = Prisma.sql`coalesce(cardinality(${column(scalar)}), 0)`;
      return rawIds(path, op === 'lengthGt' ? Prisma.sql`${length} > ${n}` : Prisma.sql`${length} < ${n}`);
    }
  }
}

const comparisons: Partial<Record<Operator, string>> = { lt: 'lt', lte: 'lte', gt: 'gt', gte: 'gte' };

function compileCondition(state: State, node: Condition, at: InputPath): Where {
  const { op, value } = node;
  const { fieldAt, valueAt } = partsOf(state, at);
  if (op === 'search') return compileSearch(state, node, at);
  if (op === 'rangeIntersect') return compileRangeIntersect(state, node, at);
  if (node.fields.length !== 1) fail(`operation '${op}' takes a single field`, fieldAt);
  const resolved = resolvePath(state.root, node.fields[0], fieldAt);
  if (op === 'isNull' || (op === 'equals' && value === null)) return compileIsNull(resolved, op === 'isNull' ? value : true, valueAt);
  const path = relationKey(resolved);

  const scalar = requireScalar(path, op, fieldAt);
  const isText = scalar.type === 'string';
  switch (op) {
    case 'equals':
      return isText ? textEquals(path, scalar, [text(value, valueAt)]) : leaf(path, { equals: coerce(scalar, value, valueAt) });
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      requireOrdered(scalar, op, fieldAt);
      return leaf(path, { [comparisons[op]!]: coerce(scalar, value, valueAt) });
    case 'in': {
      if (!Array.isArray(value)) fail("Invalid value, operation 'in' requires an array value", valueAt);
      if (value.length > MAX_LIST) fail(`lists are limited to ${MAX_LIST} values`, valueAt);
      if (scalar.type === 'stringArray') fail(`operation 'in' does not apply to array field ${scalar.name}`, fieldAt);
      if (isText) return textEquals(path, scalar, value.map((item, i) => text(item, [...valueAt, i])));
      return leaf(path, { in: value.map((item, i) => coerce(scalar, item, [...valueAt, i])) });
    }
    case 'range':
      return compileRange(state, path, scalar, value, valueAt, fieldAt);
    case 'contains':
    case 'startsWith':
      return compileText(path, scalar, op, value, valueAt, fieldAt);
    case 'hasAll':
    case 'overlap':
    case 'containedBy':
    case 'lengthGt':
    case 'lengthLt':
      return compileList(path, scalar, op, value, valueAt, fieldAt);
    case 'fy':
      return compileFy(state, path, scalar, value, valueAt, fieldAt);
  }
  return fail(`Invalid operation: ${op}`, at);
}

function compileSearch(state: State, node: Condition, at: InputPath): Where {
  const { fieldAt: base, valueAt } = partsOf(state, at);
  const paths = node.fields.map((field, i) => {
    const fieldAt = node.fields.length > 1 ? [...base, i] : base;
    const path = resolvePath(state.root, field, fieldAt);
    if (path.scalar?.type !== 'string') {
      fail(`Invalid field: '${String(field)}', operation 'search' requires a text-field for searching`, fieldAt);
    }
    return path;
  });
  const terms = text(node.value, valueAt).split(/\s+/).filter(Boolean).slice(0, 32);
  if (terms.length === 0) return matchNothing;
  return { AND: terms.map((term) => ({ OR: paths.map((path) => leaf(path, { contains: escapeLike(term), mode: 'insensitive' })) })) };
}

interface Side {
  path: ResolvedPath;
  scalar: ScalarDef;
}

function compileRangeIntersect(state: State, node: Condition, at: InputPath): Where {
  const { fieldAt, valueAt, formatAt } = partsOf(state, at);
  if (node.fields.length !== 2) fail("Invalid field, operation 'range_intersect' requires an array of length 2 for field", fieldAt);
  const [lower, upper] = node.fields.map((field, i) => {
    const sideAt = state.dialect === 'rest' ? [...fieldAt, i] : fieldAt;
    const path = resolvePath(state.root, field, sideAt);
    const scalar = requireScalar(path, 'rangeIntersect', sideAt);
    requireOrdered(scalar, 'rangeIntersect', sideAt);
    if (scalar.type === 'string') fail("operation 'range_intersect' needs number or date fields", sideAt);
    return { path, scalar };
  }) as [Side, Side];
  const range = node.value as { from?: unknown; to?: unknown; fy?: unknown; valueFormat?: unknown } | null;
  if (!range || typeof range !== 'object' || Array.isArray(range)) {
    fail(
      "Invalid value, operation 'range_intersect' requires an array value of length 2, or a single value with value_format set to a ranged format (such as fy)",
      valueAt,
    );
  }
  if ('valueFormat' in range) fail(`Invalid value_format: ${JSON.stringify(range.valueFormat)}; the only ranged format is "fy"`, formatAt);
  if (given(range.fy) || !('from' in range || 'to' in range)) {
    for (const side of [lower, upper]) {
      if (side.scalar.type !== 'date' && side.scalar.type !== 'datetime') fail("value_format 'fy' needs date fields", state.dialect === 'rest' ? fieldAt : formatAt);
    }
    const { start, next, last } = fiscalYearBounds(fiscalYear(range.fy, valueAt));
    return { AND: [edge(state, lower, lower.scalar.type === 'date' ? { lte: last } : { lt: next }), edge(state, upper, { gte: start })] };
  }
  const rest = state.dialect === 'rest';
  const parts: Where[] = [];
  if (rest || given(range.to)) parts.push(edge(state, lower, { lte: coerce(lower.scalar, range.to, rest ? [...valueAt, 1] : [...valueAt, 'to']) }));
  if (rest || given(range.from)) parts.push(edge(state, upper, { gte: coerce(upper.scalar, range.from, rest ? [...valueAt, 0] : [...valueAt, 'from']) }));
  if (parts.length === 0) fail('give from, to or fy', valueAt);
  return { AND: parts };
}

/** One end of an interval against a bound: v1 needs the end; the kernel's rangeIntersect reads a missing end as open. */
function edge(state: State, side: Side, bound: Where): Where {
  if (state.dialect === 'rest' || side.scalar.required || state.nonNull?.has(`${state.root}:${side.path.path}`)) return leaf(side.path, bound);
  return { OR: [leaf(side.path, bound), leaf(side.path, { equals: null })] };
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
