import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { compileFilter } from '../../src/awards/query/filter/compile.js';
import { parseRestFilters } from '../../src/awards/query/filter/rest.js';
import { filterOf } from '../../src/awards/schema/inputs/filter.js';
import { graphql } from '../gql/index.js';
import type { AwardFilter } from '../gql/graphql.js';
import { execute } from '../helpers.js';
import { loadAwardSamples, rest } from './samples.js';

const AwardsFuzzFilter = graphql(`
  query AwardsFuzzFilter($f: AwardFilter) {
    awards(filter: $f, first: 3) {
      totalCount
      nodes { rowId recipient { recipientName } }
    }
  }
`);

const fields = [
  'type', 'type_description', 'total_obligation', 'date_signed', 'create_date', 'piid', 'description', 'id',
  'recipient', 'recipient__recipient_name', 'recipient__business_categories', 'recipient__location__state_code',
  'awarding_agency', 'awarding_agency__toptier_agency__name', 'funding_agency__subtier_agency__subtier_code',
  'place_of_performance__zip5', 'period_of_performance_start_date', 'period_of_performance_current_end_date',
  'recipient.location.stateCode', 'totalObligation', 'nope', 'recipient__nope', '', 'date_signed__fy', 'page',
];
const operations = [
  'equals', 'less_than', 'less_than_or_equal', 'greater_than', 'greater_than_or_equal', 'in', 'range', 'contains',
  'contained_by', 'overlap', 'length_greater_than', 'length_less_than', 'is_null', 'search', 'fy', 'range_intersect',
  'not_equals', 'not_in', 'not_range', 'not_contains', 'not_is_null', 'not_overlap', 'not_fy', 'abcdequals', 'bogus',
];
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -3_000_000_000, max: 3_000_000_000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('2017-01-01', '2016-10-01', '2017-02-30', '9999-12-31', '0000-01-01', '1e400', '0', '12.345', 'VA', 'nonprofit', '\u0000'),
  fc.integer({ min: 1, max: 10000 }),
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 2 }));

const leaf = fc.record(
  {
    field: fc.oneof(fc.constantFrom(...fields), fc.array(fc.constantFrom(...fields), { maxLength: 3 }), scalar),
    operation: fc.oneof(fc.constantFrom(...operations), scalar),
    value,
    value_format: fc.constantFrom('fy', 'decade', 3),
  },
  { requiredKeys: ['field', 'operation', 'value'] },
);

const { tree } = fc.letrec<{ tree: unknown; group: unknown }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('group'), scalar),
  group: fc.record({
    combine_method: fc.constantFrom('AND', 'OR', 'or', 'XOR', 1),
    filters: fc.oneof(fc.array(tie('tree'), { maxLength: 4 }), scalar),
  }),
}));
const filters = fc.oneof(fc.array(tree, { maxLength: 4 }), scalar);

