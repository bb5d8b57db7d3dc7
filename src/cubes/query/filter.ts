import { Prisma } from '../../generated/prisma/client.js';
import { badInput } from '../../errors.js';
import { parseCuts, type CutScalar, type ParsedCut } from './grammar.js';
import {
  resolveField,
  type AttributeType,
  type CubeModel,
  type FieldRef,
  type FiscalYearStart,
} from './model.js';

type Path = (string | number)[];

/** A filter after validation against the model: values are canonical text of the field's type. */
export type Condition =
  | { op: 'and' | 'or'; items: Condition[] }
  | { op: 'not'; item: Condition }
  | { op: 'equals' | 'lt' | 'lte' | 'gt' | 'gte'; field: FieldRef; value: string }
  | { op: 'in'; field: FieldRef; values: string[] }
  | { op: 'range'; field: FieldRef; from: string | null; to: string | null }
  | { op: 'isNull'; field: FieldRef; value: boolean }
  | { op: 'fy'; field: FieldRef; years: number[] }
  | { op: 'rangeIntersect'; field: FieldRef; end: FieldRef; from: string | null; to: string | null }
  | { op: 'contains'; field: FieldRef; value: string };

/** The shared filter grammar as it arrives from GraphQL (values are JSON). */
export interface CubeFilterInput {
  and?: CubeFilterInput[] | null;
  or?: CubeFilterInput[] | null;
  not?: CubeFilterInput | null;
  field?: string | null;
  equals?: unknown;
  in?: unknown[] | null;
  range?: { from?: unknown; to?: unknown } | null;
  lt?: unknown;
  lte?: unknown;
  gt?: unknown;
  gte?: unknown;
  isNull?: boolean | null;
  fy?: number[] | null;
  rangeIntersect?: { endField: string; from?: unknown; to?: unknown } | null;
  contains?: string | null;
}

