import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse';
import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../db.js';
import { bulkSql, type BulkSql } from '../../db/driver-transaction.js';
import { fiscalYearOf } from '../../shared/fiscal.js';
import { readCsv, readCsvHeader } from '../../shared/ingest/csv.js';
import { IngestError, type Loader } from '../../shared/ingest/types.js';
import { bumpSequences, money, parseDate, reserveIds, sumAwardTotals, type AwardTable } from './usaspending-common.js';
import { compileColumns, describeMissing, detectGeneration, generations, type Field, type Generation } from './usaspending-generations.js';
import { parseAwardType } from './usaspending-types.js';

const AGENCY_LIST = 'authoritative_agency_list.csv';
const CITY_COUNTY = 'ref_city_county_code.csv';
/**
 * Transactions (or award rows) read before a batch is written. Batches go to the load transaction's own driver
 * connection (see bulkSql): through Prisma, whose debug modules keep the arguments of their last 100 calls (enabled
 * or not), every recent batch's JSON payload stayed reachable and a 30 MB load peaked at 600 MB. Past Prisma, 250
 * to 2,000 rows a batch load at the same speed and peak; 500 keeps each statement's payload near 1 MB.
 */
const BATCH = 500;

async function headerOf(path: string): Promise<string[] | null> {
  if (!path.toLowerCase().endsWith('.csv')) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
    return (await readCsvHeader(path)).columns;
  } catch {
    return null;
  }
}

/** Reference tables are read leniently: a stray extra column in one row must not block loading the awards. */
async function* referenceRows(file: string): AsyncGenerator<Record<string, string>> {
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) yield record;
}

interface AgencyRef {
  cgac: string | null;
  fpds: string | null;
  name: string;
  abbreviation: string | null;
  subtierName: string;
  subtierAbbreviation: string | null;
}

/**
 * A copy of a string that shares no memory with the text it was cut from: a key kept for the whole load must not
 * keep the parser's chunk it was sliced from alive (V8 substrings reference their parent).
 */
const own = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

const blank = (raw: string | null | undefined) => (raw?.trim() ? raw.trim() : null);

/** The authoritative agency list keyed by subtier code, when it sits next to the data file. */
async function agencyList(dir: string): Promise<Map<string, AgencyRef>> {
  const out = new Map<string, AgencyRef>();
  const file = join(dir, AGENCY_LIST);
  if (!existsSync(file)) return out;
  for await (const values of referenceRows(file)) {
    const code = blank(values['SUBTIER CODE']);
    if (!code || out.has(code)) continue;
    out.set(code, {
      cgac: blank(values['CGAC AGENCY CODE']),
      fpds: blank(values['FPDS DEPARTMENT ID']),
      name: blank(values['AGENCY NAME']) ?? code,
      abbreviation: blank(values['AGENCY ABBREVIATION']),
      subtierName: blank(values['SUBTIER NAME']) ?? code,
      subtierAbbreviation: blank(values['SUBTIER ABBREVIATION']),
    });
  }
  return out;
}

/** County of a city per state from the city/county reference, when it sits next to the data file. */
async function cityCounties(dir: string): Promise<Map<string, { county: string; code: string }>> {
  const out = new Map<string, { county: string; code: string }>();
  const file = join(dir, CITY_COUNTY);
  if (!existsSync(file)) return out;
  for await (const values of referenceRows(file)) {
    const key = `${values.state_code}|${(values.city_name ?? '').toUpperCase()}`;
    if (!out.has(key) && values.county_name) {
      out.set(key, { county: values.county_name, code: (values.county_code ?? '').padStart(3, '0') });
    }
  }
  return out;
}

type Row<T> = Omit<T, 'datasetId'> & { id: number };
type LocationRow = Row<Prisma.LocationCreateManyInput>;
type AwardRow = Row<Prisma.AwardCreateManyInput>;
type TransactionRow = Row<Prisma.TransactionCreateManyInput>;

/** Ids taken from a table's own sequence a block at a time, so rows can reference each other before they are written. */
class Ids {
  private free: number[] = [];
  constructor(
    private readonly tx: Tx,
    private readonly table: AwardTable,
  ) {}
  async next(): Promise<number> {
    if (this.free.length === 0) this.free = (await reserveIds(this.tx, this.table, 1000)).reverse();
    return this.free.pop()!;
  }
}

