/**
 * The column maps of every USAspending CSV generation: which columns identify it, which it requires, and where each
 * field the loader needs is found. A spec is `column[|column…][:code|:name]`: the first non-blank column wins, and
 * `:code` / `:name` take the part before / after the colon of a legacy "2050: INTERNAL REVENUE SERVICE" cell.
 *
 * Current column names follow usaspending-api's download definitions
 * (usaspending_api/download/v2/download_column_historical_lookups.py: `award` and `transaction_search`, d1 = contracts,
 * d2 = assistance), with the names older downloads used as alternatives.
 */

export type Kind = 'contracts' | 'assistance';
export type Level = 'transaction' | 'award';

export type Field =
  | 'transactionKey'
  | 'awardKey'
  | 'piid'
  | 'agencyId'
  | 'parentPiid'
  | 'parentAgency'
  | 'fain'
  | 'uri'
  | 'amount'
  | 'awardTotal'
  | 'potential'
  | 'actionDate'
  | 'startDate'
  | 'endDate'
  | 'lastModified'
  | 'typeCode'
  | 'typeName'
  | 'idvTypeCode'
  | 'idvTypeName'
  | 'actionType'
  | 'modNumber'
  | 'description'
  | 'fiscalYear'
  | 'awardingTop'
  | 'awardingTopName'
  | 'awardingSub'
  | 'awardingSubName'
  | 'awardingOffice'
  | 'awardingOfficeName'
  | 'fundingTop'
  | 'fundingTopName'
  | 'fundingSub'
  | 'fundingSubName'
  | 'fundingOffice'
  | 'fundingOfficeName'
  | 'recipientName'
  | 'uei'
  | 'duns'
  | 'parentUei'
  | 'parentDuns'
  | 'parentName'
  | 'businessTypes'
  | 'businessTypesDescription'
  | 'rCountry'
  | 'rCountryName'
  | 'rState'
  | 'rStateName'
  | 'rCity'
  | 'rCounty'
  | 'rCountyCode'
  | 'rZip'
  | 'rZip4'
  | 'rCd'
  | 'rAddr1'
  | 'rAddr2'
  | 'rAddr3'
  | 'pCountry'
  | 'pCountryName'
  | 'pState'
  | 'pStateName'
  | 'pCity'
  | 'pCounty'
  | 'pCountyCode'
  | 'pZip'
  | 'pCd'
  | 'naics'
  | 'naicsName'
  | 'psc'
  | 'pscName'
  | 'cfda'
  | 'cfdaTitle';

export interface Generation {
  id: string;
  title: string;
  kind: Kind;
  level: Level;
  /** Columns whose presence says a file is meant to be of this generation (all of them). */
  markers: string[];
  /** Columns whose presence says a file is of another generation (a transaction file has its award key too). */
  unless?: string[];
  /** Columns the load needs; `a|b` is satisfied by either. */
  required: string[];
  /** Toptier agency codes are CGAC codes (current downloads) or FPDS department ids (legacy feeds). */
  toptierCode: 'cgac' | 'fpds';
  columns: Partial<Record<Field, string>>;
  /** A real header of the generation, for the README's format table and the near-miss message. */
  example: string;
}

