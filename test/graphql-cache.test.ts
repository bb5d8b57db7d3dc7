import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../src/access/keys.js';
import { db } from '../src/db.js';
import { graphqlLimitsFromEnv } from '../src/graphql-limits.js';
import { matchesETag } from '../src/shared/http-cache.js';
import { ingest } from '../src/shared/ingest/index.js';
import { createGraphQLHandler } from '../src/yoga.js';
import { app } from './helpers.js';

interface Body {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });

/** GET /graphql with the given URL parameters, as Apollo's and urql's links send them. */
function get(params: Record<string, string>, headers: Record<string, string> = {}) {
  return app.request(`/graphql?${new URLSearchParams(params)}`, { headers: { accept: 'application/graphql-response+json', ...headers } });
}

const privateName = `cache-private-${process.pid}`;
const keyName = `cache-test-${process.pid}`;
let key: string;

beforeAll(async () => {
  key = (await createKey(db, keyName, [['*', 'read']])).key;
});

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name: privateName } });
  await db.apiKey.deleteMany({ where: { name: keyName } });
});

describe('automatic persisted queries over GET', () => {
  // A document no other test sends, so the process-wide store has not seen it.
  const query = `query CacheTest${process.pid} { dataset(name: "cra") { name family } }`;
  const hash = sha256(query);

  it('answers an unknown hash PersistedQueryNotFound, registers it with the query, then runs it by hash', async () => {
    const unknown = await get({ extensions: persisted(hash) });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('cache-control')).toBe('no-store');
    expect(unknown.headers.get('etag')).toBeNull();
    expect(((await unknown.json()) as Body).errors).toEqual([
      { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    ]);

    const registered = await get({ query, extensions: persisted(hash) });
    expect(registered.status).toBe(200);
    expect(await registered.json()).toEqual({ data: { dataset: { name: 'cra', family: 'CUBE' } } });

    const byHash = await get({ extensions: persisted(hash) });
    expect(byHash.status).toBe(200);
    expect(await byHash.json()).toEqual({ data: { dataset: { name: 'cra', family: 'CUBE' } } });
    expect(byHash.headers.get('etag')).toBe(registered.headers.get('etag'));
  });

  it('refuses a query whose hash does not match', async () => {
    const wrong = await get({ query: '{ datasets { totalCount } }', extensions: persisted(sha256('something else')) });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as Body).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_MISMATCH');
  });

  it('are off when trusted documents are configured: nobody registers documents then', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spendgraph-trusted-')), 'operations.json');
    const trusted = '{ datasets { totalCount } }';
    writeFileSync(file, JSON.stringify({ [sha256(trusted)]: trusted }));
    const other = `query Unlisted${process.pid} { datasets { totalCount } }`;
    for (const requirePersisted of [false, true]) {
      const handler = createGraphQLHandler({ ...graphqlLimitsFromEnv({}), persistedOperations: file, requirePersisted });
      const ask = async (params: Record<string, string>) => {
        const response = await handler.fetch(`http://spendgraph/graphql?${new URLSearchParams(params)}`, { headers: { accept: 'application/json' } });
        return (await response.json()) as Body;
      };
      await ask({ query: other, extensions: persisted(sha256(other)) });
      const afterAttempt = await ask({ extensions: persisted(sha256(other)) });
      expect([requirePersisted, afterAttempt.errors?.[0]?.extensions?.code]).toEqual([requirePersisted, 'PERSISTED_QUERY_NOT_FOUND']);
      const listed = await ask({ extensions: persisted(sha256(trusted)) });
      expect((listed.data?.datasets as { totalCount: number }).totalCount).toBeGreaterThan(0);
    }
  });
});

