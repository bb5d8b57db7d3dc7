import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { models as registry } from '../awards/query/registry.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { Prisma } from '../generated/prisma/client.js';
import { preparedName, type NamedQuery } from './statement-names.js';

/**
 * Plain reads: a page of awards or transactions as SQL written here and sent through Prisma's own driver adapter (so
 * replica routing, the statement timeout and PGlite behave as for Prisma's statements). Prisma's client costs about
 * a third of the server's CPU on such a page (0.5 to 0.9 ms of planning, parameter nesting and row mapping for a
 * statement the driver sends in 0.1 ms), and its relation joins build a JSONB object per related row, which costs
 * PostgreSQL 3× the plain joins it stands for.
 *
 * One statement reads a page however deep its selection, and the rows come back as Prisma gives them, with its types
 * (Date, numbers) and shapes, except that numeric columns arrive as their decimal text (PostgreSQL writes every digit
 * of the column's scale) instead of a Prisma Decimal:
 * - the selection's columns, and its to-one relations as LEFT JOINs (null when there is no related row);
 * - its to-many relations (an award's transactions, with their own to-one relations) as a sub-SELECT per parent row
 *   that returns an array of text arrays, one per child row, in the relation's order (as PostGraphile reads them):
 *   text keeps every digit of an amount, and PostgreSQL builds no JSON;
 * - conditions on columns (equals, in, comparisons, text matching, array containment, null tests, AND/OR/NOT), on
 *   to-one relations (`is`, `isNot`: joins, as Prisma writes them) and to-many ones (`some`, `none`: EXISTS), orders
 *   on columns of the row and of its to-one relations.
 * A page that recurs is sent as a prepared statement (statement-names.ts) with its LIMIT written in, so that PostgreSQL
 * plans it once, not at every request; a page that skips rows (OFFSET) is sent unprepared.
 * Anything else (cursors, `not: value`, counts of relations, to-many relations below a to-many one, Json columns,
 * models outside the awards family) is not a plain read: `plainFindMany` and `plainCount` answer undefined and the
 * caller asks Prisma.
 */

type Args = Record<string, unknown>;
type Where = Record<string, unknown>;

interface Field {
  column: string;
  type: string;
  isList: boolean;
}

/** A relation between two of these models; every one of them references its target's `id` (prisma/schema.prisma). */
interface Relation {
  target: string;
  /** To-many (an award's transactions) or to-one. */
  many: boolean;
  /** The join: `target.to = source.from`, both column names. */
  from: string;
  to: string;
  /** For a to-many relation, the child's field that holds the parent's key. */
  childKey?: string;
}

interface Model {
  table: string;
  fields: Map<string, Field>;
  relations: Map<string, Relation>;
}

/** `totalObligation` → `total_obligation`: how prisma/schema.prisma maps every field of these models (@map). */
const snake = (name: string) => name.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

const models = (() => {
  const datamodel = getDatamodel().datamodel.models;
  const out = new Map<string, Model>();
  const known = new Set(Object.keys(registry));
  for (const [name, def] of Object.entries(registry)) {
    const fields = new Map<string, Field>();
    const relations = new Map<string, Relation>();
    for (const field of datamodel[name]!.fields) {
      if (field.kind === 'scalar') {
        // Json and Bytes come back from the drivers in shapes Prisma converts further; those selections stay with Prisma.
        if (field.type !== 'Json' && field.type !== 'Bytes') fields.set(field.name, { column: snake(field.name), type: field.type, isList: field.isList });
        continue;
      }
      if (field.kind !== 'object' || !known.has(field.type)) continue;
      const own = field.relationFromFields ?? [];
      if (own.length === 1 && !field.isList) {
        relations.set(field.name, { target: field.type, many: false, from: snake(own[0]!), to: 'id' });
        continue;
      }
      const inverse = datamodel[field.type]!.fields.find(
        (other) => other.kind === 'object' && other.relationName === field.relationName && other !== field && other.relationFromFields?.length === 1,
      );
      if (!inverse) continue;
      const childKey = inverse.relationFromFields![0]!;
      relations.set(field.name, {
        target: field.type,
        many: field.isList,
        from: 'id',
        to: snake(childKey),
        childKey,
      });
    }
    out.set(name, { table: def.table, fields, relations });
  }
  return out;
})();

