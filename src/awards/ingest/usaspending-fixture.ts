import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Prisma } from '../../generated/prisma/client.js';
import { purgeRetiredVersions } from '../../shared/ingest/store.js';
import { IngestError, type Loader } from '../../shared/ingest/types.js';
import { fiscalYearOf } from '../../shared/fiscal.js';
import { awardCategory, bumpSequences, inBatches, money, parseDate, type AwardTable } from './usaspending-common.js';

interface FixtureRow {
  model: string;
  pk: number | string;
  fields: Record<string, unknown>;
}

const MAX_FIXTURE_BYTES = 64 * 1024 * 1024;

const str = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value));
const int = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);
const dateTime = (value: unknown): Date | null => (typeof value === 'string' && value ? new Date(value) : null);

async function head(path: string, bytes: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}

type Of = (model: string) => FixtureRow[];

/** The fixture's rows grouped by model. */
async function readFixture(path: string): Promise<Of> {
  const size = (await stat(path)).size;
  if (size > MAX_FIXTURE_BYTES) throw new IngestError('fixture is too large to load as one JSON document', path);
  let rows: FixtureRow[];
  try {
    rows = JSON.parse(await readFile(path, 'utf8')) as FixtureRow[];
  } catch (error) {
    throw new IngestError(`not valid JSON: ${(error as Error).message}`, path);
  }
  if (!Array.isArray(rows)) throw new IngestError('a fixture is a JSON list of objects', path);
  const byModel = new Map<string, FixtureRow[]>();
  for (const row of rows) {
    if (!row || typeof row.model !== 'string' || row.fields === null || typeof row.fields !== 'object') {
      throw new IngestError('every fixture entry needs "model", "pk" and "fields"', path);
    }
    const group = byModel.get(row.model);
    if (group) group.push(row);
    else byModel.set(row.model, [row]);
  }
  return (model) => byModel.get(model) ?? [];
}

/** The fixture keeps its own ids: refuse to load when another award dataset already uses any of them. */
async function checkIdsAreFree(tx: Prisma.TransactionClient, of: Of, path: string): Promise<void> {
  const wanted: [AwardTable, string][] = [
    ['toptier_agency', 'references.toptieragency'],
    ['subtier_agency', 'references.subtieragency'],
    ['agency', 'references.agency'],
    ['location', 'references.location'],
    ['recipient', 'references.legalentity'],
    ['award', 'awards.award'],
    ['transaction', 'awards.transaction'],
  ];
  for (const [table, model] of wanted) {
    const ids = of(model).map((row) => Number(row.pk));
    if (!ids.length) continue;
    const taken = await tx.$queryRaw<{ name: string }[]>(
      Prisma.sql`SELECT d.name FROM ${Prisma.raw(`"${table}"`)} t JOIN dataset d ON d.id = t.dataset_id WHERE t.id = ANY(${ids}::int[]) LIMIT 1`,
    );
    if (taken.length) {
      throw new IngestError(
        `the fixture keeps its own ids, and ${table} ids it needs are used by dataset "${taken[0]!.name}": load the fixture before other award datasets`,
        path,
      );
    }
  }
}

async function insertAgencies(tx: Prisma.TransactionClient, base: { datasetId: number }, of: Of): Promise<void> {
  await tx.toptierAgency.createMany({
    data: of('references.toptieragency').map((row) => ({
      ...base,
      id: Number(row.pk),
      cgacCode: str(row.fields.cgac_code),
      fpdsCode: str(row.fields.fpds_code),
      abbreviation: str(row.fields.abbreviation),
      name: str(row.fields.name) ?? '',
    })),
  });
  await tx.subtierAgency.createMany({
    data: of('references.subtieragency').map((row) => ({
      ...base,
      id: Number(row.pk),
      subtierCode: str(row.fields.subtier_code),
      abbreviation: str(row.fields.abbreviation),
      name: str(row.fields.name) ?? '',
    })),
  });
  await tx.agency.createMany({
    data: of('references.agency').map((row) => ({
      ...base,
      id: Number(row.pk),
      toptierAgencyId: int(row.fields.toptier_agency),
      subtierAgencyId: int(row.fields.subtier_agency),
      toptierFlag: row.fields.toptier_flag === true,
    })),
  });
}