const legacyContracts: Partial<Record<Field, string>> = {
  transactionKey: 'unique_transaction_id',
  piid: 'piid',
  agencyId: 'agencyid:code',
  parentPiid: 'idvpiid',
  parentAgency: 'idvagencyid:code',
  amount: 'dollarsobligated|obligatedamount',
  potential: 'baseandalloptionsvalue',
  actionDate: 'signeddate',
  startDate: 'effectivedate',
  endDate: 'currentcompletiondate',
  lastModified: 'last_modified_date',
  typeCode: 'contractactiontype',
  idvTypeCode: 'idvtype',
  actionType: 'reasonformodification:code',
  modNumber: 'modnumber',
  description: 'descriptionofcontractrequirement',
  fiscalYear: 'fiscal_year',
  awardingTop: 'maj_agency_cat:code',
  awardingTopName: 'maj_agency_cat:name',
  awardingSub: 'contractingofficeagencyid|agencyid:code',
  awardingSubName: 'contractingofficeagencyid|agencyid:name',
  awardingOffice: 'contractingofficeid:code',
  awardingOfficeName: 'contractingofficeid:name',
  fundingTop: 'maj_fund_agency_cat:code',
  fundingTopName: 'maj_fund_agency_cat:name',
  fundingSub: 'fundingrequestingagencyid:code',
  fundingSubName: 'fundingrequestingagencyid:name',
  fundingOffice: 'fundingrequestingofficeid:code',
  fundingOfficeName: 'fundingrequestingofficeid:name',
  recipientName: 'vendorname|vendorlegalorganizationname',
  duns: 'dunsnumber|duns',
  parentDuns: 'parentdunsnumber',
  businessTypes: 'organizationaltype',
  businessTypesDescription: 'organizationaltype',
  rCountry: 'vendorcountrycode:code',
  rCountryName: 'vendorcountrycode:name',
  rState: 'state|vendor_state_code:code',
  rCity: 'city',
  rZip: 'zipcode',
  rCd: 'congressionaldistrict|vendor_cd',
  rAddr1: 'streetaddress',
  rAddr2: 'streetaddress2',
  rAddr3: 'streetaddress3',
  pCountry: 'placeofperformancecountrycode:code',
  pCountryName: 'placeofperformancecountrycode:name',
  pState: 'pop_state_code|statecode:code',
  pStateName: 'pop_state_code:name',
  pCity: 'placeofperformancecity',
  pZip: 'placeofperformancezipcode',
  pCd: 'placeofperformancecongressionaldistrict|pop_cd',
  naics: 'principalnaicscode:code',
  naicsName: 'principalnaicscode:name',
  psc: 'productorservicecode:code',
  pscName: 'productorservicecode:name',
};

const legacyAssistance: Partial<Record<Field, string>> = {
  transactionKey: 'unique_transaction_id',
  fain: 'federal_award_id',
  uri: 'uri',
  amount: 'fed_funding_amount',
  actionDate: 'obligation_action_date',
  startDate: 'starting_date',
  endDate: 'ending_date',
  lastModified: 'last_modified_date',
  typeCode: 'assistance_type',
  actionType: 'action_type:code',
  modNumber: 'federal_award_mod',
  description: 'project_description',
  fiscalYear: 'fiscal_year',
  awardingTop: 'maj_agency_cat:code',
  awardingTopName: 'maj_agency_cat:name',
  awardingSub: 'agency_code:code',
  awardingSubName: 'agency_code:name|agency_name',
  recipientName: 'recipient_name',
  duns: 'duns_no',
  businessTypes: 'recipient_type:code',
  businessTypesDescription: 'recipient_type:name',
  rCountry: 'recipient_country_code',
  rState: 'recipient_state_code',
  rCity: 'recipient_city_name',
  rCounty: 'recipient_county_name',
  rCountyCode: 'recipient_county_code',
  rZip: 'recipient_zip',
  rCd: 'recipient_cd',
  rAddr1: 'receip_addr1',
  rAddr2: 'receip_addr2',
  rAddr3: 'receip_addr3',
  pCountry: 'principal_place_country_code',
  pState: 'principal_place_state_code',
  pStateName: 'principal_place_state',
  pCity: 'principal_place_cc',
  pZip: 'principal_place_zip',
  pCd: 'principal_place_cd',
  cfda: 'cfda_program_num',
  cfdaTitle: 'cfda_program_title',
};

