import { Prisma } from '../../generated/prisma/client.js';

// One accent-folding table shared by JavaScript and SQL (`translate`), so both sides fold text identically without
// relying on the unaccent extension.
function buildFoldTable(): { from: string; to: string; map: Map<string, string> } {
  const extra: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ı: 'i', ŀ: 'l', ŧ: 't', æ: 'a', œ: 'o', ß: 's' };
  let from = '';
  let to = '';
  const map = new Map<string, string>();
  for (let code = 0xc0; code <= 0x17f; code += 1) {
    const ch = String.fromCharCode(code).toLowerCase();
    if (map.has(ch) || ch.length !== 1) continue;
    const base = extra[ch] ?? ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (base.length !== 1 || base === ch || !/[a-z]/.test(base)) continue;
    map.set(ch, base);
    from += ch;
    to += base;
  }
  return { from, to, map };
}

const fold = buildFoldTable();

/** Lower-cases and removes accents, keeping every other character. */
export function foldText(value: string): string {
  let out = '';
  for (const ch of value.toLowerCase()) out += fold.map.get(ch) ?? ch;
  return out;
}

/** Folds and splits into words of letters and digits. */
export function words(value: string): string[] {
  return foldText(value)
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** The SQL counterpart of `foldText` for an expression. */
export function foldSql(expr: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`translate(lower(${expr}), ${fold.from}, ${fold.to})`;
}

/** The SQL counterpart of ` ${words(x).join(' ')} `. */
export function wordsSql(expr: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(' ' || regexp_replace(${foldSql(expr)}, '[^a-z0-9]+', ' ', 'g') || ' ')`;
}

/** The search_text value of a record: every text and number, as padded words. */
export function searchTextOf(fields: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const value of Object.values(fields)) {
    if (typeof value === 'string') parts.push(...words(value));
    else if (typeof value === 'number' && Number.isFinite(value)) parts.push(String(value));
  }
  return ` ${parts.join(' ')} `;
}