export function pathText(path: Path): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text;
}

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
export function coerceValue(field: FieldRef, value: unknown, path: Path): string {
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

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

const operators = ['equals', 'in', 'range', 'lt', 'lte', 'gt', 'gte', 'isNull', 'fy', 'rangeIntersect', 'contains'] as const;

/** Validates a GraphQL filter against the model. Each node is and/or/not, or `field` with exactly one operator. */
export function filterCondition(model: CubeModel, input: CubeFilterInput, path: Path = ['filter']): Condition {
  const combinators = (['and', 'or', 'not'] as const).filter((k) => isSet(input[k]));
  const given = operators.filter((k) => (k === 'equals' ? input.equals !== undefined : isSet(input[k])));
  if (combinators.length + (isSet(input.field) ? 1 : 0) !== 1) {
    throw badInput(`${pathText(path)}: give exactly one of and, or, not, field`, path);
  }
  if (input.and) return { op: 'and', items: input.and.map((item, i) => filterCondition(model, item, [...path, 'and', i])) };
  if (input.or) return { op: 'or', items: input.or.map((item, i) => filterCondition(model, item, [...path, 'or', i])) };
  if (input.not) return { op: 'not', item: filterCondition(model, input.not, [...path, 'not']) };

  const field = resolveField(model, input.field!, pathText([...path, 'field']), [...path, 'field']);
  if (given.length !== 1) {
    throw badInput(`${pathText(path)}: give exactly one operator with "field" (${operators.join(', ')})`, path);
  }
  const op = given[0]!;
  const at = [...path, op];
  const type = fieldType(field);
  switch (op) {
    case 'equals':
      return input.equals === null
        ? { op: 'isNull', field, value: true }
        : { op: 'equals', field, value: coerceValue(field, input.equals, at) };
    case 'in':
      return { op: 'in', field, values: input.in!.map((v, i) => coerceValue(field, v, [...at, i])) };
    case 'range': {
      const range = input.range!;
      const from = isSet(range.from) ? coerceValue(field, range.from, [...at, 'from']) : null;
      const to = isSet(range.to) ? coerceValue(field, range.to, [...at, 'to']) : null;
      if (from === null && to === null) throw badInput(`${pathText(at)}: give from, to or both`, at);
      return { op: 'range', field, from, to };
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return { op, field, value: coerceValue(field, input[op], at) };
    case 'isNull':
      return { op: 'isNull', field, value: input.isNull! };
    case 'fy': {
      if (type !== 'date') throw badInput(`${pathText(at)}: "${fieldRef(field)}" is a ${type}, fy needs a date`, at);
      const years = input.fy!;
      years.forEach((year, i) => {
        if (!Number.isInteger(year) || year < 1 || year > 9998) {
          throw badInput(`${pathText([...at, i])}: ${year} is not a fiscal year`, [...at, i]);
        }
      });
      return { op: 'fy', field, years };
    }
    case 'rangeIntersect': {
      const spec = input.rangeIntersect!;
      const end = resolveField(model, spec.endField, pathText([...at, 'endField']), [...at, 'endField']);
      if (fieldType(end) !== type) {
        throw badInput(`${pathText([...at, 'endField'])}: "${spec.endField}" is a ${fieldType(end)}, "${fieldRef(field)}" a ${type}`, [
          ...at,
          'endField',
        ]);
      }
      const from = isSet(spec.from) ? coerceValue(field, spec.from, [...at, 'from']) : null;
      const to = isSet(spec.to) ? coerceValue(field, spec.to, [...at, 'to']) : null;
      return { op: 'rangeIntersect', field, end, from, to };
    }
    case 'contains':
      if (type !== 'string') throw badInput(`${pathText(at)}: "${fieldRef(field)}" is a ${type}, contains needs a string`, at);
      return { op: 'contains', field, value: input.contains! };
  }
}

const cutTypeFits: Record<AttributeType, CutScalar['type'][]> = {
  string: ['string'],
  integer: ['integer'],
  number: ['integer'],
  date: ['date'],
  boolean: ['string'],
};

function cutValue(field: FieldRef, ref: string, scalar: CutScalar, lenient: boolean, path: Path): string {
  const type = fieldType(field);
  if (!lenient && !cutTypeFits[type].includes(scalar.type)) {
    const shown = scalar.type === 'string' ? `'${scalar.value}'` : scalar.value;
    throw badInput(`Invalid value ${shown} parsed as type '${scalar.type}' for cut ${ref} of type '${type}'`, path);
  }
  return coerceValue(field, scalar.value, path);
}

/** Turns parsed babbage cuts into conditions. `lenient` (the v2 API) accepts any literal that converts to the type. */
export function cutConditions(model: CubeModel, cuts: ParsedCut[], lenient: boolean, path: Path = ['cut']): Condition[] {
  const conditions: Condition[] = [];
  for (const cut of cuts) {
    const field = resolveField(model, cut.ref, `Invalid cut: '${cut.ref}'`, path);
    let condition: Condition;
    if (cut.kind === 'set') {
      const values = cut.values.map((v) => cutValue(field, cut.ref, v, lenient, path));
      condition = values.length === 1 ? { op: 'equals', field, value: values[0]! } : { op: 'in', field, values };
    } else if (cut.kind === 'compare') {
      condition = { op: cut.op, field, value: cutValue(field, cut.ref, cut.values[0], lenient, path) };
    } else {
      condition = {
        op: 'range',
        field,
        from: cut.from ? cutValue(field, cut.ref, cut.from, lenient, path) : null,
        to: cut.to ? cutValue(field, cut.ref, cut.to, lenient, path) : null,
      };
    }
    conditions.push(cut.negated ? { op: 'not', item: condition } : condition);
  }
  return conditions;
}

/** The v2 API ORs cuts on the same ref and ANDs different refs. */
export function legacyCutConditions(model: CubeModel, cut: string): Condition[] {
  const byRef = new Map<string, Condition[]>();
  const cuts = parseCuts(cut);
  for (const [i, condition] of cutConditions(model, cuts, true).entries()) {
    const ref = cuts[i]!.ref;
    byRef.set(ref, [...(byRef.get(ref) ?? []), condition]);
  }
  return [...byRef.values()].map((items) => (items.length === 1 ? items[0]! : { op: 'or', items }));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Fiscal year N is named by the calendar year it ends in (a January 1 start makes it the calendar year). */
export function fiscalYearBounds(year: number, start: FiscalYearStart): [string, string] {
  const first = start.month === 1 && start.day === 1 ? year : year - 1;
  const mmdd = `${pad(start.month)}-${pad(start.day)}`;
  return [`${pad(first, 4)}-${mmdd}`, `${pad(first + 1, 4)}-${mmdd}`];
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

export function conditionSql(condition: Condition, fiscal: FiscalYearStart, indexed: IndexChoice = () => true): Prisma.Sql {
  switch (condition.op) {
    case 'and':
      return condition.items.length === 0
        ? Prisma.sql`TRUE`
        : Prisma.sql`(${Prisma.join(condition.items.map((c) => conditionSql(c, fiscal, indexed)), ' AND ')})`;
    case 'or':
      return condition.items.length === 0
        ? Prisma.sql`FALSE`
        : Prisma.sql`(${Prisma.join(condition.items.map((c) => conditionSql(c, fiscal, indexed)), ' OR ')})`;
    case 'not':
      // IS NOT TRUE keeps rows whose value is NULL: "not 4" includes facts without a value.
      return Prisma.sql`((${conditionSql(condition.item, fiscal, indexed)}) IS NOT TRUE)`;
    case 'equals':
      return equalsSql(condition.field, condition.value, indexed);
    case 'lt':
      return Prisma.sql`${fieldSql(condition.field)} < ${literal(condition.field, condition.value)}`;
    case 'lte':
      return Prisma.sql`${fieldSql(condition.field)} <= ${literal(condition.field, condition.value)}`;
    case 'gt':
      return Prisma.sql`${fieldSql(condition.field)} > ${literal(condition.field, condition.value)}`;
    case 'gte':
      return Prisma.sql`${fieldSql(condition.field)} >= ${literal(condition.field, condition.value)}`;
    case 'in':
      return condition.values.length === 0
        ? Prisma.sql`FALSE`
        : Prisma.sql`(${Prisma.join(condition.values.map((v) => equalsSql(condition.field, v, indexed)), ' OR ')})`;
    case 'range': {
      const parts: Prisma.Sql[] = [];
      if (condition.from !== null) parts.push(Prisma.sql`${fieldSql(condition.field)} >= ${literal(condition.field, condition.from)}`);
      if (condition.to !== null) parts.push(Prisma.sql`${fieldSql(condition.field)} <= ${literal(condition.field, condition.to)}`);
      return Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
    }
    case 'isNull':
      return condition.value
        ? Prisma.sql`${fieldTextSql(condition.field)} IS NULL`
        : Prisma.sql`${fieldTextSql(condition.field)} IS NOT NULL`;
    case 'fy': {
      if (condition.years.length === 0) return Prisma.sql`FALSE`;
      const parts = condition.years.map((year) => {
        const [from, to] = fiscalYearBounds(year, fiscal);
        return Prisma.sql`(${fieldSql(condition.field)} >= ${from}::date AND ${fieldSql(condition.field)} < ${to}::date)`;
      });
      return Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
    }
    case 'rangeIntersect': {
      const parts: Prisma.Sql[] = [];
      if (condition.to !== null) {
        parts.push(Prisma.sql`(${fieldSql(condition.field)} IS NULL OR ${fieldSql(condition.field)} <= ${literal(condition.field, condition.to)})`);
      }
      if (condition.from !== null) {
        parts.push(Prisma.sql`(${fieldSql(condition.end)} IS NULL OR ${fieldSql(condition.end)} >= ${literal(condition.end, condition.from)})`);
      }
      return parts.length === 0 ? Prisma.sql`TRUE` : Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
    }
    case 'contains':
      return Prisma.sql`${fieldSql(condition.field)} ILIKE ${`%${escapeLike(condition.value)}%`}`;
  }
}

/** Attribute refs fixed to one value by a top-level equality: used to find the next level of a hierarchy. */
export function pinnedRefs(conditions: Condition[]): Set<string> {
  const pinned = new Set<string>();
  const visit = (condition: Condition) => {
    if (condition.op === 'and') condition.items.forEach(visit);
    else if (condition.op === 'equals' && condition.field.kind === 'attribute') pinned.add(condition.field.attribute.ref);
  };
  conditions.forEach(visit);
  return pinned;
}
