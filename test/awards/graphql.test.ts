import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { encodeNodeId } from '../../src/shared/node-id.js';
import { graphql } from '../gql/index.js';
import type { AwardsMatchingQueryVariables, AwardsPageQuery, AwardsPageQueryVariables } from '../gql/graphql.js';
import { app, errorCodes, execute } from '../helpers.js';
import { loadAwardSamples, rest } from './samples.js';

const FIXTURE = 'usaspending-fixture';
const PAYMENTS = 'usaspending-direct-payments';

beforeAll(async () => {
  await loadAwardSamples();
});

const AwardsPage = graphql(`
  query AwardsPage($first: Int, $after: String, $last: Int, $before: String, $offset: Int, $dataset: String) {
    awards(first: $first, after: $after, last: $last, before: $before, offset: $offset, dataset: $dataset, orderBy: [{ field: ROW_ID }]) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { rowId } }
    }
  }
`);

const AwardsOrdered = graphql(`
  query AwardsOrdered($dataset: String) {
    awards(dataset: $dataset, first: 500, orderBy: [{ field: RECIPIENT_RECIPIENT_NAME, direction: DESC }, { field: TOTAL_OBLIGATION }]) {
      nodes { rowId totalObligation recipient { recipientName } }
    }
  }
`);

const AwardsWithRelationIds = graphql(`
  query AwardsWithRelationIds {
    award(rowId: 47587) {
      id
      rowId
      awardingAgency { id rowId toptierAgency { id rowId name } subtierAgency { id rowId name } }
      recipient { id rowId recipientName location { id rowId } }
      transactions(first: 5) { totalCount nodes { id rowId } }
    }
  }
`);

const AwardsNodes = graphql(`
  query AwardsNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Award { rowId }
      ... on Transaction { rowId }
      ... on Agency { rowId }
      ... on ToptierAgency { rowId name }
      ... on SubtierAgency { rowId name }
      ... on Recipient { rowId recipientName }
      ... on Location { rowId }
    }
  }
`);

const AwardsNode = graphql(`
  query AwardsNode($id: ID!) {
    node(id: $id) { __typename id }
  }
`);

const AwardsLookupSiblings = graphql(`
  query AwardsLookupSiblings {
    missing: award(rowId: 1) { rowId }
    found: award(rowId: 47587) { rowId totalObligation }
    gone: transaction(rowId: 999999) { rowId }
    awards(first: 1, dataset: "usaspending-fixture") { totalCount }
  }
`);

const AwardsTotalsPage = graphql(`
  query AwardsTotalsPage($first: Int, $after: String, $offset: Int) {
    awardTotals(field: TOTAL_OBLIGATION, aggregates: [SUM, COUNT, MIN, MAX, AVG], groupBy: [TYPE_DESCRIPTION], dataset: "usaspending-fixture",
      orderBy: [{ field: SUM, direction: DESC }], first: $first, after: $after, offset: $offset) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { item sum count min max avg }
    }
  }
`);

const AwardsTransactionsOfNestedAward = graphql(`
  query AwardsTransactionsOfNestedAward {
    transactions(
      dataset: "usaspending-fixture"
      first: 500
      filter: {
        award: { periodOfPerformanceStartDate: { rangeIntersect: { endField: PERIOD_OF_PERFORMANCE_CURRENT_END_DATE, fy: 2017 } } }
        actionDate: { isNull: false }
      }
    ) {
      totalCount
      nodes { rowId award { rowId } }
    }
  }
`);

// Invalid on purpose, so they cannot be typed documents: sent as text.
const invalidDocuments = [
  '{ awards(filter: { nope: { equals: "x" } }) { totalCount } }',
  '{ awards(orderBy: [{ field: NOPE }]) { totalCount } }',
  '{ awards(filter: { totalObligation: { contains: "1" } }) { totalCount } }',
  '{ awardTotals(groupBy: [RECIPIENT_BUSINESS_CATEGORIES]) { totalCount } }',
];

async function executeText(query: string): Promise<{ data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const response = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as never;
}

const AwardsMatching = graphql(`
  query AwardsMatching($filter: AwardFilter, $dataset: String) {
    awards(filter: $filter, dataset: $dataset, first: 500, orderBy: [{ field: ROW_ID }]) { totalCount nodes { rowId } }
  }
`);

