import { Decimal } from 'decimal.js';
import { isLosslessNumber, LosslessNumber, stringify } from 'lossless-json';

/**
 * Exact numbers on their way through: decimal text in, PostgreSQL `numeric` (or a JSONB number, which is numeric)
 * in the database, and on the way out JSON number text carrying every digit (REST) or a decimal string (GraphQL).
 * Nothing here goes through a JS number.
 */

/** Arithmetic without rounding: a sum or product keeps every digit (decimal.js rounds to 20 digits by default). */
const Exact = Decimal.clone({ precision: 1_000_000_000, rounding: Decimal.ROUND_HALF_UP, toExpPos: 9e15, toExpNeg: -9e15 });

/**
 * A number kept as its decimal text. The REST dialects write it as a JSON number literal with `exactJson`; plain
 * `JSON.stringify` (GraphQL's JSON scalar, `c.json`) writes the decimal string instead, never a float.
 */
export class ExactNumber extends LosslessNumber {
  toJSON(): string {
    return this.value;
  }
}

export function isExactNumber(value: unknown): value is LosslessNumber {
  return isLosslessNumber(value);
}

/** JSON text in which exact numbers are number literals with all their digits (indented by `indent` spaces if given). */
export function exactJson(body: unknown, indent?: number): string {
  return stringify(body, undefined, indent) ?? 'null';
}

/** Decimal text from the database (or a stored measure) as an exact number; null when it is missing or not a number. */
export function exactNumberOf(text: unknown): ExactNumber | null {
  if (text === null || text === undefined) return null;
  const value = String(text);
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) ? new ExactNumber(value) : null;
}

const jsonNumber = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

/** PostgreSQL's numeric holds at most 131,072 digits before the point and 16,383 after. */
function withinNumeric(value: Decimal): boolean {
  return value.isZero() || (value.e < 131_072 && value.e >= -16_383);
}

/**
 * Number text (already checked to be a decimal number, optionally signed, with an exponent) times `factor`, as a JSON
 * number literal; null when it is outside what PostgreSQL's numeric holds. Text that already is a JSON number and
 * needs no scaling is kept as written (trailing zeros too).
 */
export function jsonNumberText(text: string, factor: number | string = 1): string | null {
  const unsigned = text.startsWith('+') ? text.slice(1) : text;
  if (String(factor) === '1' && jsonNumber.test(unsigned)) {
    // Without an exponent, any cell shorter than numeric's 16,383 fraction digits fits.
    if (unsigned.length < 16_000 && !/[eE]/.test(unsigned)) return unsigned;
    return withinNumeric(new Exact(unsigned)) ? unsigned : null;
  }
  const value = new Exact(unsigned).times(new Exact(String(factor)));
  return withinNumeric(value) ? value.toFixed() : null;
}

/** Digits with an optional sign and fraction: `12`, `-3.5`, `+.25`, `4.` (no exponent, no grouping). */
export function isPlainDecimal(text: string): boolean {
  return /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text);
}

/**
 * A decimal amount of money with `scale` digits after the point, rounded half away from zero (1.005 → 1.01), as
 * PostgreSQL rounds a value stored in a numeric(p, scale) column; null when `text` is not a plain decimal number
 * (digits, an optional sign and fraction) or when the rounded value needs more than `precision` digits.
 */
export function decimalAmount(text: string, scale: number, precision: number): string | null {
  if (!isPlainDecimal(text)) return null;
  const rounded = new Exact(text).toFixed(scale, Decimal.ROUND_HALF_UP);
  const digits = rounded.replace(/^-/, '').replace('.', '').replace(/^0+(?=\d)/, '');
  if (digits.length > precision) return null;
  return rounded === `-${(0).toFixed(scale)}` ? rounded.slice(1) : rounded;
}

/**
 * A decimal value from the database (a Prisma Decimal, whose text drops trailing zeros, or decimal text) written with
 * the column's scale: 1.00, not 1. A JS number is refused: it would already have lost digits.
 */
export function fixedDecimal(value: unknown, scale: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') throw new TypeError('a decimal value arrived as a JS number');
  // A Prisma Decimal formats itself exactly (and a numeric column never has more digits than its scale).
  if (typeof value === 'object' && typeof (value as { toFixed?: unknown }).toFixed === 'function') {
    return (value as { toFixed(dp: number): string }).toFixed(scale);
  }
  const text = String(value);
  // PostgreSQL writes a numeric(p, scale) value with exactly `scale` digits after the point: nothing to redo.
  if (hasScale(text, scale)) return text;
  return new Exact(text).toFixed(scale);
}

/** `text` is `-?digits.digits` with exactly `scale` digits after the point (at least one), as PostgreSQL writes numeric(p, scale). */
function hasScale(text: string, scale: number): boolean {
  const point = text.length - scale - 1;
  if (scale < 1 || point < 1 || text.charCodeAt(point) !== 46) return false;
  for (let i = text.charCodeAt(0) === 45 ? 1 : 0; i < text.length; i += 1) {
    if (i === point) continue;
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return text.charCodeAt(0) !== 45 || point > 1;
}
