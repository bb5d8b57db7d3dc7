import { visibleDatasets } from '../../access/principal.js';
import { builder } from '../../builder.js';
import { db } from '../../db.js';
import { notFound } from '../../errors.js';
import { DatasetRef } from '../../catalog/schema/dataset.js';
import { connectionOf, connectionWindow, resolveConnection, type ConnectionArgs, type SizeLimits } from '../../shared/connection.js';
import { fromFieldRefFilter } from '../../shared/filter/graphql.js';
import type { Direction } from '../../shared/order.js';
import { babbageModel } from '../rest/babbage.js';
import { aggregatePlan, membersPlan, type AggregatePlan } from '../query/aggregate.js';
import { cardinalities } from '../query/cardinality.js';
import { allFactFields, factsPlan, projectFact } from '../query/facts.js';
import { searchPlan } from '../query/search.js';
import { categoryOf } from '../query/v2.js';
import { cubeModel, cubeModelOf, cubeRow, primeCubes, type CubeAggregate as CubeAggregateShape } from '../query/model.js';
import { maxPageSize, type Ordering, type Row, type Selection } from '../query/scope.js';
import { CubeHierarchy, CubeMeasure, Dimension } from './dimension.js';
import { CubeFilter, CubeOrderBy } from './inputs/filter.js';
import { CubeAggregate, CubeCell, CubeMember, Fact } from './results.js';

type ArgBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0]['arg'];

const rowLimits: SizeLimits = { defaultSize: 100, maxSize: maxPageSize };
const cubeLimits: SizeLimits = { defaultSize: 100, maxSize: 1000 };

function offsetArg(arg: ArgBuilder) {
  return arg.int({ required: false, description: 'Rows to skip (after `after`, if given): for page-number UIs.' });
}

function selectionArgs(arg: ArgBuilder) {
  return {
    cut: arg.string({ required: false, description: 'A babbage cut, e.g. `cofog1:"4"|time.year:2010`; ANDed with `filter`.' }),
    filter: arg({ type: CubeFilter, required: false, description: 'Facts to keep; ANDed with `cut`.' }),
    fiscalYearStart: arg.string({
      required: false,
      description: 'MM-DD start of the fiscal year for `fy` filters and `@fy` drilldowns (default: the package’s, else January 1).',
    }),
    orderBy: arg({ type: [CubeOrderBy], required: false, description: 'Sort keys in order of precedence; ties keep source order.' }),
    offset: offsetArg(arg),
  };
}

interface SelectionArgs {
  cut?: string | null;
  filter?: unknown;
  fiscalYearStart?: string | null;
  orderBy?: { field?: unknown; direction: Direction }[] | null;
}

function selection(args: SelectionArgs): Selection & Ordering {
  return {
    cut: args.cut,
    filter: fromFieldRefFilter(args.filter as Record<string, unknown> | null, ['filter']),
    fiscalYearStart: args.fiscalYearStart,
    order: args.orderBy?.map((term) => ({ ref: String(term.field), direction: term.direction })),
    orderArg: 'orderBy',
  };
}

/** Counts as JSON numbers; sums, averages, minima and maxima as the exact decimal text PostgreSQL computed. */
function graphValues(aggregates: CubeAggregateShape[], row: Row): Row {
  return Object.fromEntries(
    aggregates.map((a) => {
      const value = row[a.ref];
      return [a.ref, value === null || value === undefined ? null : a.function === 'count' ? Number(value) : String(value)];
    }),
  );
}

/** A connection over an aggregate plan's cells; the page's statement also counts the cells and sums the selection. */
async function cellsConnection<T>(plan: AggregatePlan, args: ConnectionArgs, node: (cell: Row) => T) {
  const window = await connectionWindow(args, rowLimits, async () => (await plan.totals()).count);
  const fetched = window.limit === 0 ? null : await plan.cells({ offset: window.offset, limit: window.limit + 1 });
  const connection = connectionOf((fetched?.cells ?? []).map(node), window, async () => fetched?.count ?? (await plan.totals()).count);
  return {
    ...connection,
    summary: async () => graphValues(plan.aggregates, fetched?.summary ?? (await plan.totals()).summary),
    aggregates: plan.aggregates.map((a) => a.ref),
    attributes: plan.attributes,
  };
}

