import { fixedDecimal } from '../../shared/exact.js';
import { fiscalYearOf } from '../../shared/fiscal.js';
import { models, toSnake, type ModelName, type ScalarType } from '../query/registry.js';

type Row = Record<string, unknown> | null | undefined;
export type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

/** An amount column (numeric(20, 2)) as USAspending writes it: a decimal string with cents, e.g. "1.00". */
export function money(value: unknown): string | null {
  return fixedDecimal(value, 2);
}

export function day(value: unknown): string | null {
  return value instanceof Date ? value.toISOString().slice(0, 10) : null;
}

export function stamp(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : null;
}

function fy(value: unknown): number | null {
  return value instanceof Date ? fiscalYearOf(value) : null;
}

export function locationJson(row: Row): Json {
  if (!row) return null;
  return {
    location_id: row.id as number,
    location_country_code: (row.countryCode as string | null) ?? null,
    country_name: (row.countryName as string | null) ?? null,
    state_code: (row.stateCode as string | null) ?? null,
    state_name: (row.stateName as string | null) ?? null,
    city_name: (row.cityName as string | null) ?? null,
    county_name: (row.countyName as string | null) ?? null,
    county_code: (row.countyCode as string | null) ?? null,
    address_line1: (row.addressLine1 as string | null) ?? null,
    address_line2: (row.addressLine2 as string | null) ?? null,
    address_line3: (row.addressLine3 as string | null) ?? null,
    zip5: (row.zip5 as string | null) ?? null,
    zip4: (row.zip4 as string | null) ?? null,
    congressional_code: (row.congressionalCode as string | null) ?? null,
    foreign_postal_code: (row.foreignPostalCode as string | null) ?? null,
    foreign_province: (row.foreignProvince as string | null) ?? null,
    foreign_city_name: (row.foreignCityName as string | null) ?? null,
    place_of_performance_flag: Boolean(row.placeOfPerformanceFlag),
    recipient_flag: Boolean(row.recipientFlag),
  };
}

export function agencyJson(row: Row): Json {
  if (!row) return null;
  const top = row.toptierAgency as Row;
  const sub = row.subtierAgency as Row;
  return {
    id: row.id as number,
    toptier_flag: Boolean(row.toptierFlag),
    toptier_agency: top
      ? {
          cgac_code: (top.cgacCode as string | null) ?? null,
          fpds_code: (top.fpdsCode as string | null) ?? null,
          abbreviation: (top.abbreviation as string | null) ?? null,
          name: top.name as string,
        }
      : null,
    subtier_agency: sub
      ? { subtier_code: (sub.subtierCode as string | null) ?? null, abbreviation: (sub.abbreviation as string | null) ?? null, name: sub.name as string }
      : null,
    office_agency: null,
  };
}

export function recipientJson(row: Row): Json {
  if (!row) return null;
  return {
    legal_entity_id: row.id as number,
    recipient_name: (row.recipientName as string | null) ?? null,
    recipient_unique_id: (row.recipientUniqueId as string | null) ?? null,
    parent_recipient_unique_id: (row.parentRecipientUniqueId as string | null) ?? null,
    business_types: (row.businessTypes as string | null) ?? null,
    business_types_description: (row.businessTypesDescription as string | null) ?? null,
    business_categories: (row.businessCategories as string[] | undefined) ?? [],
    location: locationJson(row.location as Row),
  };
}

/** The contract or assistance part of a transaction, keyed by its transaction as upstream's one-to-one row is. */
function transactionPart(id: number, data: unknown): Json {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  return { transaction: id, ...(data as Record<string, Json>) };
}

