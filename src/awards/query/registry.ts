import { badInput } from '../../errors.js';

export type ScalarType = 'string' | 'decimal' | 'int' | 'date' | 'datetime' | 'boolean' | 'stringArray';
export type ModelName =
  | 'Award' | 'Transaction' | 'Agency' | 'ToptierAgency' | 'SubtierAgency' | 'Recipient' | 'Location'
  | AccountModelName;
/** The financial-account tables of USAspending v1 (`/api/v1/tas/`, `/api/v1/accounts/awards/`, `/api/v1/federal_accounts/`). */
export type AccountModelName =
  | 'TreasuryAccount' | 'FederalAccount' | 'AccountBalance' | 'CategoryBalance' | 'AwardAccount' | 'ProgramActivity'
  | 'ObjectClass' | 'Submission';

export interface ScalarDef {
  name: string;
  column: string;
  type: ScalarType;
  /** Extra REST spellings besides the snake_case of `name`. */
  aliases?: string[];
  /** NOT NULL column. */
  required?: boolean;
  /**
   * A GIN trigram index (pg_trgm, see prisma/schema.prisma) serves ILIKE on the column: text equality keeps ILIKE
   * there so the index can answer it (src/awards/query/filter/compile.ts).
   */
  trigram?: boolean;
}

export interface RelationDef {
  name: string;
  target: ModelName;
  /** Foreign key column on the source table. */
  fk: string;
  aliases?: string[];
}