/** Each model's table and the column of each plain field, for tests that hold them against the schema. */
export function plainColumns(model: string): { table: string; columns: Record<string, string> } | undefined {
  const def = models.get(model);
  return def && { table: def.table, columns: Object.fromEntries([...def.fields].map(([name, field]) => [name, field.column])) };
}

let driver: (() => Promise<SqlDriverAdapter>) | undefined;

/** Where plain reads are sent: the connected adapter Prisma's client uses (see sharedConnection). */
export function setPlainReadDriver(connect: () => Promise<SqlDriverAdapter>): void {
  driver = connect;
}

/** Thrown while compiling: the arguments are not a plain read. */
const notPlain = new Error('not a plain read');

const MAX_LIST = 1000;

/** The arguments of `findMany` a plain read takes (`relationLoadStrategy` changes nothing here: everything is joined). */
const findManyKeys = new Set(['select', 'where', 'orderBy', 'skip', 'take', 'relationLoadStrategy']);

function modelOf(name: string): Model {
  const model = models.get(name);
  if (!model) throw notPlain;
  return model;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !Prisma.Decimal.isDecimal(value);

/** A selection as columns of one row: the model's own and those of its to-one relations, joined. */
interface Shape {
  model: Model;
  alias: string;
  columns: { name: string; field: Field; at: number }[];
  /** Where the joined row's key is: null there means no related row. */
  presence?: number;
  one: { name: string; shape: Shape }[];
  /** To-many relations: at `at`, an array of their rows, each an array of text in `shape`'s positions. */
  many: { name: string; shape: Shape; at: number }[];
}

/**
 * One SELECT being written: its table aliases, joins and outputs. A to-many relation is a sub-SELECT of its own
 * (`child`) that shares the parameters and aliases of the statement it is in, and writes its columns as text.
 */
class Statement {
  readonly joins: string[] = [];
  readonly outputs: string[] = [];
  private readonly joined = new Map<string, string>();

  constructor(
    readonly args: unknown[] = [],
    private readonly aliases = { next: 0 },
    /** Inside a to-many relation's sub-SELECT: its columns are text in an array. */
    readonly nested = false,
    /** Whether the statement, or a sub-SELECT in it, skips rows. */
    readonly window = { skips: false },
  ) {}

  child(): Statement {
    if (this.nested) throw notPlain;
    return new Statement(this.args, this.aliases, true, this.window);
  }

  alias(): string {
    return `t${this.aliases.next++}`;
  }

  param(value: unknown): string {
    this.args.push(value);
    return `$${this.args.length}`;
  }

  output(sql: string): number {
    this.outputs.push(this.nested ? `${sql}::text` : `${sql} AS "c${this.outputs.length}"`);
    return this.outputs.length - 1;
  }

  /** The alias of a to-one relation's row, LEFT JOINed once per statement. */
  join(model: Model, alias: string, name: string): { model: Model; alias: string } {
    const relation = model.relations.get(name);
    if (!relation || relation.many) throw notPlain;
    const target = modelOf(relation.target);
    const key = `${alias}.${name}`;
    let joined = this.joined.get(key);
    if (!joined) {
      joined = this.alias();
      this.joined.set(key, joined);
      this.joins.push(`LEFT JOIN "public"."${target.table}" AS "${joined}" ON "${joined}"."${relation.to}" = "${alias}"."${relation.from}"`);
    }
    return { model: target, alias: joined };
  }

  select(model: Model, alias: string, select: unknown, presence?: string): Shape {
    if (!isObject(select)) throw notPlain;
    const shape: Shape = { model, alias, columns: [], one: [], many: [] };
    if (presence) shape.presence = this.output(`"${alias}"."${presence}"`);
    for (const [name, wanted] of Object.entries(select)) {
      if (wanted === undefined || wanted === false) continue;
      const field = model.fields.get(name);
      if (field) {
        // A list column inside a relation's array would arrive as the text of an array.
        if (wanted !== true || (this.nested && field.isList)) throw notPlain;
        shape.columns.push({ name, field, at: this.output(`"${alias}"."${field.column}"`) });
        continue;
      }
      const relation = model.relations.get(name);
      if (!relation) throw notPlain;
      const args = wanted === true ? { select: allColumns(modelOf(relation.target)) } : wanted;
      if (!isObject(args)) throw notPlain;
      if (relation.many) {
        const child = this.child();
        const sql = child.findMany(modelOf(relation.target), args, (at) => `"${at}"."${relation.to}" = "${alias}"."${relation.from}"`);
        shape.many.push({ name, shape: sql.shape, at: this.output(`ARRAY(${sql.sql})`) });
        continue;
      }
      if (Object.keys(args).some((key) => key !== 'select')) throw notPlain;
      const target = this.join(model, alias, name);
      shape.one.push({ name, shape: this.select(target.model, target.alias, args.select, relation.to) });
    }
    return shape;
  }

  where(model: Model, alias: string, where: unknown): string {
    if (where === undefined) return 'TRUE';
    if (!isObject(where)) throw notPlain;
    const terms: string[] = [];
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined) continue;
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        const parts = (Array.isArray(value) ? value : [value]).map((item) => this.where(model, alias, item));
        if (key === 'AND') terms.push(parts.length ? `(${parts.join(' AND ')})` : 'TRUE');
        else if (key === 'NOT') terms.push(...parts.map((part) => `NOT ${part}`));
        // Prisma 7 drops an empty OR nested in an AND (it then matches every row); the compiler never writes one.
        else if (parts.length === 0) throw notPlain;
        else terms.push(`(${parts.join(' OR ')})`);
        continue;
      }
      const field = model.fields.get(key);
      terms.push(field ? this.condition(field, `"${alias}"."${field.column}"`, value) : this.related(model, alias, key, value));
    }
    return terms.length ? `(${terms.join(' AND ')})` : 'TRUE';
  }

  /** A condition on a relation: whether a related row matching it exists. */
  private related(model: Model, alias: string, name: string, filter: unknown): string {
    const relation = model.relations.get(name);
    if (!relation || !isObject(filter)) throw notPlain;
    const entries = Object.entries(filter).filter(([, value]) => value !== undefined);
    if (entries.length !== 1) throw notPlain;
    const [operator, inner] = entries[0]!;
    const expected = relation.many ? ['some', 'none'] : ['is', 'isNot'];
    if (!expected.includes(operator)) throw notPlain;
    const negated = operator === 'none' || operator === 'isNot';
    if (inner === null) {
      if (relation.many) throw notPlain;
      return `"${alias}"."${relation.from}" IS ${negated ? 'NOT ' : ''}NULL`;
    }
    if (!relation.many) {
      // As Prisma writes it, null included: a condition on a null column of the related row is null, and so is its
      // negation (`NOT { recipient: { is: { recipientName: … } } }` leaves out recipients without a name).
      const joined = this.join(model, alias, name);
      const present = `"${joined.alias}"."${relation.to}"`;
      const matches = `(${this.where(joined.model, joined.alias, inner)} AND ${present} IS NOT NULL)`;
      return negated ? `((NOT ${matches}) OR ${present} IS NULL)` : matches;
    }
    const target = modelOf(relation.target);
    const within = new Statement(this.args, this.aliases);
    const child = within.alias();
    const condition = within.where(target, child, inner);
    const from = `"public"."${target.table}" AS "${child}"${within.joins.map((join) => ` ${join}`).join('')}`;
    const exists = `EXISTS (SELECT 1 FROM ${from} WHERE "${child}"."${relation.to}" = "${alias}"."${relation.from}" AND ${condition})`;
    return negated ? `NOT ${exists}` : exists;
  }

  private condition(field: Field, column: string, filter: unknown): string {
    if (filter === null) return `${column} IS NULL`;
    if (!isObject(filter)) return `${column} = ${this.value(field, filter)}`;
    const { mode, ...operators } = filter;
    const insensitive = mode === 'insensitive';
    if (mode !== undefined && !insensitive && mode !== 'default') throw notPlain;
    const terms = Object.entries(operators)
      .filter(([, value]) => value !== undefined)
      .map(([operator, value]) => this.operator(field, column, operator, value, insensitive));
    if (terms.length === 0) throw notPlain;
    return terms.length === 1 ? terms[0]! : `(${terms.join(' AND ')})`;
  }

  private value(field: Field, value: unknown): string {
    return this.param(argument(field, value));
  }

  private operator(field: Field, column: string, operator: string, value: unknown, insensitive: boolean): string {
    const text = field.type === 'String' && !field.isList;
    switch (operator) {
      case 'equals':
        if (value === null) return `${column} IS NULL`;
        if (field.isList) throw notPlain;
        return insensitive && text ? `${column}::text ILIKE ${this.value(field, value)}` : `${column} = ${this.value(field, value)}`;
      case 'not':
        // Prisma's `not: value` also keeps rows where the column is null; only `not: null` is plain.
        if (value !== null) throw notPlain;
        return `${column} IS NOT NULL`;
      case 'in': {
        if (!Array.isArray(value) || value.length > MAX_LIST || field.isList) throw notPlain;
        if (value.length === 0) return 'FALSE';
        if (value.length === 1) {
          const one = this.value(field, value[0]);
          return insensitive && text ? `LOWER(${column}) = LOWER(${one})` : `${column} = ${one}`;
        }
        // A case-insensitive list is one array parameter, lowered once by PostgreSQL's LOWER (an init plan), as
        // Prisma's `LOWER(col) IN (LOWER($1), …)` lowers it: in a generic plan that list is an array PostgreSQL builds
        // again at every row it tests, lowering every item there. Other lists keep a parameter per item, which the
        // planner counts: with an array of unknown length it guesses ten items, and a prepared page whose generic plan
        // looks costlier than its custom ones is planned again at every execution.
        if (insensitive && text) return `LOWER(${column}) = ANY(ARRAY(SELECT LOWER(item) FROM unnest(${this.param(value.map((item) => argument(field, item)))}::text[]) AS item))`;
        return `${column} IN (${value.map((item) => this.value(field, item)).join(', ')})`;
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        if (field.isList) throw notPlain;
        const sign = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[operator];
        return `${column} ${sign} ${this.value(field, value)}`;
      }
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        if (!text || typeof value !== 'string') throw notPlain;
        const pattern = operator === 'contains' ? `%${value}%` : operator === 'startsWith' ? `${value}%` : `%${value}`;
        return `${column}::text ${insensitive ? 'ILIKE' : 'LIKE'} ${this.param(pattern)}`;
      }
      case 'hasEvery':
      case 'hasSome': {
        if (!field.isList || field.type !== 'String' || !Array.isArray(value) || value.length > MAX_LIST) throw notPlain;
        if (value.some((item) => typeof item !== 'string')) throw notPlain;
        return `${column} ${operator === 'hasEvery' ? '@>' : '&&'} ${this.param(value)}::text[]`;
      }
      default:
        throw notPlain;
    }
  }

  /**
   * `findMany(args)` as this statement: the selection (joins for to-one relations, sub-SELECTs for to-many ones),
   * the where, the order and the window; `link` is the condition that ties a to-many relation's rows to its parent.
   */
  findMany(model: Model, args: Args, link?: (alias: string) => string): Compiled {
    if (Object.keys(args).some((key) => args[key] !== undefined && !findManyKeys.has(key))) throw notPlain;
    const alias = this.alias();
    const shape = this.select(model, alias, args.select);
    if (this.outputs.length === 0) throw notPlain;
    const where = [this.where(model, alias, args.where)];
    if (link) where.unshift(link(alias));
    const order = this.orderBy(model, alias, args.orderBy);
    const columns = this.nested ? `ARRAY[${this.outputs.join(', ')}]` : this.outputs.join(', ');
    let sql = `SELECT ${columns} FROM "public"."${model.table}" AS "${alias}"${this.joins.map((join) => ` ${join}`).join('')} WHERE ${where.join(' AND ')}${order}`;
    // The window as literals (integers checked here): with `LIMIT $n` PostgreSQL's plan for any n looks costlier than
    // the plan for the given one, so it would never keep a generic plan of a prepared statement (statement-names.ts).
    // A statement that skips rows is one page of many: it is not prepared.
    const { skip, take } = args;
    if (take !== undefined) {
      if (typeof take !== 'number' || !Number.isSafeInteger(take) || take < 0) throw notPlain;
      sql += ` LIMIT ${take}`;
    }
    if (skip !== undefined) {
      if (typeof skip !== 'number' || !Number.isSafeInteger(skip) || skip < 0) throw notPlain;
      if (skip > 0) {
        sql += ` OFFSET ${skip}`;
        this.window.skips = true;
      }
    }
    return { sql, args: this.args, shape, prepare: !this.window.skips };
  }

  orderBy(model: Model, alias: string, orderBy: unknown): string {
    const entries = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
    const parts: string[] = [];
    const add = (on: Model, at: string, entry: unknown) => {
      if (!isObject(entry)) throw notPlain;
      for (const [name, how] of Object.entries(entry)) {
        const field = on.fields.get(name);
        if (!field) {
          const joined = this.join(on, at, name);
          add(joined.model, joined.alias, how);
          continue;
        }
        const column = `"${at}"."${field.column}"`;
        if (how === 'asc' || how === 'desc') parts.push(`${column} ${how.toUpperCase()}`);
        else if (isObject(how)) {
          const { sort, nulls, ...rest } = how;
          if (Object.keys(rest).length || (sort !== 'asc' && sort !== 'desc') || (nulls !== undefined && nulls !== 'first' && nulls !== 'last')) throw notPlain;
          parts.push(`${column} ${sort.toUpperCase()}${nulls ? ` NULLS ${nulls.toUpperCase()}` : ''}`);
        } else throw notPlain;
      }
    };
    for (const entry of entries) add(model, alias, entry);
    return parts.length ? ` ORDER BY ${parts.join(', ')}` : '';
  }
}