const flagCategories: [string, string][] = [
  ['womenownedflag', 'woman_owned_business'],
  ['minorityownedbusinessflag', 'minority_owned_business'],
  ['veteranownedflag', 'veteran_owned_business'],
  ['nonprofitorganizationflag', 'nonprofit'],
  ['localgovernmentflag', 'local_government'],
  ['stategovernmentflag', 'regional_and_state_government'],
  ['federalgovernmentflag', 'national_government'],
  ['isforprofitorganization', 'category_business'],
  ['educationalinstitutionflag', 'higher_education'],
  ['isforeigngovernment', 'foreign_government'],
];

/** Business categories from a legacy contract row's flags, or an assistance row's recipient type. */
function businessCategories(v: Record<string, string>, businessType: string | null): string[] {
  const categories = flagCategories.filter(([flag]) => v[flag] === 'true').map(([, category]) => category);
  const size = v.contractingofficerbusinesssizedetermination?.split(':')[0]?.trim();
  if (size === 'S') categories.push('small_business');
  if (size === 'O') categories.push('other_than_small_business');
  if (businessType === '21') categories.push('individuals');
  if (businessType === '22') categories.push('category_business');
  return categories;
}

/** Keys a row's JSON part carries whatever the generation called them, so one filter reaches every file. */
const jsonKeys: [Field, string][] = [
  ['piid', 'piid'],
  ['parentPiid', 'parent_award_piid'],
  ['naics', 'naics'],
  ['naicsName', 'naics_description'],
  ['psc', 'product_or_service_code'],
  ['pscName', 'product_or_service_code_description'],
  ['cfda', 'cfda_number'],
  ['cfdaTitle', 'cfda_title'],
  ['awardingOffice', 'awarding_office_code'],
  ['awardingOfficeName', 'awarding_office_name'],
  ['fundingOffice', 'funding_office_code'],
  ['fundingOfficeName', 'funding_office_name'],
  ['uei', 'recipient_uei'],
  ['duns', 'recipient_duns'],
];

/** Column, SQL type and field of the rows written by `insertRows` (fixed here, never from the file). */
type Columns = [column: string, type: string, field: string][];

const toptierColumns: Columns = [
  ['id', 'int', 'id'],
  ['cgac_code', 'text', 'cgacCode'],
  ['fpds_code', 'text', 'fpdsCode'],
  ['abbreviation', 'text', 'abbreviation'],
  ['name', 'text', 'name'],
];

const subtierColumns: Columns = [
  ['id', 'int', 'id'],
  ['subtier_code', 'text', 'subtierCode'],
  ['abbreviation', 'text', 'abbreviation'],
  ['name', 'text', 'name'],
];

const agencyColumns: Columns = [
  ['id', 'int', 'id'],
  ['toptier_agency_id', 'int', 'toptierAgencyId'],
  ['subtier_agency_id', 'int', 'subtierAgencyId'],
  ['toptier_flag', 'boolean', 'toptierFlag'],
];

const locationColumns: Columns = [
  ['id', 'int', 'id'],
  ['country_code', 'text', 'countryCode'],
  ['country_name', 'text', 'countryName'],
  ['state_code', 'text', 'stateCode'],
  ['state_name', 'text', 'stateName'],
  ['city_name', 'text', 'cityName'],
  ['county_name', 'text', 'countyName'],
  ['county_code', 'text', 'countyCode'],
  ['zip5', 'text', 'zip5'],
  ['zip4', 'text', 'zip4'],
  ['congressional_code', 'text', 'congressionalCode'],
  ['address_line1', 'text', 'addressLine1'],
  ['address_line2', 'text', 'addressLine2'],
  ['address_line3', 'text', 'addressLine3'],
  ['place_of_performance_flag', 'boolean', 'placeOfPerformanceFlag'],
  ['recipient_flag', 'boolean', 'recipientFlag'],
];

const recipientColumns: Columns = [
  ['id', 'int', 'id'],
  ['recipient_name', 'text', 'recipientName'],
  ['recipient_unique_id', 'text', 'recipientUniqueId'],
  ['parent_recipient_unique_id', 'text', 'parentRecipientUniqueId'],
  ['business_types', 'text', 'businessTypes'],
  ['business_types_description', 'text', 'businessTypesDescription'],
  ['business_categories', 'text[]', 'businessCategories'],
  ['location_id', 'int', 'locationId'],
];