/** Columns the current contract and assistance downloads share (award and transaction files alike). */
const current: Partial<Record<Field, string>> = {
  potential: 'potential_total_value_of_award|base_and_all_options_value',
  startDate: 'period_of_performance_start_date',
  endDate: 'period_of_performance_current_end_date',
  lastModified: 'last_modified_date',
  awardingTop: 'awarding_agency_code',
  awardingTopName: 'awarding_agency_name',
  awardingSub: 'awarding_sub_agency_code',
  awardingSubName: 'awarding_sub_agency_name',
  awardingOffice: 'awarding_office_code',
  awardingOfficeName: 'awarding_office_name',
  fundingTop: 'funding_agency_code',
  fundingTopName: 'funding_agency_name',
  fundingSub: 'funding_sub_agency_code',
  fundingSubName: 'funding_sub_agency_name',
  fundingOffice: 'funding_office_code',
  fundingOfficeName: 'funding_office_name',
  recipientName: 'recipient_name|recipient_name_raw',
  uei: 'recipient_uei',
  duns: 'recipient_duns',
  parentUei: 'recipient_parent_uei',
  parentDuns: 'recipient_parent_duns',
  parentName: 'recipient_parent_name',
  rCountry: 'recipient_country_code',
  rCountryName: 'recipient_country_name',
  rState: 'recipient_state_code',
  rStateName: 'recipient_state_name',
  rCity: 'recipient_city_name',
  rCounty: 'recipient_county_name',
  rCountyCode:
    'prime_award_transaction_recipient_county_fips_code|prime_award_summary_recipient_county_fips_code|recipient_county_code',
  rZip: 'recipient_zip_4_code|recipient_zip_code',
  rZip4: 'recipient_zip_last_4_code',
  rCd: 'prime_award_transaction_recipient_cd_original|prime_award_summary_recipient_cd_original|recipient_congressional_district',
  rAddr1: 'recipient_address_line_1',
  rAddr2: 'recipient_address_line_2',
  pCountry: 'primary_place_of_performance_country_code',
  pCountryName: 'primary_place_of_performance_country_name',
  pState: 'primary_place_of_performance_state_code',
  pStateName: 'primary_place_of_performance_state_name',
  pCity: 'primary_place_of_performance_city_name',
  pCounty: 'primary_place_of_performance_county_name',
  pCountyCode:
    'prime_award_transaction_place_of_performance_county_fips_code|prime_award_summary_place_of_performance_county_fips_code|primary_place_of_performance_county_code',
  pZip: 'primary_place_of_performance_zip_4',
  pCd: 'prime_award_transaction_place_of_performance_cd_original|prime_award_summary_place_of_performance_cd_original|primary_place_of_performance_congressional_district',
};

const currentContracts: Partial<Record<Field, string>> = {
  ...current,
  awardKey: 'contract_award_unique_key',
  piid: 'award_id_piid',
  parentPiid: 'parent_award_id_piid',
  parentAgency: 'parent_award_agency_id',
  typeCode: 'award_type_code',
  typeName: 'award_type',
  idvTypeCode: 'idv_type_code',
  idvTypeName: 'idv_type',
  naics: 'naics_code',
  naicsName: 'naics_description',
  psc: 'product_or_service_code',
  pscName: 'product_or_service_code_description',
  businessTypes: 'organizational_type',
  businessTypesDescription: 'organizational_type',
};

const currentAssistance: Partial<Record<Field, string>> = {
  ...current,
  awardKey: 'assistance_award_unique_key',
  fain: 'award_id_fain',
  uri: 'award_id_uri',
  typeCode: 'assistance_type_code|award_type_code',
  typeName: 'assistance_type_description|award_type',
  cfda: 'cfda_number|assistance_listing_number|cfda_numbers_and_titles',
  cfdaTitle: 'cfda_title|assistance_listing_title',
  businessTypes: 'business_types_code',
  businessTypesDescription: 'business_types_description',
};

