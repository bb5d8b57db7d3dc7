import { builder } from '../../builder.js';
import { badInput, notFound } from '../../errors.js';
import { connectionOf, connectionWindow, type ConnectionArgs, type ConnectionResult } from '../../shared/connection.js';
import type { OrderTerm } from '../../shared/order.js';
import { analyzeRecords } from '../query/analyze.js';
import { geoclusterRecords } from '../query/geocluster.js';
import type { RecordsFilter } from '../query/filter.js';
import { checkFields, MAX_ROWS, orderTermsSql, prepareSearch, type FacetGroup } from '../query/search.js';
import { Prisma } from '../../generated/prisma/client.js';
import { AnalyzePointRef, GeoclusterRef } from './analysis.js';
import { FacetGroupRef } from './facets.js';
import { AnalyzeOrderBy, filterArgs, filterOf, PeriodicEnum, PrecisionEnum, RecordOrderBy, SeriesInput } from './inputs/filter.js';
import { recordByKey, recordsModel, RECORD_NODE_COLUMNS, type RecordNode } from './lib/scope.js';
import { RecordRef } from './record.js';
import type { Context } from '../../context.js';

const recordLimits = { defaultSize: 10, maxSize: MAX_ROWS };

type RecordConnectionShape = ConnectionResult<RecordNode> & { facetGroups: () => Promise<FacetGroup[]> };

interface RecordsArgs extends ConnectionArgs, Omit<RecordsFilter, 'principal'> {
  dataset: string;
  facets?: string[] | null;
  fields?: string[] | null;
  orderBy?: OrderTerm[] | null;
}

/** One page of matching records; the count and the facets run only when `totalCount` or `facetGroups` asks. */
async function recordsConnection(args: RecordsArgs, ctx: Context): Promise<RecordConnectionShape> {
  const model = await recordsModel(ctx, args.dataset);
  const prepared = prepareSearch(model, Prisma.sql`record r`, { ...args, facets: args.facets, fields: args.fields }, () => orderTermsSql(model, args.orderBy));
  const only = checkFields(model, args.fields);
  let counted: Promise<number> | undefined;
  const total = () => (counted ??= prepared.count());
  const window = await connectionWindow(args, recordLimits, total);
  if (window.offset + window.limit > MAX_ROWS) {
    throw badInput(`offset + first must not exceed ${MAX_ROWS} (rows ${window.offset + 1} to ${window.offset + window.limit} were asked for)`, ['first']);
  }
  const rows = await prepared.rows<RecordNode>(RECORD_NODE_COLUMNS, window.limit === 0 ? 0 : window.limit + 1, window.offset);
  if (only) {
    for (const row of rows) {
      const fields = row.fields as Record<string, unknown>;
      row.fields = Object.fromEntries(only.filter((name) => name in fields).map((name) => [name, fields[name]])) as RecordNode['fields'];
    }
  }
  let facets: Promise<FacetGroup[]> | undefined;
  return { ...connectionOf(rows, window, total), facetGroups: () => (facets ??= prepared.facetGroups()) };
}

