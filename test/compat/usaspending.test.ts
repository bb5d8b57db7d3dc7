import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { app } from '../helpers.js';
import { loadAwardSamples, rest } from '../awards/samples.js';

// USAspending's v1 endpoint fixture (public domain) as the bundled sample, and a small fixture of our own in its shape
// (values taken from it, ids of our own) that fills the fields the sample leaves null.
const FIXTURE = 'usaspending-fixture';
const OWN = 'compat-usaspending-fields';
const ownPath = new URL('./fixtures/usaspending-v1-fields.json', import.meta.url).pathname;

beforeAll(async () => {
  await loadAwardSamples();
  await ingest(db, { path: ownPath, name: OWN });
});

// The suite shares one database: other files total every dataset they can see.
afterAll(async () => {
  await db.dataset.delete({ where: { name: OWN } });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;
const ids = (json: Data): number[] => json.results.map((row: Data) => row.id);

describe('relations compare and order by their primary key (Django: a relation name is its pk)', () => {
  it('transactions ordered by "award" (upstream tests send order: ["award"])', async () => {
    const { status, json } = await rest('/api/v1/transactions/', { order: ['award', 'id'], dataset: FIXTURE, limit: 500 });
    expect(status).toBe(200);
    const awards = json.results.map((row: Data) => row.award);
    expect(awards).toEqual([...awards].sort((a: number, b: number) => a - b));
    const desc = await rest('/api/v1/transactions/', { order: ['-award'], dataset: FIXTURE, limit: 1 });
    expect(desc.json.results[0].award).toBe(47931);
  });

  it('filters "award equals 47587" and "funding_agency equals 1234567"', async () => {
    const byAward = await rest('/api/v1/transactions/', { filters: [{ field: 'award', operation: 'equals', value: 47587 }] });
    expect(byAward.status).toBe(200);
    expect(ids(byAward.json).sort()).toEqual([3, 4]);
    const byFunder = await rest('/api/v1/awards/', { filters: [{ field: 'funding_agency', operation: 'equals', value: 1234567 }], dataset: FIXTURE });
    expect(ids(byFunder.json).sort()).toEqual([47587, 47609, 47622, 47856, 47867]);
    const notIn = await rest('/api/v1/awards/', { filters: [{ field: 'awarding_agency', operation: 'not_in', value: [1234567] }], dataset: FIXTURE });
    expect(notIn.json.page_metadata.count).toBe(21);
  });

  it('api_tutorial.md: GET /api/v1/awards/?awarding_agency=1788 filters by the agency id', async () => {
    const none = await rest('/api/v1/awards/?awarding_agency=1788');
    expect(none.status).toBe(200);
    expect(none.json.page_metadata.count).toBe(0);
    const some = await rest(`/api/v1/awards/?awarding_agency=1234567&dataset=${FIXTURE}`);
    expect(some.json.page_metadata.count).toBe(5);
    const bad = await rest('/api/v1/awards/?awarding_agency=abc');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/expected an integer for id, got "abc"/);
  });

  it('groups totals by a relation as its id', async () => {
    const { status, json } = await rest('/api/v1/awards/total/', { field: 'total_obligation', group: 'awarding_agency', aggregate: 'count', dataset: FIXTURE });
    expect(status).toBe(200);
    expect(json.results).toEqual([{ item: '1234567', awarding_agency: '1234567', aggregate: '5' }]);
  });
});

describe('POST on detail routes (what upstream tests send: fields or verbose in the body)', () => {
  it('POST /api/v1/awards/<id>/ and /api/v1/transactions/<id>/ answer the object; detail ignores fields, as upstream', async () => {
    const award = await rest('/api/v1/awards/47587/', { fields: ['id', 'type'] });
    expect(award.status).toBe(200);
    expect(award.json).toMatchObject({ id: 47587, type: '05', data_source: 'DBR', date_signed__fy: 2016 });
    const transaction = await rest('/api/v1/transactions/3/', { verbose: true });
    expect(transaction.status).toBe(200);
    expect(transaction.json).toMatchObject({ id: 3, award: 47587 });
    const missing = await rest('/api/v1/awards/1/', {});
    expect(missing.status).toBe(404);
  });
});

describe('award fields upstream serializes (AwardSerializer default_fields, mid-2017)', () => {
  it('the default list has date_signed__fy, total_outlay and potential_total_value_of_award', async () => {
    const { json } = await rest(`/api/v1/awards/?dataset=${OWN}&order=id`);
    expect(json.results[0]).toMatchObject({
      id: 9120001,
      total_outlay: '1200.50',
      potential_total_value_of_award: '23289.44',
      date_signed__fy: 2016,
    });
    expect(json.results[1]).toMatchObject({ id: 9120002, total_outlay: null, date_signed__fy: 2015 });
  });

  it('test_awards.py: GET /api/v1/awards/?date_signed__fy__gt=2012 filters by fiscal year', async () => {
    const gt = await rest(`/api/v1/awards/?date_signed__fy__gt=2015&dataset=${OWN}`);
    expect(gt.status).toBe(200);
    expect(ids(gt.json)).toEqual([9120001]);
    const lte = await rest(`/api/v1/awards/?date_signed__fy__lte=2015&dataset=${OWN}`);
    expect(ids(lte.json)).toEqual([9120002]);
    const all = await rest(`/api/v1/awards/?date_signed__fy__gt=2012&dataset=${FIXTURE}`);
    expect(all.json.page_metadata.count).toBe(26);
    const posted = await rest('/api/v1/awards/', { filters: [{ field: 'date_signed__fy', operation: 'less_than', value: 2016 }], dataset: OWN });
    expect(ids(posted.json)).toEqual([9120002]);
    const bad = await rest('/api/v1/awards/?date_signed__fy__gt=soon');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/date_signed__fy__gt: expected a fiscal year such as 2017, got "soon"/);
  });

  it('award detail has data_source, latest_submission and the latest transaction (default transaction fields)', async () => {
    const { json } = await rest('/api/v1/awards/9120001/');
    expect(json).toMatchObject({ data_source: 'DBR', latest_submission: 12, date_signed__fy: 2016 });
    // The transaction with the latest action date: 9120002 (2016-12-01) over 9120001 (2016-09-20).
    expect(json.latest_transaction).toMatchObject({ id: 9120002, action_date: '2016-12-01', federal_action_obligation: '3289.44' });
    expect(json.latest_transaction.data_source).toBeUndefined();
    const verbose = await rest('/api/v1/awards/', { verbose: true, dataset: OWN, order: ['id'] });
    expect(verbose.json.results.map((row: Data) => row.latest_transaction?.id)).toEqual([9120002, 9120003]);
  });

  it('endpoint_testing_data.json: a recipient without a description is "Unknown Business Type" (the model default)', async () => {
    const { json } = await rest('/api/v1/awards/47587/');
    expect(json.recipient).toMatchObject({ business_types: 'Q', business_types_description: 'Unknown Business Type' });
    const own = await rest('/api/v1/awards/9120002/');
    expect(own.json.recipient.business_types_description).toBe('Public/State Controlled Institution of Higher Education');
  });
});

