import { limits } from '../../limits.js';
import { Prisma } from '../../generated/prisma/client.js';
import { badInput } from '../../errors.js';
import { pathText, type Condition, type FilterNode, type InputPath, type IntersectValue, type RangeValue } from '../../shared/filter/ast.js';
import type { Operator } from '../../shared/filter/operators.js';
import { fiscalYearBounds, type FiscalYearStart } from '../../shared/fiscal.js';
import { parseCuts, type CutScalar, type ParsedCut } from './grammar.js';
import { resolveField, type AttributeType, type CubeModel, type FieldRef } from './model.js';

/** The kernel operators a cube field takes, in GraphQL and in the cut dialects. */
export const cubeOperators = [
  'equals',
  'in',
  'range',
  'gt',
  'gte',
  'lt',
  'lte',
  'isNull',
  'contains',
  'startsWith',
  'fy',
  'rangeIntersect',
] as const satisfies readonly Operator[];

/** A filter checked against a cube's model: fields resolved, values canonical text of the field's type. */
export type CubeFilterNode = FilterNode<FieldRef>;

export function fieldType(field: FieldRef): AttributeType {
  return field.kind === 'measure' ? 'number' : field.attribute.type;
}

export function fieldRef(field: FieldRef): string {
  return field.kind === 'measure' ? field.measure.ref : field.attribute.ref;
}

function column(field: FieldRef): string {
  return field.kind === 'measure' ? field.measure.column : field.attribute.column;
}

const casts: Record<AttributeType, Prisma.Sql> = {
  string: Prisma.empty,
  integer: Prisma.raw('::numeric'),
  number: Prisma.raw('::numeric'),
  date: Prisma.raw('::date'),
  boolean: Prisma.raw('::boolean'),
};

/** The typed SQL value of a field of the fact row aliased `f`; the JSON key is a bound parameter. */
export function fieldSql(field: FieldRef): Prisma.Sql {
  const type = fieldType(field);
  if (type === 'string') return Prisma.sql`(f.data ->> ${column(field)})`;
  return Prisma.sql`((f.data ->> ${column(field)})${casts[type]})`;
}

/** The raw JSON text of a field: NULL for a missing key and for JSON null. */
export function fieldTextSql(field: FieldRef): Prisma.Sql {
  return Prisma.sql`(f.data ->> ${column(field)})`;
}

function literal(field: FieldRef, value: string): Prisma.Sql {
  const type = fieldType(field);
  return type === 'string' ? Prisma.sql`${value}` : Prisma.sql`${value}${casts[type]}`;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(text: string): boolean {
  const match = datePattern.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.getUTCDate() === Number(match[3]);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

/** Checks a JSON value against a field's type and returns its canonical text. */
export function coerceValue(field: FieldRef, value: unknown, path: InputPath): string {
  const type = fieldType(field);
  const fail = (): never => {
    throw badInput(`${pathText(path)}: ${describe(value)} is not a valid ${type} for "${fieldRef(field)}"`, path);
  };
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : fail();
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      if (typeof value === 'string' && /^-?\d{1,30}$/.test(value.trim())) return value.trim();
      return fail();
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?$/.test(value.trim())) return value.trim();
      return fail();
    case 'date':
      return typeof value === 'string' && validDate(value) ? value : fail();
    case 'boolean':
      if (typeof value === 'boolean') return String(value);
      if (value === 'true' || value === 'false') return value;
      return fail();
  }
}

function requireType(field: FieldRef, types: AttributeType[], op: string, at: InputPath) {
  const type = fieldType(field);
  if (!types.includes(type)) throw badInput(`${pathText(at)}: "${fieldRef(field)}" is a ${type}, ${op} needs a ${types.join(' or ')}`, at);
}

function fiscalYears(years: unknown, at: InputPath): number[] {
  const list = Array.isArray(years) ? years : [years];
  list.forEach((year, i) => {
    if (!Number.isInteger(year) || (year as number) < 1 || (year as number) > 9998) {
      throw badInput(`${pathText([...at, i])}: ${String(year)} is not a fiscal year`, [...at, i]);
    }
  });
  return list as number[];
}

