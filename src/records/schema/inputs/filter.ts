import { builder } from '../../../builder.js';
import { PERIODICS, PRECISIONS, SERIES_FUNCS } from '../../query/analyze.js';
import type { RecordsFilter } from '../../query/filter.js';

export const GeoDistanceInput = builder.inputType('GeoDistanceInput', {
  description: 'A circle: records within `meters` of a WGS84 point.',
  fields: (t) => ({
    lat: t.float({ required: true }),
    lon: t.float({ required: true }),
    meters: t.float({ required: true }),
  }),
});

export const GeoFilterInput = builder.inputType('GeoFilterInput', {
  description: 'Geographic restriction of the records (both parts apply when both are given).',
  fields: (t) => ({
    distance: t.field({ type: GeoDistanceInput, required: false }),
    polygon: t.field({
      type: t.listRef(t.listRef('Float', { required: true }), { required: true }),
      required: false,
      description: 'Polygon as [latitude, longitude] points, at least three.',
    }),
  }),
});

export const FacetValueInput = builder.inputType('FacetValueInput', {
  description: 'A facet value to refine on or exclude; date facets take paths such as "2012", "2012/09" or "2012/09/11".',
  fields: (t) => ({
    field: t.string({ required: true }),
    value: t.string({ required: true }),
  }),
});

export const SeriesFuncEnum = builder.enumType('SeriesFunc', {
  description: 'Aggregation of an analysis series.',
  values: SERIES_FUNCS,
});

export const PrecisionEnum = builder.enumType('AnalyzePrecision', {
  description: 'Bucket size for date x values.',
  values: PRECISIONS,
});

export const PeriodicEnum = builder.enumType('AnalyzePeriodic', {
  description: 'Cyclic grouping of date x values (month of year, day of week, ...).',
  values: PERIODICS,
});

export const SeriesInput = builder.inputType('SeriesInput', {
  description: 'One aggregated series: COUNT, or a function of an arithmetic expression over numeric fields.',
  fields: (t) => ({
    name: t.string({ required: true }),
    func: t.field({ type: SeriesFuncEnum, required: true }),
    expr: t.string({ required: false, description: 'e.g. "population", "sqrt(population) * 2"; required except for COUNT.' }),
    cumulative: t.boolean({ required: false, description: 'Running total along x.' }),
  }),
});

type ArgBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0]['arg'];

/** The filtering context shared by records, analyze and geocluster. */
export function filterArgs(t: { arg: ArgBuilder }) {
  return {
    dataset: t.arg.string({ required: true, description: 'Dataset id.' }),
    q: t.arg.string({
      required: false,
      description: 'Query language: full-text terms, "phrases", field:value, field>=x, field:[a TO b], AND/OR/NOT, #functions.',
    }),
    geofilter: t.arg({ type: GeoFilterInput, required: false }),
    refine: t.arg({ type: [FacetValueInput], required: false, description: 'Keep records having these facet values.' }),
    exclude: t.arg({ type: [FacetValueInput], required: false, description: 'Drop records having these facet values.' }),
    disjunctive: t.arg.stringList({
      required: false,
      description: 'Facets whose refinements combine with OR, and whose counts ignore their own refinements.',
    }),
  };
}

export function filterOf(args: {
  q?: string | null;
  geofilter?: { distance?: { lat: number; lon: number; meters: number } | null; polygon?: number[][] | null } | null;
  refine?: { field: string; value: string }[] | null;
  exclude?: { field: string; value: string }[] | null;
  disjunctive?: string[] | null;
}): RecordsFilter {
  return { q: args.q, geofilter: args.geofilter, refine: args.refine, exclude: args.exclude, disjunctive: args.disjunctive };
}
