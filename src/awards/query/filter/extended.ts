import { Prisma } from '../../../generated/prisma/client.js';
import { badInput } from '../../../errors.js';
import type { Condition, InputPath } from '../../../shared/filter/ast.js';
import { fmtPath, type ModelName } from '../registry.js';

/**
 * Field paths of the v1 dialect that the registry's fixed relations do not hold: an award's transactions
 * (`transaction__description`, a reverse relation: any of the award's transactions may match) and the keys of a
 * transaction's contract or assistance data (`contract_data__naics`, JSON loaded as the source had it).
 */

const jsonColumns: Record<string, string> = { contract_data: 'contract_data', contractData: 'contract_data', assistance_data: 'assistance_data', assistanceData: 'assistance_data' };

function segments(field: string): string[] {
  return field.includes('__') ? field.split('__') : field.split('.');
}

/** The transaction field an award path names through `transaction__…` (or `transactions.…`), else null. */
export function transactionField(root: ModelName, field: unknown): string | null {
  if (root !== 'Award' || typeof field !== 'string') return null;
  const [head, ...rest] = segments(field);
  if ((head !== 'transaction' && head !== 'transactions') || rest.length === 0) return null;
  return rest.join(field.includes('__') ? '__' : '.');
}

export interface JsonField {
  /** Column of the transaction table. */
  column: string;
  /** Keys into the JSON value; empty for the whole value. */
  keys: string[];
}

/** A transaction's `contract_data[__key…]` or `assistance_data[__key…]`, else null. */
export function jsonField(root: ModelName, field: unknown): JsonField | null {
  if (root !== 'Transaction' || typeof field !== 'string') return null;
  const [head, ...keys] = segments(field);
  const column = head ? jsonColumns[head] : undefined;
  if (!column) return null;
  if (keys.length > 4 || keys.some((key) => !/^[A-Za-z0-9_]{1,100}$/.test(key))) {
    throw badInput(`unknown field "${field.slice(0, 200)}" on Transaction`, []);
  }
  return { column, keys };
}

/** The JSON value as text (`contract_data #>> '{naics}'`), for grouping and comparing. */
export function jsonText(alias: string, field: JsonField): Prisma.Sql {
  const column = Prisma.raw(`${alias}."${field.column}"`);
  // The keys are written into the SQL (jsonField allows letters, digits and `_` only): a bound parameter would make
  // the select expression and the GROUP BY expression differ for PostgreSQL.
  return field.keys.length ? Prisma.sql`(${column} #>> ${Prisma.raw(`'{${field.keys.join(',')}}'`)})` : Prisma.sql`(${column}::text)`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function text(value: unknown, at: InputPath): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.length > 1000 || value.includes('\u0000')) {
    throw badInput(`${fmtPath(at)}: expected a text value of at most 1000 characters`, at);
  }
  return value;
}

/**
 * A condition on contract or assistance data as SQL on the transaction table: text comparisons ignore case, as
 * `equals` on text fields does; `is_null` on the whole value asks whether the transaction has that part at all.
 */
export function jsonConditionSql(field: JsonField, node: Condition, fieldAt: InputPath, valueAt: InputPath): Prisma.Sql {
  const value = node.value;
  const isNull = node.op === 'isNull' || (node.op === 'equals' && value === null);
  if (isNull) {
    const wanted = node.op === 'equals' ? true : value === true || value === 'true' ? true : value === false || value === 'false' ? false : null;
    if (wanted === null) throw badInput(`${fmtPath(valueAt)}: operation 'is_null' needs true or false`, valueAt);
    const whole = Prisma.raw(`"${field.column}"`);
    const test = field.keys.length
      ? Prisma.sql`${jsonText('"transaction"', field)} IS NULL`
      : Prisma.sql`(${whole} IS NULL OR ${whole} = 'null'::jsonb)`;
    return wanted ? test : Prisma.sql`NOT ${test}`;
  }
  if (field.keys.length === 0) {
    throw badInput(`${fmtPath(fieldAt)}: name a key of ${field.column} (such as ${field.column}__piid) to compare it`, fieldAt);
  }
  const column = jsonText('"transaction"', field);
  switch (node.op) {
    case 'equals':
      return Prisma.sql`lower(${column}) = lower(${text(value, valueAt)})`;
    case 'in': {
      if (!Array.isArray(value) || value.length > 1000) throw badInput(`${fmtPath(valueAt)}: Invalid value, operation 'in' requires an array value`, valueAt);
      const lowered = value.map((item, i) => text(item, [...valueAt, i]).toLowerCase());
      return Prisma.sql`lower(${column}) = ANY(${lowered}::text[])`;
    }
    case 'contains':
      return Prisma.sql`${column} ILIKE ${`%${escapeLike(text(value, valueAt))}%`}`;
    case 'startsWith':
      return Prisma.sql`${column} ILIKE ${`${escapeLike(text(value, valueAt))}%`}`;
    case 'search': {
      const terms = text(value, valueAt).split(/\s+/).filter(Boolean).slice(0, 32);
      if (terms.length === 0) return Prisma.sql`FALSE`;
      return Prisma.join(terms.map((term) => Prisma.sql`${column} ILIKE ${`%${escapeLike(term)}%`}`), ' AND ');
    }
    default:
      throw badInput(
        `${fmtPath(fieldAt)}: operation '${node.op}' does not apply to ${field.column} keys; use equals, in, contains, search or is_null`,
        fieldAt,
      );
  }
}