const awardColumns: Columns = [
  ['id', 'int', 'id'],
  ['generated_unique_award_id', 'text', 'generatedUniqueAwardId'],
  ['type', 'text', 'type'],
  ['type_description', 'text', 'typeDescription'],
  ['category', 'text', 'category'],
  ['piid', 'text', 'piid'],
  ['fain', 'text', 'fain'],
  ['uri', 'text', 'uri'],
  ['total_obligation', 'numeric', 'totalObligation'],
  ['potential_total_value_of_award', 'numeric', 'potentialTotalValueOfAward'],
  ['description', 'text', 'description'],
  ['awarding_agency_id', 'int', 'awardingAgencyId'],
  ['funding_agency_id', 'int', 'fundingAgencyId'],
  ['recipient_id', 'int', 'recipientId'],
  ['place_of_performance_id', 'int', 'placeOfPerformanceId'],
  ['date_signed', 'date', 'dateSigned'],
  ['period_of_performance_start_date', 'date', 'periodOfPerformanceStartDate'],
  ['period_of_performance_current_end_date', 'date', 'periodOfPerformanceCurrentEndDate'],
  ['last_modified_date', 'date', 'lastModifiedDate'],
];

const transactionColumns: Columns = [
  ['id', 'int', 'id'],
  ['award_id', 'int', 'awardId'],
  ['type', 'text', 'type'],
  ['type_description', 'text', 'typeDescription'],
  ['action_date', 'date', 'actionDate'],
  ['action_type', 'text', 'actionType'],
  ['federal_action_obligation', 'numeric', 'federalActionObligation'],
  ['modification_number', 'text', 'modificationNumber'],
  ['awarding_agency_id', 'int', 'awardingAgencyId'],
  ['funding_agency_id', 'int', 'fundingAgencyId'],
  ['recipient_id', 'int', 'recipientId'],
  ['recipient_name', 'text', 'recipientName'],
  ['place_of_performance_id', 'int', 'placeOfPerformanceId'],
  ['description', 'text', 'description'],
  ['fiscal_year', 'int', 'fiscalYear'],
  ['usaspending_unique_transaction_id', 'text', 'usaspendingUniqueTransactionId'],
  ['period_of_performance_start_date', 'date', 'periodOfPerformanceStartDate'],
  ['period_of_performance_current_end_date', 'date', 'periodOfPerformanceCurrentEndDate'],
  ['last_modified_date', 'date', 'lastModifiedDate'],
  ['contract_data', 'jsonb', 'contractData'],
  ['assistance_data', 'jsonb', 'assistanceData'],
];

/**
 * One row as the JSON object `insertRows` expands, serialised at once: a pending row is then one flat string rather
 * than an object graph (with its wide JSON part) that would outlive the young generation until its batch is written.
 */
function rowJson(columns: Columns, row: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const [column, , field] of columns) {
    const value = row[field];
    out[column] = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  }
  return JSON.stringify(out);
}

type Table = 'toptier_agency' | 'subtier_agency' | 'agency' | 'location' | 'recipient' | 'award' | 'transaction';

/** The tables a batch writes, referenced ones first, with their columns. */
const tables: [Table, Columns][] = [
  ['toptier_agency', toptierColumns],
  ['subtier_agency', subtierColumns],
  ['agency', agencyColumns],
  ['location', locationColumns],
  ['recipient', recipientColumns],
  ['award', awardColumns],
  ['transaction', transactionColumns],
];

/**
 * Inserts a batch as one JSON parameter expanded by `jsonb_to_recordset`: amounts travel as decimal text into
 * numeric columns, dates as YYYY-MM-DD, and a wide JSON part per row costs one JSON.stringify instead of the ORM's
 * per-value serialisation (which took seconds and hundreds of MB per batch of 2,000 rows with 300-column parts).
 * The statement goes to the load transaction's driver connection (bulkSql), so no copy of the batch is kept in
 * Prisma's debug history.
 */