export interface ModelDef {
  name: ModelName;
  table: string;
  scalars: ScalarDef[];
  relations: RelationDef[];
  /** The scalar a path ending on a relation to this model compares, orders and groups by (its primary key): `id` unless set. */
  key?: string;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

function s(name: string, type: ScalarType, aliases?: string[]): ScalarDef {
  return { name, column: snake(name), type, aliases, required: name === 'id' || type === 'boolean' };
}
/** A text scalar with a trigram index. */
function trigram(name: string, aliases?: string[]): ScalarDef {
  return { ...s(name, 'string', aliases), trigram: true };
}
function r(name: string, target: ModelName, aliases?: string[]): RelationDef {
  return { name, target, fk: `${snake(name)}_id`, aliases };
}

const agencyRelations = [r('awardingAgency', 'Agency'), r('fundingAgency', 'Agency')];

const money = (...names: string[]) => names.map((name) => s(name, 'decimal'));
const text = (...names: string[]) => names.map((name) => s(name, 'string'));
const reported = [
  s('reportingPeriodStart', 'date'), s('reportingPeriodEnd', 'date'), s('lastModifiedDate', 'date'), s('certifiedDate', 'date'),
  s('createDate', 'datetime'), s('updateDate', 'datetime'),
];
const stamped = [s('createDate', 'datetime'), s('updateDate', 'datetime')];
const validity = [s('validBeginDate', 'datetime'), s('validEndDate', 'datetime'), s('validCodeIndicator', 'string'), ...stamped];
const appropriationDates = [
  s('drvAppropriationAvailabilityPeriodStartDate', 'date'), s('drvAppropriationAvailabilityPeriodEndDate', 'date'),
  s('drvAppropriationAccountExpiredStatus', 'string'),
];
/** USSGL balances reported both by program activity and object class and by award. */
const ussgl = money(
  'ussgl480100UndeliveredOrdersObligationsUnpaidFyb', 'ussgl480100UndeliveredOrdersObligationsUnpaidCpe',
  'ussgl483100UndeliveredOrdersObligTransferredUnpaidCpe', 'ussgl488100UpwardAdjustPriUndelivOrderObligUnpaidCpe',
  'ussgl490100DeliveredOrdersObligationsUnpaidFyb', 'ussgl490100DeliveredOrdersObligationsUnpaidCpe',
  'ussgl493100DeliveredOrdersObligTransferredUnpaidCpe', 'ussgl498100UpwardAdjustPriDelivOrdersObligUnpaidCpe',
  'ussgl480200UndeliveredOrdersObligPrepaidAdvancedFyb', 'ussgl480200UndeliveredOrdersObligPrepaidAdvancedCpe',
  'ussgl483200UndelivOrdersObligTransferredPrepaidAdvCpe', 'ussgl488200UpAdjustPriUndelivOrderObligPpaidAdvCpe',
  'ussgl490200DeliveredOrdersObligationsPaidCpe', 'ussgl490800AuthorityOutlayedNotYetDisbursedFyb',
  'ussgl490800AuthorityOutlayedNotYetDisbursedCpe', 'ussgl498200UpwardAdjustPriDelivOrdersObligPaidCpe',
  'obligationsUndeliveredOrdersUnpaidTotalFyb', 'obligationsUndeliveredOrdersUnpaidTotalCpe',
  'obligationsDeliveredOrdersUnpaidTotalFyb', 'obligationsDeliveredOrdersUnpaidTotalCpe',
  'grossOutlaysUndeliveredOrdersPrepaidTotalFyb', 'grossOutlaysUndeliveredOrdersPrepaidTotalCpe',
  'grossOutlaysDeliveredOrdersPaidTotalFyb', 'grossOutlaysDeliveredOrdersPaidTotalCpe',
  'ussgl487100DownAdjPriUnpaidUndelOrdersObligRecovCpe', 'ussgl497100DownAdjPriUnpaidDelivOrdersObligRecovCpe',
  'ussgl487200DownAdjPriPpaidUndelOrdersObligRefundCpe', 'ussgl497200DownAdjPriPaidDelivOrdersObligRefundCpe',
);
/** The keys a balance by program activity and object class (or by award) reports under; upstream's names first. */
const categoryRelations = [
  r('programActivity', 'ProgramActivity', ['program_activity_code']),
  r('objectClass', 'ObjectClass'),
  r('treasuryAccount', 'TreasuryAccount'),
  r('submission', 'Submission'),
];

/** The financial-account models, with upstream's primary key names as the first alias of `id` (their REST name). */
const accountModels: Record<AccountModelName, ModelDef> = {
  TreasuryAccount: {
    name: 'TreasuryAccount',
    table: 'treasury_appropriation_account',
    scalars: [
      s('id', 'int', ['treasury_account_identifier']),
      ...text(
        'dataSource', 'tasRenderingLabel', 'allocationTransferAgencyId', 'agencyId', 'beginningPeriodOfAvailability',
        'endingPeriodOfAvailability', 'availabilityTypeCode', 'mainAccountCode', 'subAccountCode', 'accountTitle',
        'reportingAgencyId', 'reportingAgencyName', 'budgetBureauCode', 'budgetBureauName', 'frEntityCode', 'frEntityDescription',
        'budgetFunctionCode', 'budgetFunctionTitle', 'budgetSubfunctionCode', 'budgetSubfunctionTitle',
      ),
      ...appropriationDates,
      ...stamped,
    ],
    relations: [r('federalAccount', 'FederalAccount')],
  },
  FederalAccount: {
    name: 'FederalAccount',
    table: 'federal_account',
    scalars: [s('id', 'int'), ...text('agencyIdentifier', 'mainAccountCode', 'accountTitle')],
    relations: [],
  },
  AccountBalance: {
    name: 'AccountBalance',
    table: 'appropriation_account_balances',
    scalars: [
      s('id', 'int', ['appropriation_account_balances_id']),
      s('dataSource', 'string'),
      ...money(
        'budgetAuthorityUnobligatedBalanceBroughtForwardFyb', 'adjustmentsToUnobligatedBalanceBroughtForwardCpe',
        'budgetAuthorityAppropriatedAmountCpe', 'borrowingAuthorityAmountTotalCpe', 'contractAuthorityAmountTotalCpe',
        'spendingAuthorityFromOffsettingCollectionsAmountCpe', 'otherBudgetaryResourcesAmountCpe',
        'budgetAuthorityAvailableAmountTotalCpe', 'grossOutlayAmountByTasCpe', 'deobligationsRecoveriesRefundsByTasCpe',
        'unobligatedBalanceCpe', 'statusOfBudgetaryResourcesTotalCpe', 'obligationsIncurredTotalByTasCpe',
      ),
      ...appropriationDates,
      s('tasRenderingLabel', 'string'),
      ...money('drvObligationsUnpaidAmount', 'drvOtherObligatedAmount'),
      ...reported,
      s('finalOfFy', 'boolean'),
    ],
    relations: [r('treasuryAccount', 'TreasuryAccount', ['treasury_account_identifier']), r('submission', 'Submission')],
  },
  CategoryBalance: {
    name: 'CategoryBalance',
    table: 'financial_accounts_by_program_activity_object_class',
    scalars: [
      s('id', 'int', ['financial_accounts_by_program_activity_object_class_id']),
      ...text('dataSource', 'programActivityName', 'byDirectReimbursableFundingSource'),
      ...ussgl,
      ...money(
        'grossOutlayAmountByProgramObjectClassFyb', 'grossOutlayAmountByProgramObjectClassCpe',
        'obligationsIncurredByProgramObjectClassCpe', 'deobligationsRecoveriesRefundPriProgramObjectClassCpe',
        'drvObligationsIncurredByProgramObjectClass', 'drvObligationsUndeliveredOrdersUnpaid',
      ),
      ...reported,
    ],
    relations: categoryRelations,
  },
  AwardAccount: {
    name: 'AwardAccount',
    table: 'financial_accounts_by_awards',
    scalars: [
      s('id', 'int', ['financial_accounts_by_awards_id']),
      ...text('dataSource', 'programActivityName', 'byDirectReimbursableFundingSource', 'piid', 'parentAwardId', 'fain', 'uri', 'awardType'),
      ...ussgl,
      ...money(
        'grossOutlayAmountByAwardFyb', 'grossOutlayAmountByAwardCpe', 'obligationsIncurredTotalByAwardCpe',
        'deobligationsRecoveriesRefundsOfPriorYearByAwardCpe', 'drvObligationsIncurredTotalByAward', 'transactionObligatedAmount',
      ),
      s('drvAwardIdFieldType', 'string'),
      ...reported,
    ],
    relations: [r('award', 'Award'), ...categoryRelations],
  },
  ProgramActivity: {
    name: 'ProgramActivity',
    table: 'ref_program_activity',
    scalars: [
      s('id', 'int', ['ref_program_activity_id']),
      ...text('programActivityCode', 'programActivityName', 'budgetYear', 'responsibleAgencyId', 'allocationTransferAgencyId', 'mainAccountCode'),
      ...validity,
    ],
    relations: [],
  },
  ObjectClass: {
    name: 'ObjectClass',
    table: 'object_class',
    // The fixture's object classes are keyed by their code ("252"), and a balance names its object class by it.
    key: 'objectClass',
    scalars: [s('id', 'int'), ...text('objectClass', 'maxObjectClassName', 'directOrReimbursable', 'label'), ...validity],
    relations: [],
  },
  Submission: {
    name: 'Submission',
    table: 'submission_attributes',
    scalars: [
      s('id', 'int', ['submission_id']),
      s('brokerSubmissionId', 'int'),
      s('usaspendingUpdate', 'date'),
      ...text('cgacCode', 'submittingAgency', 'submitterName'),
      { ...s('submissionModification', 'boolean'), required: false },
      s('versionNumber', 'int'),
      ...reported,
    ],
    relations: [],
  },
};

/** The whitelist of filterable, sortable and groupable fields per model, and the relations paths may cross. */
export const models: Record<ModelName, ModelDef> = {
  Award: {
    name: 'Award',
    table: 'award',
    scalars: [
      s('id', 'int'),
      s('type', 'string'),
      s('typeDescription', 'string'),
      s('category', 'string'),
      s('piid', 'string'),
      s('fain', 'string'),
      s('uri', 'string'),
      s('generatedUniqueAwardId', 'string'),
      s('totalObligation', 'decimal'),
      s('totalOutlay', 'decimal'),
      s('potentialTotalValueOfAward', 'decimal'),
      s('dateSigned', 'date'),
      s('description', 'string'),
      s('periodOfPerformanceStartDate', 'date'),
      s('periodOfPerformanceCurrentEndDate', 'date'),
      s('lastModifiedDate', 'date'),
      s('certifiedDate', 'date'),
      s('createDate', 'datetime'),
      s('updateDate', 'datetime'),
      s('dataSource', 'string'),
    ],
    relations: [
      ...agencyRelations,
      r('recipient', 'Recipient'),
      r('placeOfPerformance', 'Location'),
      r('parentAward', 'Award'),
    ],
  },
  Transaction: {
    name: 'Transaction',
    table: 'transaction',
    scalars: [
      s('id', 'int'),
      s('type', 'string'),
      s('typeDescription', 'string'),
      s('actionDate', 'date'),
      s('actionType', 'string'),
      s('federalActionObligation', 'decimal'),
      s('modificationNumber', 'string'),
      s('recipientName', 'string'),
      s('description', 'string'),
      s('fiscalYear', 'int'),
      s('createDate', 'datetime'),
      s('updateDate', 'datetime'),
      s('dataSource', 'string'),
      s('usaspendingUniqueTransactionId', 'string'),
      s('periodOfPerformanceStartDate', 'date'),
      s('periodOfPerformanceCurrentEndDate', 'date'),
      s('lastModifiedDate', 'date'),
      s('certifiedDate', 'date'),
    ],
    relations: [r('award', 'Award'), ...agencyRelations, r('recipient', 'Recipient'), r('placeOfPerformance', 'Location')],
  },
  Agency: {
    name: 'Agency',
    table: 'agency',
    scalars: [s('id', 'int'), s('toptierFlag', 'boolean')],
    relations: [r('toptierAgency', 'ToptierAgency'), r('subtierAgency', 'SubtierAgency')],
  },
  ToptierAgency: {
    name: 'ToptierAgency',
    table: 'toptier_agency',
    scalars: [s('id', 'int'), s('cgacCode', 'string'), s('fpdsCode', 'string'), s('abbreviation', 'string'), { ...s('name', 'string'), required: true }],
    relations: [],
  },
  SubtierAgency: {
    name: 'SubtierAgency',
    table: 'subtier_agency',
    scalars: [s('id', 'int'), s('subtierCode', 'string'), s('abbreviation', 'string'), { ...s('name', 'string'), required: true }],
    relations: [],
  },
  Recipient: {
    name: 'Recipient',
    table: 'recipient',
    scalars: [
      s('id', 'int', ['legal_entity_id']),
      trigram('recipientName', ['name']),
      s('recipientUniqueId', 'string'),
      s('parentRecipientUniqueId', 'string'),
      s('businessTypes', 'string'),
      s('businessTypesDescription', 'string'),
      s('businessCategories', 'stringArray'),
    ],
    relations: [r('location', 'Location')],
  },
  Location: {
    name: 'Location',
    table: 'location',
    scalars: [
      s('id', 'int', ['location_id']),
      trigram('countryCode', ['location_country_code']),
      s('countryName', 'string'),
      trigram('stateCode'),
      s('stateName', 'string'),
      trigram('cityName'),
      trigram('countyName'),
      s('countyCode', 'string'),
      s('zip5', 'string'),
      s('zip4', 'string'),
      s('congressionalCode', 'string'),
      s('foreignPostalCode', 'string'),
      s('foreignProvince', 'string'),
      s('foreignCityName', 'string'),
      s('addressLine1', 'string'),
      s('addressLine2', 'string'),
      s('addressLine3', 'string'),
      s('placeOfPerformanceFlag', 'boolean'),
      s('recipientFlag', 'boolean'),
    ],
    relations: [],
  },
  ...accountModels,
};

export interface ResolvedPath {
  /** Canonical dotted path, e.g. "recipient.location.stateCode". */
  path: string;
  /** Relations crossed from the root model, in order. */
  relations: RelationDef[];
  /** The scalar at the end, or null when the path ends on a relation. */
  scalar: ScalarDef | null;
  /** Model owning the last segment. */
  model: ModelDef;
  /** The model the path starts from. */
  root: ModelName;
}

function matches(name: string, aliases: string[] | undefined, segment: string): boolean {
  return segment === name || segment === snake(name) || (aliases?.includes(segment) ?? false);
}

const MAX_SEGMENTS = 6;

/**
 * Resolves a field path on a root model. Both spellings are accepted: GraphQL "recipient.location.stateCode" and
 * REST "recipient__location__state_code".
 */
export function resolvePath(root: ModelName, raw: unknown, inputPath: (string | number)[]): ResolvedPath {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200) {
    throw badInput(`${fmtPath(inputPath)}: field must be a non-empty field name`, inputPath);
  }
  const segments = raw.includes('__') ? raw.split('__') : raw.split('.');
  if (segments.length > MAX_SEGMENTS) throw badInput(`${fmtPath(inputPath)}: unknown field "${raw}"`, inputPath);
  let model = models[root];
  const relations: RelationDef[] = [];
  const canonical: string[] = [];
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i]!;
    const relation = model.relations.find((rel) => matches(rel.name, rel.aliases, segment));
    if (relation) {
      relations.push(relation);
      canonical.push(relation.name);
      if (i === segments.length - 1) {
        return { path: canonical.join('.'), relations, scalar: null, model, root };
      }
      model = models[relation.target];
      continue;
    }
    const scalar = model.scalars.find((sc) => matches(sc.name, sc.aliases, segment));
    if (scalar && i === segments.length - 1) {
      canonical.push(scalar.name);
      return { path: canonical.join('.'), relations, scalar, model, root };
    }
    throw badInput(`${fmtPath(inputPath)}: unknown field "${raw}" on ${root}`, inputPath);
  }
  throw badInput(`${fmtPath(inputPath)}: unknown field "${raw}" on ${root}`, inputPath);
}