function allColumns(model: Model): Record<string, true> {
  return Object.fromEntries([...model.fields.keys()].map((name) => [name, true as const]));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A filter value as the driver takes it: text for dates and decimals (PostgreSQL reads them in the column's type). */
function argument(field: Field, value: unknown): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw notPlain;
    const ms = value.getUTCMilliseconds();
    return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
  }
  if (Prisma.Decimal.isDecimal(value)) return (value as Prisma.Decimal).toFixed();
  switch (field.type) {
    case 'Int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw notPlain;
      return value;
    case 'Decimal':
    case 'Float':
      if (typeof value !== 'number' && typeof value !== 'string') throw notPlain;
      return String(value);
    case 'BigInt':
      if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'bigint') throw notPlain;
      return String(value);
    case 'Boolean':
      if (typeof value !== 'boolean') throw notPlain;
      return value;
    case 'String':
      if (typeof value !== 'string') throw notPlain;
      return value;
    case 'DateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw notPlain;
      return argument(field, new Date(value));
    default:
      throw notPlain;
  }
}

const hasZone = /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/;

/** A column's value as Prisma's client gives it (numeric as text). */
function fromDriver(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.isList) return Array.isArray(value) ? value.map((item) => fromDriver({ ...field, isList: false }, item)) : value;
  switch (field.type) {
    case 'Decimal':
      // The column's decimal text, every digit kept: the money fields format text and Decimals alike (fixedDecimal),
      // and a hundred Decimals a page were a twentieth of the server's CPU.
      return String(value);
    case 'Int':
    case 'Float':
      return typeof value === 'number' ? value : Number(value);
    case 'BigInt':
      return BigInt(value as string);
    case 'DateTime': {
      if (value instanceof Date) return value;
      const text = String(value);
      if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(`${text}T00:00:00.000Z`);
      const iso = text.replace(' ', 'T');
      return new Date(hasZone.test(iso) ? iso : `${iso}Z`);
    }
    case 'Boolean':
      return typeof value === 'boolean' ? value : value === 't' || value === 'true';
    default:
      return value;
  }
}