async function insertRows(bulk: BulkSql, table: Table, columns: Columns, datasetId: number, rows: string[]): Promise<void> {
  const payload = `[${rows.join(',')}]`;
  const names = columns.map(([column]) => `"${column}"`).join(', ');
  const record = columns.map(([column, type]) => `"${column}" ${type}`).join(', ');
  await bulk.execute(
    `INSERT INTO "${table}" (dataset_id, ${names}) SELECT $1::int, ${names} FROM jsonb_to_recordset($2::jsonb) AS r(${record})`,
    [datasetId, payload],
  );
}

const emptyPending = (): Record<Table, string[]> => ({
  toptier_agency: [],
  subtier_agency: [],
  agency: [],
  location: [],
  recipient: [],
  award: [],
  transaction: [],
});

/**
 * Writes one generation's rows as they are read: agencies, locations and recipients are kept once each (by their
 * codes), awards once each by their unique key; every batch of transactions is written with the new rows it
 * references, and award totals, first dates, latest transactions and IDV parents are computed in SQL at the end.
 */
class Writer {
  private readonly ids: Record<AwardTable, Ids>;
  private readonly toptiers = new Map<string, number>();
  private readonly subtiers = new Map<string, number>();
  private readonly agencies = new Map<string, number>();
  private readonly locations = new Map<string, number>();
  private readonly recipients = new Map<string, number>();
  private readonly awards = new Map<string, number>();
  /** Award id → its parent IDV's key, resolved once every award is known. */
  private readonly parents = new Map<number, string>();
  /** Rows read and not yet written, per table, each one JSON object (see rowJson). */
  private pending = emptyPending();
  rows = 0;
  private readonly get: ReturnType<typeof compileColumns>;
  private readonly bulk: BulkSql;

  constructor(
    private readonly tx: Tx,
    private readonly datasetId: number,
    private readonly generation: Generation,
    header: string[],
    private readonly file: string,
    private readonly agencyRefs: Map<string, AgencyRef>,
    private readonly cities: Map<string, { county: string; code: string }>,
  ) {
    this.ids = Object.fromEntries(
      (['toptier_agency', 'subtier_agency', 'agency', 'location', 'recipient', 'award', 'transaction'] as const).map((t) => [t, new Ids(tx, t)]),
    ) as Record<AwardTable, Ids>;
    this.get = compileColumns(generation, header);
    this.bulk = bulkSql(tx);
  }

  private async agency(v: Record<string, string>, side: 'awarding' | 'funding'): Promise<number | null> {
    const f = (field: string) => this.get(v, `${side}${field}` as Field);
    const subCode = f('Sub');
    const topCode = f('Top');
    if (!subCode && !topCode) return null;
    const ref = subCode ? this.agencyRefs.get(subCode) : undefined;
    const topKey = ref?.cgac ?? topCode ?? subCode!;
    let toptier = this.toptiers.get(topKey);
    if (toptier === undefined) {
      toptier = await this.ids.toptier_agency.next();
      this.toptiers.set(topKey, toptier);
      const cgac = this.generation.toptierCode === 'cgac';
      this.pending.toptier_agency.push(rowJson(toptierColumns, {
        id: toptier,
        cgacCode: ref?.cgac ?? (cgac ? topCode : null),
        fpdsCode: ref?.fpds ?? (cgac ? null : topCode),
        abbreviation: ref?.abbreviation ?? null,
        name: ref?.name ?? f('TopName') ?? topKey,
      } satisfies Row<Prisma.ToptierAgencyCreateManyInput>));
    }
    const subKey = subCode ?? topKey;
    let subtier = this.subtiers.get(subKey);
    if (subtier === undefined) {
      subtier = await this.ids.subtier_agency.next();
      this.subtiers.set(subKey, subtier);
      this.pending.subtier_agency.push(rowJson(subtierColumns, {
        id: subtier,
        subtierCode: subKey,
        abbreviation: ref?.subtierAbbreviation ?? null,
        name: ref?.subtierName ?? f('SubName') ?? subKey,
      } satisfies Row<Prisma.SubtierAgencyCreateManyInput>));
    }
    const key = `${topKey}|${subKey}`;
    let agency = this.agencies.get(key);
    if (agency === undefined) {
      agency = await this.ids.agency.next();
      this.agencies.set(key, agency);
      this.pending.agency.push(
        rowJson(agencyColumns, { id: agency, toptierAgencyId: toptier, subtierAgencyId: subtier, toptierFlag: subKey === topKey } satisfies Row<Prisma.AgencyCreateManyInput>),
      );
    }
    return agency;
  }