export const Cube = builder.prismaNode('Dataset', {
  variant: 'Cube',
  description: 'An OLAP cube (an OpenSpending fiscal dataset): dimensions, measures and facts.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({
    id: /^\d{1,9}$/.test(id) ? Number(id) : 0,
    AND: [{ family: 'CUBE' }, visibleDatasets(ctx.principal)],
  }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name of the cube, unique across datasets; what REST routes take.' }),
    title: t.exposeString('title', { description: 'Title for display.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the cube holds.' }),
    dataset: t.variant(DatasetRef, { description: 'The catalog entry of this cube.' }),
    fiscalPeriod: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The package’s fiscalPeriod ({start, end}) when it has one.',
      resolve: (cube) => (cube.source as { fiscalPeriod?: unknown } | null)?.fiscalPeriod ?? null,
    }),
    dimensions: t.field({
      type: [Dimension],
      description: 'The dimensions, in model order.',
      resolve: async (cube, _args, ctx) => (await cubeModelOf(ctx, cube)).dimensions,
    }),
    measures: t.field({
      type: [CubeMeasure],
      description: 'The measures, in model order.',
      resolve: async (cube, _args, ctx) => (await cubeModelOf(ctx, cube)).measures,
    }),
    hierarchies: t.field({
      type: [CubeHierarchy],
      description: 'The hierarchies, by name.',
      resolve: async (cube, _args, ctx) => (await cubeModelOf(ctx, cube)).hierarchies,
    }),
    aggregates: t.field({
      type: [CubeAggregate],
      description: 'The default aggregates: `_count` and each measure’s sum (count, avg, min, max may be asked for too).',
      resolve: async (cube, _args, ctx) => (await cubeModelOf(ctx, cube)).aggregates,
    }),
    model: t.field({
      type: 'JSON',
      description: 'The model in babbage’s /api/3 shape.',
      resolve: async (cube, _args, ctx) => {
        const model = await cubeModelOf(ctx, cube);
        return babbageModel(model, await cardinalities(ctx, model));
      },
    }),
    facts: t.connection(
      {
        type: Fact,
        description: 'Individual facts, in source order unless ordered.',
        args: {
          ...selectionArgs(t.arg),
          fields: t.arg.stringList({ required: false, description: 'Refs to return in `data` (a dimension means all its attributes); all when omitted.' }),
        },
        resolve: async (cube, args, ctx, info) => {
          const plan = factsPlan(await cubeModelOf(ctx, cube), { ...selection(args), fields: args.fields });
          return { ...(await resolveConnection(args, rowLimits, plan.rows, plan.count, info)), fields: plan.fields };
        },
      },
      {
        name: 'FactConnection',
        description: 'Facts of a cube, a page at a time.',
        fields: (c) => ({
          fields: c.stringList({ description: 'Refs present in each fact’s `data`, in order.', resolve: (r) => r.fields }),
        }),
      },
      { name: 'FactEdge', description: 'A fact with its cursor.' },
    ),
    members: t.connection(
      {
        type: CubeMember,
        description: 'Distinct members of a dimension (or of one attribute) among the selected facts, by key unless ordered.',
        args: {
          dimension: t.arg.string({ required: true, description: 'A dimension name, or a "dimension.attribute" ref for one attribute.' }),
          ...selectionArgs(t.arg),
        },
        resolve: async (cube, args, ctx) => {
          const { attributes, key, label, plan } = membersPlan(await cubeModelOf(ctx, cube), args.dimension, selection(args));
          return cellsConnection(plan, args, (cell) => ({
            key: cell[key.ref] ?? null,
            label: cell[label.ref] ?? null,
            attributes: Object.fromEntries(attributes.map((a) => [a.ref, cell[a.ref] ?? null])),
          }));
        },
      },
      {
        name: 'CubeMemberConnection',
        description: 'Members of a dimension, a page at a time.',
        fields: (c) => ({
          fields: c.stringList({ description: 'Attribute refs of each member, key first.', resolve: (r) => r.attributes }),
        }),
      },
      { name: 'CubeMemberEdge', description: 'A member with its cursor.' },
    ),
    aggregate: t.connection(
      {
        type: CubeCell,
        description:
          'Aggregates of the selected facts grouped by the drilldown, a page of cells at a time, with the summary over ' +
          'the whole selection. A drilldown item is a dimension (all its attributes), an attribute ref, a hierarchy name ' +
          '(the level below the deepest level fixed by the cut) or a date attribute with `@year`, `@quarter`, `@month` or `@fy`.',
        args: {
          drilldown: t.arg.stringList({ required: false, description: 'Refs to group by; one cell for the whole selection when omitted.' }),
          aggregates: t.arg.stringList({
            required: false,
            description: 'Aggregate refs (`_count`, `<measure>.<function>` such as `amount.sum`); the defaults when omitted. A bare measure (`amount`) is refused with BAD_USER_INPUT, as babbage refuses it.',
          }),
          ...selectionArgs(t.arg),
        },
        resolve: async (cube, args, ctx) => {
          const plan = aggregatePlan(await cubeModelOf(ctx, cube), { ...selection(args), drilldown: args.drilldown, aggregates: args.aggregates });
          return cellsConnection(plan, args, (cell) => ({
            key: Object.fromEntries(plan.attributes.map((ref) => [ref, cell[ref] ?? null])),
            values: graphValues(plan.aggregates, cell),
          }));
        },
      },
      {
        name: 'CubeAggregation',
        description: 'Aggregates of the selected facts: the cells of the drilldown a page at a time, and the summary.',
        fields: (c) => ({
          summary: c.field({
            type: 'JSON',
            description: 'The aggregates over the whole selection (never just the first cell), valued like cells.',
            resolve: (r) => r.summary(),
          }),
          aggregates: c.stringList({ description: 'The aggregate refs computed.', resolve: (r) => r.aggregates }),
          attributes: c.stringList({ description: 'The drilldown resolved to attribute refs: the keys of each cell.', resolve: (r) => r.attributes }),
        }),
      },
      { name: 'CubeCellEdge', description: 'A cell with its cursor.' },
    ),
  }),
});

