import type { Prisma } from '../../generated/prisma/client.js';
import { IngestError } from '../../shared/ingest/types.js';
import { fiscalYearOf } from '../../shared/fiscal.js';
import { models, type AccountModelName } from '../query/registry.js';
import { inBatches, money, parseDate, type AwardTable } from './usaspending-common.js';

export interface FixtureRow {
  model: string;
  pk: number | string;
  fields: Record<string, unknown>;
}
type Of = (model: string) => FixtureRow[];
type Base = { datasetId: number };

/** The fixture tables of financial accounts that keep their own ids, with the model each is read from. */
export const accountTables: [AwardTable, string][] = [
  ['submission_attributes', 'submissions.submissionattributes'],
  ['treasury_appropriation_account', 'accounts.treasuryappropriationaccount'],
  ['appropriation_account_balances', 'accounts.appropriationaccountbalances'],
  ['ref_program_activity', 'references.refprogramactivity'],
  ['financial_accounts_by_program_activity_object_class', 'financial_activities.financialaccountsbyprogramactivityobjectclass'],
  ['financial_accounts_by_awards', 'awards.financialaccountsbyawards'],
];

const text = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value));
const int = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);

/** The rows of a model, one per pk: a fixture listing a pk twice loads its last version, as Django's loaddata does. */
export function uniqueRows(of: Of, model: string): FixtureRow[] {
  return [...new Map(of(model).map((row) => [String(row.pk), row])).values()];
}

/** A fixture row's fields as Prisma data, read by the registry's scalars of the model (ids and relation keys aside). */
function plain(model: AccountModelName, fields: Record<string, unknown>, path = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const scalar of models[model].scalars) {
    if (scalar.name === 'id' || !(scalar.column in fields)) continue;
    const value = fields[scalar.column];
    switch (scalar.type) {
      case 'decimal':
        out[scalar.name] = money(text(value), `${models[model].table}.${scalar.column}`);
        break;
      case 'date':
        out[scalar.name] = parseDate(text(value));
        break;
      case 'datetime': {
        const stamp = typeof value === 'string' && value ? new Date(value) : null;
        if (stamp && Number.isNaN(stamp.getTime())) throw new IngestError(`${models[model].table}.${scalar.column}: "${String(value).slice(0, 40)}" is not a date-time`, path);
        out[scalar.name] = stamp;
        break;
      }
      case 'int':
        out[scalar.name] = int(value);
        break;
      case 'boolean':
        out[scalar.name] = typeof value === 'boolean' ? value : null;
        break;
      default:
        out[scalar.name] = text(value);
    }
  }
  return out;
}

/**
 * The latest submission of each Treasury account per fiscal year (by reporting period start, then id): upstream's
 * `final_of_fy`, which its balances list shows.
 */
function finalBalances(balances: FixtureRow[], submissions: Map<number, Date | null>): Set<number> {
  const best = new Map<string, { id: number; start: number }>();
  for (const row of balances) {
    const id = Number(row.pk);
    const start = submissions.get(int(row.fields.submission) ?? -1) ?? null;
    const key = `${int(row.fields.treasury_account_identifier)}:${start ? fiscalYearOf(start) : ''}`;
    const time = start?.getTime() ?? -Infinity;
    const current = best.get(key);
    if (!current || time > current.start || (time === current.start && id > current.id)) best.set(key, { id, start: time });
  }
  return new Set([...best.values()].map((entry) => entry.id));
}

