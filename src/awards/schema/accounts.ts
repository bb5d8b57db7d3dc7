import { builder } from '../../builder.js';
import { fixedDecimal } from '../../shared/exact.js';
import { filterInput } from './inputs/filter.js';
import { orderByInput } from './inputs/fields.js';
import { visibleRow } from './lib/node.js';
import { listLimits, resolveList } from './lib/requests.js';

const text = (description: string) => ({ nullable: true, description }) as const;

export const FederalAccountRef = builder.prismaNode('FederalAccount', {
  description: 'A federal account: the Treasury accounts (TAS) of one agency identifier and main account code.',
  id: { field: 'id' },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The REST id (/api/v1/federal_accounts/{rowId}/), assigned at load.' }),
    agencyIdentifier: t.exposeString('agencyIdentifier', text('The agency identifier of its TAS, e.g. "073".')),
    mainAccountCode: t.exposeString('mainAccountCode', text('The main account code of its TAS, e.g. "0100".')),
    accountTitle: t.exposeString('accountTitle', text('Title, as its most recent TAS names it.')),
  }),
});

export const TreasuryAccountRef = builder.prismaNode('TreasuryAccount', {
  description: 'A Treasury Account Symbol (TAS): the account an appropriation is recorded in.',
  id: { field: 'id' },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The source\'s treasury_account_identifier (the REST id: /api/v1/tas/{rowId}/).' }),
    tasRenderingLabel: t.exposeString('tasRenderingLabel', text('The TAS written out, e.g. "073X0100".')),
    allocationTransferAgencyId: t.exposeString('allocationTransferAgencyId', text('Allocation transfer agency identifier.')),
    agencyId: t.exposeString('agencyId', text('Agency identifier, e.g. "073".')),
    beginningPeriodOfAvailability: t.exposeString('beginningPeriodOfAvailability', text('First fiscal year the money is available.')),
    endingPeriodOfAvailability: t.exposeString('endingPeriodOfAvailability', text('Last fiscal year the money is available.')),
    availabilityTypeCode: t.exposeString('availabilityTypeCode', text('"X" when available without a time limit.')),
    mainAccountCode: t.exposeString('mainAccountCode', text('Main account code.')),
    subAccountCode: t.exposeString('subAccountCode', text('Sub-account code.')),
    accountTitle: t.exposeString('accountTitle', text('Title of the account.')),
    reportingAgencyId: t.exposeString('reportingAgencyId', text('Reporting agency identifier.')),
    reportingAgencyName: t.exposeString('reportingAgencyName', text('Reporting agency name.')),
    budgetBureauCode: t.exposeString('budgetBureauCode', text('Budget bureau code.')),
    budgetBureauName: t.exposeString('budgetBureauName', text('Budget bureau name.')),
    frEntityCode: t.exposeString('frEntityCode', text('Financial report entity code.')),
    frEntityDescription: t.exposeString('frEntityDescription', text('Financial report entity.')),
    budgetFunctionCode: t.exposeString('budgetFunctionCode', text('Budget function code.')),
    budgetFunctionTitle: t.exposeString('budgetFunctionTitle', text('Budget function, e.g. "Commerce and Housing Credit".')),
    budgetSubfunctionCode: t.exposeString('budgetSubfunctionCode', text('Budget subfunction code.')),
    budgetSubfunctionTitle: t.exposeString('budgetSubfunctionTitle', text('Budget subfunction.')),
    dataSource: t.exposeString('dataSource', text('Where the source says the account came from.')),
    federalAccount: t.relation('federalAccount', { nullable: true, description: 'The federal account this TAS belongs to.' }),
  }),
});


