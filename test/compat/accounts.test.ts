import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { accountModels, fixtureRows, sumMoney, type AccountModels, type FixtureRow } from '../awards/account-fixture.js';
import { loadAwardSamples, rest } from '../awards/samples.js';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers.js';

// USAspending v1's financial-account routes (usaspending_api/accounts/urls_tas.py, urls_federal_account.py, urls.py of
// 2017-02/03) over the bundled endpoint fixture, and over a fixture of our own holding what upstream's account tests
// build (test/awards/account-fixture.ts).
const FIXTURE = 'usaspending-fixture';
const OWN = 'compat-usaspending-accounts';
const work = mkdtempSync(join(tmpdir(), 'spendgraph-accounts-'));
let own: AccountModels;

beforeAll(async () => {
  await loadAwardSamples();
  own = accountModels(join(work, 'accounts.json'), 9_310_000);
  await ingest(db, { path: own.path, name: OWN });
});

afterAll(async () => {
  await db.dataset.delete({ where: { name: OWN } });
  rmSync(work, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;
const tas = () => fixtureRows('accounts.treasuryappropriationaccount');
const balances = () => fixtureRows('accounts.appropriationaccountbalances');
const categories = () => fixtureRows('financial_activities.financialaccountsbyprogramactivityobjectclass');
const ownRows = (model: string): FixtureRow[] => own.rows.filter((row) => row.model === model);
const byPk = (rows: FixtureRow[]) => rows.map((row) => Number(row.pk)).sort((a, b) => a - b);
/** Sums of a money field of fixture rows per the value of `key`, as upstream's totals answer them (decimal text). */
function sums(rows: FixtureRow[], key: (row: FixtureRow) => unknown, field: string): Record<string, string> {
  const groups = new Map<string, unknown[]>();
  for (const row of rows) groups.set(String(key(row)), [...(groups.get(String(key(row))) ?? []), row.fields[field]]);
  return Object.fromEntries([...groups].map(([group, values]) => [group, sumMoney(values)]));
}
const itemSums = (json: Data) => Object.fromEntries(json.results.map((row: Data) => [row.item, row.aggregate]));

// accounts/models.py TreasuryAppropriationAccount.get_default_fields (not on an "awards" path).
const tasDefaults = [
  'treasury_account_identifier', 'tas_rendering_label', 'federal_account', 'allocation_transfer_agency_id', 'agency_id',
  'beginning_period_of_availability', 'ending_period_of_availability', 'availability_type_code', 'main_account_code',
  'sub_account_code', 'account_title', 'reporting_agency_id', 'reporting_agency_name', 'budget_bureau_code', 'budget_bureau_name',
  'fr_entity_code', 'fr_entity_description', 'budget_function_code', 'budget_function_title', 'budget_subfunction_code',
  'budget_subfunction_title', 'account_balances', 'program_balances',
];

describe('/api/v1/tas/ (accounts/tests/test_tas_endpoints.py test_tas_list)', () => {
  it('lists every TAS of the fixture with the default fields, its federal account and balances, money as exact text', async () => {
    const { status, json } = await rest(`/api/v1/tas/?dataset=${FIXTURE}&order=treasury_account_identifier`);
    expect(status).toBe(200);
    expect(json.page_metadata).toMatchObject({ count: tas().length, page: 1, has_next_page: false, has_previous_page: false });
    expect(json.results.map((row: Data) => row.treasury_account_identifier)).toEqual(byPk(tas()));
    for (const row of json.results) {
      const source = tas().find((t) => Number(t.pk) === row.treasury_account_identifier)!.fields;
      expect(Object.keys(row).sort()).toEqual([...tasDefaults].sort());
      expect(row).toMatchObject({ tas_rendering_label: source.tas_rendering_label, agency_id: source.agency_id, account_title: source.account_title });
      expect(row.federal_account).toMatchObject({ agency_identifier: source.agency_id, main_account_code: source.main_account_code });
      const own = balances().filter((b) => b.fields.treasury_account_identifier === row.treasury_account_identifier);
      expect(row.account_balances.map((b: Data) => b.appropriation_account_balances_id)).toEqual(byPk(own));
      for (const balance of row.account_balances) {
        const fields = own.find((b) => Number(b.pk) === balance.appropriation_account_balances_id)!.fields;
        expect(balance.gross_outlay_amount_by_tas_cpe).toBe(fields.gross_outlay_amount_by_tas_cpe);
        expect(balance.budget_authority_unobligated_balance_brought_forward_fyb).toBe(fields.budget_authority_unobligated_balance_brought_forward_fyb);
      }
      // The fixture's program balances name no treasury account.
      expect(row.program_balances).toEqual(categories().filter((c) => c.fields.treasury_account === row.treasury_account_identifier));
    }
  });

  it('takes the v1 filters, fields, exclude, verbose and paging', async () => {
    const expected = byPk(tas().filter((t) => t.fields.main_account_code === '0100'));
    const filtered = await rest('/api/v1/tas/', {
      dataset: FIXTURE,
      filters: [{ field: 'main_account_code', operation: 'equals', value: '0100' }],
      fields: ['treasury_account_identifier', 'tas_rendering_label'],
      order: ['-treasury_account_identifier'],
    });
    expect(filtered.status).toBe(200);
    expect(filtered.json.results).toEqual(
      [...expected].reverse().map((pk) => ({ treasury_account_identifier: pk, tas_rendering_label: tas().find((t) => Number(t.pk) === pk)!.fields.tas_rendering_label })),
    );
    const get = await rest(`/api/v1/tas/?main_account_code=0100&dataset=${FIXTURE}&limit=1&page=2&order=treasury_account_identifier`);
    expect(get.json.page_metadata).toMatchObject({ count: expected.length, page: 2, has_next_page: expected.length > 2, has_previous_page: true });
    expect(get.json.results.map((row: Data) => row.treasury_account_identifier)).toEqual([expected[1]]);
    const excluded = await rest('/api/v1/tas/', { dataset: FIXTURE, exclude: ['account_balances', 'program_balances', 'federal_account'], limit: 1 });
    expect(Object.keys(excluded.json.results[0]).sort()).toEqual(tasDefaults.filter((f) => !['account_balances', 'program_balances', 'federal_account'].includes(f)).sort());
    const verbose = await rest('/api/v1/tas/', { dataset: FIXTURE, verbose: true, limit: 1, order: ['treasury_account_identifier'] });
    expect(verbose.json.results[0]).toMatchObject({ data_source: 'USA', create_date: tas().find((t) => Number(t.pk) === byPk(tas())[0])!.fields.create_date });
    const bad = await rest('/api/v1/tas/', { filters: [{ field: 'no_such_field', operation: 'equals', value: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/unknown field "no_such_field" on TreasuryAccount/);
  });

  it('urls_tas.py (?P<pk>[0-9]+)/: one TAS with every field, by GET or POST; an unknown one is 404', async () => {
    const pk = byPk(tas())[0]!;
    const source = tas().find((t) => Number(t.pk) === pk)!.fields;
    const detail = await rest(`/api/v1/tas/${pk}/`);
    expect(detail.status).toBe(200);
    for (const [key, value] of Object.entries(source)) {
      expect(detail.json[key], key).toEqual(value === '' ? null : value);
    }
    expect(Object.keys(detail.json)).toEqual(expect.arrayContaining(tasDefaults));
    expect((await rest(`/api/v1/tas/${pk}/`, { fields: ['tas_rendering_label'] })).json).toEqual(detail.json);
    const missing = await rest('/api/v1/tas/1/');
    expect([missing.status, missing.json.message]).toEqual([404, 'No treasury account with id 1']);
  });

  it('test_tas_autocomplete.py: partial text on main_account_code and tas_rendering_label; {} is a 400', async () => {
    const value = '01';
    const { status, json } = await rest('/api/v1/tas/autocomplete/', { fields: ['main_account_code', 'tas_rendering_label'], value, dataset: FIXTURE });
    expect(status).toBe(200);
    const matching = (field: string) => [...new Set(tas().map((t) => String(t.fields[field])).filter((v) => v.toLowerCase().includes(value)))].sort();
    expect(json.results).toEqual({ main_account_code: matching('main_account_code'), tas_rendering_label: matching('tas_rendering_label') });
    expect(json.counts).toEqual({ main_account_code: matching('main_account_code').length, tas_rendering_label: matching('tas_rendering_label').length });
    const none = await rest('/api/v1/tas/autocomplete/', { fields: ['tas_rendering_label'], value: 'ghi', dataset: FIXTURE });
    expect(none.json.results).toEqual({ tas_rendering_label: [] });
    const bad = await rest('/api/v1/tas/autocomplete/', {});
    expect(bad.status).toBe(400);
  });
});

describe('loading the financial accounts', () => {
  it('a balance that is not an amount stops the load, naming the table and column, and changes nothing', async () => {
    const rows = JSON.parse(readFileSync(accountModels(join(work, 'bad.json'), 9_330_000).path, 'utf8')) as FixtureRow[];
    rows.find((row) => row.model === 'accounts.appropriationaccountbalances')!.fields.unobligated_balance_cpe = '12x';
    writeFileSync(join(work, 'bad.json'), JSON.stringify(rows));
    await expect(ingest(db, { path: join(work, 'bad.json'), name: 'compat-accounts-bad' })).rejects.toThrow(
      /column "appropriation_account_balances\.unobligated_balance_cpe": "12x" is not an amount/,
    );
    expect(await db.dataset.count({ where: { name: 'compat-accounts-bad' } })).toBe(0);
    expect(await db.treasuryAccount.count({ where: { id: 9_330_001 } })).toBe(0);
  });
});

describe('/api/v1/tas/balances/ (test_tas_balances_list, test_final_of_fy.py)', () => {
  it('lists the final balances of each TAS and fiscal year: the latest submission of the year', async () => {
    const fixture = await rest(`/api/v1/tas/balances/?dataset=${FIXTURE}`);
    expect(fixture.status).toBe(200);
    // One submission in the fixture: every balance is its account's final one.
    expect(fixture.json.results.map((row: Data) => row.appropriation_account_balances_id).sort()).toEqual(byPk(balances()));
    const row = fixture.json.results.find((r: Data) => r.appropriation_account_balances_id === Number(balances()[0]!.pk));
    expect(row).toMatchObject({ ...balances()[0]!.fields, final_of_fy: true, submission: balances()[0]!.fields.submission });

    // test_final_of_fy_population: 6 balances, 3 final (ABC: one per fiscal year 2016 and 2017; XYZ: one in 2016).
    const submissions = new Map(ownRows('submissions.submissionattributes').map((s) => [Number(s.pk), String(s.fields.reporting_period_start)]));
    const fy = (date: string) => Number(date.slice(0, 4)) + (Number(date.slice(5, 7)) >= 10 ? 1 : 0);
    const latest = new Map<string, FixtureRow>();
    for (const b of ownRows('accounts.appropriationaccountbalances')) {
      const start = submissions.get(Number(b.fields.submission))!;
      const key = `${b.fields.treasury_account_identifier}:${fy(start)}`;
      const current = latest.get(key);
      if (!current || start > submissions.get(Number(current.fields.submission))!) latest.set(key, b);
    }
    const final = await rest('/api/v1/tas/balances/', { dataset: OWN, order: ['appropriation_account_balances_id'] });
    expect(final.json.page_metadata.count).toBe(3);
    expect(final.json.results.map((r: Data) => r.appropriation_account_balances_id)).toEqual(byPk([...latest.values()]));
  });

  it('test_tas_balances_total: sums by treasury_account_identifier__tas_rendering_label over every balance', async () => {
    const field = 'budget_authority_unobligated_balance_brought_forward_fyb';
    const group = 'treasury_account_identifier__tas_rendering_label';
    const labels = (rows: FixtureRow[]) => new Map(rows.map((t) => [Number(t.pk), t.fields.tas_rendering_label]));
    const ownLabels = labels(ownRows('accounts.treasuryappropriationaccount'));
    const mine = await rest('/api/v1/tas/balances/total/', { field, group, dataset: OWN });
    expect(mine.status).toBe(200);
    const expected = sums(ownRows('accounts.appropriationaccountbalances'), (b) => ownLabels.get(Number(b.fields.treasury_account_identifier)), field);
    expect(itemSums(mine.json)).toEqual(expected);
    expect(expected).toEqual({ ABC: '40.00', XYZ: '20.00' });
    const fixtureLabels = labels(tas());
    const fixture = await rest('/api/v1/tas/balances/total/', { field: 'gross_outlay_amount_by_tas_cpe', group, dataset: FIXTURE });
    expect(itemSums(fixture.json)).toEqual(sums(balances(), (b) => fixtureLabels.get(Number(b.fields.treasury_account_identifier)), 'gross_outlay_amount_by_tas_cpe'));
    expect(fixture.json.results[0][group]).toBe(fixture.json.results[0].item);
    const count = await rest('/api/v1/tas/balances/total/', { field, group: 'submission', aggregate: 'count', dataset: OWN });
    expect(itemSums(count.json)).toEqual(
      Object.fromEntries([...new Set(ownRows('accounts.appropriationaccountbalances').map((b) => String(b.fields.submission)))].map((s) => [s, String(ownRows('accounts.appropriationaccountbalances').filter((b) => String(b.fields.submission) === s).length)])),
    );
    const text = await rest('/api/v1/tas/balances/total/', { field: 'tas_rendering_label', group });
    expect([text.status, text.json.message]).toEqual([400, 'Aggregate field tas_rendering_label is not a numeric type (e.g., integer, decimal)']);
  });
});

describe('/api/v1/tas/categories/ (test_tas_categories_list, test_tas_categories_total)', () => {
  it('lists the balances by program activity and object class', async () => {
    const { status, json } = await rest(`/api/v1/tas/categories/?dataset=${FIXTURE}&limit=2&order=financial_accounts_by_program_activity_object_class_id`);
    expect(status).toBe(200);
    // The fixture lists pk 12544 twice: Django's loaddata keeps one row per pk.
    expect(json.page_metadata).toMatchObject({ count: categories().length, has_next_page: true });
    const first = categories().sort((a, b) => Number(a.pk) - Number(b.pk))[0]!;
    expect(json.results[0]).toMatchObject({
      financial_accounts_by_program_activity_object_class_id: Number(first.pk),
      program_activity_name: first.fields.program_activity_name,
      program_activity_code: first.fields.program_activity_code,
      object_class: first.fields.object_class,
      gross_outlay_amount_by_program_object_class_cpe: first.fields.gross_outlay_amount_by_program_object_class_cpe,
      submission: first.fields.submission,
    });
    const own = await rest('/api/v1/tas/categories/', { dataset: OWN });
    expect(own.json.page_metadata.count).toBe(ownRows('financial_activities.financialaccountsbyprogramactivityobjectclass').length);
  });

  it('sums by program_activity, by object_class__object_class, and for one TAS through treasury_account__tas_rendering_label', async () => {
    const field = 'obligations_undelivered_orders_unpaid_total_cpe';
    const rows = ownRows('financial_activities.financialaccountsbyprogramactivityobjectclass');
    const byActivity = await rest('/api/v1/tas/categories/total/', { field, group: 'program_activity', dataset: OWN });
    expect(byActivity.status).toBe(200);
    expect(itemSums(byActivity.json)).toEqual(sums(rows, (r) => r.fields.program_activity_code, field));
    const byClass = await rest('/api/v1/tas/categories/total/', { field, group: 'object_class__object_class', dataset: OWN });
    expect(itemSums(byClass.json)).toEqual(sums(rows, (r) => r.fields.object_class, field));
    expect(itemSums(byClass.json)).toEqual({ '001': '2000.00', '002': '4050.00' });
    const abc = ownRows('accounts.treasuryappropriationaccount').find((t) => t.fields.tas_rendering_label === 'ABC')!;
    const oneTas = await rest('/api/v1/tas/categories/total/', {
      field,
      group: 'object_class__object_class',
      filters: [{ field: 'treasury_account__tas_rendering_label', operation: 'equals', value: 'ABC' }],
      dataset: OWN,
    });
    expect(itemSums(oneTas.json)).toEqual(sums(rows.filter((r) => r.fields.treasury_account === Number(abc.pk)), (r) => r.fields.object_class, field));
    expect(itemSums(oneTas.json)).toEqual({ '002': '50.00' });
    const fixture = await rest('/api/v1/tas/categories/total/', { field: 'gross_outlay_amount_by_program_object_class_cpe', group: 'object_class', dataset: FIXTURE });
    expect(itemSums(fixture.json)).toEqual(sums(categories(), (r) => r.fields.object_class, 'gross_outlay_amount_by_program_object_class_cpe'));
  });
});

// awards/models.py FinancialAccountsByAwards.get_default_fields, less `transaction_obligations` (nothing holds it).
const awardAccountDefaults = [
  'financial_accounts_by_awards_id', 'award', 'treasury_account', 'object_class', 'program_activity_code', 'program_activity_name',
  'piid', 'fain', 'uri', 'gross_outlay_amount_by_award_cpe', 'gross_outlay_amount_by_award_fyb', 'certified_date', 'last_modified_date',
];

describe('/api/v1/accounts/awards/ (accounts/urls.py) and an award\'s financial_set (awards/serializers.py, 2017-02-28)', () => {
  it('lists financial accounts by award with the default fields; detail has every field; totals group them', async () => {
    const faba = fixtureRows('awards.financialaccountsbyawards');
    const list = await rest(`/api/v1/accounts/awards/?dataset=${FIXTURE}`);
    expect(list.status).toBe(200);
    expect(list.json.page_metadata.count).toBe(faba.length);
    expect(Object.keys(list.json.results[0]).sort()).toEqual([...awardAccountDefaults].sort());
    expect(list.json.results[0]).toMatchObject({
      financial_accounts_by_awards_id: Number(faba[0]!.pk),
      award: faba[0]!.fields.award ?? null,
      object_class: faba[0]!.fields.object_class,
      program_activity_code: faba[0]!.fields.program_activity_code,
      program_activity_name: faba[0]!.fields.program_activity_name,
    });
    const detail = await rest(`/api/v1/accounts/awards/${faba[0]!.pk}/`, { fields: ['award'] });
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({
      data_source: faba[0]!.fields.data_source,
      ussgl487100_down_adj_pri_unpaid_undel_orders_oblig_recov_cpe: faba[0]!.fields.ussgl487100_down_adj_pri_unpaid_undel_orders_oblig_recov_cpe,
      submission: faba[0]!.fields.submission,
    });
    const field = 'ussgl487100_down_adj_pri_unpaid_undel_orders_oblig_recov_cpe';
    const total = await rest('/api/v1/accounts/awards/total/', { field, group: 'object_class', dataset: FIXTURE });
    expect(itemSums(total.json)).toEqual(sums(faba, (r) => r.fields.object_class, field));
  });

  it("an award's detail nests its financial accounts with their TAS (the TAS fields of an awards path)", async () => {
    const account = ownRows('awards.financialaccountsbyawards')[0]!;
    const tasRow = ownRows('accounts.treasuryappropriationaccount').find((t) => t.pk === account.fields.treasury_account)!;
    const award = await rest(`/api/v1/awards/${account.fields.award}/`);
    expect(award.status).toBe(200);
    expect(award.json.financial_set).toHaveLength(1);
    const [entry] = award.json.financial_set;
    expect(Object.keys(entry).sort()).toEqual([...awardAccountDefaults].sort());
    expect(entry).toMatchObject({ financial_accounts_by_awards_id: Number(account.pk), award: account.fields.award, fain: 'ABC-FAIN', object_class: '002' });
    expect(entry.treasury_account).toEqual({
      treasury_account_identifier: tasRow.pk,
      tas_rendering_label: 'ABC',
      account_title: tasRow.fields.account_title,
      reporting_agency_id: tasRow.fields.reporting_agency_id,
      reporting_agency_name: tasRow.fields.reporting_agency_name,
      federal_account: expect.objectContaining({ agency_identifier: tasRow.fields.agency_id, main_account_code: tasRow.fields.main_account_code }),
    });
    const filtered = await rest('/api/v1/accounts/awards/', { filters: [{ field: 'treasury_account__tas_rendering_label', operation: 'equals', value: 'ABC' }], dataset: OWN });
    expect(filtered.json.results.map((row: Data) => row.financial_accounts_by_awards_id)).toEqual([Number(account.pk)]);
    const fixtureAward = await rest('/api/v1/awards/47587/');
    expect(fixtureAward.json.financial_set).toEqual([]);
  });
});

describe('/api/v1/federal_accounts/ (test_federal_account_endpoints.py, test_federal_account_autocomplete.py)', () => {
  // A federal account is an agency identifier and main account code of the TAS (accounts/models.py FederalAccount).
  const federal = () => [...new Set(tas().map((t) => `${t.fields.agency_id}-${t.fields.main_account_code}`))].sort();

  it('lists one federal account per agency identifier and main account code; detail by id', async () => {
    const { status, json } = await rest(`/api/v1/federal_accounts/?dataset=${FIXTURE}&order=main_account_code`);
    expect(status).toBe(200);
    expect(json.page_metadata.count).toBe(federal().length);
    expect(json.results.map((row: Data) => `${row.agency_identifier}-${row.main_account_code}`)).toEqual(federal());
    for (const row of json.results) {
      const titles = tas().filter((t) => t.fields.main_account_code === row.main_account_code).map((t) => t.fields.account_title);
      expect(titles).toContain(row.account_title);
      expect(Object.keys(row).sort()).toEqual(['account_title', 'agency_identifier', 'id', 'main_account_code']);
    }
    const detail = await rest(`/api/v1/federal_accounts/${json.results[0].id}/`);
    expect(detail.json).toEqual(json.results[0]);
    const viaTas = await rest(`/api/v1/tas/?dataset=${FIXTURE}&federal_account=${json.results[0].id}`);
    expect(viaTas.json.page_metadata.count).toBe(tas().filter((t) => t.fields.main_account_code === json.results[0].main_account_code).length);
    expect((await rest('/api/v1/federal_accounts/0/')).status).toBe(404);
  });

  it('autocompletes main_account_code and account_title, with matched objects; {} is a 400', async () => {
    const { status, json } = await rest('/api/v1/federal_accounts/autocomplete/', {
      fields: ['main_account_code', 'account_title'],
      value: '02',
      matched_objects: 1,
      dataset: FIXTURE,
    });
    expect(status).toBe(200);
    const codes = [...new Set(tas().map((t) => String(t.fields.main_account_code)).filter((c) => c.includes('02')))].sort();
    expect(json.results).toEqual({ main_account_code: codes, account_title: [] });
    expect(json.matched_objects.main_account_code.map((row: Data) => row.main_account_code)).toEqual(codes);
    expect((await rest('/api/v1/federal_accounts/autocomplete/', {})).status).toBe(400);
    expect((await rest('/api/v1/federal_accounts/autocomplete/')).status).toBe(405);
  });
});

describe('the financial accounts in GraphQL', () => {
  it('treasuryAccounts and federalAccounts are connections with typed filters; Award.financialAccounts lists an award\'s accounts', async () => {
    const query = graphql(`
      query CompatAccounts($dataset: String!, $awardId: Int!) {
        treasuryAccounts(dataset: $dataset, filter: { mainAccountCode: { equals: "0100" } }, orderBy: [{ field: ROW_ID, direction: DESC }]) {
          totalCount
          nodes { id rowId tasRenderingLabel mainAccountCode federalAccount { id mainAccountCode } }
        }
        federalAccounts(dataset: $dataset, filter: { mainAccountCode: { startsWith: "02" } }) { totalCount nodes { rowId agencyIdentifier mainAccountCode } }
        award(rowId: $awardId) {
          financialAccounts(first: 5) {
            totalCount
            nodes { rowId fain objectClass programActivityId treasuryAccount { rowId tasRenderingLabel } }
          }
        }
      }
    `);
    const account = ownRows('awards.financialaccountsbyawards')[0]!;
    const result = await execute(query, { dataset: FIXTURE, awardId: Number(account.fields.award) });
    expect(result.errors).toBeUndefined();
    const expected = byPk(tas().filter((t) => t.fields.main_account_code === '0100')).reverse();
    expect(result.data!.treasuryAccounts.totalCount).toBe(expected.length);
    expect(result.data!.treasuryAccounts.nodes.map((node) => node!.rowId)).toEqual(expected);
    for (const node of result.data!.treasuryAccounts.nodes) expect(node!.federalAccount!.mainAccountCode).toBe('0100');
    const codes = [...new Set(tas().map((t) => String(t.fields.main_account_code)).filter((code) => code.startsWith('02')))];
    expect(result.data!.federalAccounts.nodes.map((node) => node!.mainAccountCode)).toEqual(codes);
    expect(result.data!.award!.financialAccounts).toEqual({
      totalCount: 1,
      nodes: [{ rowId: Number(account.pk), fain: 'ABC-FAIN', objectClass: '002', programActivityId: account.fields.program_activity_code, treasuryAccount: { rowId: account.fields.treasury_account, tasRenderingLabel: 'ABC' } }],
    });
    const node = await execute(graphql(`query CompatAccountNode($id: ID!) { node(id: $id) { ... on TreasuryAccount { rowId } } }`), {
      id: result.data!.treasuryAccounts.nodes[0]!.id,
    });
    expect(node.data!.node).toEqual({ rowId: expected[0] });
    const bad = await execute(query, { dataset: FIXTURE, awardId: 1 });
    expect(bad.data?.award ?? null).toBeNull();
  });
});

const AwardAccountAmounts = graphql(`
  query AwardAccountAmounts($dataset: String!, $first: Int!) {
    awards(dataset: $dataset, first: $first, orderBy: [{ field: ROW_ID }]) {
      nodes { rowId financialAccounts(first: 50) { nodes { rowId transactionObligatedAmount grossOutlayAmountByAwardCpe } } }
    }
  }
`);

const AwardAccountAmountsOfOne = graphql(`
  query AwardAccountAmountsOfOne($rowId: Int!) {
    award(rowId: $rowId) { financialAccounts(first: 50) { nodes { rowId transactionObligatedAmount grossOutlayAmountByAwardCpe } } }
  }
`);

describe("an award's financial accounts", () => {
  it('answer amounts with both digits of the cents, the same from a page of awards as from one award', async () => {
    const rows = await db.awardAccount.findMany({ where: { awardId: { not: null }, transactionObligatedAmount: { not: null } }, orderBy: { id: 'asc' } });
    expect(rows.length).toBeGreaterThan(0);
    const page = await execute(AwardAccountAmounts, { dataset: OWN, first: 500 });
    expect(page.errors).toBeUndefined();
    const listed = new Map(page.data!.awards.nodes.flatMap((award) => award.financialAccounts.nodes.map((account) => [account.rowId, account] as const)));
    for (const row of rows.slice(0, 20)) {
      const account = listed.get(row.id);
      expect(account, `account ${row.id} on its award's page`).toBeDefined();
      expect(account!.transactionObligatedAmount).toBe(row.transactionObligatedAmount!.toFixed(2));
      expect(account!.grossOutlayAmountByAwardCpe).toBe(row.grossOutlayAmountByAwardCpe?.toFixed(2) ?? null);
      const one = await execute(AwardAccountAmountsOfOne, { rowId: row.awardId! });
      expect(one.errors).toBeUndefined();
      expect(one.data!.award!.financialAccounts.nodes.find((node) => node.rowId === row.id)).toEqual(account);
    }
  });
});
