/**
 * Babbage refs are `[A-Za-z0-9._]*[A-Za-z0-9]` with "." separating dimension and attribute, so names from Fiscal
 * Data Packages ("functional-classification", "Department/Agency") become identifiers of letters, digits and "_".
 */
export function refName(raw: string, taken: Set<string>): string {
  let base = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (base === '') base = 'field';
  let name = base;
  for (let n = 2; taken.has(name); n += 1) name = `${base}_${n}`;
  taken.add(name);
  return name;
}
