import { beforeAll, describe, expect, it } from 'vitest';
import { openDownload, waitForDownloads } from '../../src/awards/rest/download.js';
import { anonymous, visibleDatasets } from '../../src/access/principal.js';
import { graphql } from '../gql/index.js';
import type { AwardFilter } from '../gql/graphql.js';
import { execute } from '../helpers.js';
import { loadAwardSamples, rest } from './samples.js';

beforeAll(async () => {
  await loadAwardSamples();
});

const FIXTURE = 'usaspending-fixture';

const AwardsTransactionTotalsByDatePart = graphql(`
  query AwardsTransactionTotalsByDatePart($p: DatePart, $dataset: String) {
    transactionTotals(field: FEDERAL_ACTION_OBLIGATION, groupBy: [ACTION_DATE], datePart: $p, dataset: $dataset) {
      totalCount
      nodes { item sum }
    }
  }
`);

const AwardsTransactionCountByFiscalYear = graphql(`
  query AwardsTransactionCountByFiscalYear($dataset: String) {
    transactionTotals(field: FEDERAL_ACTION_OBLIGATION, aggregates: [COUNT], groupBy: [ACTION_DATE], datePart: FISCAL_YEAR, dataset: $dataset) {
      nodes { item count }
    }
  }
`);

const AwardsTotalsByAgencyAndYear = graphql(`
  query AwardsTotalsByAgencyAndYear {
    awardTotals(field: TOTAL_OBLIGATION, groupBy: [AWARDING_AGENCY_TOPTIER_AGENCY_NAME, DATE_SIGNED], datePart: FISCAL_YEAR,
      dataset: "usaspending-treasury-contracts") {
      nodes { item groups { field value } sum }
    }
  }
`);

const AwardsByReq = graphql(`
  query AwardsByReq($req: String) {
    awards(req: $req, first: 3, offset: 3) {
      req
      nodes { rowId }
    }
  }
`);

const AwardsReqOfTypeFilter = graphql(`
  query AwardsReqOfTypeFilter($dataset: String) {
    awards(filter: { type: { equals: "u" } }, orderBy: [{ field: ROW_ID }], dataset: $dataset) {
      req
    }
  }
`);

const AwardsTotalsByReq = graphql(`
  query AwardsTotalsByReq($req: String) {
    awardTotals(req: $req) {
      nodes { item sum }
    }
  }
`);

const AwardsUnknownReq = graphql(`
  query AwardsUnknownReq {
    awards(req: "zzz") {
      totalCount
    }
  }
`);

const AwardsTransactionWithAward = graphql(`
  query AwardsTransactionWithAward {
    transaction(rowId: 1) {
      federalActionObligation
      fiscalYear
      award { rowId }
    }
  }
`);

const AwardsAwardWithAgency = graphql(`
  query AwardsAwardWithAgency($id: Int!) {
    award(rowId: $id) {
      totalObligation
      fiscalYear
      awardingAgency { subtierAgency { name } }
    }
  }
`);

const AwardsMissingAward = graphql(`
  query AwardsMissingAward {
    award(rowId: 1) {
      id
    }
  }
`);

const AwardsPageMetadata = graphql(`
  query AwardsPageMetadata($dataset: String) {
    awards(dataset: $dataset, first: 10, offset: 20) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage }
      nodes { rowId }
    }
  }
`);

const AwardsCountByFilter = graphql(`
  query AwardsCountByFilter($f: AwardFilter) {
    awards(filter: $f) {
      totalCount
    }
  }
`);

// Valid GraphQL: the empty field list is only caught when the filter is read.
const AwardsBadFilterField = graphql(`
  query AwardsBadFilterField {
    awards(filter: { and: [{ type: { equals: "A" } }, { search: { text: "x", fields: [] } }] }) {
      totalCount
    }
  }
`);

const AwardsAutocompleteInState = graphql(`
  query AwardsAutocompleteInState {
    autocomplete(fields: [RECIPIENT_RECIPIENT_NAME], value: "utah",
      filter: { recipient: { location: { stateCode: { equals: "ut" } } } }) {
      field
      values
      count
      matchedObjects { rowId recipient { recipientName } }
    }
  }
`);

const AwardsLocationAutocomplete = graphql(`
  query AwardsLocationAutocomplete($value: String!) {
    locationAutocomplete(value: $value) {
      place
      placeType
      parent
      matchedIds
    }
  }
`);

