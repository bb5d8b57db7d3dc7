/**
 * Award type codes as every USAspending generation writes them: the DAIMS code alone (`C`, `IDV_B`, `04`), the legacy
 * feeds' "code: DESCRIPTION" (`C: DELIVERY ORDER`), the FPDS abbreviation with words (`DO Delivery Order`, `BPA Call`,
 * `IDC`), or the description alone (`Delivery Order`, `Block Grant`).
 */

export interface AwardType {
  code: string;
  description: string;
  category: string;
}

const types: [code: string, description: string, category: string, spellings: string[]][] = [
  ['A', 'BPA Call', 'contract', ['bpa call', 'blanket purchase agreement call']],
  ['B', 'Purchase Order', 'contract', ['po', 'purchase order']],
  ['C', 'Delivery Order', 'contract', ['do', 'delivery order']],
  ['D', 'Definitive Contract', 'contract', ['dca', 'dc', 'definitive contract']],
  ['IDV_A', 'GWAC Government Wide Acquisition Contract', 'idv', ['gwac', 'government wide acquisition contract', 'government-wide acquisition contract']],
  ['IDV_B', 'IDC Multi-Agency Contract, Other Indefinite Delivery Contract', 'idv', ['idc', 'indefinite delivery contract', 'multi-agency contract', 'multi-agency contract, other indefinite delivery contract']],
  ['IDV_B_A', 'IDC Indefinite Delivery Contract / Requirements', 'idv', ['requirements']],
  ['IDV_B_B', 'IDC Indefinite Delivery Contract / Indefinite Quantity', 'idv', ['indefinite quantity']],
  ['IDV_B_C', 'IDC Indefinite Delivery Contract / Definite Quantity', 'idv', ['definite quantity']],
  ['IDV_C', 'FSS Federal Supply Schedule', 'idv', ['fss', 'federal supply schedule']],
  ['IDV_D', 'BOA Basic Ordering Agreement', 'idv', ['boa', 'basic ordering agreement']],
  ['IDV_E', 'BPA Blanket Purchase Agreement', 'idv', ['bpa', 'blanket purchase agreement']],
  ['02', 'Block Grant', 'grant', ['block grant']],
  ['03', 'Formula Grant', 'grant', ['formula grant']],
  ['04', 'Project Grant', 'grant', ['project grant']],
  ['05', 'Cooperative Agreement', 'grant', ['cooperative agreement']],
  ['06', 'Direct Payment for Specified Use', 'direct payment', ['direct payment for specified use']],
  ['07', 'Direct Loan', 'loans', ['direct loan']],
  ['08', 'Guaranteed/Insured Loan', 'loans', ['guaranteed/insured loan', 'guaranteed loan', 'insured loan']],
  ['09', 'Insurance', 'other', ['insurance']],
  ['10', 'Direct Payment with Unrestricted Use', 'direct payment', ['direct payment with unrestricted use']],
  ['11', 'Other Financial Assistance', 'other', ['other financial assistance', 'other']],
];

const byCode = new Map(types.map(([code, description, category]) => [code, { code, description, category }]));
/** Legacy FPDS IDV codes (`idvtype`/`contractactiontype` letters of the IDV record) → DAIMS codes. */
const legacyIdvCodes: Record<string, string> = { 'IDV-A': 'IDV_A', 'IDV-B': 'IDV_B', 'IDV-C': 'IDV_C', 'IDV-D': 'IDV_D', 'IDV-E': 'IDV_E' };
const bySpelling = new Map<string, AwardType>();
for (const [code, , , spellings] of types) {
  for (const spelling of spellings) bySpelling.set(spelling, byCode.get(code)!);
}

/** Award type codes and their descriptions (DAIMS type map). */
export const awardTypes: Record<string, string> = Object.fromEntries(types.map(([code, description]) => [code, description]));

export function awardCategory(type: string | null | undefined): string | null {
  if (!type) return null;
  return byCode.get(type)?.category ?? (/^IDV/.test(type) ? 'idv' : null);
}

function words(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').replace(/[.;]+$/, '').trim();
}

/**
 * The award type a cell names, or null when it names none known. A description given in a column of its own
 * (`award_type` beside `award_type_code`) is used when the code is blank.
 */
export function parseAwardType(raw: string | null | undefined, description?: string | null): AwardType | null {
  const value = raw?.trim() ?? '';
  if (!value) return description ? parseAwardType(description) : null;
  const upper = value.toUpperCase();
  const direct = byCode.get(upper) ?? byCode.get(legacyIdvCodes[upper] ?? '') ?? (/^\d$/.test(value) ? byCode.get(`0${value}`) : undefined);
  if (direct) return direct;
  // "C: DELIVERY ORDER": a known code before the colon decides.
  const colon = value.indexOf(':');
  if (colon > 0) {
    const found = parseAwardType(value.slice(0, colon)) ?? parseAwardType(value.slice(colon + 1));
    if (found) return found;
  }
  const text = words(value);
  const spelled = bySpelling.get(text);
  if (spelled) return spelled;
  // "DO Delivery Order", "IDC Indefinite Delivery Contract": the words after the abbreviation, then the abbreviation.
  const space = text.indexOf(' ');
  if (space > 0) {
    const rest = bySpelling.get(text.slice(space + 1));
    if (rest) return rest;
    const head = bySpelling.get(text.slice(0, space));
    if (head && !bySpelling.has(text)) return head;
  }
  return description ? parseAwardType(description) : null;
}
