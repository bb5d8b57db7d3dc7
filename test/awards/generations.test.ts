import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAwardType } from '../../src/awards/ingest/usaspending-types.js';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers.js';
import { folder, work } from '../ingest/fixtures.js';
import { rest } from './samples.js';

afterAll(() => rmSync(work, { recursive: true, force: true }));

const FIXTURES = new URL('../fixtures/usaspending/', import.meta.url).pathname;
type Row = Record<string, string>;
const text = (file: string) => readFileSync(join(FIXTURES, file), 'utf8');
const rows = (csv: string): Row[] => parse(csv, { columns: true, bom: true }) as Row[];

/** Exact sum of decimal cells, in cents, as "123.45": the test's own arithmetic, no float. */
function sum(values: string[]): string {
  let cents = 0n;
  for (const value of values) {
    const v = value.trim();
    if (!v) continue;
    const [whole, fraction = ''] = v.replace(/^-/, '').split('.');
    const c = BigInt(`${whole}${fraction.padEnd(2, '0').slice(0, 2)}`);
    cents += v.startsWith('-') ? -c : c;
  }
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const distinct = (values: string[]) => new Set(values).size;

const Totals = graphql(`
  query GenerationTotals($dataset: String) {
    awards(dataset: $dataset, first: 1) { totalCount }
    transactions(dataset: $dataset, first: 1) { totalCount }
    awardTotals(field: TOTAL_OBLIGATION, aggregates: [SUM, COUNT], dataset: $dataset) { nodes { sum count } }
    transactionTotals(field: FEDERAL_ACTION_OBLIGATION, aggregates: [SUM], dataset: $dataset) { nodes { sum } }
  }
`);

async function totals(dataset: string) {
  const result = await execute(Totals, { dataset });
  expect(result.errors).toBeUndefined();
  const data = result.data!;
  return {
    awards: data.awards.totalCount,
    transactions: data.transactions.totalCount,
    awardSum: data.awardTotals.nodes[0]?.sum,
    transactionSum: data.transactionTotals.nodes[0]?.sum ?? null,
  };
}

interface Case {
  file: string;
  generation: string;
  /** The file's own award key of each row. */
  awardKey: (row: Row) => string;
  /** Column of the transaction amount (transaction files) or of the award total (award files). */
  amount: string;
  level: 'transaction' | 'award';
}

const cases: Case[] = [
  {
    file: 'legacy-feed-contracts.csv',
    generation: 'USAspending v1-era contract export / legacy FPDS data feed',
    awardKey: (r) => `${r.piid}|${r.agencyid}|${r.idvpiid}|${r.idvagencyid}`,
    amount: 'obligatedamount',
    level: 'transaction',
  },
  {
    file: 'legacy-feed-assistance.csv',
    generation: 'USAspending v1-era financial-assistance export / legacy FAADS data feed',
    awardKey: (r) => `${r.federal_award_id || r.uri}|${r.agency_code}`,
    amount: 'fed_funding_amount',
    level: 'transaction',
  },
  {
    file: 'contracts-prime-transactions.csv',
    generation: 'USAspending prime-award transactions download, contracts (2017 on)',
    awardKey: (r) => r.contract_award_unique_key!,
    amount: 'federal_action_obligation',
    level: 'transaction',
  },
  {
    file: 'contracts-prime-awards.csv',
    generation: 'USAspending prime-award summaries download, contracts (2017 on)',
    awardKey: (r) => r.contract_award_unique_key!,
    amount: 'total_obligated_amount',
    level: 'award',
  },
  {
    file: 'assistance-prime-transactions.csv',
    generation: 'USAspending prime-award transactions download, assistance (2017 on)',
    awardKey: (r) => r.assistance_award_unique_key!,
    amount: 'federal_action_obligation',
    level: 'transaction',
  },
  {
    file: 'assistance-prime-awards.csv',
    generation: 'USAspending prime-award summaries download, assistance (2017 on)',
    awardKey: (r) => r.assistance_award_unique_key!,
    amount: 'total_obligated_amount',
    level: 'award',
  },
];

const datasetOf = (file: string) => `gen-${file.replace(/\.csv$/, '')}`;

describe('USAspending files of every generation', () => {
  for (const c of cases) {
    it(`${c.file}: loads as "${c.generation}" with the file's own award count and sums`, async () => {
      const name = datasetOf(c.file);
      const result = await ingest(db, { path: join(FIXTURES, c.file), name });
      expect(result.notes).toContain(`${c.file}: ${c.generation}`);
      const file = rows(text(c.file));
      const awards = distinct(file.map(c.awardKey));
      const got = await totals(name);
      expect(got.awards).toBe(awards);
      if (c.level === 'transaction') {
        expect(got.transactions).toBe(file.length);
        expect(got.transactionSum).toBe(sum(file.map((r) => r[c.amount]!)));
        expect(got.awardSum).toBe(sum(file.map((r) => r[c.amount]!)));
        expect(result.rows).toBe(awards + file.length);
      } else {
        expect(got.transactions).toBe(0);
        expect(got.awardSum).toBe(sum(file.map((r) => r[c.amount]!)));
        expect(result.rows).toBe(awards);
      }
      // Over REST too: the first award's total, found by its key, is the file's figure for that key.
      const key = c.awardKey(file[0]!);
      const own = sum(file.filter((r) => c.awardKey(r) === key).map((r) => r[c.amount]!));
      const piid = file[0]!.piid ?? file[0]!.award_id_piid;
      const fain = file[0]!.federal_award_id ?? file[0]!.award_id_fain;
      const field = piid ? 'piid' : 'fain';
      const listed = await rest('/api/v1/awards/', { filters: [{ field, operation: 'equals', value: piid || fain }], dataset: name, limit: 100 });
      expect(listed.status).toBe(200);
      const totalsOfKey = listed.json.results.map((a: { total_obligation: string }) => a.total_obligation);
      expect(totalsOfKey).toContain(own);
    });
  }

  it('reads award type codes from either spelling: feed words, DAIMS codes, legacy "code: NAME"', async () => {
    expect(parseAwardType('DO Delivery Order')?.code).toBe('C');
    expect(parseAwardType('C: DELIVERY ORDER')?.code).toBe('C');
    expect(parseAwardType('delivery order')?.code).toBe('C');
    expect(parseAwardType('PO Purchase Order')?.code).toBe('B');
    expect(parseAwardType('DCA Definitive Contract')?.code).toBe('D');
    expect(parseAwardType('BPA Call')?.code).toBe('A');
    expect(parseAwardType('BPA')).toMatchObject({ code: 'IDV_E', category: 'idv' });
    expect(parseAwardType('IDC Indefinite Delivery Contract')).toMatchObject({ code: 'IDV_B', category: 'idv' });
    expect(parseAwardType('IDV_A')).toMatchObject({ code: 'IDV_A', category: 'idv' });
    expect(parseAwardType('', 'DEFINITIVE CONTRACT')?.code).toBe('D');
    expect(parseAwardType('06: Direct payment for specified use, as a subsidy')).toMatchObject({ code: '06', category: 'direct payment' });
    expect(parseAwardType('4')).toMatchObject({ code: '04', category: 'grant' });
    expect(parseAwardType('Z: NOT A TYPE')).toBeNull();

    // Loaded: each award's type is the code its feed spelling names, counted as the file counts them.
    const file = rows(text('legacy-feed-contracts.csv'));
    const expected = new Map<string, Set<string>>();
    const feedCode: Record<string, string> = { 'DO Delivery Order': 'C', 'PO Purchase Order': 'B', 'DCA Definitive Contract': 'D', 'BPA Call': 'A' };
    for (const r of file) {
      const code = feedCode[r.contractactiontype!]!;
      expect(code).toBeDefined();
      if (!expected.has(code)) expected.set(code, new Set());
      expected.get(code)!.add(cases[0]!.awardKey(r));
    }
    const { json } = await rest('/api/v1/awards/total/', { field: 'total_obligation', group: 'type', aggregate: 'count', dataset: datasetOf('legacy-feed-contracts.csv') });
    const counts = Object.fromEntries(json.results.map((r: { item: string; aggregate: string }) => [r.item, Number(r.aggregate)]));
    expect(counts).toEqual(Object.fromEntries([...expected].map(([code, keys]) => [code, keys.size])));
    const detail = await rest('/api/v1/awards/', { filters: [{ field: 'type', operation: 'equals', value: 'C' }], dataset: datasetOf('legacy-feed-contracts.csv'), limit: 1 });
    expect(detail.json.results[0]).toMatchObject({ type: 'C', type_description: 'Delivery Order', category: 'contract' });
    // Current downloads name the code in a column of its own.
    const current = rows(text('contracts-prime-awards.csv'));
    const byCode = await rest('/api/v1/awards/total/', { field: 'total_obligation', group: 'type', aggregate: 'count', dataset: datasetOf('contracts-prime-awards.csv') });
    const currentCounts = Object.fromEntries(byCode.json.results.map((r: { item: string; aggregate: string }) => [r.item, Number(r.aggregate)]));
    const fileCounts: Record<string, number> = {};
    for (const r of current) fileCounts[r.award_type_code!] = (fileCounts[r.award_type_code!] ?? 0) + 1;
    expect(currentCounts).toEqual(fileCounts);
  });

  it('keeps NAICS, PSC, CFDA, offices and generated award keys where filters and groupings reach them', async () => {
    const tx = rows(text('contracts-prime-transactions.csv'));
    const naics = await rest('/api/v1/transactions/total/', {
      field: 'federal_action_obligation',
      group: 'contract_data__naics',
      dataset: datasetOf('contracts-prime-transactions.csv'),
    });
    expect(naics.status).toBe(200);
    const expected: Record<string, string[]> = {};
    // Rows without a NAICS code form the null group, which totals leave out unless asked.
    for (const r of tx) if (r.naics_code) (expected[r.naics_code] ??= []).push(r.federal_action_obligation!);
    expect(Object.fromEntries(naics.json.results.map((r: { item: string; aggregate: string }) => [r.item, r.aggregate]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([code, amounts]) => [code, sum(amounts)])),
    );
    // The legacy feed's "7030: INFORMATION TECHNOLOGY SOFTWARE" is reachable by its code under the same key.
    const feed = rows(text('legacy-feed-contracts.csv'));
    const psc = feed[0]!.productorservicecode!.split(':')[0]!;
    const byPsc = await rest('/api/v1/transactions/', {
      filters: [{ field: 'contract_data__product_or_service_code', operation: 'equals', value: psc }],
      dataset: datasetOf('legacy-feed-contracts.csv'),
      limit: 100,
    });
    expect(byPsc.json.page_metadata.count).toBe(feed.filter((r) => r.productorservicecode!.startsWith(`${psc}:`)).length);
    const office = feed[0]!.contractingofficeid!.split(':')[1]!.trim();
    const byOffice = await rest('/api/v1/transactions/', {
      filters: [{ field: 'contract_data__awarding_office_name', operation: 'equals', value: office }],
      dataset: datasetOf('legacy-feed-contracts.csv'),
      limit: 100,
    });
    expect(byOffice.json.page_metadata.count).toBe(feed.filter((r) => r.contractingofficeid!.endsWith(`: ${office}`)).length);
    for (const file of ['legacy-feed-assistance.csv', 'assistance-prime-transactions.csv']) {
      const assistance = rows(text(file));
      const cfda = assistance[0]!.cfda_program_num ?? assistance[0]!.cfda_number!;
      const byCfda = await rest('/api/v1/transactions/', {
        filters: [{ field: 'assistance_data__cfda_number', operation: 'equals', value: cfda }],
        dataset: datasetOf(file),
        limit: 100,
      });
      expect(byCfda.json.page_metadata.count).toBe(assistance.filter((r) => (r.cfda_program_num ?? r.cfda_number) === cfda).length);
    }
    const awards = rows(text('contracts-prime-awards.csv'));
    const byKey = await rest('/api/v1/awards/', {
      filters: [{ field: 'generated_unique_award_id', operation: 'equals', value: awards[3]!.contract_award_unique_key }],
      dataset: datasetOf('contracts-prime-awards.csv'),
    });
    expect(byKey.json.results).toHaveLength(1);
    expect(byKey.json.results[0]).toMatchObject({ piid: awards[3]!.award_id_piid, total_obligation: sum([awards[3]!.total_obligated_amount!]) });
  });

  it('links awards to their IDV when the IDV is in the file', async () => {
    // Derived from contracts-prime-awards.csv: one row added for the IDV most awards name as their parent (its key
    // built as USAspending builds IDV keys); the other rows are the extract's own.
    const csv = text('contracts-prime-awards.csv');
    const file = rows(csv);
    const parents = new Map<string, Row[]>();
    for (const r of file) if (r.parent_award_id_piid) parents.set(`${r.parent_award_id_piid}|${r.parent_award_agency_id}`, [...(parents.get(`${r.parent_award_id_piid}|${r.parent_award_agency_id}`) ?? []), r]);
    const [parentKey, children] = [...parents].sort((a, b) => b[1].length - a[1].length)[0]!;
    const [piid, agency] = parentKey.split('|') as [string, string];
    const header = csv.split('\n')[0]!.split(',');
    const idv: Row = Object.fromEntries(header.map((column) => [column, '']));
    Object.assign(idv, {
      contract_award_unique_key: `CONT_IDV_${piid}_${agency}`,
      award_id_piid: piid,
      total_obligated_amount: '0',
      idv_type_code: 'B',
      idv_type: 'IDC',
      awarding_sub_agency_code: agency,
    });
    const dir = folder({ 'idv.csv': `${csv.trimEnd()}\n${header.map((c) => idv[c]).join(',')}\n` });
    await ingest(db, { path: join(dir, 'idv.csv'), name: 'gen-idv' });
    const parent = await rest('/api/v1/awards/', {
      filters: [{ field: 'piid', operation: 'equals', value: piid }],
      fields: ['id', 'type', 'category', 'piid', 'generated_unique_award_id'],
      dataset: 'gen-idv',
      limit: 100,
    });
    const idvAward = parent.json.results.find((a: { category: string }) => a.category === 'idv');
    expect(idvAward).toMatchObject({ type: 'IDV_B', generated_unique_award_id: `CONT_IDV_${piid}_${agency}` });
    const linked = await rest('/api/v1/awards/', { filters: [{ field: 'parent_award', operation: 'equals', value: idvAward.id }], dataset: 'gen-idv', limit: 100 });
    expect(linked.json.page_metadata.count).toBe(children.length);
    expect(linked.json.results.map((a: { piid: string }) => a.piid).sort()).toEqual(children.map((r) => r.award_id_piid).sort());
  });

  it('keeps the recipient name written on each transaction while the recipient groups by DUNS', async () => {
    // Derived from legacy-feed-contracts.csv: the second row given the first row's DUNS under another name (as when
    // "OFFICE OF SPONSORED PROGRAMS" shares a university's DUNS); everything else as in the extract.
    const csv = text('legacy-feed-contracts.csv');
    const file = rows(csv);
    const [first, second] = file as [Row, Row];
    const lines = csv.split('\n');
    const header = parse(lines[0]!)[0] as string[];
    const changed = { ...second, dunsnumber: first.dunsnumber!, vendorname: 'OFFICE OF SPONSORED PROGRAMS' };
    const quote = (r: Row) => header.map((c) => `"${(r[c] ?? '').replace(/"/g, '""')}"`).join(',');
    const dir = folder({ 'names.csv': `${lines[0]}\n${quote(first)}\n${quote(changed)}\n` });
    await ingest(db, { path: join(dir, 'names.csv'), name: 'gen-names' });
    const byName = async (value: string) =>
      (await rest('/api/v1/transactions/', { filters: [{ field: 'recipient_name', operation: 'contains', value }], fields: ['id', 'recipient_name'], dataset: 'gen-names' })).json;
    const sponsored = await byName('sponsored programs');
    expect(sponsored.page_metadata.count).toBe(1);
    expect(sponsored.results[0].recipient_name).toBe('OFFICE OF SPONSORED PROGRAMS');
    expect((await byName(first.vendorname!.slice(0, 8))).page_metadata.count).toBe(1);
    const recipients = await rest('/api/v1/transactions/total/', { field: 'federal_action_obligation', group: 'recipient', aggregate: 'count', dataset: 'gen-names' });
    expect(recipients.json.results).toHaveLength(1);
    const complete = await rest('/api/v1/transactions/autocomplete/', { fields: ['recipient_name'], value: 'sponsored', dataset: 'gen-names' });
    expect(complete.status).toBe(200);
    expect(JSON.stringify(complete.json)).toContain('OFFICE OF SPONSORED PROGRAMS');
  });

  it('names the required columns a current download misses', async () => {
    const csv = text('contracts-prime-transactions.csv').replace('federal_action_obligation,', 'obligation,').replace(',action_date,', ',date,');
    const dir = folder({ 'near.csv': csv });
    await expect(ingest(db, { path: join(dir, 'near.csv') })).rejects.toThrow(
      `${join(dir, 'near.csv')}: no loader recognises this source: it has "contract_transaction_unique_key" like a USAspending prime-award transactions download, contracts (2017 on), but these required columns are missing: "federal_action_obligation", "action_date"`,
    );
  });

  it('refuses an amount that is not a decimal number, naming the line, and keeps the previous version', async () => {
    const csv = text('assistance-prime-transactions.csv').split('\n');
    const header = csv[0]!.split(',');
    const at = header.indexOf('federal_action_obligation');
    const cells = parse(csv[3]!)[0] as string[];
    cells[at] = '12.3.4';
    const dir = folder({ 'bad.csv': `${csv.slice(0, 3).join('\n')}\n${cells.map((c) => `"${c}"`).join(',')}\n` });
    await expect(ingest(db, { path: join(dir, 'bad.csv'), name: datasetOf('assistance-prime-transactions.csv') })).rejects.toThrow(
      `${join(dir, 'bad.csv')}:4: column "federal_action_obligation": "12.3.4" is not an amount`,
    );
    expect((await totals(datasetOf('assistance-prime-transactions.csv'))).transactions).toBe(rows(text('assistance-prime-transactions.csv')).length);
  });
});