export const AwardAccountRef = builder.prismaNode('AwardAccount', {
  description: "Obligations and outlays of a Treasury account for one award, as a submission reported them (REST /api/v1/accounts/awards/).",
  id: { field: 'id' },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: "The source's financial_accounts_by_awards_id." }),
    treasuryAccount: t.relation('treasuryAccount', { nullable: true, description: 'The Treasury account the money comes from.' }),
    programActivityName: t.exposeString('programActivityName', text('The program activity, as reported.')),
    programActivityId: t.exposeInt('programActivityId', { nullable: true, description: 'The program activity reference (REST `program_activity_code`).' }),
    objectClass: t.string({ nullable: true, description: 'The object class code, e.g. "310" (equipment).', select: { objectClass: true }, resolve: (row) => row.objectClass?.objectClass ?? null }),
    piid: t.exposeString('piid', text('Procurement Instrument Identifier of the award, as reported.')),
    fain: t.exposeString('fain', text('Federal Award Identification Number of the award, as reported.')),
    uri: t.exposeString('uri', text('Unique record id of the award, as reported.')),
    transactionObligatedAmount: t.field({ type: 'Decimal', nullable: true, select: { transactionObligatedAmount: true }, description: 'Amount obligated to the award from this account.', resolve: (row) => fixedDecimal(row.transactionObligatedAmount, 2) }),
    grossOutlayAmountByAwardFyb: t.field({ type: 'Decimal', nullable: true, select: { grossOutlayAmountByAwardFyb: true }, description: 'Gross outlays at the beginning of the fiscal year.', resolve: (row) => fixedDecimal(row.grossOutlayAmountByAwardFyb, 2) }),
    grossOutlayAmountByAwardCpe: t.field({ type: 'Decimal', nullable: true, select: { grossOutlayAmountByAwardCpe: true }, description: 'Gross outlays at the end of the period.', resolve: (row) => fixedDecimal(row.grossOutlayAmountByAwardCpe, 2) }),
    obligationsIncurredTotalByAwardCpe: t.field({ type: 'Decimal', nullable: true, select: { obligationsIncurredTotalByAwardCpe: true }, description: 'Obligations incurred at the end of the period.', resolve: (row) => fixedDecimal(row.obligationsIncurredTotalByAwardCpe, 2) }),
    lastModifiedDate: t.expose('lastModifiedDate', { type: 'Date', nullable: true, description: 'Last modification in the source.' }),
    certifiedDate: t.expose('certifiedDate', { type: 'Date', nullable: true, description: 'When the agency certified the data.' }),
  }),
});

type ListModel = 'TreasuryAccount' | 'FederalAccount';

builder.queryFields((t) => {
  const list = (model: ListModel, what: string) => ({
    filter: t.arg({ type: filterInput(model), required: false, description: `Conditions the ${what} must meet.` }),
    orderBy: t.arg({ type: [orderByInput(model)], required: false, description: 'Sort keys in order of precedence; the row id breaks ties.' }),
    offset: t.arg.int({ required: false, description: 'Rows to skip (after `after`), for page-number UIs.' }),
    dataset: t.arg.string({ required: false, description: `Only ${what} of this dataset.` }),
  });
  return {
    treasuryAccounts: t.connection(
      {
        type: TreasuryAccountRef,
        description: 'Treasury accounts (TAS) matching a filter, ordered, as a Relay connection (first/after, last/before, offset).',
        args: list('TreasuryAccount', 'Treasury accounts'),
        resolve: (_root, args, ctx, info) => resolveList('TreasuryAccount', 'tas', args, ctx, info) as never,
      },
      { name: 'TreasuryAccountConnection', description: `A page of Treasury accounts (${listLimits.defaultSize} by default, at most ${listLimits.maxSize}).` },
      { name: 'TreasuryAccountEdge', description: 'A Treasury account and its cursor.' },
    ),
    federalAccounts: t.connection(
      {
        type: FederalAccountRef,
        description: 'Federal accounts matching a filter, ordered, as a Relay connection (first/after, last/before, offset).',
        args: list('FederalAccount', 'federal accounts'),
        resolve: (_root, args, ctx, info) => resolveList('FederalAccount', 'federal_accounts', args, ctx, info) as never,
      },
      { name: 'FederalAccountConnection', description: `A page of federal accounts (${listLimits.defaultSize} by default, at most ${listLimits.maxSize}).` },
      { name: 'FederalAccountEdge', description: 'A federal account and its cursor.' },
    ),
  };
});