  private async location(row: Omit<LocationRow, 'id'>): Promise<number | null> {
    const key = JSON.stringify(row);
    let id = this.locations.get(key);
    if (id === undefined) {
      id = await this.ids.location.next();
      this.locations.set(key, id);
      this.pending.location.push(rowJson(locationColumns, { placeOfPerformanceFlag: false, recipientFlag: false, ...row, id } satisfies LocationRow));
    }
    return id;
  }

  /** An amount as exact decimal text (the shared money parser), a bad cell stopping the load at its line. */
  private money(v: Record<string, string>, field: Field, line: number): string | null {
    const spec = this.generation.columns[field];
    if (!spec) return null;
    try {
      const columns = spec.split(':')[0]!.split('|');
      const column = columns.find((c) => v[c]?.trim()) ?? columns[0]!;
      return money(this.get(v, field), column);
    } catch (error) {
      if (error instanceof IngestError) throw new IngestError(error.message, this.file, line);
      throw error;
    }
  }

  private date(v: Record<string, string>, field: Field, line: number): Date | null {
    const raw = this.get(v, field);
    if (raw === null) return null;
    const value = parseDate(raw);
    if (!value) throw new IngestError(`${JSON.stringify(raw)} is not a date (${this.generation.columns[field]})`, this.file, line);
    return value;
  }