builder.queryFields((t) => ({
  records: t.connection(
    {
      type: RecordRef,
      nullable: true,
      description:
        'The records of a dataset matching q, filter, geofilter and facet refinements, in load order unless `orderBy` ' +
        `says otherwise; at most ${MAX_ROWS} rows deep (offset + first). Null and NOT_FOUND when the dataset is missing.`,
      args: {
        ...filterArgs(t),
        facets: t.arg.stringList({ required: false, description: 'Fields to count values of (see `facetGroups`).' }),
        fields: t.arg.stringList({ required: false, description: 'Return only these fields in `Record.fields`.' }),
        orderBy: t.arg({ type: [RecordOrderBy], required: false, description: 'Sort keys in order of precedence; ties keep load order.' }),
        offset: t.arg.int({ required: false, description: 'Rows to skip (after `after`): for page-number UIs.' }),
      },
      resolve: (_root, args, ctx) => recordsConnection({ ...args, ...filterOf(args) } as RecordsArgs, ctx),
    },
    {
      name: 'RecordConnection',
      description: 'A page of matching records, with their total and the requested facets.',
      fields: (c) => ({
        facetGroups: c.field({
          type: [FacetGroupRef],
          description: 'The facets asked for with `facets`, counted over every matching record.',
          resolve: (connection) => connection.facetGroups(),
        }),
      }),
    },
    { name: 'RecordEdge', description: 'A record of the page with its cursor.' },
  ),
  record: t.field({
    type: RecordRef,
    nullable: true,
    description: 'One record by dataset and record id; null and a NOT_FOUND error when there is none.',
    args: {
      dataset: t.arg.string({ required: true, description: 'Dataset name.' }),
      recordId: t.arg.string({ required: true, description: "The record's id in that dataset." }),
    },
    resolve: async (_root, { dataset, recordId }, ctx) => {
      const model = await recordsModel(ctx, dataset);
      const row = await recordByKey(ctx, { datasetId: model.id, recordId });
      if (!row) throw notFound(`no record "${recordId}" in dataset "${dataset}"`);
      return row;
    },
  }),
  analyze: t.field({
    type: [AnalyzePointRef],
    description: 'Aggregated series of the matching records grouped by x; date x values are bucketed.',
    args: {
      ...filterArgs(t),
      x: t.arg.string({ required: true, description: 'Field to group by.' }),
      series: t.arg({ type: [SeriesInput], required: true, description: 'The series to compute for each x.' }),
      periodic: t.arg({ type: PeriodicEnum, required: false, description: 'Group date x values cyclically instead of bucketing.' }),
      precision: t.arg({ type: PrecisionEnum, required: false, description: 'Bucket size of date x values; default day.' }),
      maxpoints: t.arg.int({ required: false, description: 'Return at most this many points (after sorting).' }),
      orderBy: t.arg({ type: [AnalyzeOrderBy], required: false, description: 'Sort keys ("x" or a series name); default x ascending.' }),
    },
    resolve: async (_root, args, ctx) => {
      const model = await recordsModel(ctx, args.dataset);
      const points = await analyzeRecords(
        {
          dataset: args.dataset,
          ...filterOf(args),
          principal: ctx.principal,
          x: args.x,
          series: args.series,
          periodic: args.periodic,
          precision: args.precision,
          maxpoints: args.maxpoints,
          orderBy: args.orderBy as OrderTerm[] | null | undefined,
        },
        model,
      );
      const names = args.series.map((s) => s.name);
      return points.map((point) => ({ point, names }));
    },
  }),
  geocluster: t.field({
    type: GeoclusterRef,
    description: 'Clusters of the matching records for a map view.',
    args: {
      ...filterArgs(t),
      clusterprecision: t.arg.int({ required: true, description: 'Map zoom level, 1 to 29.' }),
      clusterdistance: t.arg.float({ required: true, description: 'Cluster radius in map pixels.' }),
      shapeprecision: t.arg.int({ required: false, description: 'Extra zoom levels for cluster shapes; default 1.' }),
      clustermode: t.arg.string({ required: false, description: '"polygon" (default) or "heatmap".' }),
      series: t.arg({ type: [SeriesInput], required: false, description: 'Series to compute per cluster.' }),
    },
    resolve: async (_root, args, ctx) =>
      geoclusterRecords(
        {
          dataset: args.dataset,
          ...filterOf(args),
          principal: ctx.principal,
          clusterprecision: args.clusterprecision,
          clusterdistance: args.clusterdistance,
          shapeprecision: args.shapeprecision,
          clustermode: args.clustermode as 'polygon' | 'heatmap' | null | undefined,
          series: args.series,
        },
        await recordsModel(ctx, args.dataset),
      ),
  }),
}));