describe('HTTP caching of GET queries', () => {
  const query = '{ dataset(name: "cra") { name title } }';

  it('gives anonymous answers a stable ETag and a short public Cache-Control', async () => {
    const first = await get({ query });
    const second = await get({ query });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toMatch(/^"[\w-]{43}"$/);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    expect(first.headers.get('vary')).toBe('Accept, Authorization');
    expect(((await first.json()) as Body).data).toEqual({ dataset: { name: 'cra', title: 'cra' } });
  });

  it('answers If-None-Match with 304 and no body, and a stale ETag with the full answer', async () => {
    const etag = (await get({ query })).headers.get('etag')!;
    const fresh = await get({ query }, { 'if-none-match': etag });
    expect(fresh.status).toBe(304);
    expect(await fresh.text()).toBe('');
    expect(fresh.headers.get('etag')).toBe(etag);
    expect(fresh.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await get({ query }, { 'if-none-match': `"stale", W/${etag}` })).status).toBe(304);
    const stale = await get({ query }, { 'if-none-match': '"stale"' });
    expect(stale.status).toBe(200);
    expect(((await stale.json()) as Body).data).toEqual({ dataset: { name: 'cra', title: 'cra' } });
  });

  it('changes the ETag when any dataset is loaded, reloaded or deleted, even if the answer does not change', async () => {
    const etag = async () => {
      const response = await get({ query });
      expect(((await response.json()) as Body).data).toEqual({ dataset: { name: 'cra', title: 'cra' } });
      return response.headers.get('etag')!;
    };
    const dir = mkdtempSync(join(tmpdir(), 'spendgraph-cache-'));
    cpSync(new URL('../samples/cubes/cra', import.meta.url), dir, { recursive: true });

    const before = await etag();
    // A private dataset anonymous callers cannot see: their answer is the same, but it could have depended on it.
    await ingest(db, { path: dir, name: privateName, private: true });
    const loaded = await etag();
    expect(loaded).not.toBe(before);
    expect((await get({ query }, { 'if-none-match': before })).status).toBe(200);

    await ingest(db, { path: dir, name: privateName });
    const reloaded = await etag();
    expect(reloaded).not.toBe(loaded);

    await db.dataset.deleteMany({ where: { name: privateName } });
    const deleted = await etag();
    expect(deleted).not.toBe(reloaded);
    expect(await etag()).toBe(deleted);
  });

  it('marks answers to callers with a key private and uncacheable, with an ETag of their own', async () => {
    const anonymous = await get({ query });
    const keyed = await get({ query }, { authorization: `ApiKey ${key}` });
    expect(keyed.status).toBe(200);
    expect(keyed.headers.get('cache-control')).toBe('private, no-store');
    expect(keyed.headers.get('etag')).toMatch(/^"[\w-]{43}"$/);
    expect(keyed.headers.get('etag')).not.toBe(anonymous.headers.get('etag'));
    expect(await keyed.text()).toBe(await anonymous.text());
    const byParameter = await get({ query, apikey: key });
    expect(byParameter.headers.get('cache-control')).toBe('private, no-store');
  });

  it('does not cache POST answers, answers with errors, or mutations over GET', async () => {
    const post = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('etag')).toBeNull();
    expect(post.headers.get('cache-control')).toBeNull();

    const missing = await get({ query: '{ dataset(name: "no-such-dataset") { name } }' });
    expect(((await missing.json()) as Body).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(missing.headers.get('etag')).toBeNull();
    expect(missing.headers.get('cache-control')).toBe('no-store');

    const mutation = await get({ query: 'mutation { deleteDataset(input: { name: "cra" }) { name } }' });
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get('etag')).toBeNull();
    expect(mutation.headers.get('cache-control')).toBe('no-store');
    expect(await db.dataset.count({ where: { name: 'cra' } })).toBe(1);
  });

  it('compares If-None-Match weakly, list by list', () => {
    expect(matchesETag('"a"', '"a"')).toBe(true);
    expect(matchesETag('W/"a"', '"a"')).toBe(true);
    expect(matchesETag('"b", "a"', '"a"')).toBe(true);
    expect(matchesETag('*', '"a"')).toBe(true);
    expect(matchesETag('"b"', '"a"')).toBe(false);
    expect(matchesETag(null, '"a"')).toBe(false);
  });
});
