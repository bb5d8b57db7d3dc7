import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deleteExpiredSavedRequests } from '../../src/awards/query/saved.js';
import { db } from '../../src/db.js';
import { startEntry } from '../processes.js';
import { loadAwardSamples, rest } from './samples.js';

const HOUR = 60 * 60 * 1000;
let distinct = 0;

beforeAll(async () => {
  await loadAwardSamples();
});

afterEach(() => {
  vi.useRealTimers();
  delete process.env.SPENDGRAPH_SAVED_REQUEST_DAYS;
});

/** A REST request no test has made before, so it stores a new saved request; resolves to its checksum. */
async function newRequest(): Promise<string> {
  distinct += 1;
  const filters = [{ field: 'description', operation: 'contains', value: `saved-expiry-${process.pid}-${distinct}` }];
  const { status, json } = await rest('/api/v1/awards/?limit=1', { filters });
  expect(status).toBe(200);
  return json.req as string;
}

async function age(checksum: string, days: number): Promise<void> {
  await db.$executeRaw`
    UPDATE saved_request SET last_used_at = now() - make_interval(days => ${days}::int) WHERE checksum = ${checksum}`;
}

async function aged(days: number): Promise<number> {
  const row = await db.savedRequest.create({
    data: { checksum: `aged${process.pid}${(distinct += 1)}`, endpoint: 'awards', request: {} },
  });
  await db.$executeRaw`UPDATE saved_request SET last_used_at = now() - make_interval(days => ${days}::int) WHERE id = ${row.id}`;
  return row.id;
}

const exists = async (id: number) => (await db.savedRequest.count({ where: { id } })) === 1;

describe('saved requests expire', () => {
  it('one used within 30 days is served and its last use moves forward; one unused for longer is never served', async () => {
    const req = await newRequest();
    await age(req, 29);
    expect((await rest(`/api/v1/awards/?req=${req}`)).status).toBe(200);
    const touched = await db.savedRequest.findUniqueOrThrow({ where: { checksum: req } });
    expect(Date.now() - touched.lastUsedAt.getTime()).toBeLessThan(HOUR);

    await age(req, 31);
    const expired = await rest(`/api/v1/awards/?req=${req}`);
    expect(expired.status).toBe(400);
    expect(expired.json.message).toBe(`Requested 'req' '${req}' does not exist or has expired.`);
  });

  it('SPENDGRAPH_SAVED_REQUEST_DAYS sets how long an unused request lives', async () => {
    const req = await newRequest();
    await age(req, 2);
    expect((await rest(`/api/v1/awards/?req=${req}`)).status).toBe(200);
    await age(req, 2);
    process.env.SPENDGRAPH_SAVED_REQUEST_DAYS = '1';
    expect((await rest(`/api/v1/awards/?req=${req}`)).status).toBe(400);
  });

  it('storing a new request deletes expired ones, at most once an hour per process', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * HOUR);
    const old = await aged(31);
    const recent = await aged(29);
    await newRequest();
    expect(await exists(old)).toBe(false);
    expect(await exists(recent)).toBe(true);

    const later = await aged(40);
    await newRequest();
    expect(await exists(later)).toBe(true);
    vi.setSystemTime(Date.now() + 2 * HOUR);
    await newRequest();
    expect(await exists(later)).toBe(false);
  });

  it('the cleanup is bounded: one pass deletes at most its limit, oldest first', async () => {
    const ids = [await aged(33), await aged(32), await aged(31)];
    expect(await deleteExpiredSavedRequests(2)).toBe(2);
    expect(await Promise.all(ids.map(exists))).toEqual([false, false, true]);
    expect(await deleteExpiredSavedRequests(2)).toBe(1);
  });

  it('the server refuses to start with a lifetime that is not a positive number of days', async () => {
    const run = await startEntry('src/server.ts', [], { SPENDGRAPH_SAVED_REQUEST_DAYS: 'soon', SPENDGRAPH_DATA_DIR: 'memory://' }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SPENDGRAPH_SAVED_REQUEST_DAYS must be a positive number of days, got "soon"');
  });
});