describe('transaction fields upstream serializes (TransactionSerializer fields "__all__")', () => {
  it('verbose and detail carry the source, submission, period of performance, drv_* and certification fields', async () => {
    const expected = {
      id: 9120001,
      data_source: 'DBR',
      usaspending_unique_transaction_id: '7300_SBAHQ16F0167_0',
      submission: 12,
      period_of_performance_start_date: '2016-09-20',
      period_of_performance_current_end_date: '2017-09-29',
      drv_award_transaction_usaspend: '0',
      drv_current_total_award_value_amount_adjustment: '20000.00',
      drv_potential_total_award_value_amount_adjustment: '20000.01',
      last_modified_date: '2016-10-01',
      certified_date: '2016-10-02',
    };
    const detail = await rest('/api/v1/transactions/9120001/');
    expect(detail.json).toMatchObject(expected);
    expect(detail.json.contract_data).toMatchObject({ transaction: 9120001, naics: '541519', piid: 'SBAHQ16F0167' });
    const verbose = await rest('/api/v1/transactions/', { verbose: true, dataset: OWN, order: ['id'] });
    expect(verbose.json.results[0]).toMatchObject(expected);
    expect(verbose.json.results[2]).toMatchObject({ id: 9120003, data_source: null, contract_data: null, submission: null });
  });
});

describe('autocomplete matched_objects', () => {
  it('test_award_autocomplete: "matched_objects": 1 (an integer) returns the matched objects', async () => {
    const { status, json } = await rest('/api/v1/awards/autocomplete/', {
      fields: ['description'],
      value: 'LICENSE',
      matched_objects: 1,
      dataset: OWN,
    });
    expect(status).toBe(200);
    expect(json.matched_objects.description.map((row: Data) => row.id)).toEqual([9120001]);
    const without = await rest('/api/v1/awards/autocomplete/', { fields: ['description'], value: 'LICENSE', matched_objects: 0, dataset: OWN });
    expect(without.json.matched_objects).toBeUndefined();
  });
});

