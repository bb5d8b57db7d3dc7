import { offsetToCursor } from '@pothos/plugin-relay';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { stripLocations } from '../../shared/filter/ast.js';
import { connectionWindow, type ConnectionArgs, type ConnectionResult, type PageWindow } from '../../shared/connection.js';
import { loaderOf } from '../../shared/loaders.js';
import { checkTotals, totals, type Aggregate, type DatePart, type RootModel, type TotalsRequest, type TotalsRow } from '../query/queries.js';
import { canonicalJson, loadRequest, saveRequest } from '../query/saved.js';
import { orderInput } from '../../shared/order.js';
import { fieldEnum, numericFieldEnum, type RootModel as Root } from './inputs/fields.js';
import { AwardFilter, TransactionFilter, filterOf } from './inputs/filter.js';
import { scopeOf } from './lib/requests.js';

const aggregateNames = ['sum', 'avg', 'count', 'min', 'max'] as const satisfies readonly Aggregate[];

const AggregateEnum = builder.enumType('TotalsAggregate', {
  description: 'How the values of a group are summarised.',
  values: {
    SUM: { value: 'sum', description: 'Sum of the values.' },
    AVG: { value: 'avg', description: 'Average of the values (money rounded to cents).' },
    COUNT: { value: 'count', description: 'Rows with a value (every row when no field is given).' },
    MIN: { value: 'min', description: 'Smallest value.' },
    MAX: { value: 'max', description: 'Largest value.' },
  } as const,
});

const DatePartEnum = builder.enumType('DatePart', {
  description: 'Which part of a date group to group by.',
  values: {
    YEAR: { value: 'year', description: 'Calendar year.' },
    QUARTER: { value: 'quarter', description: 'Calendar quarter, 1 to 4.' },
    MONTH: { value: 'month', description: 'Month, 1 to 12.' },
    DAY: { value: 'day', description: 'Day of the month.' },
    FISCAL_YEAR: { value: 'fiscalYear', description: 'Federal fiscal year (October to September).' },
  } as const,
});

const TotalsOrderField = builder.enumType('TotalsOrderField', {
  description: 'What totals rows sort by.',
  values: {
    GROUPS: { value: 'groups', description: 'The group values, in the order of groupBy (the default).' },
    ITEM: { value: 'item', description: 'The first group value.' },
    SUM: { value: '@sum', description: 'The sum.' },
    AVG: { value: '@avg', description: 'The average.' },
    COUNT: { value: '@count', description: 'The count.' },
    MIN: { value: '@min', description: 'The minimum.' },
    MAX: { value: '@max', description: 'The maximum.' },
  } as const,
});

const TotalsOrderBy = orderInput('TotalsOrderBy', TotalsOrderField, 'The group or aggregate to sort by.');

/** A totals row as one field sees it: aggregates it did not ask for read null, whatever its siblings asked. */
interface TotalsNode {
  row: TotalsRow;
  asked: readonly Aggregate[];
}

const GroupValue = builder.objectRef<{ field: string; value: string | null }>('TotalsGroupValue').implement({
  description: 'The value of one group field in a totals row.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The group field path.' }),
    value: t.exposeString('value', { nullable: true, description: 'Its value as text (a date part as a number).' }),
  }),
});

const TotalsRowRef = builder.objectRef<TotalsNode>('TotalsRow').implement({
  description: 'One group and its aggregates.',
  fields: (t) => ({
    item: t.string({ nullable: true, description: 'Value of the first group field (as text).', resolve: ({ row }) => row.item }),
    groups: t.field({
      type: [GroupValue],
      description: 'Every group field with its value.',
      resolve: ({ row }) => Object.entries(row.groups).map(([field, value]) => ({ field, value })),
    }),
    ...Object.fromEntries(
      aggregateNames.map((aggregate) => [
        aggregate,
        t.field({
          type: 'Decimal',
          nullable: true,
          description: `The ${aggregate} of the group (null unless asked for in \`aggregates\`, or when the group has no value).`,
          resolve: ({ row, asked }) => (asked.includes(aggregate) ? (row.values[aggregate] ?? null) : null),
        }),
      ]),
    ),
  }),
});

type TotalsConnectionShape = ConnectionResult<TotalsNode> & { endpoint: string; request: TotalsRequest };

const TotalsConnection = builder.connectionObject(
  {
    type: TotalsRowRef,
    name: 'TotalsConnection',
    description: 'A page of totals rows (100 unless first or last says otherwise, at most 500).',
    fields: (t) => ({
      req: t.string({
        description: 'A checksum of this totals request: pass it as `req` (GraphQL or REST) to re-run it with any page.',
        resolve: (connection) => {
          const { endpoint, request } = connection as unknown as TotalsConnectionShape;
          return saveRequest(endpoint, { ...request, filter: stripLocations(request.filter) });
        },
      }),
    }),
  },
  { name: 'TotalsEdge', description: 'A totals row and its cursor.' },
);

const limits = { defaultSize: 100, maxSize: 500 };

interface TotalsKey {
  root: RootModel;
  request: TotalsRequest;
  asked: Aggregate[];
  window: PageWindow;
  ctx: Context;
}

type TotalsResult = Awaited<ReturnType<typeof totals>>;

/** The statement identity of a totals request: fields asking other aggregates of the same one share its SQL. */
function sharedKey({ root, request, window }: Pick<TotalsKey, 'root' | 'request' | 'window'>): string {
  const { aggregate, ...rest } = request;
  return canonicalJson({ root, window, ...rest, filter: stripLocations(rest.filter), aggregate: request.order.includes('aggregate') ? aggregate : null });
}

