import { readFileSync, writeFileSync } from 'node:fs';

/** A row of a USAspending (Django) fixture. */
export interface FixtureRow {
  model: string;
  pk: number | string;
  fields: Record<string, unknown>;
}

export const fixturePath = new URL('../../samples/awards/endpoint_fixture_db.2017-02-28.json', import.meta.url).pathname;

/** The bundled fixture's rows of a model, one per pk (its last version, as Django's loaddata keeps). */
export function fixtureRows(model: string): FixtureRow[] {
  const all = JSON.parse(readFileSync(fixturePath, 'utf8')) as FixtureRow[];
  return [...new Map(all.filter((row) => row.model === model).map((row) => [String(row.pk), row])).values()];
}

/** Sums decimal texts exactly (in cents), as decimal text with two places. */
export function sumMoney(values: unknown[]): string {
  const cents = values.reduce<bigint>((sum, value) => sum + BigInt(String(value).replace('.', '')), 0n);
  const sign = cents < 0n ? '-' : '';
  const abs = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

const template = (model: string) => fixtureRows(model)[0]!.fields;

export interface AccountModels {
  path: string;
  rows: FixtureRow[];
}

/**
 * A fixture in the bundled one's shape (its rows as templates, ids from `base` up) holding what upstream's own account
 * tests build with model_mommy (usaspending_api/accounts/tests/test_tas_endpoints.py `account_models` and
 * test_final_of_fy.py `app_acc_bal_models`): two TAS "ABC" and "XYZ"; balances of ABC in four submissions of fiscal
 * years 2016 and 2017 and of XYZ in two of 2016, each with 10.00 brought forward; two program activities and two
 * object classes with balances of 1000.00 (x2), 2000.00 (x2) and 50.00; and one award with one financial account.
 */
export function accountModels(file: string, base: number, title = 'Salaries and Expenses'): AccountModels {
  const id = (n: number) => base + n;
  const starts = ['2016-01-01', '2016-04-01', '2016-10-01', '2017-02-01'];
  const rows: FixtureRow[] = [];
  const add = (model: string, pk: number | string, fields: Record<string, unknown>) => rows.push({ model, pk, fields: { ...template(model), ...fields } });
  starts.forEach((start, i) => add('submissions.submissionattributes', id(i + 1), { reporting_period_start: start }));
  add('accounts.treasuryappropriationaccount', id(1), { tas_rendering_label: 'ABC', main_account_code: '0100', account_title: title });
  add('accounts.treasuryappropriationaccount', id(2), { tas_rendering_label: 'XYZ', main_account_code: '0200', account_title: `${title} (XYZ)` });
  const balances: [number, number][] = [[1, 1], [1, 2], [1, 3], [1, 4], [2, 1], [2, 2]];
  balances.forEach(([tas, submission], i) =>
    add('accounts.appropriationaccountbalances', id(i + 1), {
      treasury_account_identifier: id(tas),
      submission: id(submission),
      budget_authority_unobligated_balance_brought_forward_fyb: '10.00',
    }),
  );
  add('references.refprogramactivity', id(1), { program_activity_code: '0001' });
  add('references.refprogramactivity', id(2), { program_activity_code: '0002' });
  add('references.refobjectclasscode', '001', { label: 'Object class 1' });
  add('references.refobjectclasscode', '002', { label: 'Object class 2' });
  const categories: [string, number, number, string][] = [
    ['001', 1, 2, '1000.00'], ['001', 1, 2, '1000.00'], ['002', 2, 2, '2000.00'], ['002', 2, 2, '2000.00'], ['002', 1, 1, '50.00'],
  ];
  categories.forEach(([objectClass, activity, tas, amount], i) =>
    add('financial_activities.financialaccountsbyprogramactivityobjectclass', id(i + 1), {
      object_class: objectClass,
      program_activity_code: id(activity),
      treasury_account: id(tas),
      submission: id(1),
      obligations_undelivered_orders_unpaid_total_cpe: amount,
    }),
  );
  add('awards.award', id(1), { ...template('awards.award'), recipient: null, awarding_agency: null, funding_agency: null, place_of_performance: null, latest_transaction: null, parent_award: null });
  add('awards.financialaccountsbyawards', id(1), { award: id(1), treasury_account: id(1), submission: id(1), object_class: '002', program_activity_code: id(1), fain: 'ABC-FAIN', transaction_obligated_amount: '1234.50', gross_outlay_amount_by_award_cpe: '-20.00' });
  writeFileSync(file, JSON.stringify(rows));
  return { path: file, rows };
}