/** Columns of every current prime-transaction file, and of every prime-award summary file. */
const currentTransaction: Partial<Record<Field, string>> = {
  amount: 'federal_action_obligation',
  actionDate: 'action_date',
  actionType: 'action_type_code',
  modNumber: 'modification_number',
  description: 'transaction_description|award_description',
  fiscalYear: 'action_date_fiscal_year',
};
const currentAward: Partial<Record<Field, string>> = {
  awardTotal: 'total_obligated_amount',
  actionDate: 'award_base_action_date|period_of_performance_start_date',
  description: 'prime_award_base_transaction_description|award_description',
  fiscalYear: 'award_base_action_date_fiscal_year',
};

export const generations: Generation[] = [
  {
    id: 'current-contract-transactions',
    title: 'USAspending prime-award transactions download, contracts (2017 on)',
    kind: 'contracts',
    level: 'transaction',
    markers: ['contract_transaction_unique_key'],
    required: ['contract_transaction_unique_key', 'contract_award_unique_key', 'award_id_piid', 'federal_action_obligation', 'action_date'],
    toptierCode: 'cgac',
    columns: {
      ...currentContracts,
      ...currentTransaction,
      transactionKey: 'contract_transaction_unique_key',
    },
    example: 'contract_transaction_unique_key,contract_award_unique_key,award_id_piid,modification_number,transaction_number,parent_award_agency_id,parent_award_agency_name,parent_award_id_piid,…,federal_action_obligation,…,action_date,…,awarding_agency_code,awarding_agency_name,awarding_sub_agency_code,…,recipient_uei,recipient_duns,recipient_name,…,award_type_code,award_type,…,naics_code,naics_description,…',
  },
  {
    id: 'current-contract-awards',
    title: 'USAspending prime-award summaries download, contracts (2017 on)',
    kind: 'contracts',
    level: 'award',
    markers: ['contract_award_unique_key'],
    unless: ['contract_transaction_unique_key'],
    required: ['contract_award_unique_key', 'award_id_piid', 'total_obligated_amount'],
    toptierCode: 'cgac',
    columns: {
      ...currentContracts,
      ...currentAward,
    },
    example: 'contract_award_unique_key,award_id_piid,parent_award_agency_id,parent_award_agency_name,parent_award_id_piid,…,total_obligated_amount,…,award_base_action_date,…,awarding_agency_code,…,recipient_uei,recipient_duns,recipient_name,…,award_type_code,award_type,idv_type_code,idv_type,…',
  },
  {
    id: 'current-assistance-transactions',
    title: 'USAspending prime-award transactions download, assistance (2017 on)',
    kind: 'assistance',
    level: 'transaction',
    markers: ['assistance_transaction_unique_key'],
    required: ['assistance_transaction_unique_key', 'assistance_award_unique_key', 'award_id_fain|award_id_uri', 'federal_action_obligation', 'action_date'],
    toptierCode: 'cgac',
    columns: {
      ...currentAssistance,
      ...currentTransaction,
      transactionKey: 'assistance_transaction_unique_key',
    },
    example: 'assistance_transaction_unique_key,assistance_award_unique_key,award_id_fain,modification_number,award_id_uri,sai_number,federal_action_obligation,…,action_date,action_date_fiscal_year,…,awarding_agency_code,…,recipient_uei,recipient_duns,recipient_name,…,cfda_number,cfda_title,assistance_type_code,assistance_type_description,…',
  },
  {
    id: 'current-assistance-awards',
    title: 'USAspending prime-award summaries download, assistance (2017 on)',
    kind: 'assistance',
    level: 'award',
    markers: ['assistance_award_unique_key'],
    unless: ['assistance_transaction_unique_key'],
    required: ['assistance_award_unique_key', 'award_id_fain|award_id_uri', 'total_obligated_amount'],
    toptierCode: 'cgac',
    columns: {
      ...currentAssistance,
      ...currentAward,
    },
    example: 'assistance_award_unique_key,award_id_fain,award_id_uri,sai_number,…,total_obligated_amount,…,award_base_action_date,…,awarding_agency_code,…,recipient_uei,recipient_duns,recipient_name,…,cfda_numbers_and_titles,assistance_type_code,assistance_type_description,…',
  },
  {
    id: 'legacy-contracts',
    title: 'USAspending v1-era contract export / legacy FPDS data feed',
    kind: 'contracts',
    level: 'transaction',
    markers: ['piid'],
    required: ['piid', 'dollarsobligated|obligatedamount', 'signeddate'],
    toptierCode: 'fpds',
    columns: legacyContracts,
    example: 'unique_transaction_id,transaction_status,dollarsobligated (obligatedamount in the data feeds),baseandexercisedoptionsvalue,baseandalloptionsvalue,maj_agency_cat,mod_agency,maj_fund_agency_cat,contractingofficeagencyid,contractingofficeid,…,signeddate,…,contractactiontype,…,vendorname,…,dunsnumber,…,agencyid,piid,modnumber,…,idvagencyid,idvpiid,…',
  },
  {
    id: 'legacy-assistance',
    title: 'USAspending v1-era financial-assistance export / legacy FAADS data feed',
    kind: 'assistance',
    level: 'transaction',
    markers: ['federal_award_id'],
    required: ['federal_award_id', 'fed_funding_amount', 'obligation_action_date'],
    toptierCode: 'fpds',
    columns: legacyAssistance,
    example: 'unique_transaction_id,transaction_status,fyq,cfda_program_num,sai_number,account_title,recipient_name,…,agency_code,federal_award_id,federal_award_mod,fed_funding_amount,non_fed_funding_amount,total_funding_amount,obligation_action_date,…,assistance_type,…',
  },
];