builder.objectField(Fact, 'cube', (t) =>
  t.field({
    type: Cube,
    description: 'The cube this fact belongs to.',
    resolve: async (fact, _args, ctx) => {
      const cube = await cubeRow(ctx, fact.cube);
      if (!cube) throw notFound(`no cube named "${fact.cube}"`);
      return cube;
    },
  }),
);

const CategoryEnum = builder.enumType('CubeCategory', {
  description: 'OpenSpending’s dataset categories.',
  values: {
    BUDGET: { value: 'budget', description: 'Budgets: planned or approved amounts.' },
    SPENDING: { value: 'spending', description: 'Transactional expenditure.' },
    OTHER: { value: 'other', description: 'Anything else (and cubes that declare no category).' },
  } as const,
});

/** The cubes a fact search covers: the named ones (each must be visible), else every visible cube of `category`. */
async function searchedCubes(ctx: Parameters<typeof cubeModelOf>[0], names: readonly string[] | null | undefined, category: string | null | undefined) {
  if (names?.length) return Promise.all(names.map((name) => cubeModel(ctx, name)));
  const rows = await db.dataset.findMany({ where: { AND: [{ family: 'CUBE' }, visibleDatasets(ctx.principal)] }, orderBy: { id: 'asc' } });
  return Promise.all(rows.filter((row) => !category || categoryOf(row) === category).map((row) => cubeModelOf(ctx, row)));
}

builder.queryFields((t) => ({
  factSearch: t.connection(
    {
      type: Fact,
      description:
        'Facts of several cubes matching an OpenSpending full-text query (the engine of `/api/2/search`), in cube and ' +
        'source order: words must all appear (English stems, stop words dropped), "phrases" in order, `field:value` ' +
        'is exact, `field:[a TO b]` a range (`*` open), with AND, OR, NOT, +term and -term.',
      args: {
        q: t.arg.string({ required: false, description: 'The query; every fact when omitted or `*:*`.' }),
        cubes: t.arg.stringList({ required: false, description: 'Cubes to search (each must exist); every cube the caller may see when omitted.' }),
        category: t.arg({ type: CategoryEnum, required: false, description: 'Only cubes of this category (when `cubes` is omitted).' }),
        offset: offsetArg(t.arg),
      },
      resolve: async (_root, args, ctx, info) => {
        const plan = searchPlan(await searchedCubes(ctx, args.cubes, args.category), { q: args.q });
        return resolveConnection(
          args,
          rowLimits,
          async (window) =>
            (await plan.hits(window)).map((hit) => ({
              id: hit.factId,
              cube: hit.model.name,
              rowNumber: hit.rowNumber,
              data: projectFact(allFactFields(hit.model), hit.data, hit.texts),
            })),
          plan.count,
          info,
        );
      },
    },
    { name: 'FactSearchConnection', description: 'Facts found by a search, a page at a time.' },
    { name: 'FactSearchEdge', description: 'A fact found, with its cursor.' },
  ),
  cubes: t.connection(
    {
      type: Cube,
      description: 'The cubes the caller may see (public ones, and private ones its key can read), by name.',
      args: { offset: offsetArg(t.arg) },
      resolve: (_root, args, ctx, info) => {
        const where = { AND: [{ family: 'CUBE' as const }, visibleDatasets(ctx.principal)] };
        return resolveConnection(
          args,
          cubeLimits,
          async ({ offset, limit }) => {
            const rows = await db.dataset.findMany({ where, orderBy: { name: 'asc' }, skip: offset, take: limit });
            primeCubes(ctx, rows);
            return rows;
          },
          () => db.dataset.count({ where }),
          info,
        );
      },
    },
    { name: 'CubeConnection', description: 'Cubes, a page at a time.' },
    { name: 'CubeEdge', description: 'A cube with its cursor.' },
  ),
  cube: t.field({
    type: Cube,
    nullable: true,
    description: 'One cube by name; null with a NOT_FOUND error when there is none the caller may see.',
    args: { name: t.arg.string({ required: true, description: 'The cube’s name.' }) },
    resolve: async (_root, { name }, ctx) => {
      const cube = await cubeRow(ctx, name);
      if (!cube) throw notFound(`no cube named "${name}"`);
      return cube;
    },
  }),
}));