describe('totals', () => {
  it('transactions/total by action_date year, ordered by item (the guide example shape)', async () => {
    const { status, json } = await rest('/api/v1/transactions/total/', {
      field: 'federal_action_obligation',
      group: 'action_date',
      date_part: 'year',
      aggregate: 'sum',
      order: ['item'],
      dataset: FIXTURE,
    });
    expect(status).toBe(200);
    expect(json.results.length).toBeGreaterThan(0);
    const items = json.results.map((r: { item: string }) => r.item);
    expect(items).toEqual([...items].sort());
    expect(items.every((i: string) => /^\d{4}$/.test(i))).toBe(true);
  });

  it('quarter and fiscal year date parts work (quarter was a 500 upstream)', async () => {
    for (const datePart of ['QUARTER', 'FISCAL_YEAR', 'MONTH', 'DAY'] as const) {
      const result = await execute(AwardsTransactionTotalsByDatePart, { p: datePart, dataset: FIXTURE });
      expect(result.errors).toBeUndefined();
      expect(result.data!.transactionTotals.nodes.length).toBeGreaterThan(0);
    }
    const fy = await execute(AwardsTransactionCountByFiscalYear, { dataset: FIXTURE });
    const total = fy.data!.transactionTotals.nodes.reduce((n, r) => n + Number(r.count), 0);
    expect(total).toBe(32);
    const quarter = await rest('/api/v1/transactions/total/', { field: 'federal_action_obligation', group: 'action_date', date_part: 'quarter', dataset: FIXTURE });
    expect(quarter.status).toBe(200);
    expect(quarter.json.results.every((r: { item: string }) => ['1', '2', '3', '4'].includes(r.item))).toBe(true);
  });

  it('group by a relation path, order by -aggregate, several groups, avg keeps cents', async () => {
    const { json } = await rest('/api/v1/awards/total/', {
      field: 'total_obligation',
      group: ['place_of_performance__state_code', 'type'],
      aggregate: 'avg',
      order: ['-aggregate'],
    });
    const values = json.results.map((r: { aggregate: string }) => Number(r.aggregate));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(json.results[0]).toHaveProperty('place_of_performance__state_code');
    expect(json.results[0]).toHaveProperty('type');
    expect(json.results.every((r: { aggregate: string }) => /^-?\d+\.\d{2}$/.test(r.aggregate))).toBe(true);
  });

  it('a date part applies to the date group among several (agency x fiscal year)', async () => {
    const result = await execute(AwardsTotalsByAgencyAndYear);
    expect(result.errors).toBeUndefined();
    const row = result.data!.awardTotals.nodes[0]!;
    expect(row.groups[0]!.field).toBe('awardingAgency.toptierAgency.name');
    expect(row.groups[1]!.value).toMatch(/^20\d\d$/);
  });

  it('REST groups accept the upstream __fy transform', async () => {
    const { status, json } = await rest('/api/v1/transactions/total/', { field: 'federal_action_obligation', group: 'action_date__fy', dataset: FIXTURE });
    expect(status).toBe(200);
    expect(json.results.length).toBeGreaterThan(0);
    expect(json.results[0].action_date__fy).toBe(json.results[0].item);
    expect(json.results.every((r: { item: string }) => /^20\d\d$/.test(r.item))).toBe(true);
  });

  it('show_null_groups keeps the null group', async () => {
    const body = { field: 'total_obligation', group: 'piid', aggregate: 'count', dataset: FIXTURE };
    const hidden = await rest('/api/v1/awards/total/', body);
    const shown = await rest('/api/v1/awards/total/', { ...body, show_null_groups: true });
    expect(hidden.json.results.some((r: { item: string | null }) => r.item === null)).toBe(false);
    expect(shown.json.results.some((r: { item: string | null }) => r.item === null)).toBe(true);
  });

  it('totals errors are 400 with the upstream messages', async () => {
    const cases: [unknown, RegExp][] = [
      [{ group: 'type' }, /missing the name of the field to aggregate/],
      [{ field: 'nope', group: 'type' }, /Field nope not found in model Award/],
      [{ field: 'type', group: 'type' }, /is not a numeric type/],
      [{ field: 'total_obligation' }, /missing the field to group by/],
      [{ field: 'total_obligation', group: ['type', 'piid'], date_part: 'year' }, /non-date group by \(type, piid\)/],
      [{ field: 'total_obligation', group: 'type', date_part: 'year' }, /non-date group by/],
      [{ field: 'total_obligation', group: 'date_signed', date_part: 'decade' }, /Date part decade is unsupported/],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await rest('/api/v1/awards/total/', body);
      expect(status).toBe(400);
      expect(json.message).toMatch(message);
    }
  });
});

