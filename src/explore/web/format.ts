/** Decimal text with thousands separators, digit for digit: money is never rounded through a float for display. */
export function amount(text: string | number | null | undefined): string {
  if (text === null || text === undefined || text === '') return '—';
  const [whole, fraction] = String(text).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${fraction ? `.${fraction}` : ''}`;
}

/** A chart coordinate: charts draw floats, the tables beside them show the exact text. */
export function plotted(text: unknown): number {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}
