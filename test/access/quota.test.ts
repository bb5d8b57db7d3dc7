import { afterAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/access/keys.js';
import { nextMidnight, Quota } from '../../src/access/quota.js';
import { createApp } from '../../src/app.js';
import { db } from '../../src/db.js';

const redisUrl = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const quotas: Quota[] = [];

function appWith(limits: { anonymous: number; key: number; domain: number }, store: 'memory' | 'redis') {
  const quota = new Quota(limits, {
    redisUrl: store === 'redis' ? redisUrl : undefined,
    prefix: `spendgraph:test:${process.pid}:${Math.random().toString(36).slice(2)}`,
  });
  quotas.push(quota);
  return createApp({ quota });
}

afterAll(async () => {
  await Promise.all(quotas.map((quota) => quota.close()));
  await db.apiKey.deleteMany({ where: { name: `quota-test-${process.pid}` } });
});

describe.each(['memory', 'redis'] as const)('daily quotas in %s', (store) => {
  it('report the limit, what remains and the next midnight UTC on every response', async () => {
    const app = appWith({ anonymous: 5, key: 0, domain: 0 }, store);
    const first = await app.request('/api/2/permissions?dataset=cra');
    expect(first.status).toBe(200);
    expect(first.headers.get('X-RateLimit-Limit')).toBe('5');
    expect(first.headers.get('X-RateLimit-Remaining')).toBe('4');
    const reset = Number(first.headers.get('X-RateLimit-Reset'));
    expect(reset).toBe(nextMidnight());
    expect(reset % 86_400).toBe(0);
    const graphql = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ datasets { totalCount } }' }),
    });
    expect(graphql.headers.get('X-RateLimit-Remaining')).toBe('3');
  });

  it('count concurrent calls exactly at the boundary and answer the rest 429 with the documented body', async () => {
    const app = appWith({ anonymous: 20, key: 0, domain: 0 }, store);
    const responses = await Promise.all(
      Array.from({ length: 35 }, () => app.request('/api/2/permissions?dataset=cra')),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    const refused = responses.find((response) => response.status === 429)!;
    expect(refused.headers.get('X-RateLimit-Remaining')).toBe('0');
    expect(await refused.json()).toEqual({
      errorcode: 10005,
      reset_time: new Date(nextMidnight() * 1000).toISOString().replace('.000Z', 'Z'),
      limit_time_unit: 'day',
      call_limit: 20,
      error: 'You have exceeded the requests limit for anonymous users.',
    });
  });

  it('count API keys apart from anonymous callers, and the whole domain together', async () => {
    const { key } = await createKey(db, `quota-test-${process.pid}`, [['cra', 'read']]);
    const app = appWith({ anonymous: 2, key: 3, domain: 6 }, store);
    const asKey = () => app.request('/api/2/permissions?dataset=cra', { headers: { authorization: `ApiKey ${key}` } });
    const asAnonymous = () => app.request('/api/2/permissions?dataset=cra');
    expect((await asAnonymous()).status).toBe(200);
    expect((await asAnonymous()).status).toBe(200);
    expect((await asAnonymous()).status).toBe(429);
    const keyed = await asKey();
    expect(keyed.status).toBe(200);
    expect(keyed.headers.get('X-RateLimit-Limit')).toBe('3');
    expect((await asKey()).status).toBe(200);
    expect((await asKey()).status).toBe(200);
    const overKey = await asKey();
    expect(overKey.status).toBe(429);
    expect(((await overKey.json()) as { errorcode: number }).errorcode).toBe(10002);

    const domainApp = appWith({ anonymous: 100, key: 100, domain: 3 }, store);
    for (let i = 0; i < 3; i += 1) expect((await domainApp.request('/api/2/permissions?dataset=cra')).status).toBe(200);
    const overDomain = await domainApp.request('/api/2/permissions?dataset=cra');
    expect(overDomain.status).toBe(429);
    expect(await overDomain.json()).toMatchObject({
      errorcode: 10002,
      call_limit: 3,
      error: 'Too many requests on the domain. Please contact the domain administrator.',
    });
  });
});

describe('quota store', () => {
  it('uses Redis when a URL is configured and memory otherwise', () => {
    expect(appWith({ anonymous: 1, key: 1, domain: 0 }, 'redis') && quotas.at(-1)!.store).toBe('redis');
    expect(appWith({ anonymous: 1, key: 1, domain: 0 }, 'memory') && quotas.at(-1)!.store).toBe('memory');
  });

  it('resets at midnight UTC', async () => {
    let now = Date.UTC(2026, 0, 1, 23, 59, 0);
    const quota = new Quota({ anonymous: 1, key: 0, domain: 0 }, { clock: () => now });
    expect((await quota.take({ kind: 'anonymous' }, 'a')).allowed).toBe(true);
    expect((await quota.take({ kind: 'anonymous' }, 'a')).allowed).toBe(false);
    now = Date.UTC(2026, 0, 2, 0, 0, 1);
    const next = await quota.take({ kind: 'anonymous' }, 'a');
    expect(next).toMatchObject({ allowed: true, remaining: 0, reset: Date.UTC(2026, 0, 3) / 1000 });
  });

  it("asks for the caller's address only when an anonymous quota counts", async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    let asked = 0;
    const address = () => {
      asked += 1;
      return 'a';
    };
    const unlimited = new Quota({ anonymous: 0, key: 0, domain: 0 }, { clock: () => now });
    expect(await unlimited.take({ kind: 'anonymous' }, address)).toEqual({ allowed: true, limit: 0, remaining: -1, reset: Date.UTC(2026, 0, 2) / 1000 });
    expect(asked).toBe(0);
    const counted = new Quota({ anonymous: 2, key: 0, domain: 0 }, { clock: () => now });
    expect(await counted.take({ kind: 'anonymous' }, address)).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect(asked).toBe(1);
  });
});