function locationRow(row: FixtureRow, countries: Map<string, string | null>, base: { datasetId: number }): Prisma.LocationCreateManyInput {
  const f = row.fields;
  const countryCode = str(f.location_country_code);
  return {
    ...base,
    id: Number(row.pk),
    countryCode,
    countryName: str(f.country_name) ?? (countryCode ? countries.get(countryCode) ?? null : null),
    stateCode: str(f.state_code),
    stateName: str(f.state_name),
    cityName: str(f.city_name),
    countyName: str(f.county_name),
    countyCode: str(f.county_code),
    zip5: str(f.zip5),
    zip4: str(f.zip4) ?? str(f.zip_last4),
    congressionalCode: str(f.congressional_code),
    foreignPostalCode: str(f.foreign_postal_code),
    foreignProvince: str(f.foreign_province),
    foreignCityName: str(f.foreign_city_name),
    addressLine1: str(f.address_line1),
    addressLine2: str(f.address_line2),
    addressLine3: str(f.address_line3),
    placeOfPerformanceFlag: f.place_of_performance_flag === true,
    recipientFlag: f.recipient_flag === true,
  };
}

function recipientRow(row: FixtureRow, base: { datasetId: number }): Prisma.RecipientCreateManyInput {
  const f = row.fields;
  return {
    ...base,
    id: Number(row.pk),
    recipientName: str(f.recipient_name),
    recipientUniqueId: str(f.recipient_unique_id),
    parentRecipientUniqueId: str(f.parent_recipient_unique_id),
    businessTypes: str(f.business_types),
    // Django fills a field the fixture leaves out with the model's default.
    businessTypesDescription: 'business_types_description' in f ? str(f.business_types_description) : 'Unknown Business Type',
    businessCategories: Array.isArray(f.business_categories) ? f.business_categories.map(String) : [],
    locationId: int(f.location),
  };
}

function awardRow(row: FixtureRow, base: { datasetId: number }): Prisma.AwardCreateManyInput {
  const f = row.fields;
  const type = str(f.type);
  return {
    ...base,
    id: Number(row.pk),
    type,
    typeDescription: str(f.type_description),
    category: str(f.category) ?? awardCategory(type),
    piid: str(f.piid),
    fain: str(f.fain),
    uri: str(f.uri),
    totalObligation: money(str(f.total_obligation), 'total_obligation'),
    totalOutlay: money(str(f.total_outlay), 'total_outlay'),
    potentialTotalValueOfAward: money(str(f.potential_total_value_of_award), 'potential_total_value_of_award'),
    awardingAgencyId: int(f.awarding_agency),
    fundingAgencyId: int(f.funding_agency),
    recipientId: int(f.recipient),
    placeOfPerformanceId: int(f.place_of_performance),
    dateSigned: parseDate(str(f.date_signed)),
    description: str(f.description),
    periodOfPerformanceStartDate: parseDate(str(f.period_of_performance_start_date)),
    periodOfPerformanceCurrentEndDate: parseDate(str(f.period_of_performance_current_end_date)),
    lastModifiedDate: parseDate(str(f.last_modified_date)),
    certifiedDate: parseDate(str(f.certified_date)),
    createDate: dateTime(f.create_date),
    updateDate: dateTime(f.update_date),
    dataSource: str(f.data_source),
    latestSubmissionId: int(f.latest_submission),
  };
}

function transactionRow(
  row: FixtureRow,
  base: { datasetId: number },
  contracts: Map<number, Record<string, unknown>>,
  assistance: Map<number, Record<string, unknown>>,
): Prisma.TransactionCreateManyInput {
  const f = row.fields;
  const actionDate = parseDate(str(f.action_date));
  const id = Number(row.pk);
  return {
    ...base,
    id,
    awardId: int(f.award),
    type: str(f.type),
    typeDescription: str(f.type_description),
    actionDate,
    actionType: str(f.action_type),
    federalActionObligation: money(str(f.federal_action_obligation), 'federal_action_obligation'),
    modificationNumber: str(f.modification_number),
    awardingAgencyId: int(f.awarding_agency),
    fundingAgencyId: int(f.funding_agency),
    recipientId: int(f.recipient),
    placeOfPerformanceId: int(f.place_of_performance),
    description: str(f.description),
    fiscalYear: fiscalYearOf(actionDate),
    contractData: (contracts.get(id) ?? undefined) as Prisma.InputJsonValue | undefined,
    assistanceData: (assistance.get(id) ?? undefined) as Prisma.InputJsonValue | undefined,
    createDate: dateTime(f.create_date),
    updateDate: dateTime(f.update_date),
    dataSource: str(f.data_source),
    usaspendingUniqueTransactionId: str(f.usaspending_unique_transaction_id),
    submissionId: int(f.submission),
    periodOfPerformanceStartDate: parseDate(str(f.period_of_performance_start_date)),
    periodOfPerformanceCurrentEndDate: parseDate(str(f.period_of_performance_current_end_date)),
    drvAwardTransactionUsaspend: str(f.drv_award_transaction_usaspend),
    drvCurrentTotalAwardValueAmountAdjustment: money(str(f.drv_current_total_award_value_amount_adjustment), 'drv_current_total_award_value_amount_adjustment'),
    drvPotentialTotalAwardValueAmountAdjustment: money(str(f.drv_potential_total_award_value_amount_adjustment), 'drv_potential_total_award_value_amount_adjustment'),
    lastModifiedDate: parseDate(str(f.last_modified_date)),
    certifiedDate: parseDate(str(f.certified_date)),
  };
}

