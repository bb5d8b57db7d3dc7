import { builder } from '../../builder.js';
import { db } from '../../db.js';
import { visibleDatasets } from '../../access/principal.js';
import { notFound } from '../../errors.js';
import { AwardFilter } from './inputs/filter.js';
import { pageInfoFields, pageSource, type PageSource } from './lib/pages.js';
import { listRequestOf } from './lib/requests.js';

const fiscalYearOf = (date: Date | null) => (date ? (date.getUTCMonth() >= 9 ? date.getUTCFullYear() + 1 : date.getUTCFullYear()) : null);

export const AwardRef = builder.prismaObject('Award', {
  description: 'A federal award (contract, grant, loan, direct payment, ...): the summary of its transactions.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type', { nullable: true, description: 'Award type code, e.g. "B" (purchase order) or "05" (cooperative agreement).' }),
    typeDescription: t.exposeString('typeDescription', { nullable: true }),
    category: t.exposeString('category', { nullable: true, description: 'contract, grant, loans, direct payment, other.' }),
    piid: t.exposeString('piid', { nullable: true, description: 'Procurement Instrument Identifier (contracts).' }),
    fain: t.exposeString('fain', { nullable: true, description: 'Federal Award Identification Number (assistance).' }),
    uri: t.exposeString('uri', { nullable: true, description: 'Unique record id of aggregate assistance records.' }),
    totalObligation: t.expose('totalObligation', { type: 'Decimal', nullable: true }),
    totalOutlay: t.expose('totalOutlay', { type: 'Decimal', nullable: true }),
    potentialTotalValueOfAward: t.expose('potentialTotalValueOfAward', { type: 'Decimal', nullable: true }),
    dateSigned: t.expose('dateSigned', { type: 'Date', nullable: true }),
    fiscalYear: t.int({ nullable: true, description: 'Federal fiscal year of dateSigned.', resolve: (award) => fiscalYearOf(award.dateSigned) }),
    description: t.exposeString('description', { nullable: true }),
    periodOfPerformanceStartDate: t.expose('periodOfPerformanceStartDate', { type: 'Date', nullable: true }),
    periodOfPerformanceCurrentEndDate: t.expose('periodOfPerformanceCurrentEndDate', { type: 'Date', nullable: true }),
    lastModifiedDate: t.expose('lastModifiedDate', { type: 'Date', nullable: true }),
    certifiedDate: t.expose('certifiedDate', { type: 'Date', nullable: true }),
    createDate: t.expose('createDate', { type: 'DateTime', nullable: true }),
    updateDate: t.expose('updateDate', { type: 'DateTime', nullable: true }),
    awardingAgency: t.relation('awardingAgency', { nullable: true }),
    fundingAgency: t.relation('fundingAgency', { nullable: true }),
    recipient: t.relation('recipient', { nullable: true }),
    placeOfPerformance: t.relation('placeOfPerformance', { nullable: true }),
    parentAward: t.relation('parentAward', { nullable: true }),
    transactions: t.relation('transactions', {
      description: 'The transactions of this award, latest action first.',
      query: { orderBy: [{ actionDate: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }] },
    }),
  }),
});

const AwardPage = builder.objectRef<PageSource>('AwardPage').implement({
  description: 'One page of awards with the total count and a `req` checksum that re-runs the request.',
  fields: (t) => ({
    ...pageInfoFields(t, 'Awards'),
    nodes: t.prismaField({
      type: ['Award'],
      resolve: (query, { list }) =>
        db.award.findMany({ ...query, where: list.where, orderBy: list.orderBy as never, skip: list.skip, take: list.take }),
    }),
  }),
});

builder.queryFields((t) => ({
  awards: t.field({
    type: AwardPage,
    description: 'Awards matching a filter, ordered and paged.',
    args: {
      filter: t.arg({ type: AwardFilter, required: false }),
      order: t.arg.stringList({ required: false, description: 'Field paths, "-" in front for descending, e.g. ["-totalObligation"].' }),
      page: t.arg.int({ required: false, defaultValue: 1, description: 'Page number from 1.' }),
      limit: t.arg.int({ required: false, defaultValue: 100, description: 'Rows per page, clamped to 1..500.' }),
      dataset: t.arg.string({ required: false, description: 'Only awards of this dataset.' }),
      req: t.arg.string({ required: false, description: 'Re-run a stored request (its filter, order and dataset); paging stays live.' }),
    },
    resolve: async (_root, args, ctx) => {
      const { request, paging } = await listRequestOf('awards', args);
      return pageSource('awards', 'Award', request, paging, visibleDatasets(ctx.principal));
    },
  }),
  award: t.prismaField({
    type: 'Award',
    description: 'One award by id; NOT_FOUND when there is none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      const n = /^\d{1,9}$/.test(String(id)) ? Number(id) : -1;
      const award = await db.award.findFirst({ ...query, where: { id: n, dataset: { is: visibleDatasets(ctx.principal) } } });
      if (!award) throw notFound(`no award with id ${String(id).slice(0, 40)}`);
      return award;
    },
  }),
}));