const gqlOps = ['equals', 'lt', 'gte', 'in', 'range', 'contains', 'startsWith', 'hasAll', 'containedBy', 'overlap', 'lengthGt', 'isNull', 'fy', 'rangeIntersect'];
const gqlFields = ['type', 'rowId', 'totalObligation', 'dateSigned', 'createDate', 'recipient.businessCategories', 'recipient.location.stateCode', 'awardingAgency.toptierFlag', 'nope', 'recipient'];
const gqlValue = (op: string, v: string | number | boolean | string[]): unknown => {
  const text = Array.isArray(v) ? (v[0] ?? '') : String(v);
  if (['in', 'hasAll', 'containedBy', 'overlap'].includes(op)) return Array.isArray(v) ? v : [text];
  if (op === 'range') return typeof v === 'number' ? { from: String(v) } : { from: text, to: text };
  if (op === 'lengthGt') return typeof v === 'number' ? v : 1;
  if (op === 'fy') return [typeof v === 'number' ? v : 2017];
  if (op === 'isNull') return Boolean(v);
  if (op === 'rangeIntersect') return typeof v === 'number' ? { endField: 'PERIOD_OF_PERFORMANCE_CURRENT_END_DATE', fy: v } : { endField: 'DATE_SIGNED', from: text };
  return text;
};
const { gtree } = fc.letrec<{ gtree: unknown }>((tie) => ({
  gtree: fc.oneof(
    { depthSize: 'small' },
    fc.record(
      {
        field: fc.constantFrom(...gqlFields),
        op: fc.constantFrom(...gqlOps),
        v: fc.oneof(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.integer({ min: -5, max: 3000 }), fc.boolean()),
      },
      { requiredKeys: ['field', 'op', 'v'] },
    ).map(({ field, op, v }) => field.split('.').reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), { [op]: gqlValue(op, v) })),
    fc.record({ recipientExists: fc.boolean() }),
    fc.record({ search: fc.record({ text: fc.string({ maxLength: 8 }), fields: fc.array(fc.constantFrom('DESCRIPTION', 'RECIPIENT_RECIPIENT_NAME', 'PIID'), { maxLength: 2 }) }) }),
    fc.record({ and: fc.array(tie('gtree'), { maxLength: 3 }) }),
    fc.record({ or: fc.array(tie('gtree'), { maxLength: 3 }) }),
    fc.record({ not: tie('gtree') }),
  ),
}));

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  await loadAwardSamples();
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('random filter trees', () => {
  it('the compiler returns a where or throws a BAD_USER_INPUT error, nothing else (5000 trees)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(filters, fc.constantFrom('Award', 'Transaction') as fc.Arbitrary<'Award' | 'Transaction'>, (f, root) => {
        try {
          compileFilter(root, parseRestFilters(f));
          accepted += 1;
        } catch (error) {
          if (!(error instanceof UserError) || error.code !== 'BAD_USER_INPUT' || !/^filters|^filter|^query/.test(error.message)) throw error;
        }
      }),
      { numRuns: 5000, seed: 4242 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('REST never answers 500 (400 with a message otherwise)', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(filters, fc.constantFrom('/api/v1/awards/', '/api/v1/transactions/', '/api/v1/awards/total/'), async (f, path) => {
        const body = path.endsWith('total/') ? { field: 'total_obligation', group: 'type', filters: f } : { filters: f, limit: 5 };
        const { status, json } = await rest(path, body);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status !== 200 && !(status === 400 && typeof json.message === 'string')) {
          throw new Error(`${status} ${JSON.stringify(json).slice(0, 300)} for ${JSON.stringify(body).slice(0, 300)}`);
        }
      }),
      { numRuns: 1500, seed: 7 },
    );
    expect(statuses.get(200)).toBeGreaterThan(10);
    expect(statuses.get(400)).toBeGreaterThan(10);
    expect(unhandled).toEqual([]);
  });

  it('GraphQL never answers an internal error', async () => {
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(gtree, async (filter) => {
        // The generated trees are arbitrary on purpose: many do not fit AwardFilter.
        const result = await execute(AwardsFuzzFilter, { f: filter as AwardFilter });
        for (const error of result.errors ?? []) {
          if (error.extensions?.code !== 'BAD_USER_INPUT') throw new Error(`${JSON.stringify(error)} for ${JSON.stringify(filter)}`);
        }
        if (!result.errors) ok += 1;
      }),
      { numRuns: 500, seed: 11 },
    );
    expect(ok).toBeGreaterThan(10);
    expect(unhandled).toEqual([]);
  });

  it('REST totals never answer 500 whatever the field, group, date part, aggregate and order', async () => {
    const word = fc.oneof(
      fc.constantFrom('total_obligation', 'type', 'date_signed', 'date_signed__fy', 'awarding_agency__toptier_agency__name', 'recipient__business_categories', 'item', '-aggregate', 'nope', ''),
      fc.string({ maxLength: 6 }),
    );
    const param = fc.oneof(word, fc.array(word, { maxLength: 3 }), fc.integer(), fc.constant(null), fc.boolean());
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            field: fc.oneof({ weight: 3, arbitrary: fc.constant('total_obligation') }, { weight: 1, arbitrary: param }),
            group: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('type', 'date_signed', ['awarding_agency__toptier_agency__name', 'date_signed']) }, { weight: 1, arbitrary: param }),
            date_part: fc.oneof(fc.constantFrom('year', 'quarter', 'fy', 'DAY', 'decade'), param),
            aggregate: fc.oneof(fc.constantFrom('sum', 'AVG', 'count', 'min', 'max', 'median'), param),
            order: param,
            show_nulls: fc.boolean(),
            limit: param,
            page: param,
          },
          { requiredKeys: ['field', 'group'] },
        ),
        fc.constantFrom('/api/v1/awards/total/', '/api/v1/transactions/total/'),
        async (body, path) => {
          const { status, json } = await rest(path, body);
          if (status === 200) ok += 1;
          else if (!(status === 400 && typeof json.message === 'string')) throw new Error(`${status} ${JSON.stringify(json).slice(0, 300)} for ${JSON.stringify(body)}`);
        },
      ),
      { numRuns: 400, seed: 13 },
    );
    expect(ok).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
  });

  it('graphql trees convert and compile or fail with a path', () => {
    fc.assert(
      fc.property(gtree, (filter) => {
        try {
          compileFilter('Award', filterOf('Award', filter as Record<string, unknown>), 'graphql');
        } catch (error) {
          if (!(error instanceof UserError) || !error.message.startsWith('filter')) throw error;
        }
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
