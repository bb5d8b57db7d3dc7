import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, hashKey, revokeKey } from '../../src/access/keys.js';
import { db } from '../../src/db.js';
import { graphql } from '../gql/index.js';
import { app } from '../helpers.js';

const Permissions = graphql(`
  query Permissions($dataset: String!) {
    permissions(dataset: $dataset) {
      create
      read
      update
      delete
    }
  }
`);

let reader: string;
let writer: string;
let revoked: string;
const keyName = `keys-test-${process.pid}`;

beforeAll(async () => {
  reader = (await createKey(db, `${keyName}-reader`, [['cra', 'read']])).key;
  writer = (await createKey(db, `${keyName}-writer`, [['*', 'write']])).key;
  revoked = (await createKey(db, `${keyName}-revoked`, [['*', 'admin']])).key;
  expect(await revokeKey(db, `${keyName}-revoked`)).toBe(1);
});

afterAll(async () => {
  await db.apiKey.deleteMany({ where: { name: { startsWith: keyName } } });
});

function permissions(dataset: string, init: RequestInit & { search?: string } = {}) {
  return app.request(`/graphql${init.search ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    body: JSON.stringify({ query: print(Permissions), variables: { dataset } }),
  });
}

describe('API keys', () => {
  it('are stored hashed, never in clear', async () => {
    const rows = await db.apiKey.findMany({ where: { name: { startsWith: keyName } } });
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.keyHash)).toContain(hashKey(reader));
    expect(JSON.stringify(rows)).not.toContain(reader);
  });

  it('are accepted as "ApiKey", "Apikey", "Bearer" (any case) and ?apikey=', async () => {
    const ways: [Record<string, string>, string][] = [
      [{ authorization: `ApiKey ${writer}` }, ''],
      [{ authorization: `apikey ${writer}` }, ''],
      [{ authorization: `Bearer ${writer}` }, ''],
      [{ authorization: `BEARER ${writer}` }, ''],
      [{}, `?apikey=${writer}`],
    ];
    for (const [headers, search] of ways) {
      const response = await permissions('cra', { headers, search });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { permissions: Record<string, boolean> } };
      expect(body.data.permissions).toEqual({ create: true, read: true, update: true, delete: true });
    }
  });

  it('grant per dataset: a read key reads its dataset and writes nothing', async () => {
    const response = await permissions('cra', { headers: { authorization: `ApiKey ${reader}` } });
    const body = (await response.json()) as { data: { permissions: Record<string, boolean> } };
    expect(body.data.permissions).toEqual({ create: false, read: true, update: false, delete: false });
  });

  it('answer anonymous callers with read-only rights on public datasets', async () => {
    const response = await app.request('/api/2/permissions?dataset=cra');
    expect(await response.json()).toEqual({ create: false, read: true, update: false, delete: false });
    const missing = await app.request('/api/2/permissions?dataset=no-such-dataset');
    expect(await missing.json()).toEqual({ create: false, read: false, update: false, delete: false });
    const bad = await app.request('/api/2/permissions');
    expect(bad.status).toBe(200);
    expect(await bad.json()).toEqual({ error: 'dataset name not provided' });
  });

  it('reject revoked, unknown and malformed keys with a JSON 401', async () => {
    const cases = [
      { authorization: `ApiKey ${revoked}` },
      { authorization: `ApiKey sg_${'A'.repeat(43)}` },
      { authorization: 'ApiKey not-a-key' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ];
    for (const headers of cases) {
      const response = await permissions('cra', { headers });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: string };
      expect(body.error).toMatch(/revoked|malformed|Authorization must be/);
    }
    const rest = await app.request(`/api/2/permissions?dataset=cra&apikey=${revoked.slice(0, -1)}x`);
    expect(rest.status).toBe(401);
  });
});

describe('JSONP', () => {
  it('wraps GET answers in the callback, and is refused for POST', async () => {
    const get = await app.request('/api/records/1.0/search?dataset=geonames-all-cities-with-a-population-1000&rows=1&format=jsonp&callback=show');
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toContain('application/javascript');
    expect(await get.text()).toMatch(/^show\(\{"nhits":/);
    const babbage = await app.request('/api/3/cubes?callback=show');
    expect(await babbage.text()).toMatch(/^show && show\(\{"status":"ok"/);
    const post = await app.request('/api/records/1.0/search', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'dataset=geonames-all-cities-with-a-population-1000&format=jsonp&callback=show',
    });
    expect(post.status).toBe(400);
    expect(await post.text()).toContain('JSONP is only served for GET requests');
  });
});