const optional = (field: FieldRef, value: unknown, at: InputPath) =>
  value === null || value === undefined ? null : coerceValue(field, value, at);

/** The value of one condition checked against its field's type (and its end field's, for rangeIntersect). */
function resolveValue(condition: Condition<string>, field: FieldRef, end: FieldRef | undefined, at: InputPath): unknown {
  const value = condition.value;
  switch (condition.op) {
    case 'equals':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return coerceValue(field, value, at);
    case 'in':
      if ((value as unknown[]).length > limits.maxList) {
        throw badInput(`${pathText(at)}: at most ${limits.maxList} values (SPENDGRAPH_MAX_LIST), got ${(value as unknown[]).length}`, at);
      }
      return (value as unknown[]).map((v, i) => coerceValue(field, v, [...at, i]));
    case 'range': {
      const range = value as RangeValue;
      return { from: optional(field, range.from, [...at, 'from']), to: optional(field, range.to, [...at, 'to']) };
    }
    case 'isNull':
      return value === true;
    case 'contains':
    case 'startsWith':
      requireType(field, ['string'], condition.op, at);
      if (typeof value !== 'string') throw badInput(`${pathText(at)}: ${condition.op} needs a string`, at);
      return value;
    case 'fy':
      requireType(field, ['date'], 'fy', at);
      return fiscalYears(value, at);
    case 'rangeIntersect': {
      const spec = value as IntersectValue;
      if (fieldType(end!) !== fieldType(field)) {
        throw badInput(`${pathText([...at, 'endField'])}: "${fieldRef(end!)}" is a ${fieldType(end!)}, "${fieldRef(field)}" a ${fieldType(field)}`, [
          ...at,
          'endField',
        ]);
      }
      if (spec.fy !== null) requireType(field, ['date'], 'fy', [...at, 'fy']);
      return {
        from: optional(field, spec.from, [...at, 'from']),
        to: optional(field, spec.to, [...at, 'to']),
        fy: spec.fy === null ? null : fiscalYears(spec.fy, [...at, 'fy'])[0]!,
      };
    }
    default:
      throw badInput(`${pathText(at)}: ${condition.op} does not apply to cube fields (use ${cubeOperators.join(', ')})`, at);
  }
}

/**
 * Checks a kernel filter (from GraphQL or a cut dialect) against the model: unknown refs and values of the wrong
 * type are BAD_USER_INPUT errors naming the input path (and, for refs, listing the valid ones).
 */
export function resolveFilter(model: CubeModel, node: FilterNode<string> | null): CubeFilterNode | null {
  if (!node) return null;
  if (node.kind === 'not') return { kind: 'not', child: resolveFilter(model, node.child)!, at: node.at };
  if (node.kind !== 'cond') return { kind: node.kind, children: node.children.map((child) => resolveFilter(model, child)!), at: node.at };
  const at = node.at ?? ['filter'];
  if (node.op === 'search') {
    if (typeof node.value !== 'string' || node.value.trim() === '') throw badInput(`${pathText([...at, 'text'])}: give the words to search for`, [...at, 'text']);
    const fields = node.fields.map((ref, i) => resolveField(model, ref, pathText([...at, 'fields', i]), [...at, 'fields', i], Infinity));
    return { kind: 'cond', op: 'search', fields, value: node.value, at };
  }
  const fieldAt = [...at.slice(0, -1), 'field'];
  const field = resolveField(model, node.fields[0]!, pathText(fieldAt), fieldAt, Infinity);
  const endAt = [...at, 'endField'];
  const end = node.op === 'rangeIntersect' ? resolveField(model, node.fields[1]!, pathText(endAt), endAt, Infinity) : undefined;
  return { kind: 'cond', op: node.op, fields: end ? [field, end] : [field], value: resolveValue(node, field, end, at), at };
}

const cutTypeFits: Record<AttributeType, CutScalar['type'][]> = {
  string: ['string'],
  integer: ['integer'],
  number: ['integer'],
  date: ['date'],
  boolean: ['string'],
};