/**
 * Each award's latest transaction: the fixture's own `latest_transaction` when it names one, else the transaction
 * with the latest action date (the higher id on a tie), as USAspending's award update sets it.
 */
function latestTransactions(awards: FixtureRow[], transactions: FixtureRow[]): Map<number, number> {
  const latest = new Map<number, { id: number; date: string }>();
  for (const row of transactions) {
    const award = int(row.fields.award);
    const date = str(row.fields.action_date) ?? '';
    if (award === null) continue;
    const current = latest.get(award);
    const id = Number(row.pk);
    if (!current || date > current.date || (date === current.date && id > current.id)) latest.set(award, { id, date });
  }
  const out = new Map<number, number>();
  for (const row of awards) {
    const id = Number(row.pk);
    const given = int(row.fields.latest_transaction) ?? latest.get(id)?.id;
    if (given !== undefined) out.set(id, given);
  }
  return out;
}

/** A USAspending (Django) fixture of awards, transactions, agencies, recipients and locations, loaded with its own ids. */
export const usaspendingFixtureLoader: Loader = {
  id: 'usaspending-fixture',
  family: 'AWARDS',
  description: 'USAspending v1 Django fixture (JSON list of {model, pk, fields}) with awards and transactions',
  lookedFor: 'a USAspending fixture .json ([{"model": "awards.…"}])',
  async detect(path) {
    if (!path.endsWith('.json')) return false;
    try {
      if (!(await stat(path)).isFile()) return false;
      const start = await head(path, 4096);
      return /^\s*\[\s*\{\s*"model"\s*:\s*"(references|awards|accounts|submissions|financial_activities)\./.test(start);
    } catch {
      return false;
    }
  },
  async load(request, context) {
    const of = await readFixture(request.path);
    const countries = new Map(of('references.refcountrycode').map((row) => [String(row.pk), str(row.fields.country_name)]));
    const contracts = new Map(of('awards.transactioncontract').map((row) => [Number(row.pk), row.fields]));
    const assistance = new Map(of('awards.transactionassistance').map((row) => [Number(row.pk), row.fields]));
    const name = request.name ?? basename(request.path).replace(/\.json$/, '');

    return context.replaceDataset(
      {
        name,
        family: 'AWARDS',
        title: 'USAspending v1 endpoint test fixture',
        description: 'Awards, transactions, agencies, recipients and locations from the USAspending API test fixture.',
        publisher: 'U.S. Department of the Treasury (USAspending.gov)',
        license: 'Public domain (U.S. Government work)',
        themes: ['federal spending'],
        keywords: ['awards', 'usaspending'],
        source: { format: 'django-fixture', file: basename(request.path) },
      },
      async (tx, datasetId) => {
        const base = { datasetId };
        // The fixture's rows keep their own ids: a version this reload just retired still holds them.
        await purgeRetiredVersions(tx, name);
        await checkIdsAreFree(tx, of, request.path);
        await insertAgencies(tx, base, of);
        const locations = of('references.location').map((row) => locationRow(row, countries, base));
        await inBatches(locations, (data) => tx.location.createMany({ data }));
        const recipients = of('references.legalentity').map((row) => recipientRow(row, base));
        await inBatches(recipients, (data) => tx.recipient.createMany({ data }));
        const awards = of('awards.award');
        await inBatches(awards, (batch) => tx.award.createMany({ data: batch.map((row) => awardRow(row, base)) }));
        for (const row of awards) {
          const parent = int(row.fields.parent_award);
          if (parent !== null) await tx.award.update({ where: { id: Number(row.pk) }, data: { parentAwardId: parent } });
        }
        const transactions = of('awards.transaction');
        await inBatches(transactions, (batch) =>
          tx.transaction.createMany({ data: batch.map((row) => transactionRow(row, base, contracts, assistance)) }),
        );
        for (const [award, transaction] of latestTransactions(awards, transactions)) {
          await tx.award.update({ where: { id: award }, data: { latestTransactionId: transaction } });
        }
        await bumpSequences(tx);
        return awards.length + transactions.length;
      },
    );
  },
};
