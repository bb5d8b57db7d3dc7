declare module 'lucene' {
  /** Parses a Lucene query string into the package's AST (nodes with left/operator/right, terms and ranges). */
  export function parse(query: string): unknown;
  const lucene: { parse: typeof parse };
  export default lucene;
}
