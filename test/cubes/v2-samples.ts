import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** The bundled cube samples read straight from their CSV files: what the v2 tests compute expectations from. */

export type CsvRow = Record<string, string>;

function readCsv(path: string): CsvRow[] {
  return parse(readFileSync(new URL(`../../samples/cubes/${path}`, import.meta.url)), { columns: true, skip_empty_lines: true }) as CsvRow[];
}

/** babbage's `cra` fact table; its header names carry `:type` suffixes, dropped here. */
export const craRows: CsvRow[] = readCsv('cra/cra.csv').map((row) =>
  Object.fromEntries(Object.entries(row).map(([key, value]) => [key.replace(/:.*$/, ''), value])),
);
export const cofog1Rows: CsvRow[] = readCsv('cra/cofog1.csv');
export const ukRows: CsvRow[] = readCsv('uk-sample/dataset.csv');

/** Values counted, most frequent first (ties by value), like a facet. */
export function counted(values: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The exact decimal sum of decimal texts, as text (no float on the way). */
export function exactSum(values: string[]): string {
  const scale = Math.max(0, ...values.map((v) => (v.split('.')[1] ?? '').length));
  let total = 0n;
  for (const value of values) {
    const [whole, fraction = ''] = value.split('.');
    const negative = whole!.startsWith('-');
    const digits = BigInt(`${whole!.replace('-', '')}${fraction.padEnd(scale, '0')}`);
    total += negative ? -digits : digits;
  }
  const negative = total < 0n;
  const text = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const out = scale ? `${text.slice(0, -scale)}.${text.slice(-scale)}`.replace(/\.?0+$/, '') : text;
  return negative ? `-${out}` : out;
}

/** Whether every word appears, ignoring case, among the row's values (a word, or the word with an English plural). */
export function hasWords(row: CsvRow, words: string[]): boolean {
  const text = Object.values(row).join(' ').toLowerCase();
  return words.every((word) => new RegExp(`\\b${word}s?\\b`).test(text));
}
