import { builder } from '../../../builder.js';
import type { FilterInput } from '../../query/filter/graphql.js';

const RangeIntersectInput = builder.inputType('RangeIntersectInput', {
  description: 'A range to intersect with the range between two fields: from and to (inclusive), or a federal fiscal year.',
  fields: (t) => ({
    from: t.string({ required: false, description: 'Start of the range (a number or a YYYY-MM-DD date).' }),
    to: t.string({ required: false, description: 'End of the range, inclusive.' }),
    fy: t.int({ required: false, description: 'Federal fiscal year: FY2017 is 2016-10-01 to 2017-09-30.' }),
  }),
});

function filterInput(name: string, model: string, example: string) {
  const ref = builder.inputRef<FilterInput>(name);
  ref.implement({
    description:
      `A condition tree over ${model}s (the USAspending v1 filter language). Each node holds exactly one of and, or, not ` +
      `or one operation with its field. Fields are paths that cross relations, e.g. "${example}"; the REST spelling ` +
      '(recipient__location__state_code) works too. Values are strings parsed by the field type (numbers, YYYY-MM-DD dates).',
    fields: (t) => ({
      and: t.field({ type: [ref], required: false, description: 'All of these hold.' }),
      or: t.field({ type: [ref], required: false, description: 'At least one of these holds.' }),
      not: t.field({ type: ref, required: false, description: 'This does not hold (rows where the field is null count as not matching the inner condition).' }),
      field: t.string({ required: false, description: 'The field path the operation applies to.' }),
      fields: t.stringList({ required: false, description: 'Several field paths: for search (any of them) and rangeIntersect (exactly two: start and end).' }),
      equals: t.string({ required: false, description: 'Equal; case-insensitive on text.' }),
      lessThan: t.string({ required: false }),
      lessThanOrEqual: t.string({ required: false }),
      greaterThan: t.string({ required: false }),
      greaterThanOrEqual: t.string({ required: false }),
      in: t.stringList({ required: false, description: 'Equal to any of these (case-insensitive on text).' }),
      range: t.stringList({ required: false, description: 'Between the two values, inclusive.' }),
      contains: t.stringList({
        required: false,
        description: 'Text fields: contains the one value (case-insensitive). Array fields: contains all the values.',
      }),
      containedBy: t.stringList({ required: false, description: 'Array fields: every element is one of these.' }),
      overlap: t.stringList({ required: false, description: 'Array fields: shares at least one element with these.' }),
      lengthGreaterThan: t.int({ required: false, description: 'Array fields: more elements than this.' }),
      lengthLessThan: t.int({ required: false, description: 'Array fields: fewer elements than this.' }),
      isNull: t.boolean({ required: false, description: 'The field (or relation) is null (true) or set (false).' }),
      search: t.string({ required: false, description: 'Every word appears (case-insensitive) in at least one of the text fields.' }),
      fy: t.int({ required: false, description: 'The date falls in this federal fiscal year (FY2017 = 2016-10-01..2017-09-30).' }),
      rangeIntersect: t.field({
        type: RangeIntersectInput,
        required: false,
        description: 'The range between the two `fields` intersects this range or fiscal year.',
      }),
    }),
  });
  return ref;
}

export const AwardFilter = filterInput('AwardFilter', 'award', 'recipient.location.stateCode');
export const TransactionFilter = filterInput('TransactionFilter', 'transaction', 'award.fundingAgency.toptierAgency.name');
