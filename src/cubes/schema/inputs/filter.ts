import { builder } from '../../../builder.js';

const CubeRange = builder.inputType('CubeRange', {
  description: 'An inclusive range; either end may be left open.',
  fields: (t) => ({
    from: t.field({ type: 'JSON', required: false, description: 'Lowest value (inclusive).' }),
    to: t.field({ type: 'JSON', required: false, description: 'Highest value (inclusive).' }),
  }),
});

const CubeRangeIntersect = builder.inputType('CubeRangeIntersect', {
  description:
    'Matches facts whose interval [field, endField] overlaps [from, to]; a missing start or end counts as open.',
  fields: (t) => ({
    endField: t.string({ required: true, description: 'Attribute holding the end of each fact’s interval.' }),
    from: t.field({ type: 'JSON', required: false }),
    to: t.field({ type: 'JSON', required: false }),
  }),
});

export const CubeFilter = builder
  // JSON-valued fields (Input: unknown) do not fit Pothos' recursive input shape check; resolvers validate anyway.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  .inputRef<any>('CubeFilter').implement({
  description:
    'The shared filter grammar over attribute refs ("dimension" for its key, "dimension.attribute") and measures. ' +
    'A node is either and/or/not, or `field` with exactly one operator. Values are JSON of the field’s type ' +
    '(strings, numbers, "YYYY-MM-DD" dates, booleans).',
  fields: (t) => ({
    and: t.field({ type: [CubeFilter], required: false, description: 'All of these hold.' }),
    or: t.field({ type: [CubeFilter], required: false, description: 'At least one of these holds.' }),
    not: t.field({ type: CubeFilter, required: false, description: 'This does not hold (facts without a value match).' }),
    field: t.string({ required: false, description: 'Attribute ref, dimension name or measure name.' }),
    equals: t.field({ type: 'JSON', required: false, description: 'Equal to this value; null means "has no value".' }),
    in: t.field({ type: ['JSON'], required: false, description: 'Equal to one of these values.' }),
    range: t.field({ type: CubeRange, required: false }),
    lt: t.field({ type: 'JSON', required: false }),
    lte: t.field({ type: 'JSON', required: false }),
    gt: t.field({ type: 'JSON', required: false }),
    gte: t.field({ type: 'JSON', required: false }),
    isNull: t.boolean({ required: false, description: 'true: has no value; false: has a value.' }),
    fy: t.intList({
      required: false,
      description: 'Date in one of these fiscal years (named by the calendar year they end in).',
    }),
    rangeIntersect: t.field({ type: CubeRangeIntersect, required: false }),
    contains: t.string({ required: false, description: 'Case-insensitive substring of a string attribute.' }),
  }),
});

export const SortDirection = builder.enumType('CubeSortDirection', {
  description: 'Sort direction; nulls always sort last.',
  values: { ASC: { value: 'asc' }, DESC: { value: 'desc' } } as const,
});

export const CubeOrder = builder.inputType('CubeOrder', {
  description: 'One sort criterion: an attribute ref, dimension, measure or (in aggregates) an aggregate ref.',
  fields: (t) => ({
    ref: t.string({ required: true }),
    direction: t.field({ type: SortDirection, required: true, defaultValue: 'asc' }),
  }),
});
