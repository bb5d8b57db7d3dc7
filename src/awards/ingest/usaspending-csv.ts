import { createReadStream, existsSync } from 'node:fs';
import { parse } from 'csv-parse';
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../db.js';
import { fiscalYearOf } from '../../shared/fiscal.js';
import { readCsv } from '../../shared/ingest/csv.js';
import { IngestError, type Loader } from '../../shared/ingest/types.js';
import {
  awardCategory,
  awardTypes,
  blank,
  bumpSequences,
  codeAndName,
  inBatches,
  money,
  parseDate,
  reserveIds,
  sumAwardTotals,
} from './usaspending-common.js';

type Kind = 'contracts' | 'assistance';

const AGENCY_LIST = 'authoritative_agency_list.csv';
const CITY_COUNTY = 'ref_city_county_code.csv';

async function headerOf(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '';
  } finally {
    await file.close();
  }
}

async function kindOf(path: string): Promise<Kind | null> {
  if (!path.toLowerCase().endsWith('.csv')) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
    const header = await headerOf(path);
    if (header.includes('"dollarsobligated"') || /(^|,)dollarsobligated(,|$)/.test(header)) {
      return header.includes('piid') ? 'contracts' : null;
    }
    if (header.includes('federal_award_id') && header.includes('fed_funding_amount')) return 'assistance';
    return null;
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

interface LocationRow extends Omit<Prisma.LocationCreateManyInput, 'datasetId'> {}

interface Draft {
  award: Omit<Prisma.AwardCreateManyInput, 'datasetId'> & { key: string };
  transactions: Omit<Prisma.TransactionCreateManyInput, 'datasetId'>[];
}

class Builder {
  toptiers = new Map<string, Omit<Prisma.ToptierAgencyCreateManyInput, 'datasetId'>>();
  subtiers = new Map<string, Omit<Prisma.SubtierAgencyCreateManyInput, 'datasetId'>>();
  agencies = new Map<string, Omit<Prisma.AgencyCreateManyInput, 'datasetId'>>();
  locations = new Map<string, LocationRow>();
  recipients = new Map<string, Omit<Prisma.RecipientCreateManyInput, 'datasetId'>>();
  awards = new Map<string, Draft>();
  private next = { toptier: 0, subtier: 0, agency: 0, location: 0, recipient: 0, award: 0, transaction: 0 };

  constructor(readonly agencyRefs: Map<string, AgencyRef>) {}

  id(kind: keyof Builder['next']): number {
    this.next[kind] += 1;
    return this.next[kind];
  }

  agency(subtierRaw: string | undefined, toptierRaw: string | undefined): number | null {
    const [subCode, subName] = codeAndName(subtierRaw);
    const [topCode, topName] = codeAndName(toptierRaw);
    if (!subCode && !topCode) return null;
    const ref = subCode ? this.agencyRefs.get(subCode) : undefined;
    const topKey = ref?.cgac ?? topCode ?? subCode!;
    if (!this.toptiers.has(topKey)) {
      this.toptiers.set(topKey, {
        id: this.id('toptier'),
        cgacCode: ref?.cgac ?? null,
        fpdsCode: ref?.fpds ?? topCode,
        abbreviation: ref?.abbreviation ?? null,
        name: ref?.name ?? topName ?? topKey,
      });
    }
    const subKey = subCode ?? topKey;
    if (!this.subtiers.has(subKey)) {
      this.subtiers.set(subKey, {
        id: this.id('subtier'),
        subtierCode: subKey,
        abbreviation: ref?.subtierAbbreviation ?? null,
        name: ref?.subtierName ?? subName ?? subKey,
      });
    }
    const key = `${topKey}|${subKey}`;
    let agency = this.agencies.get(key);
    if (!agency) {
      agency = {
        id: this.id('agency'),
        toptierAgencyId: this.toptiers.get(topKey)!.id,
        subtierAgencyId: this.subtiers.get(subKey)!.id,
        toptierFlag: subKey === topKey,
      };
      this.agencies.set(key, agency);
    }
    return agency.id!;
  }

  location(row: Omit<LocationRow, 'id'>): number {
    const key = JSON.stringify(row);
    let location = this.locations.get(key);
    if (!location) {
      location = { ...row, id: this.id('location') };
      this.locations.set(key, location);
    }
    return location.id!;
  }

  recipient(key: string, row: Omit<Prisma.RecipientCreateManyInput, 'datasetId' | 'id'>): number {
    let recipient = this.recipients.get(key);
    if (!recipient) {
      recipient = { ...row, id: this.id('recipient') };
      this.recipients.set(key, recipient);
    }
    return recipient.id!;
  }

  /** Adds a transaction to its award (found by key), keeping the award's dates current (totals are summed on write). */
  transaction(key: string, award: Omit<Draft['award'], 'id' | 'key'>, tx: Omit<Prisma.TransactionCreateManyInput, 'datasetId' | 'id' | 'awardId'>) {
    let draft = this.awards.get(key);
    if (!draft) {
      draft = { award: { ...award, id: this.id('award'), key }, transactions: [] };
      this.awards.set(key, draft);
    }
    const signed = award.dateSigned as Date | null;
    if (signed && (!draft.award.dateSigned || signed < (draft.award.dateSigned as Date))) draft.award.dateSigned = signed;
    draft.transactions.push({ ...tx, id: this.id('transaction'), awardId: draft.award.id });
  }

  async write(tx: Tx, datasetId: number): Promise<number> {
    const tables = [
      ['toptier_agency', [...this.toptiers.values()]],
      ['subtier_agency', [...this.subtiers.values()]],
      ['agency', [...this.agencies.values()]],
      ['location', [...this.locations.values()]],
      ['recipient', [...this.recipients.values()]],
      ['award', [...this.awards.values()].map((draft) => draft.award)],
      ['transaction', [...this.awards.values()].flatMap((draft) => draft.transactions)],
    ] as const;
    const idMaps = new Map<string, Map<number, number>>();
    for (const [table, rows] of tables) {
      const ids = await reserveIds(tx, table, rows.length);
      idMaps.set(table, new Map(rows.map((row, i) => [row.id as number, ids[i]!])));
    }
    const map = (table: string, id: number | null | undefined) => (id == null ? null : idMaps.get(table)!.get(id) ?? null);
    const base = { datasetId };
    await tx.toptierAgency.createMany({ data: [...this.toptiers.values()].map((r) => ({ ...r, ...base, id: map('toptier_agency', r.id)! })) });
    await tx.subtierAgency.createMany({ data: [...this.subtiers.values()].map((r) => ({ ...r, ...base, id: map('subtier_agency', r.id)! })) });
    await tx.agency.createMany({
      data: [...this.agencies.values()].map((r) => ({
        ...r,
        ...base,
        id: map('agency', r.id)!,
        toptierAgencyId: map('toptier_agency', r.toptierAgencyId),
        subtierAgencyId: map('subtier_agency', r.subtierAgencyId),
      })),
    });
    await inBatches([...this.locations.values()], (batch) =>
      tx.location.createMany({ data: batch.map((r) => ({ ...r, ...base, id: map('location', r.id)! })) }),
    );
    await inBatches([...this.recipients.values()], (batch) =>
      tx.recipient.createMany({
        data: batch.map((r) => ({ ...r, ...base, id: map('recipient', r.id)!, locationId: map('location', r.locationId) })),
      }),
    );
    const drafts = [...this.awards.values()];
    const agencyOf = (id: number | null | undefined) => map('agency', id);
    await inBatches(drafts, (batch) =>
      tx.award.createMany({
        data: batch.map(({ award: { key: _key, ...a } }) => ({
          ...a,
          ...base,
          id: map('award', a.id)!,
          awardingAgencyId: agencyOf(a.awardingAgencyId),
          fundingAgencyId: agencyOf(a.fundingAgencyId),
          recipientId: map('recipient', a.recipientId),
          placeOfPerformanceId: map('location', a.placeOfPerformanceId),
        })),
      }),
    );
    const transactions = drafts.flatMap((draft) => draft.transactions);
    await inBatches(transactions, (batch) =>
      tx.transaction.createMany({
        data: batch.map((t) => ({
          ...t,
          ...base,
          id: map('transaction', t.id)!,
          awardId: map('award', t.awardId),
          awardingAgencyId: agencyOf(t.awardingAgencyId),
          fundingAgencyId: agencyOf(t.fundingAgencyId),
          recipientId: map('recipient', t.recipientId),
          placeOfPerformanceId: map('location', t.placeOfPerformanceId),
        })),
      }),
    );
    await sumAwardTotals(tx, datasetId);
    await bumpSequences(tx);
    return drafts.length + transactions.length;
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

function contractRow(b: Builder, v: Record<string, string>, cities: Map<string, { county: string; code: string }>) {
  const [typeCode] = codeAndName(v.contractactiontype);
  const type = typeCode && awardTypes[typeCode] ? typeCode : typeCode;
  const awarding = b.agency(v.contractingofficeagencyid || v.agencyid, v.maj_agency_cat);
  const funding = b.agency(v.fundingrequestingagencyid, v.maj_fund_agency_cat) ?? awarding;
  const state = blank(v.state);
  const city = blank(v.city);
  const county = state && city ? cities.get(`${state}|${city.toUpperCase()}`) : undefined;
  const recipientLocation = b.location({
    countryCode: codeAndName(v.vendorcountrycode)[0],
    countryName: codeAndName(v.vendorcountrycode)[1],
    stateCode: state,
    cityName: city,
    countyName: county?.county ?? null,
    countyCode: county?.code ?? null,
    zip5: blank(v.zipcode)?.slice(0, 5) ?? null,
    zip4: blank(v.zipcode)?.slice(5) || null,
    congressionalCode: blank(v.congressionaldistrict),
    addressLine1: blank(v.streetaddress),
    addressLine2: blank(v.streetaddress2),
    addressLine3: blank(v.streetaddress3),
    recipientFlag: true,
  });
  const size = codeAndName(v.contractingofficerbusinesssizedetermination)[0];
  const categories = flagCategories.filter(([flag]) => v[flag] === 'true').map(([, category]) => category);
  if (size === 'S') categories.push('small_business');
  if (size === 'O') categories.push('other_than_small_business');
  const duns = blank(v.dunsnumber);
  const recipient = b.recipient(duns ?? `name:${v.vendorname}`, {
    recipientName: blank(v.vendorname),
    recipientUniqueId: duns,
    parentRecipientUniqueId: blank(v.parentdunsnumber),
    businessTypes: blank(v.organizationaltype),
    businessTypesDescription: blank(v.organizationaltype),
    businessCategories: categories,
    locationId: recipientLocation,
  });
  const [popState, popStateName] = codeAndName(v.pop_state_code);
  const [popCountry, popCountryName] = codeAndName(v.placeofperformancecountrycode);
  const pop = b.location({
    countryCode: popCountry,
    countryName: popCountryName,
    stateCode: popState,
    stateName: popStateName,
    cityName: blank(v.placeofperformancecity),
    zip5: blank(v.placeofperformancezipcode)?.slice(0, 5) ?? null,
    congressionalCode: blank(v.placeofperformancecongressionaldistrict)?.replace(/^[A-Z]{2}/, '') ?? null,
    placeOfPerformanceFlag: true,
  });
  const piid = blank(v.piid);
  const signed = parseDate(v.signeddate);
  const [actionType] = codeAndName(v.reasonformodification);
  b.transaction(
    `${piid}|${v.idvpiid ?? ''}|${awarding}`,
    {
      type,
      typeDescription: type ? awardTypes[type] ?? 'Unknown Type' : 'Unknown Type',
      category: awardCategory(type),
      piid,
      description: blank(v.descriptionofcontractrequirement),
      awardingAgencyId: awarding,
      fundingAgencyId: funding,
      recipientId: recipient,
      placeOfPerformanceId: pop,
      dateSigned: signed,
      periodOfPerformanceStartDate: parseDate(v.effectivedate),
      periodOfPerformanceCurrentEndDate: parseDate(v.currentcompletiondate),
      potentialTotalValueOfAward: money(v.baseandalloptionsvalue, 'baseandalloptionsvalue'),
      lastModifiedDate: parseDate(v.last_modified_date),
    },
    {
      type,
      typeDescription: type ? awardTypes[type] ?? 'Unknown Type' : 'Unknown Type',
      actionDate: signed,
      actionType,
      federalActionObligation: money(v.dollarsobligated, 'dollarsobligated'),
      modificationNumber: blank(v.modnumber),
      awardingAgencyId: awarding,
      fundingAgencyId: funding,
      recipientId: recipient,
      placeOfPerformanceId: pop,
      description: blank(v.descriptionofcontractrequirement),
      fiscalYear: Number(v.fiscal_year) || fiscalYearOf(signed),
      contractData: v,
    },
  );
}

function assistanceRow(b: Builder, v: Record<string, string>) {
  const [typeCode] = codeAndName(v.assistance_type);
  const awarding = b.agency(v.agency_code, v.maj_agency_cat);
  const recipientLocation = b.location({
    countryCode: blank(v.recipient_country_code),
    stateCode: blank(v.recipient_state_code),
    cityName: blank(v.recipient_city_name),
    countyName: blank(v.recipient_county_name),
    countyCode: blank(v.recipient_county_code),
    zip5: blank(v.recipient_zip)?.slice(0, 5) ?? null,
    zip4: blank(v.recipient_zip)?.slice(5) || null,
    congressionalCode: blank(v.recipient_cd),
    addressLine1: blank(v.receip_addr1),
    addressLine2: blank(v.receip_addr2),
    addressLine3: blank(v.receip_addr3),
    recipientFlag: true,
  });
  const [businessType, businessDescription] = codeAndName(v.recipient_type);
  const duns = blank(v.duns_no);
  const recipient = b.recipient(duns ?? `name:${v.recipient_name}`, {
    recipientName: blank(v.recipient_name),
    recipientUniqueId: duns,
    businessTypes: businessType,
    businessTypesDescription: businessDescription,
    businessCategories: businessType === '21' ? ['individuals'] : businessType === '22' ? ['category_business'] : [],
    locationId: recipientLocation,
  });
  const pop = b.location({
    countryCode: blank(v.principal_place_country_code),
    stateCode: blank(v.principal_place_state_code),
    stateName: blank(v.principal_place_state),
    cityName: blank(v.principal_place_cc),
    zip5: blank(v.principal_place_zip)?.slice(0, 5) ?? null,
    congressionalCode: blank(v.principal_place_cd),
    placeOfPerformanceFlag: true,
  });
  const fain = blank(v.federal_award_id);
  const uri = fain ? null : blank(v.uri);
  const actionDate = parseDate(v.obligation_action_date);
  const description = typeCode ? awardTypes[typeCode] ?? 'Unknown Type' : 'Unknown Type';
  b.transaction(
    `${fain ?? uri}|${awarding}`,
    {
      type: typeCode,
      typeDescription: description,
      category: awardCategory(typeCode),
      fain,
      uri,
      description: blank(v.project_description),
      awardingAgencyId: awarding,
      fundingAgencyId: awarding,
      recipientId: recipient,
      placeOfPerformanceId: pop,
      dateSigned: actionDate,
      periodOfPerformanceStartDate: parseDate(v.starting_date),
      periodOfPerformanceCurrentEndDate: parseDate(v.ending_date),
      lastModifiedDate: parseDate(v.last_modified_date),
    },
    {
      type: typeCode,
      typeDescription: description,
      actionDate,
      actionType: codeAndName(v.action_type)[0],
      federalActionObligation: money(v.fed_funding_amount, 'fed_funding_amount'),
      modificationNumber: blank(v.federal_award_mod),
      awardingAgencyId: awarding,
      fundingAgencyId: awarding,
      recipientId: recipient,
      placeOfPerformanceId: pop,
      description: blank(v.project_description),
      fiscalYear: Number(v.fiscal_year) || fiscalYearOf(actionDate),
      assistanceData: v,
    },
  );
}

/** USAspending award-level CSV exports: contracts (FPDS) and financial assistance (FABS). */
export const usaspendingCsvLoader: Loader = {
  id: 'usaspending-csv',
  family: 'AWARDS',
  description: 'USAspending contract or financial-assistance CSV export (agency list and city/county reference beside it are used)',
  lookedFor: 'a USAspending contract .csv ("piid" and "dollarsobligated" columns) or assistance .csv ("federal_award_id" and "fed_funding_amount")',
  async detect(path) {
    return (await kindOf(path)) !== null;
  },
  async nearMiss(path) {
    if (!path.toLowerCase().endsWith('.csv')) return undefined;
    const columns = new Set((await headerOf(path).catch(() => '')).split(',').map((c) => c.trim().replace(/^"|"$/g, '')));
    if (columns.has('piid') && !columns.has('dollarsobligated')) {
      return 'it has "piid" like a USAspending contract export, but no "dollarsobligated" column';
    }
    if (columns.has('federal_award_id') && !columns.has('fed_funding_amount')) {
      return 'it has "federal_award_id" like a USAspending assistance export, but no "fed_funding_amount" column';
    }
    return undefined;
  },
  async load(request, context) {
    const kind = (await kindOf(request.path))!;
    const dir = dirname(request.path);
    const builder = new Builder(await agencyList(dir));
    const cities = kind === 'contracts' ? await cityCounties(dir) : new Map();
    for await (const { values, line } of readCsv(request.path, { progress: context.progress })) {
      try {
        if (kind === 'contracts') contractRow(builder, values, cities);
        else assistanceRow(builder, values);
      } catch (error) {
        throw error instanceof IngestError && !error.file ? new IngestError(error.message, basename(request.path), line) : error;
      }
    }
    const name = request.name ?? basename(request.path).replace(/\.csv$/i, '');
    return context.replaceDataset(
      {
        name,
        family: 'AWARDS',
        title: kind === 'contracts' ? 'USAspending contract transactions (sample)' : 'USAspending financial assistance (sample)',
        publisher: 'U.S. Department of the Treasury (USAspending.gov)',
        license: 'Public domain (U.S. Government work)',
        themes: ['federal spending'],
        keywords: ['awards', 'usaspending', kind],
        source: { format: `usaspending-${kind}-csv`, file: basename(request.path) },
      },
      (tx, datasetId) => builder.write(tx, datasetId),
    );
  },
};
