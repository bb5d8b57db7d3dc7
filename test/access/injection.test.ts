import { describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { app } from '../helpers.js';

const payloads = [
  "'; DROP TABLE fact; --",
  "x' OR '1'='1",
  '" OR 1=1 --',
  "1); SELECT pg_sleep(3); --",
  "cofog1.name:4' UNION SELECT key_hash FROM api_key --",
  '$$; DELETE FROM dataset; $$',
  "\\'; TRUNCATE record; --",
  'data->>\'x\'',
];

const e = encodeURIComponent;
const records = 'geonames-all-cities-with-a-population-1000';

function doors(p: string): { name: string; path: string; method?: string; body?: unknown }[] {
  return [
    { name: 'babbage cut', path: `/api/3/cubes/cra/facts?cut=${e(p)}` },
    { name: 'babbage cut value', path: `/api/3/cubes/cra/facts?cut=${e(`cofog1:"${p}"`)}` },
    { name: 'babbage order', path: `/api/3/cubes/cra/facts?order=${e(p)}` },
    { name: 'babbage fields', path: `/api/3/cubes/cra/facts?fields=${e(p)}` },
    { name: 'babbage drilldown', path: `/api/3/cubes/cra/aggregate?drilldown=${e(p)}` },
    { name: 'babbage aggregates', path: `/api/3/cubes/cra/aggregate?aggregates=${e(p)}` },
    { name: 'babbage members ref', path: `/api/3/cubes/cra/members/${e(p)}` },
    { name: 'legacy aggregate', path: `/api/2/aggregate?dataset=cra&cut=${e(`cofog1:${p}`)}&drilldown=${e(p)}&order=${e(p)}` },
    { name: 'legacy measure', path: `/api/2/aggregate?dataset=cra&measure=${e(p)}` },
    { name: 'records q', path: `/api/records/1.0/search?dataset=${records}&q=${e(p)}` },
    { name: 'records facet', path: `/api/records/1.0/search?dataset=${records}&facet=${e(p)}` },
    { name: 'records refine', path: `/api/records/1.0/search?dataset=${records}&refine.${e(p)}=x&refine.country_code=${e(p)}` },
    { name: 'records sort', path: `/api/records/1.0/search?dataset=${records}&sort=${e(p)}` },
    { name: 'records fields', path: `/api/records/1.0/search?dataset=${records}&fields=${e(p)}` },
    { name: 'records analyze', path: `/api/records/1.0/analyze?dataset=${records}&x=${e(p)}&y.a.func=AVG&y.a.expr=${e(p)}` },
    { name: 'catalog q', path: `/api/datasets/1.0/search?q=${e(p)}&facet=${e(p)}` },
    {
      name: 'awards filter',
      path: '/api/v1/awards/',
      method: 'POST',
      body: { filters: [{ field: p, operation: 'equals', value: p }, { field: 'description', operation: 'contains', value: p }], order: [p] },
    },
    {
      name: 'awards total',
      path: '/api/v1/awards/total/',
      method: 'POST',
      body: { field: p, group: p, aggregate: 'sum', filters: [{ field: 'type', operation: 'in', value: [p] }] },
    },
    { name: 'awards autocomplete', path: '/api/v1/awards/autocomplete/', method: 'POST', body: { fields: [p, 'description'], value: p } },
    {
      name: 'graphql text',
      path: '/graphql',
      method: 'POST',
      body: { query: 'query($t: String, $n: String!) { datasets(filter: { text: $t }) { totalCount } dataset(name: $n) { name } }', variables: { t: p, n: p } },
    },
  ];
}

async function tableCounts() {
  const [row] = await db.$queryRaw<{ facts: bigint; datasets: bigint; records: bigint; keys: bigint }[]>`
    SELECT (SELECT count(*) FROM fact) AS facts, (SELECT count(*) FROM dataset) AS datasets,
           (SELECT count(*) FROM record) AS records, (SELECT count(*) FROM api_key) AS keys`;
  return row;
}

describe('SQL injection through every string parameter', () => {
  it('is rejected with a 400 or treated as data: no 500, no effect, no delay', async () => {
    const before = await tableCounts();
    for (const payload of payloads) {
      for (const door of doors(payload)) {
        const started = Date.now();
        const response = await app.request(door.path, {
          method: door.method ?? 'GET',
          headers: { 'content-type': 'application/json' },
          body: door.body === undefined ? undefined : JSON.stringify(door.body),
        });
        const text = await response.text();
        expect([200, 400, 404], `${door.name} with ${payload}: ${text.slice(0, 300)}`).toContain(response.status);
        expect(text, door.name).not.toMatch(/syntax error at or near|relation "|\bat [^ ]+\.ts:\d+/);
        expect(Date.now() - started, `${door.name} took too long`).toBeLessThan(2_500);
      }
    }
    expect(await tableCounts()).toEqual(before);
  }, 300_000);
});
