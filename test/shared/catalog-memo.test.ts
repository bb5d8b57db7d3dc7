import { describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { catalogMemo } from '../../src/db/catalog-events.js';

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the catalog memo on the test database', () => {
  it('memoises lookups while listening and forgets them after every change to the dataset table', async () => {
    await until(() => catalogMemo.live);
    let computed = 0;
    const lookup = () => catalogMemo.get('test:probe', async () => (computed += 1));
    expect(await lookup()).toBe(1);
    expect(await lookup()).toBe(1);

    const before = catalogMemo.generation;
    const row = await db.dataset.create({ data: { name: `memo-probe-${process.pid}`, family: 'RECORDS', title: 'probe', loader: 'test' } });
    await until(() => catalogMemo.generation > before);
    expect(await lookup()).toBe(2);

    const again = catalogMemo.generation;
    await db.dataset.update({ where: { id: row.id }, data: { private: true } });
    await until(() => catalogMemo.generation > again);
    expect(await lookup()).toBe(3);

    const last = catalogMemo.generation;
    await db.dataset.delete({ where: { id: row.id } });
    await until(() => catalogMemo.generation > last);
    expect(await lookup()).toBe(4);
    expect(await lookup()).toBe(4);
  });

  it('keeps no failed lookup', async () => {
    await until(() => catalogMemo.live);
    await expect(catalogMemo.get('test:failing', () => Promise.reject(new Error('no such dataset')))).rejects.toThrow('no such dataset');
    expect(await catalogMemo.get('test:failing', async () => 'found')).toBe('found');
  });
});