  async add(v: Record<string, string>, line: number): Promise<void> {
    const g = (field: Field) => this.get(v, field);
    const kind = this.generation.kind;
    const awarding = await this.agency(v, 'awarding');
    const funding = (await this.agency(v, 'funding')) ?? awarding;
    const state = g('rState');
    const city = g('rCity');
    const county = state && city && !g('rCounty') ? this.cities.get(`${state}|${city.toUpperCase()}`) : undefined;
    const zip = g('rZip');
    const recipientLocation = await this.location({
      countryCode: g('rCountry'),
      countryName: g('rCountryName'),
      stateCode: state,
      stateName: g('rStateName'),
      cityName: city,
      countyName: g('rCounty') ?? county?.county ?? null,
      countyCode: g('rCountyCode') ?? county?.code ?? null,
      zip5: zip?.slice(0, 5) ?? null,
      zip4: g('rZip4') ?? (zip?.slice(5) || null),
      congressionalCode: g('rCd'),
      addressLine1: g('rAddr1'),
      addressLine2: g('rAddr2'),
      addressLine3: g('rAddr3'),
      recipientFlag: true,
    });
    const pop = await this.location({
      countryCode: g('pCountry'),
      countryName: g('pCountryName'),
      stateCode: g('pState'),
      stateName: g('pStateName'),
      cityName: g('pCity'),
      countyName: g('pCounty'),
      countyCode: g('pCountyCode'),
      zip5: g('pZip')?.slice(0, 5) ?? null,
      congressionalCode: g('pCd')?.replace(/^[A-Z]{2}-?/, '') ?? null,
      placeOfPerformanceFlag: true,
    });

    // The recipient entity is one per UEI (else DUNS, else name); each transaction keeps the name written on it.
    const name = g('recipientName');
    const uei = g('uei');
    const duns = g('duns');
    const recipientKey = uei ? `uei:${uei}` : duns ? `duns:${duns}` : `name:${name ?? ''}`;
    let recipient = this.recipients.get(recipientKey);
    if (recipient === undefined) {
      recipient = await this.ids.recipient.next();
      this.recipients.set(own(recipientKey), recipient);
      const businessTypes = g('businessTypes');
      this.pending.recipient.push(rowJson(recipientColumns, {
        id: recipient,
        recipientName: name,
        recipientUniqueId: uei ?? duns,
        parentRecipientUniqueId: g('parentUei') ?? g('parentDuns'),
        businessTypes,
        businessTypesDescription: g('businessTypesDescription'),
        businessCategories: businessCategories(v, businessTypes),
        locationId: recipientLocation,
      } satisfies Row<Prisma.RecipientCreateManyInput>));
    }

    const piid = g('piid');
    const fain = g('fain');
    const uri = fain ? null : g('uri');
    const parentPiid = g('parentPiid');
    const idvCode = g('idvTypeCode');
    const type =
      parseAwardType(g('typeCode'), g('typeName')) ??
      // An IDV's own row names its type by the IDV letter (`idv_type_code` "B" = IDV_B, an IDC).
      parseAwardType(idvCode && /^[A-E]$/i.test(idvCode) ? `IDV_${idvCode.toUpperCase()}` : idvCode, g('idvTypeName'));
    const subtier = g('awardingSub') ?? g('awardingTop') ?? '-NONE-';
    // USAspending's generated award keys; legacy files get the same shape from their own columns.
    const awardKey =
      g('awardKey') ??
      (kind === 'contracts'
        ? type?.category === 'idv'
          ? `CONT_IDV_${piid}_${g('agencyId') ?? subtier}`
          : `CONT_AWD_${piid}_${g('agencyId') ?? subtier}_${parentPiid ?? '-NONE-'}_${(parentPiid && g('parentAgency')) || '-NONE-'}`
        : fain
          ? `ASST_NON_${fain}_${subtier}`
          : `ASST_AGG_${uri}_${subtier}`);
    const actionDate = this.date(v, 'actionDate', line);
    const description = g('description');
    const typeFields = {
      type: type?.code ?? g('typeCode'),
      typeDescription: type?.description ?? 'Unknown Type',
    };
    let award = this.awards.get(awardKey);
    if (award === undefined) {
      award = await this.ids.award.next();
      this.awards.set(own(awardKey), award);
      this.pending.award.push(rowJson(awardColumns, {
        id: award,
        generatedUniqueAwardId: awardKey,
        ...typeFields,
        category: type?.category ?? null,
        piid,
        fain,
        uri,
        totalObligation: this.generation.level === 'award' ? this.money(v, 'awardTotal', line) : null,
        potentialTotalValueOfAward: this.money(v, 'potential', line),
        description,
        awardingAgencyId: awarding,
        fundingAgencyId: funding,
        recipientId: recipient,
        placeOfPerformanceId: pop,
        dateSigned: actionDate,
        periodOfPerformanceStartDate: this.date(v, 'startDate', line),
        periodOfPerformanceCurrentEndDate: this.date(v, 'endDate', line),
        lastModifiedDate: this.date(v, 'lastModified', line),
      } satisfies AwardRow));
      if (parentPiid && kind === 'contracts') {
        this.parents.set(award, own(`CONT_IDV_${parentPiid}_${g('parentAgency') ?? g('agencyId') ?? subtier}`));
      }
    }
    this.rows += 1;
    if (this.generation.level === 'transaction') {
      // The row as the file has it, blank cells left out (a blank is no value; a 300-column download is mostly blanks).
      const data: Record<string, string> = {};
      for (const column in v) if (v[column]!.trim() !== '') data[column] = v[column]!;
      for (const [field, key] of jsonKeys) {
        const value = g(field);
        if (value !== null && !(key in data)) data[key] = value;
      }
      const fiscal = Number(g('fiscalYear'));
      this.pending.transaction.push(rowJson(transactionColumns, {
        id: await this.ids.transaction.next(),
        awardId: award,
        ...typeFields,
        actionDate,
        actionType: g('actionType'),
        federalActionObligation: this.money(v, 'amount', line),
        modificationNumber: g('modNumber'),
        awardingAgencyId: awarding,
        fundingAgencyId: funding,
        recipientId: recipient,
        recipientName: name,
        placeOfPerformanceId: pop,
        description,
        fiscalYear: Number.isInteger(fiscal) && fiscal > 0 ? fiscal : fiscalYearOf(actionDate),
        usaspendingUniqueTransactionId: g('transactionKey'),
        periodOfPerformanceStartDate: this.date(v, 'startDate', line),
        periodOfPerformanceCurrentEndDate: this.date(v, 'endDate', line),
        lastModifiedDate: this.date(v, 'lastModified', line),
        ...(kind === 'contracts' ? { contractData: data } : { assistanceData: data }),
      } satisfies TransactionRow));
    }
    if (this.rows % BATCH === 0) await this.flush();
  }