const AwardsBadValue = graphql(`
  query AwardsBadValue {
    awards(filter: { or: [{ type: { equals: "A" } }, { totalObligation: { gt: "1234567890123456789012" } }] }) { totalCount }
  }
`);

describe('connections', () => {
  it('first/after pages through the list and meets the same rows as one big page', async () => {
    const all = await execute(AwardsPage, { first: 500, dataset: FIXTURE });
    const everyId = all.data!.awards.edges.map((e) => e.node.rowId);
    expect(everyId).toHaveLength(26);
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const result: { data?: AwardsPageQuery | null; errors?: unknown } = await execute(AwardsPage, { first: 10, after, dataset: FIXTURE });
      expect(result.errors).toBeUndefined();
      const { edges, pageInfo } = result.data!.awards;
      seen.push(...edges.map((e) => e.node.rowId));
      expect(pageInfo.endCursor).toBe(edges.at(-1)!.cursor);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor!;
    }
    expect(seen).toEqual(everyId);
  });

  it('last counts from the end, last/before from a cursor, offset skips rows', async () => {
    const all = (await execute(AwardsPage, { first: 500, dataset: FIXTURE })).data!.awards.edges;
    const last = await execute(AwardsPage, { last: 3, dataset: FIXTURE });
    expect(last.data!.awards.edges.map((e) => e.node.rowId)).toEqual(all.slice(-3).map((e) => e.node.rowId));
    expect(last.data!.awards.pageInfo.hasPreviousPage).toBe(true);
    const before = await execute(AwardsPage, { last: 2, before: all[5]!.cursor, dataset: FIXTURE });
    expect(before.data!.awards.edges.map((e) => e.node.rowId)).toEqual([all[3]!.node.rowId, all[4]!.node.rowId]);
    const offset = await execute(AwardsPage, { first: 2, offset: 24, dataset: FIXTURE });
    expect(offset.data!.awards.edges.map((e) => e.node.rowId)).toEqual(all.slice(24).map((e) => e.node.rowId));
    expect(offset.data!.awards.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('sizes out of range and foreign cursors are BAD_USER_INPUT, never clamped', async () => {
    const cases: AwardsPageQueryVariables[] = [{ first: 501 }, { first: -1 }, { last: 600 }, { offset: -2 }, { after: 'not-a-cursor' }, { first: 1, last: 1 }];
    for (const variables of cases) {
      const result = await execute(AwardsPage, variables);
      expect(errorCodes(result), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
    }
    const edge = await execute(AwardsPage, { first: 500 });
    expect(edge.errors).toBeUndefined();
  });

  it('orderBy sorts by a relation path, rows without it last, then by the next key', async () => {
    const result = await execute(AwardsOrdered, { dataset: FIXTURE });
    const names = result.data!.awards.nodes.map((n) => n.recipient?.recipientName ?? null);
    const present = names.filter((n): n is string => n !== null);
    expect(present.length).toBeGreaterThan(1);
    expect(present).toEqual([...present].sort().reverse());
    expect(names.slice(present.length).every((n) => n === null)).toBe(true);
  });

  it('totals page like every list and compute several aggregates at once', async () => {
    const all = await execute(AwardsTotalsPage, { first: 500 });
    expect(all.errors).toBeUndefined();
    const rows = all.data!.awardTotals.nodes;
    expect(rows.length).toBe(all.data!.awardTotals.totalCount);
    const sums = rows.map((r) => Number(r.sum));
    expect(sums).toEqual([...sums].sort((a, b) => b - a));
    const { json } = await rest('/api/v1/awards/total/', { field: 'total_obligation', group: 'type_description', aggregate: 'count', dataset: FIXTURE });
    const restCounts = Object.fromEntries(json.results.map((r: { item: string; aggregate: string }) => [r.item, r.aggregate]));
    for (const row of rows) {
      expect(row.count).toBe(restCounts[row.item!]);
      expect(Number(row.min)).toBeLessThanOrEqual(Number(row.max));
    }
    expect(rows).toContainEqual(expect.objectContaining({ item: 'Cooperative Agreement', sum: '954392.01' }));
    const second = await execute(AwardsTotalsPage, { first: 1, after: all.data!.awardTotals.pageInfo.endCursor === null ? null : undefined, offset: 1 });
    expect(second.data!.awardTotals.nodes).toEqual([rows[1]]);
    expect(second.data!.awardTotals.pageInfo.hasPreviousPage).toBe(true);
  });
});

describe('typed filters', () => {
  it('a nested award filter with rangeIntersect on the award (a missing end is open), checked against the data', async () => {
    const result = await execute(AwardsTransactionsOfNestedAward);
    expect(result.errors).toBeUndefined();
    const rows = await db.transaction.findMany({ where: { dataset: { name: FIXTURE } }, include: { award: true } });
    const day = (d: Date | null | undefined) => d?.toISOString().slice(0, 10);
    const expected = rows
      .filter((t) => t.actionDate && t.award)
      .filter((t) => (day(t.award!.periodOfPerformanceStartDate) ?? '') <= '2017-09-30' && (day(t.award!.periodOfPerformanceCurrentEndDate) ?? '9999') >= '2016-10-01')
      .map((t) => t.id)
      .sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(0);
    expect(result.data!.transactions.nodes.map((n) => n.rowId).sort((a, b) => a - b)).toEqual(expected);
  });

  it('unknown fields, enum values and operators are GraphQL validation errors', async () => {
    for (const document of invalidDocuments) {
      const result = await executeText(document);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('text equality ignores case and takes the value as it is, with or without a trigram index on the column', async () => {
    const awards = await db.award.findMany({
      where: { dataset: { name: FIXTURE } },
      include: { recipient: { include: { location: true } } },
      orderBy: { id: 'asc' },
    });
    const ids = (filter: (a: (typeof awards)[number]) => boolean) => awards.filter(filter).map((a) => a.id);
    const matching = async (filter: AwardsMatchingQueryVariables['filter']) => {
      const result = await execute(AwardsMatching, { filter, dataset: FIXTURE });
      expect(result.errors).toBeUndefined();
      return result.data!.awards.nodes.map((n) => n.rowId);
    };
    const swapCase = (text: string) => text.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
    const values = [...new Set(awards.map((a) => a.typeDescription).filter((c): c is string => /[a-z]/i.test(c ?? '')))].slice(0, 2);
    expect(values.length).toBe(2);
    const swapped = values.map(swapCase);
    expect(await matching({ typeDescription: { in: [...swapped, 'no such type'] } })).toEqual(ids((a) => values.includes(a.typeDescription ?? '')));
    expect(await matching({ not: { typeDescription: { equals: swapped[0] } } })).toEqual(ids((a) => a.typeDescription !== null && a.typeDescription !== values[0]));
    // `_` and `%` are characters, not wildcards.
    const wildcards = [values[0]!.replace(/[a-z]/i, '_'), `${values[0]!.slice(0, 3)}%`];
    expect(await matching({ typeDescription: { in: wildcards } })).toEqual([]);
    expect(await matching({ typeDescription: { equals: wildcards[1] } })).toEqual([]);
    // recipient.location.stateCode has a trigram index: the same answers through ILIKE.
    const state = awards.find((a) => a.recipient?.location?.stateCode)!.recipient!.location!.stateCode!;
    const inState = ids((a) => a.recipient?.location?.stateCode === state);
    expect(await matching({ recipient: { location: { stateCode: { equals: state.toLowerCase() } } } })).toEqual(inState);
    expect(await matching({ recipient: { location: { stateCode: { in: [state.toLowerCase(), '_%'] } } } })).toEqual(inState);
  });

  it("a condition on a related row's id reads the foreign key, and its negation keeps the rows without one", async () => {
    const awards = await db.award.findMany({ where: { dataset: { name: FIXTURE } }, include: { recipient: true }, orderBy: { id: 'asc' } });
    const ids = (filter: (a: (typeof awards)[number]) => boolean) => awards.filter(filter).map((a) => a.id);
    const matching = async (filter: AwardsMatchingQueryVariables['filter']) => {
      const result = await execute(AwardsMatching, { filter, dataset: FIXTURE });
      expect(result.errors).toBeUndefined();
      return result.data!.awards.nodes.map((n) => n.rowId);
    };
    const agency = awards.find((a) => a.fundingAgencyId !== null)!.fundingAgencyId!;
    expect(awards.some((a) => a.fundingAgencyId === null)).toBe(true);
    expect(await matching({ fundingAgency: { rowId: { equals: agency } } })).toEqual(ids((a) => a.fundingAgencyId === agency));
    expect(await matching({ not: { fundingAgency: { rowId: { equals: agency } } } })).toEqual(ids((a) => a.fundingAgencyId !== agency));
    expect(await matching({ not: { fundingAgency: { rowId: { in: [agency, -1] } } } })).toEqual(ids((a) => a.fundingAgencyId !== agency));
    // Two relations deep: the recipient is joined, its location id read off the recipient.
    const location = awards.find((a) => a.recipient?.locationId)!.recipient!.locationId!;
    expect(await matching({ recipient: { location: { rowId: { equals: location } } } })).toEqual(ids((a) => a.recipient?.locationId === location));
    expect(await matching({ not: { recipient: { location: { rowId: { lte: location } } } } })).toEqual(
      ids((a) => !(a.recipient?.locationId != null && a.recipient.locationId <= location)),
    );
  });

  it('rangeIntersect beside isNull: false answers as the two conditions apart', async () => {
    const awards = await db.award.findMany({ where: { dataset: { name: FIXTURE } }, orderBy: { id: 'asc' } });
    const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null;
    expect(awards.some((a) => a.periodOfPerformanceStartDate === null || a.periodOfPerformanceCurrentEndDate === null)).toBe(true);
    const overlaps = (a: (typeof awards)[number]) =>
      (day(a.periodOfPerformanceStartDate) ?? '') <= '2017-09-30' && (day(a.periodOfPerformanceCurrentEndDate) ?? '9999') >= '2016-10-01';
    const range = { rangeIntersect: { endField: 'PERIOD_OF_PERFORMANCE_CURRENT_END_DATE', from: '2016-10-01', to: '2017-09-30' } } as const;
    const result = await execute(AwardsMatching, {
      dataset: FIXTURE,
      filter: { periodOfPerformanceStartDate: { isNull: false, ...range }, periodOfPerformanceCurrentEndDate: { isNull: false } },
    });
    expect(result.errors).toBeUndefined();
    const expected = awards.filter((a) => a.periodOfPerformanceStartDate && a.periodOfPerformanceCurrentEndDate && overlaps(a)).map((a) => a.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(result.data!.awards.nodes.map((n) => n.rowId)).toEqual(expected);
    // Open ends again where the requirement sits in an OR.
    const open = await execute(AwardsMatching, {
      dataset: FIXTURE,
      filter: { periodOfPerformanceStartDate: range, or: [{ periodOfPerformanceStartDate: { isNull: false } }, { rowId: { equals: -1 } }] },
    });
    expect(open.data!.awards.nodes.map((n) => n.rowId)).toEqual(awards.filter((a) => a.periodOfPerformanceStartDate && overlaps(a)).map((a) => a.id));
  });

  it('a bad value is BAD_USER_INPUT naming the input path', async () => {
    const result = await execute(AwardsBadValue);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/^filter\.or\[1\]\.totalObligation\.gt: expected a number for totalObligation, got "1234567890123456789012"/);
    expect(result.errors?.[0]?.extensions?.inputPath).toEqual(['filter', 'or', 1, 'totalObligation', 'gt']);
  });
});

const AwardTransactionsEverywhere = graphql(`
  query AwardTransactionsEverywhere($id: ID!) {
    award(rowId: 47587) { transactions(first: 500) { totalCount nodes { rowId federalActionObligation } } }
    awards(first: 500, orderBy: [{ field: ROW_ID }]) { nodes { rowId transactions(first: 3, offset: 1) { totalCount edges { node { rowId } } } } }
    node(id: $id) { ... on Award { transactions(first: 500) { nodes { rowId } } } }
    transaction(rowId: 1) { award { rowId transactions(first: 500) { nodes { rowId } } } }
  }
`);

const AwardChildrenCounted = graphql(`
  query AwardChildrenCounted {
    awards(first: 500, orderBy: [{ field: ROW_ID }]) { nodes { rowId transactions(first: 1) { totalCount pageInfo { hasNextPage } } financialAccounts { totalCount } } }
    award(rowId: 47587) { transactions { totalCount } }
  }
`);

describe('global object identification', () => {
  it('node(id) refetches every award type, by the id each object reports', async () => {
    const award = (await execute(AwardsWithRelationIds)).data!.award!;
    const agency = award.awardingAgency!;
    const recipient = award.recipient!;
    const ids = [award.id, award.transactions.nodes[0]!.id, agency.id, agency.toptierAgency!.id, agency.subtierAgency!.id, recipient.id, recipient.location!.id];
    expect(new Set(ids).size).toBe(7);
    const result = await execute(AwardsNodes, { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes.map((n) => n && n.__typename)).toEqual(['Award', 'Transaction', 'Agency', 'ToptierAgency', 'SubtierAgency', 'Recipient', 'Location']);
    expect(result.data!.nodes.map((n) => n && 'rowId' in n && n.rowId)).toEqual([
      award.rowId,
      award.transactions.nodes[0]!.rowId,
      agency.rowId,
      agency.toptierAgency!.rowId,
      agency.subtierAgency!.rowId,
      recipient.rowId,
      recipient.location!.rowId,
    ]);
    expect(award.id).toBe(encodeNodeId('Award', 47587));
  });

  it("an award's transactions are the same wherever the award is reached: a page, award(rowId), node(id), a transaction's award", async () => {
    const byAward = async (awardId: number) =>
      (await db.transaction.findMany({ where: { awardId }, orderBy: [{ actionDate: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }], select: { id: true } })).map((t) => t.id);
    const first = await db.transaction.findUniqueOrThrow({ where: { id: 1 }, select: { awardId: true } });
    const result = await execute(AwardTransactionsEverywhere, { id: encodeNodeId('Award', 47587) });
    expect(result.errors).toBeUndefined();
    const data = result.data!;
    const expected = await byAward(47587);
    expect(expected.length).toBeGreaterThan(0);
    expect(data.award!.transactions.nodes.map((t) => t.rowId)).toEqual(expected);
    expect(data.award!.transactions.totalCount).toBe(expected.length);
    expect(data.node && 'transactions' in data.node ? data.node.transactions.nodes.map((t) => t.rowId) : null).toEqual(expected);
    expect(data.transaction!.award!.rowId).toBe(first.awardId);
    expect(data.transaction!.award!.transactions.nodes.map((t) => t.rowId)).toEqual(await byAward(first.awardId!));
    expect(data.awards.nodes.length).toBeGreaterThan(1);
    for (const award of data.awards.nodes) {
      const all = await byAward(award.rowId);
      expect(award.transactions.totalCount).toBe(all.length);
      expect(award.transactions.edges.map((e) => e.node.rowId)).toEqual(all.slice(1, 4));
    }
  });

  it("an award's transactions and accounts can be counted without asking for a node", async () => {
    const result = await execute(AwardChildrenCounted);
    expect(result.errors).toBeUndefined();
    const data = result.data!;
    expect(data.award!.transactions.totalCount).toBe(await db.transaction.count({ where: { awardId: 47587 } }));
    expect(data.awards.nodes.length).toBeGreaterThan(1);
    let paged = 0;
    for (const award of data.awards.nodes) {
      const transactions = await db.transaction.count({ where: { awardId: award.rowId } });
      expect(award.transactions.totalCount).toBe(transactions);
      expect(award.transactions.pageInfo.hasNextPage).toBe(transactions > 1);
      if (transactions > 1) paged++;
      expect(award.financialAccounts.totalCount).toBe(await db.awardAccount.count({ where: { awardId: award.rowId } }));
    }
    expect(paged).toBeGreaterThan(0);
  });

  it('a row of a private dataset is null, exactly like a missing one', async () => {
    const row = await db.award.findFirstOrThrow({ where: { dataset: { name: PAYMENTS } }, select: { id: true } });
    const id = encodeNodeId('Award', row.id);
    expect((await execute(AwardsNode, { id })).data!.node).toEqual({ __typename: 'Award', id });
    await db.dataset.update({ where: { name: PAYMENTS }, data: { private: true } });
    try {
      expect((await execute(AwardsNode, { id })).data!.node).toBeNull();
      expect((await execute(AwardsNode, { id: encodeNodeId('Award', 999999999) })).data!.node).toBeNull();
    } finally {
      await db.dataset.update({ where: { name: PAYMENTS }, data: { private: false } });
    }
  });

  it('a missing lookup is null with NOT_FOUND while its siblings resolve', async () => {
    const result = await execute(AwardsLookupSiblings);
    expect(result.data).toEqual({ missing: null, found: { rowId: 47587, totalObligation: '15000.00' }, gone: null, awards: { totalCount: 26 } });
    expect(result.errors!.map((e) => [e.path, e.extensions?.code]).sort()).toEqual([
      [['gone'], 'NOT_FOUND'],
      [['missing'], 'NOT_FOUND'],
    ]);
  });
});
