import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../db.js';
import { sqlState } from '../../shared/database-errors.js';
import { decimalAmount, isPlainDecimal } from '../../shared/exact.js';
import { IngestError } from '../../shared/ingest/types.js';

export const AWARD_TABLES = [
  'toptier_agency', 'subtier_agency', 'agency', 'location', 'recipient', 'award', 'transaction',
  'submission_attributes', 'federal_account', 'treasury_appropriation_account', 'appropriation_account_balances',
  'ref_program_activity', 'object_class', 'financial_accounts_by_program_activity_object_class', 'financial_accounts_by_awards',
] as const;
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

/**
 * Sets each award's total obligation of the dataset to the exact sum of its transactions' obligations, in the
 * database (numeric arithmetic); an award whose transactions carry no amount totals 0.00.
 */
export async function sumAwardTotals(tx: Tx, datasetId: number): Promise<void> {
  try {
    await tx.$executeRaw`
      UPDATE "award" a SET total_obligation = t.total
      FROM (SELECT award_id, coalesce(sum(federal_action_obligation), 0) AS total
            FROM "transaction" WHERE dataset_id = ${datasetId} AND award_id IS NOT NULL GROUP BY award_id) t
      WHERE a.id = t.award_id AND a.dataset_id = ${datasetId}`;
  } catch (error) {
    if (sqlState(error) === '22003') {
      throw new IngestError('the transactions of an award add up to more than an amount holds (18 digits before the point)');
    }
    throw error;
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

/** "2050: INTERNAL REVENUE SERVICE" → ["2050", "INTERNAL REVENUE SERVICE"]. */
export function codeAndName(raw: string | null | undefined): [string | null, string | null] {
  const value = raw?.trim();
  if (!value) return [null, null];
  const at = value.indexOf(':');
  if (at < 0) return [value, null];
  const code = value.slice(0, at).trim();
  const name = value.slice(at + 1).trim();
  return [code || null, name || null];
}

export function blank(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  return value ? value : null;
}

/**
 * An amount for a numeric(20, 2) column, from its decimal text and never through a float: rounded to cents half away
 * from zero (1.005 → 1.01, -1.005 → -1.01), the rounding PostgreSQL applies when it stores a value in such a column.
 * Blank is null; anything else that is not a plain decimal number, or does not fit (18 digits before the point),
 * stops the load.
 */
export function money(raw: string | null | undefined, column: string): string | null {
  const value = raw?.trim();
  if (!value) return null;
  const amount = decimalAmount(value, 2, 20);
  if (amount !== null) return amount;
  const problem = isPlainDecimal(value) ? 'is too large for an amount (at most 18 digits before the point)' : 'is not an amount';
  throw new IngestError(`column "${column}": ${JSON.stringify(raw)} ${problem}`);
}