function build(shape: Shape, row: unknown[]): Record<string, unknown> | null {
  if (shape.presence !== undefined && (row[shape.presence] === null || row[shape.presence] === undefined)) return null;
  const out: Record<string, unknown> = {};
  for (const column of shape.columns) out[column.name] = fromDriver(column.field, row[column.at]);
  for (const { name, shape: inner } of shape.one) out[name] = build(inner, row);
  for (const { name, shape: inner, at } of shape.many) out[name] = ((row[at] ?? []) as unknown[][]).map((child) => build(inner, child));
  return out;
}

async function send(sql: string, args: unknown[], prepare: boolean) {
  const query: NamedQuery = { sql, args, argTypes: args.map(() => ({ scalarType: 'unknown', arity: 'scalar' })) };
  if (prepare) query.statementName = preparedName(sql);
  return (await driver!()).queryRaw(query);
}

interface Compiled {
  sql: string;
  args: unknown[];
  shape: Shape;
  /** Whether to send it as a prepared statement once it recurs (statement-names.ts). */
  prepare: boolean;
}

/** Reads every row of `compiled` as Prisma's client gives it. */
async function read(compiled: Compiled): Promise<Record<string, unknown>[]> {
  const result = await send(compiled.sql, compiled.args, compiled.prepare);
  return result.rows.map((row) => build(compiled.shape, row)!);
}

