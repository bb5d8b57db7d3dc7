import { visibleDatasets } from '../../access/principal.js';
import { builder } from '../../builder.js';
import { db } from '../../db.js';
import { notFound } from '../../errors.js';
import { babbageModel } from '../rest/babbage.js';
import { loadCubeCached } from '../query/model.js';
import { aggregate, defaultPageSize, facts, maxPageSize, members, type Selection } from '../query/query.js';
import { DatasetRef } from '../../catalog/schema/dataset.js';
import { CubeFilter, CubeOrder } from './inputs/filter.js';
import { CubeAggregate, CubeAggregation, FactPage, MemberPage } from './results.js';
import './dimension.js';

type ArgBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0]['arg'];

function selectionArgs(arg: ArgBuilder) {
  return {
    cut: arg.string({ required: false, description: 'A babbage cut, e.g. `cofog1:"4"|time.year:2010`.' }),
    filter: arg({ type: CubeFilter, required: false, description: 'ANDed with the cut.' }),
    fiscalYearStart: arg.string({
      required: false,
      description: 'MM-DD start of the fiscal year for `fy` filters and `@fy` drilldowns (default: the package’s).',
    }),
    page: arg.int({ required: true, defaultValue: 1, description: 'Page number, from 1.' }),
    pageSize: arg.int({ required: true, defaultValue: defaultPageSize, description: `Rows per page, 0 to ${maxPageSize}.` }),
    order: arg({ type: [CubeOrder], required: false }),
  };
}

function selection(args: { cut?: string | null; filter?: unknown; fiscalYearStart?: string | null }): Selection {
  return { cut: args.cut, filter: args.filter as Selection['filter'], fiscalYearStart: args.fiscalYearStart };
}

export const Cube = builder.prismaObject('Dataset', {
  variant: 'Cube',
  description: 'An OLAP cube (an OpenSpending fiscal dataset): dimensions, measures and facts.',
  fields: (t) => ({
    name: t.exposeString('name'),
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    dataset: t.variant(DatasetRef, { description: 'The catalog entry of this cube.' }),
    fiscalPeriod: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The package’s fiscalPeriod ({start, end}) when it has one.',
      select: { source: true },
      resolve: (d) => ((d.source as { fiscalPeriod?: unknown } | null)?.fiscalPeriod ?? null),
    }),
    dimensions: t.relation('dimensions', { query: { orderBy: { position: 'asc' } } }),
    measures: t.relation('measures', { query: { orderBy: { position: 'asc' } } }),
    hierarchies: t.relation('hierarchies', { query: { orderBy: { name: 'asc' } } }),
    aggregates: t.field({
      type: [CubeAggregate],
      description: 'The default aggregates: `_count` and each measure’s sum (count, avg, min, max may be asked for too).',
      select: { name: true },
      resolve: async (d, _args, ctx) => (await loadCubeCached(ctx, d.name)).aggregates,
    }),
    model: t.field({
      type: 'JSON',
      description: 'The model in babbage’s /api/3 shape.',
      select: { name: true },
      resolve: async (d, _args, ctx) => babbageModel(await loadCubeCached(ctx, d.name)),
    }),
    facts: t.field({
      type: FactPage,
      description: 'Individual facts (source order unless ordered) with the total count.',
      select: { name: true },
      args: {
        ...selectionArgs(t.arg),
        fields: t.arg.stringList({ required: false, description: 'Refs to return (dimension = all its attributes).' }),
      },
      resolve: async (d, args, ctx) =>
        facts(await loadCubeCached(ctx, d.name), { ...selection(args), fields: args.fields, order: args.order, page: args.page, pageSize: args.pageSize }),
    }),
    members: t.field({
      type: MemberPage,
      description: 'Distinct members of a dimension (or one attribute) among the selected facts.',
      select: { name: true },
      args: { dimension: t.arg.string({ required: true }), ...selectionArgs(t.arg) },
      resolve: async (d, args, ctx) =>
        members(await loadCubeCached(ctx, d.name), args.dimension, {
          ...selection(args),
          order: args.order,
          page: args.page,
          pageSize: args.pageSize,
        }),
    }),
    aggregate: t.field({
      type: CubeAggregation,
      description:
        'Aggregates grouped by the drilldown. A drilldown item is a dimension (all its attributes), an attribute ' +
        'ref, a hierarchy name (the level below the deepest level fixed by the cut) or a date attribute with ' +
        '`@year`, `@quarter`, `@month` or `@fy`.',
      select: { name: true },
      args: {
        drilldown: t.arg.stringList({ required: false }),
        aggregates: t.arg.stringList({ required: false, description: 'Aggregate refs; all defaults when omitted.' }),
        ...selectionArgs(t.arg),
      },
      resolve: async (d, args, ctx) =>
        aggregate(await loadCubeCached(ctx, d.name), {
          ...selection(args),
          drilldown: args.drilldown,
          aggregates: args.aggregates,
          order: args.order,
          page: args.page,
          pageSize: args.pageSize,
        }),
    }),
  }),
});

builder.queryFields((t) => ({
  cubes: t.prismaField({
    type: [Cube],
    description: 'All cubes the caller may see (public ones, and private ones its key can read), by name.',
    resolve: (query, _root, _args, ctx) =>
      db.dataset.findMany({
        ...query,
        where: { AND: [{ family: 'CUBE' }, visibleDatasets(ctx.principal)] },
        orderBy: { name: 'asc' },
      }),
  }),
  cube: t.prismaField({
    type: Cube,
    description: 'One cube by name; NOT_FOUND when there is none.',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (query, _root, { name }, ctx) => {
      const cube = await db.dataset.findFirst({
        ...query,
        where: { AND: [{ name, family: 'CUBE' }, visibleDatasets(ctx.principal)] },
      });
      if (!cube) throw notFound(`no cube named "${name}"`);
      return cube;
    },
  }),
}));
