import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { awardInclude } from '../../src/awards/query/queries.js';
import { graphql } from '../gql/index.js';
import type { AwardFilter } from '../gql/graphql.js';
import { execute } from '../helpers.js';
import { loadAwardSamples, rest } from './samples.js';

type AwardRow = Awaited<ReturnType<typeof allAwards>>[number];

function allAwards(dataset: string) {
  return db.award.findMany({ where: { dataset: { name: dataset } }, include: awardInclude, orderBy: { id: 'asc' } });
}

async function restIds(dataset: string, filters: unknown): Promise<number[]> {
  const { status, json } = await rest('/api/v1/awards/', { filters, fields: ['id'], limit: 500, dataset });
  expect(status, JSON.stringify(json)).toBe(200);
  return json.results.map((r: { id: number }) => r.id).sort((a: number, b: number) => a - b);
}

const AwardsIdsByFilter = graphql(`
  query AwardsIdsByFilter($f: AwardFilter, $d: String) {
    awards(filter: $f, dataset: $d, first: 500) {
      nodes { rowId }
    }
  }
`);

async function graphqlIds(dataset: string, filter: AwardFilter): Promise<number[]> {
  const result = await execute(AwardsIdsByFilter, { f: filter, d: dataset });
  expect(result.errors).toBeUndefined();
  return result.data!.awards.nodes.map((n) => n.rowId).sort((a, b) => a - b);
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
const lower = (s: string | null | undefined) => s?.toLowerCase();

const FIXTURE = 'usaspending-fixture';
const CONTRACTS = 'usaspending-treasury-contracts';

interface Case {
  name: string;
  dataset: string;
  rest: unknown[];
  graphql: AwardFilter;
  oracle: (a: AwardRow) => boolean;
}

const cases: Case[] = [
  {
    name: 'equals (case-insensitive)',
    dataset: FIXTURE,
    rest: [{ field: 'type_description', operation: 'equals', value: 'cooperative AGREEMENT' }],
    graphql: { typeDescription: { equals: 'cooperative AGREEMENT' } },
    oracle: (a) => lower(a.typeDescription) === 'cooperative agreement',
  },
  {
    name: 'less_than',
    dataset: FIXTURE,
    rest: [{ field: 'total_obligation', operation: 'less_than', value: 20000 }],
    graphql: { totalObligation: { lt: '20000' } },
    oracle: (a) => a.totalObligation !== null && Number(a.totalObligation) < 20000,
  },
  {
    name: 'greater_than_or_equal',
    dataset: FIXTURE,
    rest: [{ field: 'total_obligation', operation: 'greater_than_or_equal', value: '15000' }],
    graphql: { totalObligation: { gte: '15000' } },
    oracle: (a) => a.totalObligation !== null && Number(a.totalObligation) >= 15000,
  },
  {
    name: 'in on text',
    dataset: FIXTURE,
    rest: [{ field: 'type', operation: 'in', value: ['05', 'x'] }],
    graphql: { type: { in: ['05', 'x'] } },
    oracle: (a) => a.type === '05',
  },
  {
    name: 'range on dates',
    dataset: FIXTURE,
    rest: [{ field: 'date_signed', operation: 'range', value: ['2016-09-01', '2016-09-30'] }],
    graphql: { dateSigned: { range: { from: '2016-09-01', to: '2016-09-30' } } },
    oracle: (a) => !!day(a.dateSigned) && day(a.dateSigned)! >= '2016-09-01' && day(a.dateSigned)! <= '2016-09-30',
  },
  {
    name: 'fy',
    dataset: FIXTURE,
    rest: [{ field: 'date_signed', operation: 'fy', value: 2016 }],
    graphql: { dateSigned: { fy: [2016] } },
    oracle: (a) => !!day(a.dateSigned) && day(a.dateSigned)! >= '2015-10-01' && day(a.dateSigned)! <= '2016-09-30',
  },
  {
    name: 'contains on text',
    dataset: FIXTURE,
    rest: [{ field: 'description', operation: 'contains', value: 'fy' }],
    graphql: { description: { contains: 'fy' } },
    oracle: (a) => !!a.description?.toLowerCase().includes('fy'),
  },
  {
    name: 'is_null on a relation',
    dataset: FIXTURE,
    rest: [{ field: 'recipient', operation: 'is_null', value: false }],
    graphql: { recipientExists: true },
    oracle: (a) => a.recipientId !== null,
  },
  {
    name: 'not_equals keeps nulls on the negated side',
    dataset: FIXTURE,
    rest: [{ field: 'recipient__location__state_code', operation: 'not_equals', value: 'va' }],
    graphql: { not: { recipient: { location: { stateCode: { equals: 'va' } } } } },
    oracle: (a) => lower(a.recipient?.location?.stateCode) !== 'va',
  },
  {
    name: 'search over several fields',
    dataset: FIXTURE,
    rest: [{ field: ['description', 'recipient__recipient_name'], operation: 'search', value: 'utah' }],
    graphql: { search: { text: 'utah', fields: ['DESCRIPTION', 'RECIPIENT_RECIPIENT_NAME'] } },
    oracle: (a) => [a.description, a.recipient?.recipientName].some((t) => t?.toLowerCase().includes('utah')),
  },
  {
    name: 'range_intersect with a fiscal year',
    dataset: FIXTURE,
    rest: [
      {
        field: ['period_of_performance_start_date', 'period_of_performance_current_end_date'],
        operation: 'range_intersect',
        value: 2017,
        value_format: 'fy',
      },
    ],
    // v1 needs both ends; GraphQL's rangeIntersect reads a missing end as open (the GraphQL-only case below).
    graphql: { periodOfPerformanceStartDate: { rangeIntersect: { endField: 'PERIOD_OF_PERFORMANCE_CURRENT_END_DATE', fy: 2017 } }, periodOfPerformanceCurrentEndDate: { isNull: false } },
    oracle: (a) =>
      !!a.periodOfPerformanceStartDate &&
      !!a.periodOfPerformanceCurrentEndDate &&
      day(a.periodOfPerformanceStartDate)! <= '2017-09-30' &&
      day(a.periodOfPerformanceCurrentEndDate)! >= '2016-10-01',
  },
  {
    name: 'OR group with a nested AND and NOT',
    dataset: FIXTURE,
    rest: [
      {
        combine_method: 'OR',
        filters: [
          { field: 'type', operation: 'equals', value: '05' },
          {
            combine_method: 'AND',
            filters: [
              { field: 'total_obligation', operation: 'greater_than', value: 100000 },
              { field: 'piid', operation: 'not_is_null', value: true },
            ],
          },
        ],
      },
    ],
    graphql: {
      or: [
        { type: { equals: '05' } },
        { and: [{ totalObligation: { gt: '100000' } }, { not: { piid: { isNull: true } } }] },
      ],
    },
    oracle: (a) => a.type === '05' || (a.totalObligation !== null && Number(a.totalObligation) > 100000 && a.piid !== null),
  },
  {
    name: 'array contains',
    dataset: CONTRACTS,
    rest: [{ field: 'recipient__business_categories', operation: 'contains', value: ['small_business'] }],
    graphql: { recipient: { businessCategories: { hasAll: ['small_business'] } } },
    oracle: (a) => !!a.recipient?.businessCategories.includes('small_business'),
  },
  {
    name: 'array overlap',
    dataset: CONTRACTS,
    rest: [{ field: 'recipient__business_categories', operation: 'overlap', value: ['woman_owned_business', 'nonprofit'] }],
    graphql: { recipient: { businessCategories: { overlap: ['woman_owned_business', 'nonprofit'] } } },
    oracle: (a) => !!a.recipient?.businessCategories.some((c) => c === 'woman_owned_business' || c === 'nonprofit'),
  },
  {
    name: 'array contained_by',
    dataset: CONTRACTS,
    rest: [{ field: 'recipient__business_categories', operation: 'contained_by', value: ['small_business', 'category_business'] }],
    graphql: { recipient: { businessCategories: { containedBy: ['small_business', 'category_business'] } } },
    oracle: (a) => !!a.recipient && a.recipient.businessCategories.every((c) => c === 'small_business' || c === 'category_business'),
  },
  {
    name: 'array length_greater_than',
    dataset: CONTRACTS,
    rest: [{ field: 'recipient__business_categories', operation: 'length_greater_than', value: 2 }],
    graphql: { recipient: { businessCategories: { lengthGt: 2 } } },
    oracle: (a) => (a.recipient?.businessCategories.length ?? 0) > 2,
  },
  {
    name: 'array length_less_than',
    dataset: CONTRACTS,
    rest: [{ field: 'recipient__business_categories', operation: 'length_less_than', value: 2 }],
    graphql: { recipient: { businessCategories: { lengthLt: 2 } } },
    oracle: (a) => !!a.recipient && a.recipient.businessCategories.length < 2,
  },
  {
    name: 'path across agency relations',
    dataset: CONTRACTS,
    rest: [{ field: 'awarding_agency__subtier_agency__subtier_code', operation: 'equals', value: '2050' }],
    graphql: { awardingAgency: { subtierAgency: { subtierCode: { equals: '2050' } } } },
    oracle: (a) => a.awardingAgency?.subtierAgency?.subtierCode === '2050',
  },
];


/** Shapes only the typed GraphQL filter has; checked against a direct reading of the data like the others. */
const graphqlOnly: Omit<Case, 'rest'>[] = [
  {
    name: 'fy with several years',
    dataset: FIXTURE,
    graphql: { dateSigned: { fy: [2016, 2017] } },
    oracle: (a) => !!day(a.dateSigned) && day(a.dateSigned)! >= '2015-10-01' && day(a.dateSigned)! <= '2017-09-30',
  },
  {
    name: 'open-ended range',
    dataset: FIXTURE,
    graphql: { totalObligation: { range: { from: '15000' } } },
    oracle: (a) => a.totalObligation !== null && Number(a.totalObligation) >= 15000,
  },
  {
    name: 'rangeIntersect reads a missing end as open',
    dataset: FIXTURE,
    graphql: { periodOfPerformanceStartDate: { rangeIntersect: { endField: 'PERIOD_OF_PERFORMANCE_CURRENT_END_DATE', fy: 2017 } } },
    oracle: (a) =>
      (!a.periodOfPerformanceStartDate || day(a.periodOfPerformanceStartDate)! <= '2017-09-30') &&
      (!a.periodOfPerformanceCurrentEndDate || day(a.periodOfPerformanceCurrentEndDate)! >= '2016-10-01'),
  },
  {
    name: 'rangeIntersect with from/to',
    dataset: FIXTURE,
    graphql: { periodOfPerformanceStartDate: { rangeIntersect: { endField: 'PERIOD_OF_PERFORMANCE_CURRENT_END_DATE', from: '2016-11-01', to: '2016-11-02' } } },
    oracle: (a) =>
      (!a.periodOfPerformanceStartDate || day(a.periodOfPerformanceStartDate)! <= '2016-11-02') &&
      (!a.periodOfPerformanceCurrentEndDate || day(a.periodOfPerformanceCurrentEndDate)! >= '2016-11-01'),
  },
  {
    name: 'several keys of one object must all hold, with startsWith',
    dataset: FIXTURE,
    graphql: { type: { in: ['05', '04'] }, recipient: { recipientName: { startsWith: 'utah' } } },
    oracle: (a) => (a.type === '05' || a.type === '04') && !!a.recipient?.recipientName?.toLowerCase().startsWith('utah'),
  },
  {
    name: 'isNull on a field that is never null matches nothing, and its negation everything',
    dataset: FIXTURE,
    graphql: { or: [{ rowId: { isNull: true } }, { and: [{ rowId: { isNull: false } }, { awardingAgency: { toptierFlag: { isNull: false } } }] }] },
    oracle: (a) => a.awardingAgencyId !== null,
  },
  {
    name: 'relation missing (recipientExists: false) inside not',
    dataset: FIXTURE,
    graphql: { not: { recipientExists: false } },
    oracle: (a) => a.recipientId !== null,
  },
];

beforeAll(async () => {
  await loadAwardSamples();
});

describe('every operation through REST and GraphQL agrees with a direct reading of the data', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const expected = (await allAwards(c.dataset)).filter(c.oracle).map((a) => a.id);
      expect(expected.length, 'the case must select something').toBeGreaterThan(0);
      expect(await restIds(c.dataset, c.rest)).toEqual(expected);
      expect(await graphqlIds(c.dataset, c.graphql)).toEqual(expected);
    });
  }

  for (const c of graphqlOnly) {
    it(`GraphQL: ${c.name}`, async () => {
      const expected = (await allAwards(c.dataset)).filter(c.oracle).map((a) => a.id);
      expect(expected.length, 'the case must select something').toBeGreaterThan(0);
      expect(await graphqlIds(c.dataset, c.graphql)).toEqual(expected);
    });
  }

  it('some cases also exclude something (the filters are not vacuous)', async () => {
    const all = await allAwards(FIXTURE);
    expect(all.filter(cases[0]!.oracle).length).toBeLessThan(all.length);
  });
});
