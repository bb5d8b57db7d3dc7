/**
 * The optional response cache (SPENDGRAPH_RESPONSE_CACHE_SECONDS): a repeated query is answered without SQL, a
 * reload is seen at once, callers who may see different datasets never share an entry, and errors are not kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anonymous, type Principal } from '../src/access/principal.js';
import { db } from '../src/db.js';
import { catalogMemo } from '../src/db/catalog-events.js';
import { graphqlLimitsFromEnv } from '../src/graphql-limits.js';
import { ingest } from '../src/shared/ingest/index.js';
import { createGraphQLHandler } from '../src/yoga.js';
import { writeRecordsCsv } from './processes.js';
import { catalogSettled, statementLog } from './statements.js';

const name = `response-cache-${process.pid}`;
const handler = createGraphQLHandler({ ...graphqlLimitsFromEnv({}), responseCacheSeconds: 60 });
const reader: Principal = { kind: 'key', id: -1, name: 'reader', grants: { [name]: ['read'] } };
const query = `{ records(dataset: "${name}", first: 1) { totalCount nodes { recordId } } }`;
let dir: string;
let counter: ReturnType<typeof statementLog>;

/** The answer, the statements it sent, and the catalog lookups its execution made (none when the cache answered). */
async function post(principal: Principal = anonymous): Promise<{ body: string; statements: number; lookups: number }> {
  let body = '';
  const lookups = vi.spyOn(catalogMemo, 'get');
  const statements = await counter.measure(async () => {
    const response = await handler.fetch(
      new Request('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }),
      { principal },
    );
    body = await response.text();
  });
  const calls = lookups.mock.calls.length;
  lookups.mockRestore();
  return { body, statements, lookups: calls };
}

async function load(rows: number, isPrivate = false): Promise<void> {
  const before = catalogMemo.generation;
  await ingest(db, { path: writeRecordsCsv(dir, name, rows), name, private: isPrivate });
  await catalogSettled();
  expect(catalogMemo.generation).toBeGreaterThan(before);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spendgraph-response-cache-'));
  counter = statementLog();
  await catalogSettled();
  await load(30);
});

afterAll(async () => {
  counter.restore();
  rmSync(dir, { recursive: true, force: true });
  await db.dataset.deleteMany({ where: { name: { startsWith: name } } });
});

describe('response cache', () => {
  it('answers a repeated query without SQL, and a reload at once', async () => {
    const first = await post();
    expect(JSON.parse(first.body).data.records.totalCount).toBe(30);
    expect(first.statements).toBeGreaterThan(0);
    const second = await post();
    expect(second.body).toBe(first.body);
    expect(second.statements).toBe(0);

    await load(45);
    const reloaded = await post();
    expect(JSON.parse(reloaded.body).data.records.totalCount).toBe(45);
    expect(reloaded.statements).toBeGreaterThan(0);
  });

  it('keeps callers who see different datasets apart, and keeps no error', async () => {
    await load(12, true);
    const hidden = await post(anonymous);
    expect(JSON.parse(hidden.body).errors[0].extensions.code).toBe('NOT_FOUND');
    const seen = await post(reader);
    expect(JSON.parse(seen.body).data.records.totalCount).toBe(12);
    const hiddenAgain = await post(anonymous);
    expect(JSON.parse(hiddenAgain.body).errors[0].extensions.code).toBe('NOT_FOUND');
    // Executed again (the dataset lookup may come from the catalog memo, without SQL): the error was not kept.
    expect(hiddenAgain.lookups).toBeGreaterThan(0);
    const cached = await post(reader);
    expect(cached.statements).toBe(0);
    expect(cached.lookups).toBe(0);
  });
});
