import { builder } from '../../builder.js';
import { visibleDatasets } from '../../access/principal.js';
import type { Context } from '../../context.js';
import { stripLocations } from '../query/filter/ast.js';
import { fromGraphqlFilter, type FilterInput } from '../query/filter/graphql.js';
import { clampPage, totals, type Aggregate, type DatePart, type RootModel, type TotalsRequest, type TotalsRow } from '../query/queries.js';
import { loadRequest, saveRequest } from '../query/saved.js';
import { AwardFilter, TransactionFilter } from './inputs/filter.js';

const AggregateEnum = builder.enumType('TotalsAggregate', {
  description: 'How values are summarised.',
  values: { SUM: { value: 'sum' }, AVG: { value: 'avg' }, COUNT: { value: 'count' }, MIN: { value: 'min' }, MAX: { value: 'max' } } as const,
});

const DatePartEnum = builder.enumType('DatePart', {
  description: 'Which part of a date group to group by.',
  values: {
    YEAR: { value: 'year' },
    QUARTER: { value: 'quarter' },
    MONTH: { value: 'month' },
    DAY: { value: 'day' },
    FISCAL_YEAR: { value: 'fiscalYear', description: 'Federal fiscal year (October to September).' },
  } as const,
});

const GroupValue = builder.objectRef<{ field: string; value: string | null }>('TotalsGroupValue').implement({
  description: 'The value of one group field in a totals row.',
  fields: (t) => ({
    field: t.exposeString('field'),
    value: t.exposeString('value', { nullable: true }),
  }),
});

const TotalsRowRef = builder.objectRef<TotalsRow>('TotalsRow').implement({
  description: 'One group and its aggregate.',
  fields: (t) => ({
    item: t.exposeString('item', { nullable: true, description: 'Value of the first group field (as text).' }),
    groups: t.field({
      type: [GroupValue],
      description: 'Every group field with its value.',
      resolve: (row) => Object.entries(row.groups).map(([field, value]) => ({ field, value })),
    }),
    aggregate: t.field({ type: 'Decimal', nullable: true, resolve: (row) => row.aggregate }),
  }),
});

type TotalsResult = Awaited<ReturnType<typeof totals>> & { endpoint: string; request: TotalsRequest };

const TotalsPage = builder.objectRef<TotalsResult>('TotalsPage').implement({
  description: 'One page of totals rows.',
  fields: (t) => ({
    totalCount: t.exposeInt('totalCount', { description: 'Number of groups over all pages.' }),
    page: t.exposeInt('page'),
    limit: t.exposeInt('limit'),
    hasNextPage: t.exposeBoolean('hasNextPage'),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
    req: t.string({ resolve: (r) => saveRequest(r.endpoint, { ...r.request, filter: stripLocations(r.request.filter) }) }),
    rows: t.field({ type: [TotalsRowRef], resolve: (r) => r.rows }),
  }),
});

interface TotalsArgs {
  field?: string | null;
  aggregate?: Aggregate | null;
  group?: string[] | null;
  datePart?: DatePart | null;
  showNulls?: boolean | null;
  showNullGroups?: boolean | null;
  showNullAggregates?: boolean | null;
  filter?: FilterInput | null;
  order?: string[] | null;
  page?: number | null;
  limit?: number | null;
  dataset?: string | null;
  req?: string | null;
}

async function resolveTotals(root: RootModel, endpoint: string, args: TotalsArgs, ctx: Context): Promise<TotalsResult> {
  const paging = clampPage(args.page, args.limit);
  const request: TotalsRequest = args.req
    ? await loadRequest<TotalsRequest>(endpoint, args.req)
    : {
        field: args.field ?? null,
        aggregate: args.aggregate ?? 'sum',
        group: args.group ?? [],
        datePart: args.datePart ?? null,
        showNullGroups: Boolean(args.showNulls || args.showNullGroups),
        showNullAggregates: Boolean(args.showNulls || args.showNullAggregates),
        filter: fromGraphqlFilter(args.filter),
        order: args.order ?? [],
        dataset: args.dataset ?? null,
      };
  return { ...(await totals(root, request, paging, visibleDatasets(ctx.principal))), endpoint, request };
}

function totalsField(root: RootModel, endpoint: string, filterType: typeof AwardFilter) {
  return builder.queryField(root === 'Award' ? 'awardTotals' : 'transactionTotals', (t) =>
    t.field({
      type: TotalsPage,
      description: `Aggregates a numeric ${root.toLowerCase()} field, grouped by field paths or date parts (after filtering).`,
      args: {
        field: t.arg.string({ required: false, description: 'Numeric field to aggregate (optional for COUNT).' }),
        aggregate: t.arg({ type: AggregateEnum, required: false, defaultValue: 'sum' }),
        group: t.arg.stringList({ required: false, description: 'Field paths to group by (none: one row over everything).' }),
        datePart: t.arg({ type: DatePartEnum, required: false, description: 'With a single date group: group by this part of it.' }),
        showNulls: t.arg.boolean({ required: false, description: 'Both showNullGroups and showNullAggregates.' }),
        showNullGroups: t.arg.boolean({ required: false, description: 'Keep rows whose group fields are all null.' }),
        showNullAggregates: t.arg.boolean({ required: false, description: 'Keep rows whose aggregated field is null.' }),
        filter: t.arg({ type: filterType, required: false }),
        order: t.arg.stringList({ required: false, description: '"item", "aggregate" or a group path; "-" in front for descending.' }),
        page: t.arg.int({ required: false, defaultValue: 1 }),
        limit: t.arg.int({ required: false, defaultValue: 100, description: 'Rows per page, clamped to 1..500.' }),
        dataset: t.arg.string({ required: false }),
        req: t.arg.string({ required: false, description: 'Re-run a stored totals request; paging stays live.' }),
      },
      resolve: (_root, args, ctx) => resolveTotals(root, endpoint, args, ctx),
    }),
  );
}

totalsField('Award', 'awards.total', AwardFilter);
totalsField('Transaction', 'transactions.total', TransactionFilter);
