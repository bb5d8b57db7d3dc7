/**
 * Prisma's insensitive `equals`, `contains` and `startsWith` become ILIKE without escaping the value
 * (prisma/prisma#19506): `%`, `_` and `\` would match as wildcards. Escaped, they match themselves.
 */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
