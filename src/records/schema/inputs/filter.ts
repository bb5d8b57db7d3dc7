import { builder } from '../../../builder.js';
import { PERIODICS, PRECISIONS, SERIES_FUNCS } from '../../query/analyze.js';
import type { RecordsFilter } from '../../query/filter.js';
import { fieldRefFilterInput, fromFieldRefFilter } from '../../../shared/filter/graphql.js';
import { dateOperators, operators, textOperators, type Operator } from '../../../shared/filter/operators.js';
import { orderInput } from '../../../shared/order.js';

export const GeoDistanceInput = builder.inputType('GeoDistanceInput', {
  description: 'A circle: records within `meters` of a WGS84 point.',
  fields: (t) => ({
    lat: t.float({ required: true, description: 'Latitude of the centre (WGS84).' }),
    lon: t.float({ required: true, description: 'Longitude of the centre (WGS84).' }),
    meters: t.float({ required: true, description: 'Radius in meters.' }),
  }),
});

export const GeoFilterInput = builder.inputType('GeoFilterInput', {
  description: 'Geographic restriction of the records (both parts apply when both are given).',
  fields: (t) => ({
    distance: t.field({ type: GeoDistanceInput, required: false, description: 'Within a distance of a point.' }),
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
    field: t.string({ required: true, description: 'Facet (field) name.' }),
    value: t.string({ required: true, description: 'Facet value or path.' }),
  }),
});

const described = <const T extends readonly string[]>(values: T, describe: (value: T[number]) => string) =>
  Object.fromEntries(values.map((value) => [value, { description: describe(value) }])) as { [K in T[number]]: { description: string } };

export const SeriesFuncEnum = builder.enumType('SeriesFunc', {
  description: 'Aggregation of an analysis series.',
  values: described(SERIES_FUNCS, (f) =>
    ({ COUNT: 'Number of records.', AVG: 'Mean.', SUM: 'Sum.', MIN: 'Smallest value.', MAX: 'Largest value.', STDDEV: 'Population standard deviation.', SUMSQUARES: 'Sum of squares.' })[f],
  ),
});

export const PrecisionEnum = builder.enumType('AnalyzePrecision', {
  description: 'Bucket size for date x values.',
  values: described(PRECISIONS, (p) => `One point per ${p}.`),
});

export const PeriodicEnum = builder.enumType('AnalyzePeriodic', {
  description: 'Cyclic grouping of date x values (month of year, day of week, ...).',
  values: described(PERIODICS, (p) => (p === 'weekday' ? 'Day of the week, 0 (Monday) to 6 (Sunday).' : `The ${p} part of the date, whatever the rest.`)),
});

export const SeriesInput = builder.inputType('SeriesInput', {
  description: 'One aggregated series: COUNT, or a function of an arithmetic expression over numeric fields.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Name of the series in the result (letters, digits, _).' }),
    func: t.field({ type: SeriesFuncEnum, required: true, description: 'Aggregation.' }),
    expr: t.string({ required: false, description: 'e.g. "population", "sqrt(population) * 2"; required except for COUNT.' }),
    cumulative: t.boolean({ required: false, description: 'Running total along x.' }),
  }),
});

const recordOperators = [...new Set<Operator>([...dateOperators, ...textOperators])].filter((op) => op in operators);

export const RecordFilter = fieldRefFilterInput('RecordFilter', {
  description:
    'Conditions on the fields of a records dataset: `{ field: "population", gt: 100000 }`. Values are JSON of the ' +
    "field's type (numbers, text, dates as YYYY-MM-DD or ISO 8601); contains and startsWith ignore case and accents; " +
    'fy and rangeIntersect apply to date fields (fiscal years starting October 1st).',
  field: 'Field name of the dataset (see `Dataset.recordFields`), or record_timestamp.',
  ops: recordOperators,
});

export const RecordOrderBy = orderInput('RecordOrderBy', 'String', 'Field name of the dataset (not a geographic one), or record_timestamp.');

export const AnalyzeOrderBy = orderInput('AnalyzeOrderBy', 'String', '"x" or the name of a series.');

type ArgBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0]['arg'];

/** The filtering context shared by records, analyze and geocluster. */
export function filterArgs(t: { arg: ArgBuilder }) {
  return {
    dataset: t.arg.string({ required: true, description: 'Dataset id.' }),
    q: t.arg.string({
      required: false,
      description: 'Query language: full-text terms, "phrases", field:value, field>=x, field:[a TO b], AND/OR/NOT, #functions.',
    }),
    filter: t.arg({ type: RecordFilter, required: false, description: 'Conditions on field values, ANDed with `q`.' }),
    geofilter: t.arg({ type: GeoFilterInput, required: false, description: 'Geographic restriction.' }),
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
  filter?: Record<string, unknown> | null;
  geofilter?: { distance?: { lat: number; lon: number; meters: number } | null; polygon?: number[][] | null } | null;
  refine?: { field: string; value: string }[] | null;
  exclude?: { field: string; value: string }[] | null;
  disjunctive?: string[] | null;
}): RecordsFilter {
  return {
    q: args.q,
    filter: fromFieldRefFilter(args.filter),
    geofilter: args.geofilter,
    refine: args.refine,
    exclude: args.exclude,
    disjunctive: args.disjunctive,
  };
}
