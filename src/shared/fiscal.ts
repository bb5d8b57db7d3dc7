/**
 * Fiscal years, in one place. A fiscal year is named by the calendar year it ends in; it starts on a month and day
 * (the US federal year on October 1st: FY2017 = 2016-10-01 .. 2017-09-30). Dates are UTC calendar dates.
 */

export interface FiscalYearStart {
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

/** The US federal fiscal year: October 1st. */
export const federalFiscalYear: FiscalYearStart = { month: 10, day: 1 };

/** The calendar year: January 1st (a fiscal year equal to the calendar year). */
export const calendarYear: FiscalYearStart = { month: 1, day: 1 };

/** The fiscal year a date falls in. */
export function fiscalYearOf(date: Date, start?: FiscalYearStart): number;
export function fiscalYearOf(date: Date | null, start?: FiscalYearStart): number | null;
export function fiscalYearOf(date: Date | null, start: FiscalYearStart = federalFiscalYear): number | null {
  if (!date) return null;
  const year = date.getUTCFullYear();
  if (start.month === 1 && start.day === 1) return year;
  const month = date.getUTCMonth() + 1;
  const startsThisYear = month > start.month || (month === start.month && date.getUTCDate() >= start.day);
  return startsThisYear ? year + 1 : year;
}

const iso = (date: Date) => date.toISOString().slice(0, 10);

/** Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear keeps them. */
function utcDay(year: number, month: number, day: number): Date {
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date;
}

/**
 * The days of fiscal year `year`: `start` (first day), `next` (first day of the following year) and `last` (its last
 * day), as Dates at UTC midnight, and `from`/`to` as YYYY-MM-DD text.
 */
export function fiscalYearBounds(year: number, start: FiscalYearStart = federalFiscalYear) {
  const first = start.month === 1 && start.day === 1 ? year : year - 1;
  const begin = utcDay(first, start.month, start.day);
  const next = utcDay(first + 1, start.month, start.day);
  const last = new Date(next.getTime() - 86_400_000);
  return { start: begin, next, last, from: iso(begin), to: iso(last) };
}

/** Parses "MM-DD" into a fiscal year start; undefined when it is not a real month and day. */
export function parseFiscalYearStart(text: string): FiscalYearStart | undefined {
  const match = /^(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const month = Number(match[1]);
  const day = Number(match[2]);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(2001, month, 0)).getUTCDate()) return undefined;
  return { month, day };
}