describe('saved requests (req)', () => {
  it('re-runs a POSTed request by checksum with live paging, from REST and GraphQL', async () => {
    const filters = [{ field: 'type', operation: 'equals', value: 'u' }];
    const first = await rest('/api/v1/awards/?limit=3', { filters, order: ['id'], dataset: FIXTURE });
    expect(first.status).toBe(200);
    const req = first.json.req as string;
    expect(req).toMatch(/^[0-9a-f]{11}$/);
    expect(first.json.page_metadata.next).toContain(`req=${req}`);
    const again = await rest(`/api/v1/awards/?req=${req}&page=2&limit=3`);
    expect(again.json.req).toBe(req);
    expect(again.json.page_metadata.page).toBe(2);
    expect(again.json.page_metadata.count).toBe(first.json.page_metadata.count);
    const firstIds = first.json.results.map((r: { id: number }) => r.id);
    const secondIds = again.json.results.map((r: { id: number }) => r.id);
    expect(secondIds[0]).toBeGreaterThan(firstIds[2]);
    const viaBody = await rest('/api/v1/awards/', { req, page: 1, limit: 3 });
    expect(viaBody.json.results.map((r: { id: number }) => r.id)).toEqual(firstIds);
    const graph = await execute(AwardsByReq, { req });
    expect(graph.data!.awards.nodes.map((n) => n.rowId)).toEqual(secondIds);
    const same = await execute(AwardsReqOfTypeFilter, { dataset: FIXTURE });
    const graphReq = same.data!.awards.req;
    expect(graphReq).toMatch(/^[0-9a-f]{11}$/);
    const viaRest = await rest(`/api/v1/awards/?req=${graphReq}&limit=3`);
    expect(viaRest.json.results.map((r: { id: number }) => r.id)).toEqual(firstIds);
  });

  it('totals requests have their own checksums', async () => {
    const first = await rest('/api/v1/awards/total/', { field: 'total_obligation', group: 'type_description', dataset: FIXTURE });
    const again = await rest('/api/v1/awards/total/', { req: first.json.req });
    expect(again.json.results).toEqual(first.json.results);
    const graph = await execute(AwardsTotalsByReq, { req: first.json.req as string });
    expect(graph.data!.awardTotals.nodes.map((r) => r.item)).toEqual(first.json.results.map((r: { item: string }) => r.item));
  });

  it('an unknown req is a 400 / BAD_USER_INPUT', async () => {
    const { status, json } = await rest('/api/v1/awards/?req=abcdef01234');
    expect(status).toBe(400);
    expect(json.message).toBe("Requested 'req' 'abcdef01234' does not exist or has expired.");
    const graph = await execute(AwardsUnknownReq);
    expect(graph.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('lists, details and shaping', () => {
  it('fields, exclude and verbose shape the results', async () => {
    const picked = await rest('/api/v1/awards/', { fields: ['fain', 'total_obligation', 'recipient__recipient_name'], dataset: FIXTURE, limit: 2 });
    expect(Object.keys(picked.json.results[0]).sort()).toEqual(['fain', 'recipient', 'total_obligation']);
    const excluded = await rest('/api/v1/awards/', { exclude: ['recipient'], dataset: FIXTURE, limit: 2 });
    expect(excluded.json.results[0]).not.toHaveProperty('recipient');
    expect(excluded.json.results[0]).toHaveProperty('awarding_agency');
    const verbose = await rest('/api/v1/awards/', { verbose: true, dataset: FIXTURE, limit: 1 });
    expect(verbose.json.results[0]).toHaveProperty('date_signed__fy');
  });

  it('limit is clamped to 1..500 and page to at least 1', async () => {
    const big = await rest('/api/v1/transactions/?limit=100000');
    expect(big.status).toBe(200);
    expect(big.json.results.length).toBeLessThanOrEqual(500);
    const small = await rest('/api/v1/transactions/?limit=0&page=-3');
    expect(small.json.results).toHaveLength(1);
    expect(small.json.page_metadata.page).toBe(1);
  });

  it('transactions: detail, 404 for unknown ids, GraphQL by id with its award', async () => {
    const one = await rest('/api/v1/transactions/1/');
    expect(one.status).toBe(200);
    expect(one.json.federal_action_obligation).toBe('232143.26');
    expect((await rest('/api/v1/transactions/999999999/')).status).toBe(404);
    expect((await rest('/api/v1/awards/abc/')).status).toBe(404);
    const graph = await execute(AwardsTransactionWithAward);
    expect(graph.data!.transaction).toEqual({ federalActionObligation: '232143.26', fiscalYear: 2016, award: { rowId: 47856 } });
    const award = await execute(AwardsAwardWithAgency, { id: 47587 });
    expect(award.data!.award).toEqual({ totalObligation: '15000.00', fiscalYear: 2016, awardingAgency: { subtierAgency: { name: 'DEPARTMENT OF ARACHNID DISPOSAL' } } });
    const missing = await execute(AwardsMissingAward);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(missing.data).toEqual({ award: null });
  });

  it('GraphQL page metadata', async () => {
    const result = await execute(AwardsPageMetadata, { dataset: FIXTURE });
    expect(result.data!.awards).toMatchObject({ totalCount: 26, pageInfo: { hasNextPage: false, hasPreviousPage: true } });
    expect(result.data!.awards.nodes).toHaveLength(6);
  });

  it('cents survive the round trip', async () => {
    const { json } = await rest('/api/v1/transactions/', { filters: [{ field: 'federal_action_obligation', operation: 'equals', value: '232143.26' }] });
    expect(json.results.length).toBeGreaterThan(0);
    expect(json.results[0].federal_action_obligation).toBe('232143.26');
  });
});

describe('bad input', () => {
  it('REST answers 400 {message} where upstream answered 500', async () => {
    const abcd = await rest('/api/v1/awards/', { filters: [{ field: 'type', operation: 'abcdequals', value: 'B' }] });
    expect(abcd.status).toBe(400);
    expect(abcd.json).toEqual({ message: 'filters[0].operation: Invalid operation: abcdequals' });
    const format = await rest('/api/v1/awards/', {
      filters: [{ field: ['create_date', 'update_date'], operation: 'range_intersect', value: 2017, value_format: 'decade' }],
    });
    expect(format.status).toBe(400);
    expect((await rest('/api/v1/awards/', '{not json')).status).toBe(400);
    expect((await rest('/api/v1/awards/', { order: ['nope'] })).status).toBe(400);
  });

  it('deep trees run (60 levels) and deeper ones are refused with a 400', async () => {
    let filters: unknown = [{ field: 'type', operation: 'equals', value: 'u' }];
    for (let i = 0; i < 60; i += 1) filters = [{ combine_method: i % 2 ? 'AND' : 'OR', filters }];
    const deep = await rest('/api/v1/awards/', { filters, dataset: FIXTURE, fields: ['id'] });
    expect(deep.status).toBe(200);
    expect(deep.json.page_metadata.count).toBe(21);
    let wide: unknown = [{ field: 'type', operation: 'equals', value: 'u' }];
    for (let i = 0; i < 60; i += 1) {
      wide = [{ combine_method: i % 2 ? 'AND' : 'OR', filters: [...(wide as unknown[]), { field: 'piid', operation: 'is_null', value: true }] }];
    }
    const wideDeep = await rest('/api/v1/awards/', { filters: wide });
    expect(wideDeep.status).toBe(400);
    expect(wideDeep.json.message).toMatch(/nested too deeply/);
    for (let i = 0; i < 60; i += 1) filters = [{ combine_method: 'AND', filters }];
    const deeper = await rest('/api/v1/awards/', { filters });
    expect(deeper.status).toBe(400);
    expect(deeper.json.message).toMatch(/nested deeper/);
    const graph = await execute(AwardsCountByFilter, {
      f: Array.from({ length: 60 }).reduce<AwardFilter>((inner) => ({ not: inner }), { type: { equals: 'u' } }),
    });
    expect(graph.errors).toBeUndefined();
    expect(graph.data!.awards.totalCount).toBeGreaterThan(0);
  });

  it('GraphQL answers BAD_USER_INPUT naming the node', async () => {
    const result = await execute(AwardsBadFilterField);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/^filter\.and\[1\]\.search\.fields: give at least one field/);
    expect(result.errors?.[0]?.extensions?.inputPath).toEqual(['filter', 'and', 1, 'search', 'fields']);
  });
});

describe('autocomplete', () => {
  it('REST: distinct values per field, counts and matched objects', async () => {
    const { status, json } = await rest('/api/v1/awards/autocomplete/', {
      fields: ['recipient__recipient_name', 'awarding_agency__toptier_agency__name'],
      value: 'univ',
      mode: 'contains',
      matched_objects: true,
    });
    expect(status).toBe(200);
    expect(json.results.recipient__recipient_name).toContain('UTAH STATE UNIVERSITY');
    expect(json.counts.recipient__recipient_name).toBe(json.results.recipient__recipient_name.length);
    expect(json.matched_objects.recipient__recipient_name[0].recipient.recipient_name).toMatch(/univ/i);
    const starts = await rest('/api/v1/awards/autocomplete/', { fields: ['recipient__recipient_name'], value: 'univ', mode: 'startswith' });
    expect(starts.json.results.recipient__recipient_name).not.toContain('UTAH STATE UNIVERSITY');
  });

  it('REST: errors are 400', async () => {
    expect((await rest('/api/v1/awards/autocomplete/', { fields: 'piid', value: 'x' })).json.message).toMatch(/must be a list/);
    expect((await rest('/api/v1/awards/autocomplete/', { fields: ['piid'] })).json.message).toMatch(/need parameters/);
    expect((await rest('/api/v1/awards/autocomplete/', { fields: ['piid'], value: 'x', mode: 'fuzzy' })).json.message).toMatch(/Invalid mode/);
  });

  it('GraphQL autocomplete with a filter', async () => {
    const result = await execute(AwardsAutocompleteInState);
    expect(result.errors).toBeUndefined();
    expect(result.data!.autocomplete[0]!.values).toEqual(['UTAH STATE UNIVERSITY']);
    expect(result.data!.autocomplete[0]!.matchedObjects!.length).toBeGreaterThan(0);
  });

  it('location autocomplete: states, countries and congressional districts', async () => {
    const { status, json } = await rest('/api/v1/references/locations/geocomplete/', { value: 'u', mode: 'startswith', scope: 'domestic', limit: 50 });
    expect(status).toBe(200);
    expect(json).toContainEqual(expect.objectContaining({ place: 'UT', place_type: 'STATE' }));
    expect(json).toContainEqual(expect.objectContaining({ place: 'UNITED STATES', place_type: 'COUNTRY', parent: 'USA' }));
    const district = await execute(AwardsLocationAutocomplete, { value: 'VA-1' });
    expect(district.data!.locationAutocomplete).toContainEqual(
      expect.objectContaining({ place: 'VA-11', placeType: 'CONGRESSIONAL DISTRICT', parent: 'Virginia' }),
    );
    expect(district.data!.locationAutocomplete.every((p) => p.place.startsWith('VA-1'))).toBe(true);
    const bad = await rest('/api/v1/references/locations/geocomplete/', { value: 'u', scope: 'mars' });
    expect(bad.status).toBe(400);
  });
});

describe('bulk CSV download', () => {
  it('queues (202), then answers 200 with a location that streams the CSV', async () => {
    const body = { filters: [{ field: 'type_description', operation: 'equals', value: 'Cooperative Agreement' }], dataset: FIXTURE };
    const queued = await rest('/api/v1/download/awards/', body);
    expect([200, 202]).toContain(queued.status);
    expect(queued.json.request_checksum).toMatch(/^[0-9a-f]{11}$/);
    await waitForDownloads();
    const ready = await rest(`/api/v1/download/awards/?req=${queued.json.request_checksum}`);
    expect(ready.status).toBe(200);
    expect(ready.json.status).toBe('File is ready for download.');
    const file = await rest(new URL(ready.json.location).pathname);
    expect(file.status).toBe(200);
    const lines = (file.json as string).trim().split('\n');
    expect(lines[0]).toMatch(/^id,type,type_description/);
    expect(lines).toHaveLength(1 + 6);
    const name = new URL(ready.json.location).pathname.split('/').pop()!;
    expect(await openDownload(name, visibleDatasets(anonymous))).not.toBeNull();
    expect(await openDownload(name, { name: 'a-different-set-of-datasets' }), 'files are bound to the datasets the caller sees').toBeNull();
  });
});