export function awardJson(row: Record<string, unknown>): Record<string, Json> {
  return {
    id: row.id as number,
    data_source: (row.dataSource as string | null) ?? null,
    type: (row.type as string | null) ?? null,
    type_description: (row.typeDescription as string | null) ?? null,
    category: (row.category as string | null) ?? null,
    piid: (row.piid as string | null) ?? null,
    fain: (row.fain as string | null) ?? null,
    uri: (row.uri as string | null) ?? null,
    generated_unique_award_id: (row.generatedUniqueAwardId as string | null) ?? null,
    parent_award: (row.parentAwardId as number | null) ?? null,
    total_obligation: money(row.totalObligation),
    total_outlay: money(row.totalOutlay),
    potential_total_value_of_award: money(row.potentialTotalValueOfAward),
    date_signed: day(row.dateSigned),
    date_signed__fy: fy(row.dateSigned),
    description: (row.description as string | null) ?? null,
    period_of_performance_start_date: day(row.periodOfPerformanceStartDate),
    period_of_performance_current_end_date: day(row.periodOfPerformanceCurrentEndDate),
    last_modified_date: day(row.lastModifiedDate),
    certified_date: day(row.certifiedDate),
    create_date: stamp(row.createDate),
    update_date: stamp(row.updateDate),
    awarding_agency: agencyJson(row.awardingAgency as Row),
    funding_agency: agencyJson(row.fundingAgency as Row),
    recipient: recipientJson(row.recipient as Row),
    place_of_performance: locationJson(row.placeOfPerformance as Row),
    latest_submission: (row.latestSubmissionId as number | null) ?? null,
    // Upstream's award serializer of the fixture's day nested the award's financial accounts (`financial_set`).
    ...(row.awardAccounts === undefined ? {} : { financial_set: (row.awardAccounts as Record<string, unknown>[]).map((account) => shape(awardAccountJson(account), {}, defaultAwardAccountFields)) }),
    // Read only where the query loaded it (award detail, verbose lists); nested, it has the default fields.
    ...(row.latestTransaction === undefined
      ? {}
      : { latest_transaction: row.latestTransaction ? shape(transactionJson(row.latestTransaction as Record<string, unknown>), {}, defaultTransactionFields) : null }),
  };
}

