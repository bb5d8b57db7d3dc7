import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { compileFilter, RawIds } from '../../src/awards/query/filter/compile.js';
import { filterOf } from '../../src/awards/schema/inputs/filter.js';
import { parseQueryFilters, parseRestFilters } from '../../src/awards/query/filter/rest.js';

// A root list of one filter compiles to that filter alone; wrapping it back keeps the expectations in list form.
const rest = (filters: unknown[], root: 'Award' | 'Transaction' = 'Award') => {
  const where = compileFilter(root, parseRestFilters(filters));
  return filters.length === 1 ? { AND: [where] } : where;
};

function error(run: () => unknown): UserError {
  try {
    run();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('filter compiler (pure)', () => {
  it('equals is case-insensitive on text, exact on numbers, crossing relations', () => {
    expect(rest([{ field: 'recipient__location__state_code', operation: 'equals', value: 'va' }])).toEqual({
      AND: [{ recipient: { is: { location: { is: { stateCode: { equals: 'va', mode: 'insensitive' } } } } } }],
    });
    expect(rest([{ field: 'total_obligation', operation: 'equals', value: 15000 }])).toEqual({ AND: [{ totalObligation: { equals: '15000' } }] });
    // The related row's id is the foreign key on the row before it: no join, and never null (as the join required).
    expect(rest([{ field: 'awarding_agency__id', operation: 'equals', value: 7 }])).toEqual({ AND: [{ awardingAgencyId: { equals: 7, not: null } }] });
    expect(rest([{ field: 'recipient__location', operation: 'in', value: [1, 2] }])).toEqual({
      AND: [{ recipient: { is: { locationId: { in: [1, 2], not: null } } } }],
    });
  });

  it('comparisons, range and in', () => {
    expect(rest([{ field: 'total_obligation', operation: 'less_than_or_equal', value: '100000' }])).toEqual({
      AND: [{ totalObligation: { lte: '100000' } }],
    });
    expect(rest([{ field: 'date_signed', operation: 'range', value: ['2016-01-01', '2016-12-31'] }])).toEqual({
      AND: [{ dateSigned: { gte: new Date('2016-01-01'), lte: new Date('2016-12-31') } }],
    });
    expect(rest([{ field: 'type', operation: 'in', value: ['a', 'B'] }])).toEqual({
      AND: [{ type: { in: ['a', 'B'], mode: 'insensitive' } }],
    });
    // A column with a trigram index keeps ILIKE terms (escaped), which the index serves.
    expect(rest([{ field: 'recipient__location__state_code', operation: 'in', value: ['va', 'm_'] }])).toEqual({
      AND: [
        {
          OR: [
            { recipient: { is: { location: { is: { stateCode: { equals: 'va', mode: 'insensitive' } } } } } },
            { recipient: { is: { location: { is: { stateCode: { equals: 'm\\_', mode: 'insensitive' } } } } } },
          ],
        },
      ],
    });
    expect(rest([{ field: 'id', operation: 'in', value: [1, '2'] }])).toEqual({ AND: [{ id: { in: [1, 2] } }] });
  });

  it('fy is the federal fiscal year, inclusive of both ends', () => {
    expect(rest([{ field: 'date_signed', operation: 'fy', value: 2017 }])).toEqual({
      AND: [{ dateSigned: { gte: new Date('2016-10-01'), lte: new Date('2017-09-30') } }],
    });
    expect(rest([{ field: 'create_date', operation: 'fy', value: 2017 }])).toEqual({
      AND: [{ createDate: { gte: new Date('2016-10-01T00:00:00Z'), lt: new Date('2017-10-01T00:00:00Z') } }],
    });
  });

  it('range_intersect with a range or a fiscal year', () => {
    const fields = ['period_of_performance_start_date', 'period_of_performance_current_end_date'];
    expect(rest([{ field: fields, operation: 'range_intersect', value: ['2016-11-01', '2016-11-02'] }])).toEqual({
      AND: [
        {
          AND: [
            { periodOfPerformanceStartDate: { lte: new Date('2016-11-02') } },
            { periodOfPerformanceCurrentEndDate: { gte: new Date('2016-11-01') } },
          ],
        },
      ],
    });
    expect(rest([{ field: fields, operation: 'range_intersect', value: 2017, value_format: 'fy' }])).toEqual({
      AND: [
        {
          AND: [
            { periodOfPerformanceStartDate: { lte: new Date('2017-09-30') } },
            { periodOfPerformanceCurrentEndDate: { gte: new Date('2016-10-01') } },
          ],
        },
      ],
    });
  });

  it('array operators: contains, overlap; contained_by and lengths go through SQL placeholders', () => {
    expect(rest([{ field: 'recipient__business_categories', operation: 'contains', value: ['nonprofit'] }])).toEqual({
      AND: [{ recipient: { is: { businessCategories: { hasEvery: ['nonprofit'] } } } }],
    });
    expect(rest([{ field: 'recipient__business_categories', operation: 'overlap', value: ['a', 'b'] }])).toEqual({
      AND: [{ recipient: { is: { businessCategories: { hasSome: ['a', 'b'] } } } }],
    });
    const contained = rest([{ field: 'recipient__business_categories', operation: 'contained_by', value: ['a'] }]) as any;
    expect(contained.AND[0].recipient.is.id.in).toBeInstanceOf(RawIds);
    expect(contained.AND[0].recipient.is.id.in.sql.sql).toContain('<@');
    const longer = rest([{ field: 'recipient__business_categories', operation: 'length_greater_than', value: '0' }]) as any;
    expect(longer.AND[0].recipient.is.id.in.sql.values).toEqual([0]);
  });

  it('contains, search, is_null on scalars and relations', () => {
    expect(rest([{ field: 'description', operation: 'contains', value: 'FY' }])).toEqual({
      AND: [{ description: { contains: 'FY', mode: 'insensitive' } }],
    });
    expect(rest([{ field: ['description', 'recipient__recipient_name'], operation: 'search', value: 'utah state' }])).toEqual({
      AND: [
        {
          AND: ['utah', 'state'].map((term) => ({
            OR: [
              { description: { contains: term, mode: 'insensitive' } },
              { recipient: { is: { recipientName: { contains: term, mode: 'insensitive' } } } },
            ],
          })),
        },
      ],
    });
    expect(rest([{ field: 'awarding_agency', operation: 'is_null', value: false }])).toEqual({ AND: [{ awardingAgency: { isNot: null } }] });
    expect(rest([{ field: 'piid', operation: 'is_null', value: true }])).toEqual({ AND: [{ piid: { equals: null } }] });
  });

  it('not_ and nested AND/OR groups', () => {
    expect(
      rest([
        { field: 'type', operation: 'not_equals', value: 'U' },
        {
          combine_method: 'OR',
          filters: [
            { field: 'funding_agency__toptier_agency__fpds_code', operation: 'equals', value: '0300' },
            { combine_method: 'AND', filters: [{ field: 'total_obligation', operation: 'greater_than', value: 1 }] },
          ],
        },
      ]),
    ).toEqual({
      AND: [
        { NOT: { type: { in: ['U'], mode: 'insensitive' } } },
        {
          OR: [
            { fundingAgency: { is: { toptierAgency: { is: { fpdsCode: { in: ['0300'], mode: 'insensitive' } } } } } },
            { totalObligation: { gt: '1' } },
          ],
        },
      ],
    });
  });

  it('the typed GraphQL filter compiles to the same where as the REST form', () => {
    const graphql = filterOf('Award', {
      and: [
        { not: { type: { equals: 'U' } } },
        { or: [{ fundingAgency: { toptierAgency: { fpdsCode: { equals: '0300' } } } }, { totalObligation: { gt: '1' } }] },
        { periodOfPerformanceStartDate: { range: { from: new Date('2016-01-01'), to: new Date('2016-12-31') } } },
      ],
    });
    const restForm = parseRestFilters([
      { field: 'type', operation: 'not_equals', value: 'U' },
      {
        combine_method: 'OR',
        filters: [
          { field: 'funding_agency__toptier_agency__fpds_code', operation: 'equals', value: '0300' },
          { field: 'total_obligation', operation: 'greater_than', value: '1' },
        ],
      },
      { field: 'period_of_performance_start_date', operation: 'range', value: ['2016-01-01', '2016-12-31'] },
    ]);
    expect(compileFilter('Award', graphql, 'graphql')).toEqual(compileFilter('Award', restForm));
  });

  it('rangeIntersect: v1 needs both ends, GraphQL reads a missing end as open', () => {
    const graphql = filterOf('Award', { periodOfPerformanceStartDate: { rangeIntersect: { endField: 'periodOfPerformanceCurrentEndDate', fy: 2017 } } });
    const restForm = parseRestFilters([
      { field: ['period_of_performance_start_date', 'period_of_performance_current_end_date'], operation: 'range_intersect', value: 2017, value_format: 'fy' },
    ]);
    const start = { lte: new Date('2017-09-30') };
    const end = { gte: new Date('2016-10-01') };
    expect(compileFilter('Award', restForm)).toEqual({ AND: [{ periodOfPerformanceStartDate: start }, { periodOfPerformanceCurrentEndDate: end }] });
    expect(compileFilter('Award', graphql, 'graphql')).toEqual({
      AND: [
        { OR: [{ periodOfPerformanceStartDate: start }, { periodOfPerformanceStartDate: { equals: null } }] },
        { OR: [{ periodOfPerformanceCurrentEndDate: end }, { periodOfPerformanceCurrentEndDate: { equals: null } }] },
      ],
    });
  });

  it('rangeIntersect leaves out the open end of a field its conjunction requires to be set, and only there', () => {
    const start = { lte: new Date('2017-09-30') };
    const end = { gte: new Date('2016-10-01') };
    const range = { rangeIntersect: { endField: 'periodOfPerformanceCurrentEndDate', fy: 2017 } };
    const required = filterOf('Award', {
      periodOfPerformanceStartDate: { isNull: false, ...range },
      and: [{ periodOfPerformanceCurrentEndDate: { isNull: false } }],
    });
    expect(compileFilter('Award', required, 'graphql')).toEqual({
      AND: [
        { periodOfPerformanceCurrentEndDate: { not: null } },
        { periodOfPerformanceStartDate: { not: null } },
        { periodOfPerformanceStartDate: start },
        { periodOfPerformanceCurrentEndDate: end },
      ],
    });
    // isNull: false inside an OR (or a NOT) requires nothing of its siblings.
    const optional = filterOf('Award', { periodOfPerformanceStartDate: range, or: [{ periodOfPerformanceCurrentEndDate: { isNull: false } }, { type: { equals: 'A' } }] });
    expect(compileFilter('Award', optional, 'graphql')).toEqual({
      AND: [
        { OR: [{ periodOfPerformanceCurrentEndDate: { not: null } }, { type: { in: ['A'], mode: 'insensitive' } }] },
        { OR: [{ periodOfPerformanceStartDate: start }, { periodOfPerformanceStartDate: { equals: null } }] },
        { OR: [{ periodOfPerformanceCurrentEndDate: end }, { periodOfPerformanceCurrentEndDate: { equals: null } }] },
      ],
    });
  });

  it('typed filters: nested relations, several keys (AND), rangeIntersect ends beside their start, search', () => {
    const node = filterOf('Transaction', {
      award: { recipient: { location: { stateCode: { in: ['VA', 'la'] } } }, periodOfPerformanceStartDate: { rangeIntersect: { endField: 'periodOfPerformanceCurrentEndDate', from: new Date('2016-01-01') } } },
      search: { text: 'utah', fields: ['description', 'award.description'] },
      awardingAgencyExists: false,
    });
    const state = (code: string) => ({ award: { is: { recipient: { is: { location: { is: { stateCode: { equals: code, mode: 'insensitive' } } } } } } } });
    expect(compileFilter('Transaction', node, 'graphql')).toEqual({
      AND: [
        { OR: [state('VA'), state('la')] },
        {
          OR: [
            { award: { is: { periodOfPerformanceCurrentEndDate: { gte: new Date('2016-01-01') } } } },
            { award: { is: { periodOfPerformanceCurrentEndDate: { equals: null } } } },
          ],
        },
        { OR: [{ description: { contains: 'utah', mode: 'insensitive' } }, { award: { is: { description: { contains: 'utah', mode: 'insensitive' } } } }] },
        { awardingAgency: { is: null } },
      ],
    });
  });

  it('isNull on a column that is never null needs no SQL test', () => {
    expect(compileFilter('Award', filterOf('Award', { rowId: { isNull: true } }), 'graphql')).toEqual({ id: { in: [] } });
    expect(compileFilter('Award', filterOf('Award', { recipient: { rowId: { isNull: false } } }), 'graphql')).toEqual({ recipient: { is: {} } });
  });

  it('fy takes several years', () => {
    expect(compileFilter('Award', filterOf('Award', { dateSigned: { fy: [2016, 2017] } }), 'graphql')).toEqual({
      OR: [
        { dateSigned: { gte: new Date('2015-10-01'), lte: new Date('2016-09-30') } },
        { dateSigned: { gte: new Date('2016-10-01'), lte: new Date('2017-09-30') } },
      ],
    });
  });

  it('a root list of one filter is that filter; an empty list is no filter', () => {
    expect(compileFilter('Award', parseRestFilters([{ field: 'type', operation: 'equals', value: 'B' }]))).toEqual({
      type: { in: ['B'], mode: 'insensitive' },
    });
    expect(parseRestFilters([])).toBeNull();
  });

  it('single-child groups unwrap, same-kind groups merge, double negation cancels', () => {
    const node = filterOf('Award', {
      and: [{ and: [{ type: { equals: 'A' } }, { piid: { isNull: false } }] }, { or: [{ not: { not: { fain: { isNull: true } } } }] }],
    });
    expect(compileFilter('Award', node, 'graphql')).toEqual({
      AND: [{ type: { in: ['A'], mode: 'insensitive' } }, { piid: { not: null } }, { fain: { equals: null } }],
    });
  });

  it('GET parameters become equality filters with Django lookups', () => {
    const node = parseQueryFilters({ type: 'B', awarding_agency__toptier_agency__cgac_code: '073', total_obligation__gt: '5', page: '2' }, new Set());
    expect(compileFilter('Award', node)).toEqual({
      AND: [
        { type: { in: ['B'], mode: 'insensitive' } },
        { awardingAgency: { is: { toptierAgency: { is: { cgacCode: { in: ['073'], mode: 'insensitive' } } } } } },
        { totalObligation: { gt: '5' } },
      ],
    });
  });
});

describe('filter errors name the offending node', () => {
  const cases: [string, unknown, RegExp][] = [
    ['unknown operation', [{ field: 'type', operation: 'abcdequals', value: 'x' }], /^filters\[0\]\.operation: Invalid operation: abcdequals$/],
    ['unknown field', [{ field: 'foo', operation: 'equals', value: 'x' }], /^filters\[0\]\.field: unknown field "foo"/],
    ['in with a scalar', [{ field: 'type', operation: 'in', value: 'x' }], /requires an array value/],
    ['range of one', [{ field: 'total_obligation', operation: 'range', value: [1] }], /array value of length 2/],
    [
      'range_intersect with one field',
      [{ field: ['date_signed'], operation: 'range_intersect', value: [1, 2] }],
      /requires an array of length 2 for field/,
    ],
    ['range_intersect scalar without format', [{ field: ['date_signed', 'date_signed'], operation: 'range_intersect', value: 2017 }], /value_format/],
    [
      'unknown value_format',
      [{ field: ['date_signed', 'date_signed'], operation: 'range_intersect', value: 2017, value_format: 'decade' }],
      /Invalid value_format/,
    ],
    ['search on a number', [{ field: 'total_obligation', operation: 'search', value: 'x' }], /requires a text-field for searching/],
    ['overlap with a string', [{ field: 'recipient__business_categories', operation: 'overlap', value: 'x' }], /must be an array of strings/],
    ['missing value', [{ field: 'type', operation: 'equals' }], /Malformed filter/],
    ['bad date', [{ field: 'date_signed', operation: 'equals', value: '2017-02-30' }], /^filters\[0\]\.value: invalid date/],
    ['nested path', [{ combine_method: 'OR', filters: [{ field: 'x', operation: 'equals', value: 1 }] }], /^filters\[0\]\.filters\[0\]\.field/],
  ];
  for (const [name, filters, message] of cases) {
    it(name, () => {
      const e = error(() => compileFilter('Award', parseRestFilters(filters)));
      expect(e.code).toBe('BAD_USER_INPUT');
      expect(e.status).toBe(400);
      expect(e.message).toMatch(message);
    });
  }

  it('GraphQL paths: filter.and[1].or[0]', () => {
    const e = error(() => filterOf('Award', { and: [{ type: { equals: 'A' } }, { or: [{ nope: { equals: 'x' } }] }] }));
    expect(e.message).toMatch(/^filter\.and\[1\]\.or\[0\]\.nope: unknown field "nope"; known fields: .*totalObligation/);
    expect(e.extensions.inputPath).toEqual(['filter', 'and', 1, 'or', 0, 'nope']);
    const value = error(() => compileFilter('Award', filterOf('Award', { or: [{ type: { equals: 'A' } }, { recipient: { recipientName: { lt: 'x' }, businessCategories: { equals: 'x' } } }] }), 'graphql'));
    expect(value.message).toMatch(/^filter\.or\[1\]\.recipient\.businessCategories\.equals: /);
    const list = error(() => compileFilter('Award', filterOf('Award', { totalObligation: { in: ['1', 'x'] } }), 'graphql'));
    expect(list.message).toMatch(/^filter\.totalObligation\.in\[1\]: expected a number/);
  });
});
