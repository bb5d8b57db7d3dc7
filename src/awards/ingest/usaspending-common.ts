import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../db.js';

export const AWARD_TABLES = ['toptier_agency', 'subtier_agency', 'agency', 'location', 'recipient', 'award', 'transaction'] as const;
export type AwardTable = (typeof AWARD_TABLES)[number];

export { awardCategory, awardTypes } from './usaspending-types.js';

/** Takes `n` ids from the table's own sequence, so rows can reference each other before they are written. */
export async function reserveIds(tx: Tx, table: AwardTable, n: number): Promise<number[]> {
  if (n === 0) return [];
  const rows = await tx.$queryRaw<{ id: number }[]>(
    Prisma.sql`SELECT nextval(pg_get_serial_sequence(${`"${table}"`}, 'id'))::int AS id FROM generate_series(1, ${n})`,
  );
  return rows.map((row) => Number(row.id));
}

/** Moves each sequence past the largest id present, after rows were inserted with explicit ids. */
export async function bumpSequences(tx: Tx): Promise<void> {
  for (const table of AWARD_TABLES) {
    await tx.$executeRaw(
      Prisma.sql`SELECT setval(pg_get_serial_sequence(${`"${table}"`}, 'id'), GREATEST((SELECT coalesce(max(id), 0) FROM ${Prisma.raw(`"${table}"`)}), 1))`,
    );
  }
}

export async function inBatches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>, size = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/** "M/D/YYYY" or "YYYY-MM-DD" as a UTC date; null when blank or invalid. */
export function parseDate(raw: string | null | undefined): Date | null {
  const value = raw?.trim();
  if (!value) return null;
  let match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (match) return new Date(Date.UTC(Number(match[3]), Number(match[1]) - 1, Number(match[2])));
  match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (match) return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return null;
}

/**
 * A money cell as exact decimal text with two decimals ("1234.5" → "1234.50", "-0.005" → "-0.01", half away from
 * zero), or null when it is not a decimal number; a thousands separator or a leading "$" is allowed. Never a float.
 */
export function decimalText(raw: string): string | null {
  const match = /^([+-])?\$?(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/.exec(raw.trim());
  if (!match || (match[2] === undefined && !match[3])) return null;
  const negative = match[1] === '-';
  const whole = (match[2] ?? '0').replace(/,/g, '');
  const fraction = match[3] ?? '';
  let cents = BigInt(whole + fraction.slice(0, 2).padEnd(2, '0'));
  if (fraction.length > 2 && fraction[2]! >= '5') cents += 1n;
  if (cents === 0n) return '0.00';
  const text = cents.toString().padStart(3, '0');
  return `${negative ? '-' : ''}${text.slice(0, -2)}.${text.slice(-2)}`;
}
