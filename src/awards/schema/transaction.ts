import { builder } from '../../builder.js';
import { fixedDecimal } from '../../shared/exact.js';
import { db } from '../../db.js';
import { notFound } from '../../errors.js';
import { TransactionFilter } from './inputs/filter.js';
import { orderByInput } from './inputs/fields.js';
import { visibleRow } from './lib/node.js';
import { listLimits, reqOf, resolveList, type ListConnection } from './lib/requests.js';

export const TransactionRef = builder.prismaNode('Transaction', {
  description: 'One action on an award (a new award, a modification, a payment) with its obligated amount.',
  id: { field: 'id' },
  // Select mode: only the columns the selection needs (awardId always: an award's transactions are grouped by it).
  select: { id: true, awardId: true },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The transaction id of the source (the REST id: /api/v1/transactions/{rowId}/).' }),
    award: t.relation('award', { nullable: true, description: 'The award this transaction belongs to.' }),
    type: t.exposeString('type', { nullable: true, description: 'Award type code of the transaction.' }),
    typeDescription: t.exposeString('typeDescription', { nullable: true, description: 'Award type in words.' }),
    actionDate: t.expose('actionDate', { type: 'Date', nullable: true, description: 'When the action happened.' }),
    actionType: t.exposeString('actionType', { nullable: true, description: 'Action type code (new, continuation, revision…).' }),
    federalActionObligation: t.field({ type: 'Decimal', nullable: true, select: { federalActionObligation: true }, description: 'Amount obligated (or de-obligated) by this action.', resolve: (row) => fixedDecimal(row.federalActionObligation, 2) }),
    modificationNumber: t.exposeString('modificationNumber', { nullable: true, description: 'Modification number of the action.' }),
    recipientName: t.exposeString('recipientName', {
      nullable: true,
      description: "The recipient's name as written on this transaction (the recipient entity keeps one name per UEI/DUNS).",
    }),
    description: t.exposeString('description', { nullable: true, description: 'What the action is for.' }),
    fiscalYear: t.exposeInt('fiscalYear', { nullable: true, description: 'Federal fiscal year of actionDate.' }),
    contractData: t.expose('contractData', { type: 'JSON', nullable: true, description: 'Contract (FPDS) fields as loaded.' }),
    assistanceData: t.expose('assistanceData', { type: 'JSON', nullable: true, description: 'Assistance (FABS) fields as loaded.' }),
    createDate: t.expose('createDate', { type: 'DateTime', nullable: true, description: 'When the source created the record.' }),
    updateDate: t.expose('updateDate', { type: 'DateTime', nullable: true, description: 'When the source last updated the record.' }),
    dataSource: t.exposeString('dataSource', { nullable: true, description: 'Where the source says the transaction came from, e.g. "DBR" (the DATA Act broker).' }),
    usaspendingUniqueTransactionId: t.exposeString('usaspendingUniqueTransactionId', { nullable: true, description: "The legacy USAspending.gov transaction key." }),
    submissionId: t.exposeInt('submissionId', { nullable: true, description: "Id of the source's submission that reported the transaction." }),
    periodOfPerformanceStartDate: t.expose('periodOfPerformanceStartDate', { type: 'Date', nullable: true, description: 'Start of the period of performance.' }),
    periodOfPerformanceCurrentEndDate: t.expose('periodOfPerformanceCurrentEndDate', { type: 'Date', nullable: true, description: 'Current end of the period of performance.' }),
    drvAwardTransactionUsaspend: t.exposeString('drvAwardTransactionUsaspend', { nullable: true, description: 'Derived by the source: whether USAspending.gov showed the transaction.' }),
    drvCurrentTotalAwardValueAmountAdjustment: t.field({ type: 'Decimal', nullable: true, select: { drvCurrentTotalAwardValueAmountAdjustment: true }, description: "Derived by the source: the action's change to the award's current total value.", resolve: (row) => fixedDecimal(row.drvCurrentTotalAwardValueAmountAdjustment, 2) }),
    drvPotentialTotalAwardValueAmountAdjustment: t.field({ type: 'Decimal', nullable: true, select: { drvPotentialTotalAwardValueAmountAdjustment: true }, description: "Derived by the source: the action's change to the award's potential total value.", resolve: (row) => fixedDecimal(row.drvPotentialTotalAwardValueAmountAdjustment, 2) }),
    lastModifiedDate: t.expose('lastModifiedDate', { type: 'Date', nullable: true, description: 'Last modification in the source.' }),
    certifiedDate: t.expose('certifiedDate', { type: 'Date', nullable: true, description: 'When the agency certified the data.' }),
    awardingAgency: t.relation('awardingAgency', { nullable: true, description: 'The agency that made the award.' }),
    fundingAgency: t.relation('fundingAgency', { nullable: true, description: 'The agency that pays for it.' }),
    recipient: t.relation('recipient', { nullable: true, description: 'Who receives the money.' }),
    placeOfPerformance: t.relation('placeOfPerformance', { nullable: true, description: 'Where the work is done.' }),
  }),
});

builder.queryFields((t) => ({
  transactions: t.connection(
    {
      type: TransactionRef,
      description: 'Transactions matching a filter, ordered, as a Relay connection (first/after, last/before, offset).',
      args: {
        filter: t.arg({ type: TransactionFilter, required: false, description: 'Conditions the transactions must meet.' }),
        orderBy: t.arg({ type: [orderByInput('Transaction')], required: false, description: 'Sort keys in order of precedence; the row id breaks ties.' }),
        offset: t.arg.int({ required: false, description: 'Rows to skip (after `after`), for page-number UIs.' }),
        dataset: t.arg.string({ required: false, description: 'Only transactions of this dataset.' }),
        req: t.arg.string({ required: false, description: 'Re-run a stored request (its filter, order and dataset); paging stays live.' }),
      },
      resolve: (_root, args, ctx, info) => resolveList('Transaction', 'transactions', args, ctx, info) as never,
    },
    {
      name: 'TransactionConnection',
      description: `A page of transactions (${listLimits.defaultSize} unless first or last says otherwise, at most ${listLimits.maxSize}).`,
      fields: (c) => ({
        req: c.string({
          description: 'A checksum of this request (filter, order, dataset): pass it as `req` (GraphQL or REST) to re-run it with any page.',
          resolve: (connection) => reqOf(connection as unknown as ListConnection<unknown>),
        }),
      }),
    },
    { name: 'TransactionEdge', description: 'A transaction and its cursor.' },
  ),
  transaction: t.prismaField({
    type: 'Transaction',
    nullable: true,
    description: 'One transaction by its row id (the REST id); null with a NOT_FOUND error when there is none. Use `node(id)` for global ids.',
    args: { rowId: t.arg.int({ required: true, description: 'The transaction id of the source.' }) },
    resolve: async (query, _root, { rowId }, ctx) => {
      const row = await db.transaction.findUnique({ ...query, where: visibleRow(rowId, ctx) });
      if (!row) throw notFound(`no transaction with rowId ${rowId}`);
      return row;
    },
  }),
}));