/** Submissions, Treasury accounts (and the federal accounts they make up), balances, program activities, object classes. */
export async function insertAccounts(tx: Prisma.TransactionClient, base: Base, of: Of, path: string): Promise<void> {
  const submissions = uniqueRows(of, 'submissions.submissionattributes');
  await tx.submission.createMany({
    data: submissions.map((row) => ({ ...base, id: Number(row.pk), ...plain('Submission', row.fields, path) }) as Prisma.SubmissionCreateManyInput),
  });

  const accounts = uniqueRows(of, 'accounts.treasuryappropriationaccount');
  // A federal account is an agency identifier with a main account code; its title is its latest TAS's.
  const federal = new Map<string, { agency: string; main: string; title: string | null; rank: string }>();
  for (const row of accounts) {
    const agency = text(row.fields.agency_id) ?? '';
    const main = text(row.fields.main_account_code) ?? '';
    const rank = `${text(row.fields.ending_period_of_availability) ?? (row.fields.availability_type_code === 'X' ? '9999' : '')}:${String(row.pk).padStart(12, '0')}`;
    const current = federal.get(`${agency}-${main}`);
    if (!current || rank > current.rank) federal.set(`${agency}-${main}`, { agency, main, title: text(row.fields.account_title), rank });
  }
  const federalIds = new Map<string, number>();
  for (const [key, value] of [...federal].sort(([a], [b]) => a.localeCompare(b))) {
    const created = await tx.federalAccount.create({
      data: { ...base, agencyIdentifier: value.agency, mainAccountCode: value.main, accountTitle: value.title },
      select: { id: true },
    });
    federalIds.set(key, created.id);
  }
  await tx.treasuryAccount.createMany({
    data: accounts.map((row) => ({
      ...base,
      id: Number(row.pk),
      federalAccountId: federalIds.get(`${text(row.fields.agency_id) ?? ''}-${text(row.fields.main_account_code) ?? ''}`) ?? null,
      ...plain('TreasuryAccount', row.fields, path),
    }) as Prisma.TreasuryAccountCreateManyInput),
  });

  const starts = new Map(submissions.map((row) => [Number(row.pk), parseDate(text(row.fields.reporting_period_start))]));
  const balances = uniqueRows(of, 'accounts.appropriationaccountbalances');
  const finals = finalBalances(balances, starts);
  await inBatches(balances, (batch) =>
    tx.accountBalance.createMany({
      data: batch.map((row) => ({
        ...base,
        id: Number(row.pk),
        treasuryAccountId: int(row.fields.treasury_account_identifier),
        submissionId: int(row.fields.submission),
        ...plain('AccountBalance', row.fields, path),
        finalOfFy: finals.has(Number(row.pk)),
      }) as Prisma.AccountBalanceCreateManyInput),
    }),
  );

  await tx.programActivity.createMany({
    data: uniqueRows(of, 'references.refprogramactivity').map((row) => ({ ...base, id: Number(row.pk), ...plain('ProgramActivity', row.fields, path) }) as Prisma.ProgramActivityCreateManyInput),
  });
  const classes = uniqueRows(of, 'references.refobjectclasscode');
  const classIds = new Map<string, number>();
  for (const row of classes) {
    const created = await tx.objectClass.create({
      data: { ...base, ...plain('ObjectClass', row.fields, path), objectClass: String(row.pk) } as Prisma.ObjectClassUncheckedCreateInput,
      select: { id: true },
    });
    classIds.set(String(row.pk), created.id);
  }

  const links = (fields: Record<string, unknown>) => ({
    treasuryAccountId: int(fields.treasury_account),
    submissionId: int(fields.submission),
    // The fixture's era names the program activity key `program_activity_code`; later versions `program_activity`.
    programActivityId: int(fields.program_activity ?? fields.program_activity_code),
    objectClassId: text(fields.object_class) === null ? null : classIds.get(String(fields.object_class)) ?? null,
  });
  await inBatches(uniqueRows(of, 'financial_activities.financialaccountsbyprogramactivityobjectclass'), (batch) =>
    tx.categoryBalance.createMany({
      data: batch.map((row) => ({ ...base, id: Number(row.pk), ...links(row.fields), ...plain('CategoryBalance', row.fields, path) }) as Prisma.CategoryBalanceCreateManyInput),
    }),
  );
  await inBatches(uniqueRows(of, 'awards.financialaccountsbyawards'), (batch) =>
    tx.awardAccount.createMany({
      data: batch.map((row) => ({
        ...base,
        id: Number(row.pk),
        awardId: int(row.fields.award),
        ...links(row.fields),
        ...plain('AwardAccount', row.fields, path),
      }) as Prisma.AwardAccountCreateManyInput),
    }),
  );
}