export function transactionJson(row: Record<string, unknown>): Record<string, Json> {
  return {
    id: row.id as number,
    data_source: (row.dataSource as string | null) ?? null,
    usaspending_unique_transaction_id: (row.usaspendingUniqueTransactionId as string | null) ?? null,
    submission: (row.submissionId as number | null) ?? null,
    award: (row.awardId as number | null) ?? null,
    type: (row.type as string | null) ?? null,
    type_description: (row.typeDescription as string | null) ?? null,
    action_date: day(row.actionDate),
    action_type: (row.actionType as string | null) ?? null,
    federal_action_obligation: money(row.federalActionObligation),
    modification_number: (row.modificationNumber as string | null) ?? null,
    recipient_name: (row.recipientName as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    fiscal_year: (row.fiscalYear as number | null) ?? null,
    period_of_performance_start_date: day(row.periodOfPerformanceStartDate),
    period_of_performance_current_end_date: day(row.periodOfPerformanceCurrentEndDate),
    drv_award_transaction_usaspend: (row.drvAwardTransactionUsaspend as string | null) ?? null,
    drv_current_total_award_value_amount_adjustment: money(row.drvCurrentTotalAwardValueAmountAdjustment),
    drv_potential_total_award_value_amount_adjustment: money(row.drvPotentialTotalAwardValueAmountAdjustment),
    last_modified_date: day(row.lastModifiedDate),
    certified_date: day(row.certifiedDate),
    create_date: stamp(row.createDate),
    update_date: stamp(row.updateDate),
    awarding_agency: agencyJson(row.awardingAgency as Row),
    funding_agency: agencyJson(row.fundingAgency as Row),
    recipient: recipientJson(row.recipient as Row),
    place_of_performance: locationJson(row.placeOfPerformance as Row),
    contract_data: transactionPart(row.id as number, row.contractData),
    assistance_data: transactionPart(row.id as number, row.assistanceData),
  };
}

export const defaultAwardFields = [
  'id', 'type', 'type_description', 'category', 'piid', 'fain', 'uri', 'total_obligation', 'total_outlay', 'date_signed',
  'description', 'period_of_performance_start_date', 'period_of_performance_current_end_date',
  'potential_total_value_of_award', 'awarding_agency', 'funding_agency', 'recipient', 'place_of_performance',
  'date_signed__fy',
];
export const defaultTransactionFields = [
  'id', 'award', 'type', 'type_description', 'action_date', 'action_type', 'federal_action_obligation',
  'modification_number', 'description', 'awarding_agency', 'recipient', 'place_of_performance',
];

export interface Shape {
  fields?: string[] | null;
  exclude?: string[] | null;
  verbose?: boolean | null;
}

/** fields / exclude / verbose as upstream: `verbose` returns everything; `a__b` picks or drops a nested field. */
export function shape(object: Record<string, Json>, options: Shape, defaults: string[]): Record<string, Json> {
  if (options.verbose) return object;
  const wanted = options.fields?.length ? options.fields : defaults;
  const out: Record<string, Json> = {};
  const nested = new Map<string, string[]>();
  for (const field of wanted) {
    if (field in object) {
      out[field] = object[field]!;
      continue;
    }
    const [head, ...rest] = field.split('__');
    if (!head || !(head in object)) continue;
    if (rest.length) nested.set(head, [...(nested.get(head) ?? []), rest.join('__')]);
    else out[head] = object[head]!;
  }
  for (const [head, children] of nested) {
    if (head in out) continue;
    const value = object[head];
    out[head] = value && typeof value === 'object' && !Array.isArray(value) ? shape(value, { fields: children }, []) : (value ?? null);
  }
  for (const field of options.exclude ?? []) {
    if (field in out) {
      delete out[field];
      continue;
    }
    const [head, ...rest] = field.split('__');
    if (!head) continue;
    if (!rest.length) delete out[head];
    else {
      const value = out[head];
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        out[head] = shape(value, { fields: Object.keys(value), exclude: [rest.join('__')] }, []);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- financial accounts

function scalarJson(type: ScalarType, value: unknown): Json {
  switch (type) {
    case 'decimal':
      return money(value);
    case 'date':
      return day(value);
    case 'datetime':
      return stamp(value);
    default:
      return (value as Json | undefined) ?? null;
  }
}

/**
 * A row as upstream's serializers with `fields = '__all__'` wrote it: every registry field under its REST name (the
 * first alias, such as `treasury_account_identifier` for a TAS id), each relation as the key of the related row.
 */
export function rowJson(model: ModelName, row: Record<string, unknown>): Record<string, Json> {
  const def = models[model];
  const out: Record<string, Json> = {};
  for (const scalar of def.scalars) out[scalar.aliases?.[0] ?? scalar.column] = scalarJson(scalar.type, row[scalar.name]);
  for (const relation of def.relations) {
    const key = models[relation.target].key;
    const related = row[relation.name] as Row;
    out[relation.aliases?.[0] ?? toSnake(relation.name)] = key ? ((related?.[key] as Json | undefined) ?? null) : ((row[`${relation.name}Id`] as number | null) ?? null);
  }
  return out;
}

/** Object classes are named by their code, which lives on the related row. */
const categoryInclude = { objectClass: true } as const;
export const treasuryAccountInclude = {
  federalAccount: true,
  accountBalances: { orderBy: { id: 'asc' } },
  categoryBalances: { include: categoryInclude, orderBy: { id: 'asc' } },
} as const;
export const awardAccountInclude = { ...categoryInclude, treasuryAccount: { include: { federalAccount: true } } } as const;
export { categoryInclude };

const rows = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);

/** A TAS with its federal account and, where loaded, its balances (`account_balances`, `program_balances`). */
export function treasuryAccountJson(row: Record<string, unknown>): Record<string, Json> {
  const federal = row.federalAccount as Row;
  return {
    ...rowJson('TreasuryAccount', row),
    federal_account: federal ? rowJson('FederalAccount', federal) : null,
    ...(row.accountBalances === undefined ? {} : { account_balances: rows(row.accountBalances).map((balance) => rowJson('AccountBalance', balance)) }),
    ...(row.categoryBalances === undefined ? {} : { program_balances: rows(row.categoryBalances).map((balance) => rowJson('CategoryBalance', balance)) }),
  };
}

/** A TAS nested under a financial account of an award: what upstream's TAS shows on an `awards` path. */
export const defaultAwardTreasuryAccountFields = [
  'treasury_account_identifier', 'tas_rendering_label', 'account_title', 'reporting_agency_id', 'reporting_agency_name', 'federal_account',
];

export function awardAccountJson(row: Record<string, unknown>): Record<string, Json> {
  const account = row.treasuryAccount as Record<string, unknown> | null | undefined;
  return {
    ...rowJson('AwardAccount', row),
    treasury_account: account ? shape(treasuryAccountJson(account), {}, defaultAwardTreasuryAccountFields) : null,
  };
}

/** Upstream's `get_default_fields` of each financial-account model that has one (the others show every field). */
export const defaultTreasuryAccountFields = [
  'treasury_account_identifier', 'tas_rendering_label', 'federal_account', 'allocation_transfer_agency_id', 'agency_id',
  'beginning_period_of_availability', 'ending_period_of_availability', 'availability_type_code', 'main_account_code',
  'sub_account_code', 'account_title', 'reporting_agency_id', 'reporting_agency_name', 'budget_bureau_code', 'budget_bureau_name',
  'fr_entity_code', 'fr_entity_description', 'budget_function_code', 'budget_function_title', 'budget_subfunction_code',
  'budget_subfunction_title', 'account_balances', 'program_balances',
];
export const defaultAwardAccountFields = [
  'financial_accounts_by_awards_id', 'award', 'treasury_account', 'transaction_obligations', 'object_class', 'program_activity_code',
  'program_activity_name', 'piid', 'fain', 'uri', 'gross_outlay_amount_by_award_cpe', 'gross_outlay_amount_by_award_fyb',
  'certified_date', 'last_modified_date',
];