  /** Writes what was read since the last batch, referenced rows first. */
  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = emptyPending();
    for (const [table, columns] of tables) {
      if (pending[table].length) await insertRows(this.bulk, table, columns, this.datasetId, pending[table]);
    }
  }

  /** Award totals (exact: `sum` over numeric), first action dates and latest transactions; IDV parents. */
  async finish(): Promise<number> {
    await this.flush();
    const { tx, datasetId } = this;
    if (this.generation.level === 'transaction') {
      // Totals first: an overflow of numeric(20, 2) is reported as such.
      await sumAwardTotals(tx, datasetId);
      await tx.$executeRaw`
        UPDATE award a SET
          date_signed = t.first_date,
          latest_transaction_id = t.latest
        FROM (
          SELECT award_id,
                 min(action_date) AS first_date,
                 (array_agg(id ORDER BY action_date DESC NULLS LAST, id DESC))[1] AS latest
          FROM "transaction" WHERE dataset_id = ${datasetId} GROUP BY award_id
        ) t
        WHERE a.id = t.award_id AND a.dataset_id = ${datasetId}`;
    }
    const links: [number, number][] = [];
    for (const [child, parentKey] of this.parents) {
      const parent = this.awards.get(parentKey);
      if (parent !== undefined && parent !== child) links.push([child, parent]);
    }
    for (let i = 0; i < links.length; i += 5000) {
      const batch = links.slice(i, i + 5000);
      await tx.$executeRaw`
        UPDATE award a SET parent_award_id = l.parent
        FROM unnest(${batch.map(([c]) => c)}::int[], ${batch.map(([, p]) => p)}::int[]) AS l(child, parent)
        WHERE a.id = l.child`;
    }
    await bumpSequences(tx);
    return this.generation.level === 'transaction' ? this.awards.size + this.rows : this.awards.size;
  }
}

/** USAspending CSV files of every generation: legacy feeds and v1-era exports, and today's prime-award downloads. */
export const usaspendingCsvLoader: Loader = {
  id: 'usaspending-csv',
  family: 'AWARDS',
  description:
    'USAspending contract or financial-assistance CSV of any generation: prime-award and prime-transaction downloads (2017 on), v1-era exports and legacy data feeds (agency list and city/county reference beside it are used)',
  lookedFor: `a USAspending .csv with the columns of one generation (${generations.map((g) => describeMissing(g.required.slice(0, 2))).join(' | ')})`,
  async detect(path) {
    const header = await headerOf(path);
    return header !== null && detectGeneration(header).generation !== null;
  },
  async nearMiss(path) {
    const header = await headerOf(path);
    if (!header) return undefined;
    const [miss] = detectGeneration(header).misses;
    if (!miss) return undefined;
    return `it has "${miss.generation.markers.join('", "')}" like a ${miss.generation.title}, but these required columns are missing: ${describeMissing(miss.missing)}`;
  },
  async load(request, context) {
    const header = (await headerOf(request.path))!;
    const generation = detectGeneration(header).generation!;
    const dir = dirname(request.path);
    const agencyRefs = await agencyList(dir);
    const cities = generation.kind === 'contracts' ? await cityCounties(dir) : new Map<string, { county: string; code: string }>();
    const name = request.name ?? basename(request.path).replace(/\.csv$/i, '');
    context.note(`${basename(request.path)}: ${generation.title}`);
    return context.replaceDataset(
      {
        name,
        family: 'AWARDS',
        title: generation.kind === 'contracts' ? 'USAspending contract awards' : 'USAspending financial assistance awards',
        publisher: 'U.S. Department of the Treasury (USAspending.gov)',
        license: 'Public domain (U.S. Government work)',
        themes: ['federal spending'],
        keywords: ['awards', 'usaspending', generation.kind],
        source: { format: `usaspending-${generation.kind}-csv`, generation: generation.id, file: basename(request.path) },
      },
      async (tx, datasetId) => {
        const writer = new Writer(tx, datasetId, generation, header, request.path, agencyRefs, cities);
        for await (const { values, line } of readCsv(request.path, { progress: context.progress })) await writer.add(values, line);
        return writer.finish();
      },
    );
  },
};
