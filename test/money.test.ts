import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../src/db.js';

const name = `money-${process.pid}`;
afterAll(() => db.dataset.deleteMany({ where: { name } }));

describe('money through the driver adapter', () => {
  it('keeps every cent of Decimal(20,2) values, in Prisma reads and in raw SQL sums', async () => {
    const dataset = await db.dataset.create({ data: { name, family: 'AWARDS', title: 'money', loader: 'test' } });
    const amounts = ['954392.01', '123456789012345678.57', '-0.10', '0.20'];
    for (const totalObligation of amounts) {
      await db.award.create({ data: { datasetId: dataset.id, totalObligation } });
    }
    const awards = await db.award.findMany({ where: { datasetId: dataset.id }, orderBy: { id: 'asc' } });
    expect(awards.map((award) => award.totalObligation?.toFixed(2))).toEqual(amounts);
    const [row] = await db.$queryRaw<{ total: { toFixed(digits: number): string } }[]>`
      SELECT sum(total_obligation) AS total FROM award WHERE dataset_id = ${dataset.id}`;
    expect(row!.total.toFixed(2)).toBe('123456789013300070.68');
  });
});
