import { builder } from '../../builder.js';
import { fixedDecimal } from '../../shared/exact.js';
import { db } from '../../db.js';
import { notFound } from '../../errors.js';
import { fiscalYearOf } from '../../shared/fiscal.js';
import { AwardFilter } from './inputs/filter.js';
import { orderByInput } from './inputs/fields.js';
import { visibleRow } from './lib/node.js';
import { arrayConnection, type ConnectionArgs } from '../../shared/connection.js';
import { awardChildren, connectionNodePaths, type AwardChildRelation } from './lib/transactions.js';
import { AwardAccountRef } from './accounts.js';
import { TransactionRef } from './transaction.js';
import { listLimits, reqOf, resolveList, type ListConnection } from './lib/requests.js';

const childLimits = { defaultSize: 100, maxSize: 500 };

/**
 * A connection of an award's own rows (transactions, financial accounts). The award's query selects them as a
 * relation, with the columns and relations its selection asks for, so a page of awards reads them in its own
 * statement; they are paged in memory per award.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function children(t: any, type: unknown, relation: AwardChildRelation, description: string, name: string, noun: string) {
  const { typeName, orderBy } = awardChildren[relation];
  return t.connection(
    {
      type,
      description,
      args: { offset: t.arg.int({ required: false, description: 'Rows to skip (after `after`), for page-number UIs.' }) },
      select: (_args: object, _ctx: never, nestedSelection: (query: object, include: object) => { select?: object }) => {
        const selection = nestedSelection({ orderBy }, { getType: () => typeName, paths: connectionNodePaths });
        // A page that asks for no node (only totalCount or pageInfo) still reads the rows to count them, and Prisma
        // refuses a relation selected with no column: the key is enough.
        if (selection.select && Object.keys(selection.select).length === 0) selection.select = { id: true };
        return { [relation]: selection };
      },
      resolve: (award: Record<string, unknown[]>, args: ConnectionArgs) => arrayConnection(award[relation]!, args, childLimits) as never,
    },
    { name: `Award${name}Connection`, description: `A page of the ${noun}s of one award (100 by default, at most 500).` },
    { name: `Award${name}Edge`, description: `A ${noun} of the award and its cursor.` },
  );
}

export const AwardRef = builder.prismaNode('Award', {
  description: 'A federal award (contract, grant, loan, direct payment, ...): the summary of its transactions.',
  id: { field: 'id' },
  // Select mode: a page reads only the columns its selection needs (each field below names its own).
  select: { id: true },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The award id of the source (the REST id: /api/v1/awards/{rowId}/).' }),
    type: t.exposeString('type', { nullable: true, description: 'Award type code, e.g. "B" (purchase order) or "05" (cooperative agreement).' }),
    typeDescription: t.exposeString('typeDescription', { nullable: true, description: 'Award type in words, e.g. "Cooperative Agreement".' }),
    category: t.exposeString('category', { nullable: true, description: 'contract, grant, loans, direct payment, other.' }),
    piid: t.exposeString('piid', { nullable: true, description: 'Procurement Instrument Identifier (contracts).' }),
    fain: t.exposeString('fain', { nullable: true, description: 'Federal Award Identification Number (assistance).' }),
    uri: t.exposeString('uri', { nullable: true, description: 'Unique record id of aggregate assistance records.' }),
    generatedUniqueAwardId: t.exposeString('generatedUniqueAwardId', {
      nullable: true,
      description: "USAspending's award key (CONT_AWD_…, CONT_IDV_…, ASST_NON_…, ASST_AGG_…): the file's own, or generated the same way for legacy files.",
    }),
    totalObligation: t.field({ type: 'Decimal', nullable: true, select: { totalObligation: true }, description: 'Amount obligated over all transactions.', resolve: (award) => fixedDecimal(award.totalObligation, 2) }),
    totalOutlay: t.field({ type: 'Decimal', nullable: true, select: { totalOutlay: true }, description: 'Amount paid out.', resolve: (award) => fixedDecimal(award.totalOutlay, 2) }),
    potentialTotalValueOfAward: t.field({ type: 'Decimal', nullable: true, select: { potentialTotalValueOfAward: true }, description: 'Value if every option is exercised.', resolve: (award) => fixedDecimal(award.potentialTotalValueOfAward, 2) }),
    dateSigned: t.expose('dateSigned', { type: 'Date', nullable: true, description: 'When the award was signed.' }),
    fiscalYear: t.int({ nullable: true, select: { dateSigned: true }, description: 'Federal fiscal year of dateSigned.', resolve: (award) => fiscalYearOf(award.dateSigned) }),
    description: t.exposeString('description', { nullable: true, description: 'What the award is for.' }),
    periodOfPerformanceStartDate: t.expose('periodOfPerformanceStartDate', { type: 'Date', nullable: true, description: 'Start of the period of performance.' }),
    periodOfPerformanceCurrentEndDate: t.expose('periodOfPerformanceCurrentEndDate', { type: 'Date', nullable: true, description: 'Current end of the period of performance.' }),
    lastModifiedDate: t.expose('lastModifiedDate', { type: 'Date', nullable: true, description: 'Last modification in the source.' }),
    certifiedDate: t.expose('certifiedDate', { type: 'Date', nullable: true, description: 'When the agency certified the data.' }),
    createDate: t.expose('createDate', { type: 'DateTime', nullable: true, description: 'When the source created the record.' }),
    updateDate: t.expose('updateDate', { type: 'DateTime', nullable: true, description: 'When the source last updated the record.' }),
    dataSource: t.exposeString('dataSource', { nullable: true, description: 'Where the source says the award came from, e.g. "DBR" (the DATA Act broker).' }),
    latestSubmissionId: t.exposeInt('latestSubmissionId', { nullable: true, description: "Id of the source's latest submission for the award." }),
    latestTransaction: t.relation('latestTransaction', { nullable: true, description: "The award's transaction with the latest action date." }),
    awardingAgency: t.relation('awardingAgency', { nullable: true, description: 'The agency that made the award.' }),
    fundingAgency: t.relation('fundingAgency', { nullable: true, description: 'The agency that pays for it.' }),
    recipient: t.relation('recipient', { nullable: true, description: 'Who receives the award.' }),
    placeOfPerformance: t.relation('placeOfPerformance', { nullable: true, description: 'Where the work is done.' }),
    parentAward: t.relation('parentAward', { nullable: true, description: 'The award this one is ordered under (an IDV), if any.' }),
    transactions: children(t, TransactionRef, 'transactions', 'The transactions of this award, latest action first.', 'Transaction', 'transaction'),
    financialAccounts: children(
      t,
      AwardAccountRef,
      'awardAccounts',
      "The award's obligations and outlays by Treasury account (REST `financial_set`), in id order.",
      'FinancialAccount',
      'financial account',
    ),
  }),
});

builder.queryFields((t) => ({
  awards: t.connection(
    {
      type: AwardRef,
      description: 'Awards matching a filter, ordered, as a Relay connection (first/after, last/before, offset).',
      args: {
        filter: t.arg({ type: AwardFilter, required: false, description: 'Conditions the awards must meet.' }),
        orderBy: t.arg({ type: [orderByInput('Award')], required: false, description: 'Sort keys in order of precedence; the row id breaks ties.' }),
        offset: t.arg.int({ required: false, description: 'Rows to skip (after `after`), for page-number UIs.' }),
        dataset: t.arg.string({ required: false, description: 'Only awards of this dataset.' }),
        req: t.arg.string({ required: false, description: 'Re-run a stored request (its filter, order and dataset, from `req` here or in REST); paging stays live.' }),
      },
      resolve: (_root, args, ctx, info) => resolveList('Award', 'awards', args, ctx, info) as never,
    },
    {
      name: 'AwardConnection',
      description: `A page of awards (${listLimits.defaultSize} unless first or last says otherwise, at most ${listLimits.maxSize}).`,
      fields: (c) => ({
        req: c.string({
          description: 'A checksum of this request (filter, order, dataset): pass it as `req` (GraphQL or REST) to re-run it with any page.',
          resolve: (connection) => reqOf(connection as unknown as ListConnection<unknown>),
        }),
      }),
    },
    { name: 'AwardEdge', description: 'An award and its cursor.' },
  ),
  award: t.prismaField({
    type: 'Award',
    nullable: true,
    description: 'One award by its row id (the REST id); null with a NOT_FOUND error when there is none. Use `node(id)` for global ids.',
    args: { rowId: t.arg.int({ required: true, description: 'The award id of the source.' }) },
    resolve: async (query, _root, { rowId }, ctx) => {
      const award = await db.award.findUnique({ ...query, where: visibleRow(rowId, ctx) });
      if (!award) throw notFound(`no award with rowId ${rowId}`);
      return award;
    },
  }),
}));
