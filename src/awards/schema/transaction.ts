import { builder } from '../../builder.js';
import { db } from '../../db.js';
import { visibleDatasets } from '../../access/principal.js';
import { notFound } from '../../errors.js';
import { TransactionFilter } from './inputs/filter.js';
import { pageInfoFields, pageSource, type PageSource } from './lib/pages.js';
import { listRequestOf } from './lib/requests.js';

builder.prismaObject('Transaction', {
  description: 'One action on an award (a new award, a modification, a payment) with its obligated amount.',
  fields: (t) => ({
    id: t.exposeID('id'),
    award: t.relation('award', { nullable: true }),
    type: t.exposeString('type', { nullable: true }),
    typeDescription: t.exposeString('typeDescription', { nullable: true }),
    actionDate: t.expose('actionDate', { type: 'Date', nullable: true }),
    actionType: t.exposeString('actionType', { nullable: true }),
    federalActionObligation: t.expose('federalActionObligation', { type: 'Decimal', nullable: true }),
    modificationNumber: t.exposeString('modificationNumber', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    fiscalYear: t.exposeInt('fiscalYear', { nullable: true, description: 'Federal fiscal year of actionDate.' }),
    contractData: t.expose('contractData', { type: 'JSON', nullable: true, description: 'Contract (FPDS) fields as loaded.' }),
    assistanceData: t.expose('assistanceData', { type: 'JSON', nullable: true, description: 'Assistance (FABS) fields as loaded.' }),
    createDate: t.expose('createDate', { type: 'DateTime', nullable: true }),
    updateDate: t.expose('updateDate', { type: 'DateTime', nullable: true }),
    awardingAgency: t.relation('awardingAgency', { nullable: true }),
    fundingAgency: t.relation('fundingAgency', { nullable: true }),
    recipient: t.relation('recipient', { nullable: true }),
    placeOfPerformance: t.relation('placeOfPerformance', { nullable: true }),
  }),
});

const TransactionPage = builder.objectRef<PageSource>('TransactionPage').implement({
  description: 'One page of transactions with the total count and a `req` checksum that re-runs the request.',
  fields: (t) => ({
    ...pageInfoFields(t, 'Transactions'),
    nodes: t.prismaField({
      type: ['Transaction'],
      resolve: (query, { list }) =>
        db.transaction.findMany({ ...query, where: list.where, orderBy: list.orderBy as never, skip: list.skip, take: list.take }),
    }),
  }),
});

builder.queryFields((t) => ({
  transactions: t.field({
    type: TransactionPage,
    description: 'Transactions matching a filter, ordered and paged.',
    args: {
      filter: t.arg({ type: TransactionFilter, required: false }),
      order: t.arg.stringList({ required: false, description: 'Field paths, "-" in front for descending.' }),
      page: t.arg.int({ required: false, defaultValue: 1 }),
      limit: t.arg.int({ required: false, defaultValue: 100, description: 'Rows per page, clamped to 1..500.' }),
      dataset: t.arg.string({ required: false }),
      req: t.arg.string({ required: false, description: 'Re-run a stored request; paging stays live.' }),
    },
    resolve: async (_root, args, ctx) => {
      const { request, paging } = await listRequestOf('transactions', args);
      return pageSource('transactions', 'Transaction', request, paging, visibleDatasets(ctx.principal));
    },
  }),
  transaction: t.prismaField({
    type: 'Transaction',
    description: 'One transaction by id; NOT_FOUND when there is none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      const n = /^\d{1,9}$/.test(String(id)) ? Number(id) : -1;
      const row = await db.transaction.findFirst({ ...query, where: { id: n, dataset: { is: visibleDatasets(ctx.principal) } } });
      if (!row) throw notFound(`no transaction with id ${String(id).slice(0, 40)}`);
      return row;
    },
  }),
}));