/** A path ending on a relation as the related row's id: USAspending compares, orders and groups relations by key. */
export function relationKey(path: ResolvedPath): ResolvedPath {
  if (path.scalar) return path;
  const model = models[path.relations[path.relations.length - 1]!.target];
  const key = model.key ?? 'id';
  return { path: `${path.path}.${key}`, relations: path.relations, scalar: model.scalars.find((sc) => sc.name === key)!, model, root: path.root };
}

/** Renders ["filter", "and", 2, "field"] as "filter.and[2].field". */
export function fmtPath(path: (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out || 'request';
}

export { snake as toSnake };

export interface FieldPath {
  /** Dotted path, e.g. "recipient.location.stateCode". */
  path: string;
  scalar: ScalarDef;
}

/**
 * Every scalar path of a root model crossing at most `maxRelations` relations, never returning to a model already
 * on the path (so no parentAward or award.parentAward chains): the fields GraphQL enums offer.
 */
export function fieldPaths(root: ModelName, maxRelations = 2): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (model: ModelDef, prefix: string, visited: ModelName[]) => {
    for (const scalar of model.scalars) out.push({ path: prefix + scalar.name, scalar });
    if (visited.length > maxRelations) return;
    for (const relation of model.relations) {
      if (visited.includes(relation.target)) continue;
      walk(models[relation.target], `${prefix}${relation.name}.`, [...visited, relation.target]);
    }
  };
  walk(models[root], '', [root]);
  return out;
}

/** GraphQL enum value of a path: "recipient.location.stateCode" → RECIPIENT_LOCATION_STATE_CODE; `id` reads ROW_ID. */
export function enumName(path: string): string {
  return path
    .split('.')
    .map((segment) => (segment === 'id' ? 'rowId' : segment))
    .map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
    .join('_');
}