function cutValue(field: FieldRef, ref: string, scalar: CutScalar, lenient: boolean, path: InputPath): string {
  const type = fieldType(field);
  if (!lenient && !cutTypeFits[type].includes(scalar.type)) {
    const shown = scalar.type === 'string' ? `'${scalar.value}'` : scalar.value;
    throw badInput(`Invalid value ${shown} parsed as type '${scalar.type}' for cut ${ref} of type '${type}'`, path);
  }
  return coerceValue(field, scalar.value, path);
}

/**
 * Parsed babbage cuts as kernel conditions, one per cut (ANDed by the caller). Values are checked the babbage way
 * here (its own messages); `lenient` (the v2 API) accepts any literal that converts to the attribute's type.
 */
export function cutFilter(model: CubeModel, cuts: ParsedCut[], lenient: boolean, path: InputPath = ['cut']): FilterNode<string>[] {
  return cuts.map((cut) => {
    const field = resolveField(model, cut.ref, `Invalid cut: '${cut.ref}'`, path);
    const value = (scalar: CutScalar) => cutValue(field, cut.ref, scalar, lenient, path);
    let node: FilterNode<string>;
    if (cut.kind === 'set') {
      const values = cut.values.map(value);
      node = values.length === 1
        ? { kind: 'cond', op: 'equals', fields: [cut.ref], value: values[0], at: path }
        : { kind: 'cond', op: 'in', fields: [cut.ref], value: values, at: path };
    } else if (cut.kind === 'compare') {
      node = { kind: 'cond', op: cut.op, fields: [cut.ref], value: value(cut.values[0]), at: path };
    } else {
      const range = { from: cut.from ? value(cut.from) : null, to: cut.to ? value(cut.to) : null };
      node = { kind: 'cond', op: 'range', fields: [cut.ref], value: range, at: path };
    }
    return cut.negated ? { kind: 'not', child: node, at: path } : node;
  });
}

/** The v2 API ORs cuts on the same ref and ANDs different refs. */
export function legacyCutFilter(model: CubeModel, cut: string): FilterNode<string>[] {
  const byRef = new Map<string, FilterNode<string>[]>();
  const cuts = parseCuts(cut);
  for (const [i, node] of cutFilter(model, cuts, true).entries()) {
    const ref = cuts[i]!.ref;
    byRef.set(ref, [...(byRef.get(ref) ?? []), node]);
  }
  return [...byRef.values()].map((nodes) => (nodes.length === 1 ? nodes[0]! : { kind: 'or', children: nodes }));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Equality as JSONB containment, which the GIN index on fact.data answers for any attribute of any cube; jsonb
 * compares numbers numerically, and dates are stored as canonical YYYY-MM-DD text. Values a JSON number cannot hold
 * exactly fall back to a typed comparison.
 */
function equalsSql(field: FieldRef, value: string, indexed: IndexChoice): Prisma.Sql {
  const type = fieldType(field);
  if (!indexed(field)) return Prisma.sql`${fieldSql(field)} = ${literal(field, value)}`;
  let json: unknown = value;
  if (type === 'integer' || type === 'number') {
    json = Number(value);
    if (!Number.isSafeInteger(json) && !(type === 'number' && String(json) === value)) {
      return Prisma.sql`${fieldSql(field)} = ${literal(field, value)}`;
    }
  } else if (type === 'boolean') {
    json = value === 'true';
  }
  return Prisma.sql`f.data @> ${JSON.stringify({ [column(field)]: json })}::jsonb`;
}

/** Whether equality on a field should go through the GIN index (selective values) or a typed comparison (scan). */
export type IndexChoice = (field: FieldRef) => boolean;

const comparisons = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function rangeSql(field: FieldRef, from: string | null, to: string | null): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (from !== null) parts.push(Prisma.sql`${fieldSql(field)} >= ${literal(field, from)}`);
  if (to !== null) parts.push(Prisma.sql`${fieldSql(field)} <= ${literal(field, to)}`);
  return parts.length === 0 ? Prisma.sql`TRUE` : Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
}

