import type { NowParam } from './language/ast.js';

/** A period [start, end) named by a date literal of some precision. */
export interface Period {
  start: Date;
  end: Date;
}

const SIMPLE = /^(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?$/;

/** Parses YYYY, YYYY/MM, YYYY/MM/DD (or with dashes) and ISO 8601 date-times; undefined when it is none of them. */
export function parsePeriod(text: string): Period | undefined {
  const simple = SIMPLE.exec(text);
  if (simple) {
    const year = Number(simple[1]);
    const month = simple[2] ? Number(simple[2]) : undefined;
    const day = simple[3] ? Number(simple[3]) : undefined;
    if (month !== undefined && (month < 1 || month > 12)) return undefined;
    const start = new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1));
    if (day !== undefined && start.getUTCDate() !== day) return undefined;
    const end =
      day !== undefined
        ? new Date(Date.UTC(year, month! - 1, day + 1))
        : month !== undefined
          ? new Date(Date.UTC(year, month, 1))
          : new Date(Date.UTC(year + 1, 0, 1));
    return { start, end };
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) {
    const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`;
    const at = new Date(iso.replace(' ', 'T'));
    if (Number.isNaN(at.getTime())) return undefined;
    return { start: at, end: new Date(at.getTime() + 1000) };
  }
  return undefined;
}

const RELATIVE: Record<string, (d: Date, n: number) => void> = {
  years: (d, n) => d.setUTCFullYear(d.getUTCFullYear() + n),
  months: (d, n) => d.setUTCMonth(d.getUTCMonth() + n),
  weeks: (d, n) => d.setUTCDate(d.getUTCDate() + 7 * n),
  days: (d, n) => d.setUTCDate(d.getUTCDate() + n),
  hours: (d, n) => d.setTime(d.getTime() + n * 3_600_000),
  minutes: (d, n) => d.setTime(d.getTime() + n * 60_000),
  seconds: (d, n) => d.setTime(d.getTime() + n * 1000),
  microseconds: (d, n) => d.setTime(d.getTime() + n / 1000),
};

const ABSOLUTE: Record<string, (d: Date, n: number) => void> = {
  year: (d, n) => d.setUTCFullYear(n),
  month: (d, n) => d.setUTCMonth(n - 1),
  day: (d, n) => d.setUTCDate(n),
  hour: (d, n) => d.setUTCHours(n),
  minute: (d, n) => d.setUTCMinutes(n),
  second: (d, n) => d.setUTCSeconds(n),
  microsecond: (d, n) => d.setUTCMilliseconds(Math.floor(n / 1000)),
};

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * Evaluates #now(...) like dateutil's relativedelta: absolute parts first, then relative offsets, then `weekday`
 * moves to the n-th such day on or after (n > 0) or on or before (n < 0) the date. Throws a message on bad input.
 */
export function evalNow(params: NowParam[], now = new Date()): Date {
  const d = new Date(now.getTime());
  let weekday: { day: number; n: number } | undefined;
  for (const { key, value } of params) {
    if (key === 'weekday') {
      if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < 0 || value > 6) throw new Error('weekday must be 0 (Monday) to 6 (Sunday)');
        weekday = { day: value, n: 1 };
      } else {
        const day = WEEKDAYS.indexOf(value.weekday);
        if (day < 0) throw new Error(`unknown weekday "${value.weekday}"`);
        weekday = { day, n: value.n ?? 1 };
      }
    } else if (typeof value !== 'number') {
      throw new Error(`${key} takes a number`);
    } else if (!(key in ABSOLUTE) && !(key in RELATIVE)) {
      throw new Error(`unknown #now parameter "${key}"`);
    }
  }
  for (const { key, value } of params) if (key in ABSOLUTE) ABSOLUTE[key]!(d, value as number);
  for (const { key, value } of params) if (key in RELATIVE) RELATIVE[key]!(d, value as number);
  if (weekday) {
    const current = (d.getUTCDay() + 6) % 7;
    const n = weekday.n === 0 ? 1 : weekday.n;
    if (n > 0) d.setUTCDate(d.getUTCDate() + ((weekday.day - current + 7) % 7) + 7 * (n - 1));
    else d.setUTCDate(d.getUTCDate() - ((current - weekday.day + 7) % 7) + 7 * (n + 1));
  }
  return d;
}

/** "YYYY-MM-DD" of a date in UTC. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