describe("field paths upstream documents through an award's transactions and a transaction's contract data", () => {
  it('test_documentation_examples.py: award autocomplete on ["description", "transaction__description"]', async () => {
    const { status, json } = await rest('/api/v1/awards/autocomplete/', {
      fields: ['description', 'transaction__description'],
      value: 'true-up',
      matched_objects: true,
      dataset: OWN,
    });
    expect(status).toBe(200);
    expect(json.results).toEqual({ description: [], transaction__description: ['LICENSE TRUE-UP'] });
    expect(json.counts).toEqual({ description: 0, transaction__description: 1 });
    expect(json.matched_objects.transaction__description.map((row: Data) => row.id)).toEqual([9120001]);
  });

  it('request_recipes.md: awards with contract data, {"field": "transaction__contract_data", "operation": "is_null", "value": false}', async () => {
    const withContract = await rest('/api/v1/awards/', { filters: [{ field: 'transaction__contract_data', operation: 'is_null', value: false }], dataset: OWN });
    expect(withContract.status).toBe(200);
    expect(ids(withContract.json)).toEqual([9120001]);
    const without = await rest('/api/v1/awards/', { filters: [{ field: 'transaction__contract_data', operation: 'is_null', value: true }], dataset: OWN });
    expect(ids(without.json)).toEqual([9120002]);
    const byNaics = await rest('/api/v1/awards/', {
      filters: [{ field: 'transaction__contract_data__naics', operation: 'in', value: ['511210', '999999'] }],
      dataset: OWN,
    });
    expect(ids(byNaics.json)).toEqual([9120001]);
    const bad = await rest('/api/v1/awards/', { filters: [{ field: 'transaction__contract_data__naics', operation: 'greater_than', value: 5 }] });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/operation 'gt' does not apply to contract_data keys/);
  });

  it('test_filter_generator.py test_filter_generator_reverse_fk: "transaction__description" search finds the award', async () => {
    const { json } = await rest('/api/v1/awards/', { filters: [{ field: 'transaction__description', operation: 'search', value: 'true-up' }], dataset: OWN });
    expect(ids(json)).toEqual([9120001]);
    const negated = await rest('/api/v1/awards/', { filters: [{ field: 'transaction__description', operation: 'not_search', value: 'true-up' }], dataset: OWN });
    expect(ids(negated.json)).toEqual([9120002]);
  });

  it('test_aggregate_mixin.py: transaction totals grouped by "contract_data__naics", with and without null groups', async () => {
    const grouped = await rest('/api/v1/transactions/total/', { field: 'federal_action_obligation', group: 'contract_data__naics', dataset: OWN, order: ['item'] });
    expect(grouped.status).toBe(200);
    expect(grouped.json.results).toEqual([
      { item: '511210', contract_data__naics: '511210', aggregate: '3289.44' },
      { item: '541519', contract_data__naics: '541519', aggregate: '20000.00' },
    ]);
    const nulls = await rest('/api/v1/transactions/total/', { field: 'federal_action_obligation', group: 'contract_data__naics', show_nulls: true, dataset: OWN, order: ['item'] });
    expect(nulls.json.results.map((row: Data) => [row.item, row.aggregate])).toEqual([['511210', '3289.44'], ['541519', '20000.00'], [null, '15000.00']]);
  });
});

describe('the dataset selector of /api/v1 (README: Awards)', () => {
  it('dataset=<name> reads one award dataset; an unknown name selects nothing', async () => {
    const own = await rest(`/api/v1/awards/?dataset=${OWN}`);
    expect(own.json.page_metadata.count).toBe(2);
    const posted = await rest('/api/v1/transactions/total/', { field: 'federal_action_obligation', group: 'type', aggregate: 'count', dataset: OWN });
    expect(posted.json.results.map((row: Data) => [row.item, row.aggregate])).toEqual([['05', '1'], ['C', '2']]);
    const unknown = await rest('/api/v1/awards/?dataset=no-such-dataset');
    expect([unknown.status, unknown.json.page_metadata.count]).toEqual([200, 0]);
  });
});

describe('the same fields in GraphQL', () => {
  it('Award.dataSource/latestTransaction, Transaction source and drv_* fields, and dataSource in the typed filters', async () => {
    const response = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{
          award(rowId: 9120001) { dataSource latestSubmissionId latestTransaction { rowId actionDate } }
          transaction(rowId: 9120001) {
            dataSource usaspendingUniqueTransactionId submissionId periodOfPerformanceStartDate
            drvCurrentTotalAwardValueAmountAdjustment drvPotentialTotalAwardValueAmountAdjustment certifiedDate
          }
          awards(filter: { dataSource: { equals: "dbr" } }, dataset: "${OWN}") { totalCount nodes { rowId } }
          transactions(filter: { usaspendingUniqueTransactionId: { isNull: false } }, orderBy: [{ field: CERTIFIED_DATE }], dataset: "${OWN}") { nodes { rowId } }
        }`,
      }),
    });
    const { data, errors } = (await response.json()) as Data;
    expect(errors).toBeUndefined();
    expect(data.award).toEqual({ dataSource: 'DBR', latestSubmissionId: 12, latestTransaction: { rowId: 9120002, actionDate: '2016-12-01' } });
    expect(data.transaction).toEqual({
      dataSource: 'DBR',
      usaspendingUniqueTransactionId: '7300_SBAHQ16F0167_0',
      submissionId: 12,
      periodOfPerformanceStartDate: '2016-09-20',
      // GraphQL's Decimal is exact decimal text; whole amounts may come without their zero cents.
      drvCurrentTotalAwardValueAmountAdjustment: expect.stringMatching(/^20000(\.00)?$/),
      drvPotentialTotalAwardValueAmountAdjustment: '20000.01',
      certifiedDate: '2016-10-02',
    });
    expect(data.awards).toEqual({ totalCount: 1, nodes: [{ rowId: 9120001 }] });
    expect(data.transactions.nodes).toEqual([{ rowId: 9120001 }]);
  });
});