/** Sibling totals fields with the same filter, groups, field, order and page run as one statement. */
function totalsLoader(ctx: Context) {
  return loaderOf<TotalsKey, TotalsResult, string>(
    ctx,
    'awards:totals',
    async (keys) => {
      const runs = new Map<string, Promise<TotalsResult>>();
      const wanted = new Map<string, Set<Aggregate>>();
      for (const key of keys) {
        const shared = sharedKey(key);
        const set = wanted.get(shared) ?? new Set([key.request.aggregate]);
        for (const aggregate of key.asked) set.add(aggregate);
        wanted.set(shared, set);
      }
      return Promise.all(
        keys.map((key) => {
          const shared = sharedKey(key);
          let run = runs.get(shared);
          if (!run) {
            const also = [...wanted.get(shared)!];
            run = scopeOf(key.ctx).then((scope) => totals(key.root, { ...key.request, aggregate: also[0]! }, key.window, scope, { also, nullsLast: true }));
            runs.set(shared, run);
          }
          return run;
        }),
      );
    },
    { cacheKeyFn: (key) => `${sharedKey(key)}|${[...key.asked].sort().join(',')}` },
  );
}

interface TotalsArgs extends ConnectionArgs {
  field?: string | null;
  aggregates?: Aggregate[] | null;
  groupBy?: string[] | null;
  datePart?: DatePart | null;
  showNullGroups?: boolean | null;
  showNullAggregates?: boolean | null;
  filter?: Record<string, unknown> | null;
  orderBy?: { field: string; direction: 'asc' | 'desc' }[] | null;
  dataset?: string | null;
  req?: string | null;
}

async function totalsRequestOf(root: RootModel, endpoint: string, args: TotalsArgs): Promise<TotalsRequest> {
  if (args.req) {
    const stored = await loadRequest<TotalsRequest>(endpoint, args.req);
    return { ...stored, dialect: stored.dialect ?? 'rest' };
  }
  const group = args.groupBy ?? [];
  return {
    field: args.field ?? null,
    aggregate: args.aggregates?.[0] ?? 'sum',
    group,
    datePart: args.datePart ?? null,
    showNullGroups: Boolean(args.showNullGroups),
    showNullAggregates: Boolean(args.showNullAggregates),
    filter: filterOf(root as Root, args.filter),
    dialect: 'graphql',
    order: (args.orderBy ?? []).flatMap(({ field, direction }) => {
      const entries = field === 'groups' ? group : [field];
      return entries.map((entry) => (direction === 'desc' ? `-${entry}` : entry));
    }),
    dataset: args.dataset ?? null,
  };
}

async function resolveTotals(root: RootModel, endpoint: string, args: TotalsArgs, ctx: Context): Promise<TotalsConnectionShape> {
  const request = await totalsRequestOf(root, endpoint, args);
  const asked = args.aggregates?.length ? [...new Set(args.aggregates)] : [request.aggregate];
  for (const aggregate of asked) checkTotals(root, { ...request, aggregate });
  const loader = totalsLoader(ctx);
  const load = (window: PageWindow) => loader.load({ root, request, asked, window, ctx });
  const window = await connectionWindow(args, limits, async () => (await load({ offset: 0, limit: 0 })).totalCount);
  const result = await load(window);
  const edges = result.rows.map((row, i) => ({ cursor: offsetToCursor(window.offset + i), node: { row, asked } }));
  return {
    edges,
    pageInfo: {
      hasNextPage: result.hasNextPage,
      hasPreviousPage: window.offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => result.totalCount,
    endpoint,
    request,
  };
}

function totalsField(root: Root, endpoint: string, filterType: typeof AwardFilter) {
  const noun = root.toLowerCase();
  builder.queryField(root === 'Award' ? 'awardTotals' : 'transactionTotals', (t) =>
    t.connection(
      {
        type: TotalsRowRef,
        description: `Aggregates of a numeric ${noun} field per group (after filtering): several aggregates in one statement, and sibling fields with the same filter and groups share it.`,
        args: {
          field: t.arg({ type: numericFieldEnum(root), required: false, description: 'The numeric field to aggregate (optional when only counting rows).' }),
          aggregates: t.arg({ type: [AggregateEnum], required: false, defaultValue: ['sum'], description: 'The aggregates to compute (default SUM).' }),
          groupBy: t.arg({ type: [fieldEnum(root)], required: false, description: 'Fields to group by, at most 5 (none: one row over everything).' }),
          datePart: t.arg({ type: DatePartEnum, required: false, description: 'Group date fields by this part of the date.' }),
          showNullGroups: t.arg.boolean({ required: false, defaultValue: false, description: 'Keep rows whose group fields are all null.' }),
          showNullAggregates: t.arg.boolean({ required: false, defaultValue: false, description: 'Keep rows whose aggregated field is null.' }),
          filter: t.arg({ type: filterType, required: false, description: `Conditions the ${noun}s must meet.` }),
          orderBy: t.arg({ type: [TotalsOrderBy], required: false, description: 'Sort keys in order of precedence (default: the groups, ascending).' }),
          offset: t.arg.int({ required: false, description: 'Rows to skip (after `after`), for page-number UIs.' }),
          dataset: t.arg.string({ required: false, description: `Only ${noun}s of this dataset.` }),
          req: t.arg.string({ required: false, description: 'Re-run a stored totals request (GraphQL or REST); paging stays live.' }),
        },
        resolve: (_root, args, ctx) => resolveTotals(root, endpoint, args as TotalsArgs, ctx) as never,
      },
      TotalsConnection,
    ),
  );
}

totalsField('Award', 'awards.total', AwardFilter);
totalsField('Transaction', 'transactions.total', TransactionFilter);