const satisfied = (columns: Set<string>, spec: string) => spec.split('|').some((column) => columns.has(column));

export interface Detection {
  generation: Generation | null;
  /** Generations whose marker columns are present but required columns missing, with what is missing. */
  misses: { generation: Generation; missing: string[] }[];
}

/** Which generation a header is; the first whose markers and required columns are all present wins. */
export function detectGeneration(header: string[]): Detection {
  const columns = new Set(header);
  const misses: Detection['misses'] = [];
  for (const generation of generations) {
    if (!generation.markers.every((marker) => columns.has(marker))) continue;
    if (generation.unless?.some((column) => columns.has(column))) continue;
    const missing = generation.required.filter((spec) => !satisfied(columns, spec));
    if (missing.length === 0) return { generation, misses: [] };
    misses.push({ generation, missing });
  }
  return { generation: null, misses };
}

export function describeMissing(missing: string[]): string {
  return missing.map((spec) => spec.split('|').map((c) => `"${c}"`).join(' or ')).join(', ');
}

interface Compiled {
  columns: string[];
  part: 'code' | 'name' | null;
}

/** Resolves a generation's column specs against a header once, for fast reads of every row. */
export function compileColumns(generation: Generation, header: string[]): (row: Record<string, string>, field: Field) => string | null {
  const present = new Set(header);
  const compiled = new Map<Field, Compiled>();
  for (const [field, spec] of Object.entries(generation.columns) as [Field, string][]) {
    const [names, part] = spec.split(':') as [string, string | undefined];
    const columns = names.split('|').filter((column) => present.has(column));
    if (columns.length) compiled.set(field, { columns, part: part === 'code' || part === 'name' ? part : null });
  }
  return (row, field) => {
    const spec = compiled.get(field);
    if (!spec) return null;
    for (const column of spec.columns) {
      const raw = row[column]?.trim();
      if (!raw) continue;
      if (!spec.part) return raw;
      const at = raw.indexOf(':');
      const value = spec.part === 'code' ? (at < 0 ? raw : raw.slice(0, at)) : at < 0 ? null : raw.slice(at + 1);
      const trimmed = value?.trim();
      if (trimmed) return trimmed;
      if (spec.part === 'name') continue;
    }
    return null;
  };
}