function intersectSql(start: FieldRef, end: FieldRef, value: IntersectValue<string>, fiscal: FiscalYearStart): Prisma.Sql {
  const { from, to } = value.fy === null ? value : fiscalYearBounds(value.fy, fiscal);
  const parts: Prisma.Sql[] = [];
  if (to !== null) parts.push(Prisma.sql`(${fieldSql(start)} IS NULL OR ${fieldSql(start)} <= ${literal(start, to)})`);
  if (from !== null) parts.push(Prisma.sql`(${fieldSql(end)} IS NULL OR ${fieldSql(end)} >= ${literal(end, from)})`);
  return parts.length === 0 ? Prisma.sql`TRUE` : Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
}

/**
 * Every word of `text` (stemmed, stop words dropped) in the fact's full-text document, kept at load time and
 * GIN-indexed; or, with fields, in the text of those fields. Text of stop words only constrains nothing.
 */
function searchSql(fields: FieldRef[], text: string): Prisma.Sql {
  const query = Prisma.sql`plainto_tsquery('english', ${text})`;
  const document = fields.length
    ? Prisma.sql`to_tsvector('english', concat_ws(' ', ${Prisma.join(fields.map(fieldTextSql))}))`
    : Prisma.sql`f.search`;
  return Prisma.sql`(numnode(${query}) = 0 OR ${document} @@ ${query})`;
}

function conditionSql(condition: Condition<FieldRef>, fiscal: FiscalYearStart, indexed: IndexChoice): Prisma.Sql {
  const [field, end] = condition.fields as [FieldRef, FieldRef | undefined];
  const value = condition.value;
  switch (condition.op) {
    case 'equals':
      return equalsSql(field, value as string, indexed);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return Prisma.sql`${fieldSql(field)} ${Prisma.raw(comparisons[condition.op])} ${literal(field, value as string)}`;
    case 'in':
      return Prisma.sql`(${Prisma.join((value as string[]).map((v) => equalsSql(field, v, indexed)), ' OR ')})`;
    case 'range': {
      const range = value as RangeValue<string>;
      return rangeSql(field, range.from, range.to);
    }
    case 'isNull':
      return value ? Prisma.sql`${fieldTextSql(field)} IS NULL` : Prisma.sql`${fieldTextSql(field)} IS NOT NULL`;
    case 'contains':
      return Prisma.sql`${fieldSql(field)} ILIKE ${`%${escapeLike(value as string)}%`}`;
    case 'startsWith':
      return Prisma.sql`${fieldSql(field)} ILIKE ${`${escapeLike(value as string)}%`}`;
    case 'fy': {
      const parts = (value as number[]).map((year) => {
        const { from, to } = fiscalYearBounds(year, fiscal);
        return rangeSql(field, from, to);
      });
      return Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
    }
    case 'rangeIntersect':
      return intersectSql(field, end!, value as IntersectValue<string>, fiscal);
    case 'search':
      return searchSql(condition.fields, value as string);
    default:
      throw new Error(`unresolved operator ${condition.op}`);
  }
}

/** The one compiler of cube filters: a resolved kernel tree as SQL over the fact row aliased `f`. */
export function filterSql(node: CubeFilterNode, fiscal: FiscalYearStart, indexed: IndexChoice = () => true): Prisma.Sql {
  switch (node.kind) {
    case 'and':
    case 'or':
      return Prisma.sql`(${Prisma.join(
        node.children.map((child) => filterSql(child, fiscal, indexed)),
        node.kind === 'and' ? ' AND ' : ' OR ',
      )})`;
    case 'not':
      // IS NOT TRUE keeps rows whose value is NULL: "not 4" includes facts without a value.
      return Prisma.sql`((${filterSql(node.child, fiscal, indexed)}) IS NOT TRUE)`;
    case 'cond':
      return conditionSql(node, fiscal, indexed);
  }
}

/** Attribute refs fixed to one value by a top-level equality: used to find the next level of a hierarchy. */
export function pinnedRefs(node: CubeFilterNode | null): Set<string> {
  const pinned = new Set<string>();
  const visit = (current: CubeFilterNode) => {
    if (current.kind === 'and') current.children.forEach(visit);
    else if (current.kind === 'cond' && current.op === 'equals' && current.fields[0]!.kind === 'attribute') {
      pinned.add(current.fields[0]!.attribute.ref);
    }
  };
  if (node) visit(node);
  return pinned;
}
