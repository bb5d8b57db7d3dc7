import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../src/db.js';
import { ingest } from '../src/shared/ingest/index.js';
import { app } from './helpers.js';

// Atomic replacement as readers see it: while a dataset is reloaded (with the same content) again and again,
// readers of every family keep asking for it; each answer must be the whole old version or the whole new one,
// never an empty or partial one.

const names = { cube: 'reload-cube', records: 'reload-records', awards: 'reload-awards' };
const sources = {
  cube: 'samples/cubes/cra',
  records: 'samples/records/geonames-pl-ods-v1-export.json',
  awards: 'samples/awards/usaspending_treasury_contracts.csv',
};

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name: { in: Object.values(names) } } });
});

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function graphql(query: string): Promise<Record<string, unknown>> {
  const response = await app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** What each reader reports: a number that must stay the same across reloads of the same content. */
const readers: Record<keyof typeof names, () => Promise<unknown>> = {
  cube: async () => {
    const { body } = await getJson(`/api/3/cubes/${names.cube}/aggregate?drilldown=cofog1&pagesize=0`);
    return (body.summary as Record<string, unknown> | undefined)?._count;
  },
  records: async () => (await getJson(`/api/records/1.0/search?dataset=${names.records}&rows=0`)).body.nhits,
  awards: async () => {
    const result = await graphql(`{ awards(dataset: "${names.awards}", first: 1) { totalCount } }`);
    return (result.data as { awards?: { totalCount: number } } | undefined)?.awards?.totalCount;
  },
};

describe('reloading a dataset while it is read', () => {
  for (const family of Object.keys(names) as (keyof typeof names)[]) {
    it(`never shows ${family} readers an empty or partial version`, async () => {
      await ingest(db, { path: sources[family], name: names[family] });
      const expected = await readers[family]();
      expect(typeof expected === 'number' && expected > 0).toBe(true);
      let reloading = true;
      const answers: unknown[] = [];
      const reader = async () => {
        while (reloading) answers.push(await readers[family]());
      };
      const loops = [reader(), reader(), reader()];
      for (let i = 0; i < 3; i += 1) await ingest(db, { path: sources[family], name: names[family] });
      reloading = false;
      await Promise.all(loops);
      expect(answers.length).toBeGreaterThan(3);
      expect(answers.filter((answer) => answer !== expected)).toEqual([]);
    });
  }
});
