import { builder } from '../../builder.js';
import { analyzeRecords } from '../query/analyze.js';
import { geoclusterRecords } from '../query/geocluster.js';
import { getRecord, searchRecords } from '../query/search.js';
import { AnalyzePointRef, GeoclusterRef } from './analysis.js';
import { filterArgs, filterOf, PeriodicEnum, PrecisionEnum, SeriesInput } from './inputs/filter.js';
import { RecordRef, RecordSearchRef } from './record.js';

builder.queryFields((t) => ({
  records: t.field({
    type: RecordSearchRef,
    description: 'Searches the records of a dataset, with facets. rows <= 10,000 and start + rows <= 10,000.',
    args: {
      ...filterArgs(t),
      facets: t.arg.stringList({ required: false, description: 'Fields to count values of.' }),
      fields: t.arg.stringList({ required: false, description: 'Return only these fields.' }),
      sort: t.arg.stringList({ required: false, description: 'Fields to sort on, descending; prefix "-" for ascending.' }),
      rows: t.arg.int({ required: false, defaultValue: 10 }),
      start: t.arg.int({ required: false, defaultValue: 0 }),
    },
    resolve: (_root, args, ctx) =>
      searchRecords({
        dataset: args.dataset,
        ...filterOf(args),
        principal: ctx.principal,
        facets: args.facets,
        fields: args.fields,
        sort: args.sort,
        rows: args.rows,
        start: args.start,
      }),
  }),
  record: t.field({
    type: RecordRef,
    description: 'One record by dataset and record id; NOT_FOUND when there is none.',
    args: { dataset: t.arg.string({ required: true }), id: t.arg.string({ required: true }) },
    resolve: (_root, { dataset, id }, ctx) => getRecord(dataset, id, ctx.principal),
  }),
  analyze: t.field({
    type: [AnalyzePointRef],
    description: 'Aggregated series of the matching records grouped by x; date x values are bucketed.',
    args: {
      ...filterArgs(t),
      x: t.arg.string({ required: true, description: 'Field to group by.' }),
      series: t.arg({ type: [SeriesInput], required: true }),
      periodic: t.arg({ type: PeriodicEnum, required: false }),
      precision: t.arg({ type: PrecisionEnum, required: false, description: 'Default day.' }),
      maxpoints: t.arg.int({ required: false }),
      sort: t.arg.string({ required: false, description: '"x" or a series name (descending); prefix "-" for ascending.' }),
    },
    resolve: async (_root, args, ctx) => {
      const points = await analyzeRecords({
        dataset: args.dataset,
        ...filterOf(args),
        principal: ctx.principal,
        x: args.x,
        series: args.series,
        periodic: args.periodic,
        precision: args.precision,
        maxpoints: args.maxpoints,
        sort: args.sort,
      });
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
      shapeprecision: t.arg.int({ required: false }),
      clustermode: t.arg.string({ required: false, description: '"polygon" (default) or "heatmap".' }),
      series: t.arg({ type: [SeriesInput], required: false }),
    },
    resolve: (_root, args, ctx) =>
      geoclusterRecords({
        dataset: args.dataset,
        ...filterOf(args),
        principal: ctx.principal,
        clusterprecision: args.clusterprecision,
        clusterdistance: args.clusterdistance,
        shapeprecision: args.shapeprecision,
        clustermode: args.clustermode as 'polygon' | 'heatmap' | null | undefined,
        series: args.series,
      }),
  }),
}));