function compile(model: string, work: (model: Model) => Compiled): Compiled | undefined {
  const def = models.get(model);
  if (!def || !driver) return undefined;
  try {
    return work(def);
  } catch (error) {
    if (error === notPlain) return undefined;
    throw error;
  }
}

/**
 * `findMany(args)` on `model` as plain statements, or undefined when the arguments are not a plain read. The
 * selection must be a `select` (columns with `true`, relations with `true` or their own `select`).
 */
export function plainFindMany<T>(model: string, args: Args): Promise<T[]> | undefined {
  const compiled = compile(model, (def) => new Statement().findMany(def, args));
  return compiled && (read(compiled) as Promise<T[]>);
}

/** `count({ where })` on `model` as one plain statement, or undefined when the filter is not plain. */
export function plainCount(model: string, where: Where | undefined): Promise<number> | undefined {
  const compiled = compile(model, (def) => {
    const statement = new Statement();
    const alias = statement.alias();
    const condition = statement.where(def, alias, where);
    const shape: Shape = { model: def, alias, columns: [], one: [], many: [] };
    const joins = statement.joins.map((join) => ` ${join}`).join('');
    return { sql: `SELECT COUNT(*) AS "count" FROM "public"."${def.table}" AS "${alias}"${joins} WHERE ${condition}`, args: statement.args, shape, prepare: true };
  });
  return compiled && send(compiled.sql, compiled.args, compiled.prepare).then((result) => Number(result.rows[0]?.[0] ?? 0));
}
