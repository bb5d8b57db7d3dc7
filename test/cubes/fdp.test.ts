import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { loadCube } from '../../src/cubes/query/model.js';
import { fromFieldRefFilter } from '../../src/shared/filter/graphql.js';
import { aggregateCells, factCount } from './plans.js';
import { app } from '../helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const fixtures = join(root, 'test/cubes/fixtures/fdp');
const packages = [
  join(root, 'samples/cubes/uk-sample'),
  join(root, 'samples/cubes/md-sample'),
  ...readdirSync(fixtures, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(fixtures, entry.name)),
];

interface Package {
  name: string;
  resources: { path: string }[];
  model?: { measures: Record<string, { source: string; factor?: number }> };
  mapping?: { measures: Record<string, { source: string; factor?: number }> };
}

function csvRows(dir: string, dp: Package): Record<string, string>[] {
  return dp.resources.flatMap(
    (resource) => parse(readFileSync(join(dir, resource.path)), { columns: true, bom: true }) as Record<string, string>[],
  );
}

/** A CSV cell as a number: thousands separators allowed; blanks and markers such as "nfp" count as nothing. */
function csvNumber(raw: string | undefined): number {
  const text = (raw ?? '').trim();
  const plain = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replace(/,/g, '') : text;
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(plain) ? Number(plain) : 0;
}

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= Math.max(1e-9 * Math.abs(expected), 0.005);
}

describe.each(packages)('fiscal data package %s', (dir) => {
  const dp = JSON.parse(readFileSync(join(dir, 'datapackage.json'), 'utf8')) as Package;
  const name = `cubes-fdp-${dp.name}`;

  beforeAll(async () => {
    await ingest(db, { path: dir, name });
  });

  it('loads, and its aggregate totals equal the sums of its CSV', async () => {
    const rows = csvRows(dir, dp);
    const measures = Object.values((dp.model ?? dp.mapping)!.measures);
    const response = await app.request(`/api/3/cubes/${name}/aggregate`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { summary: Record<string, number>; cells: unknown[] };
    const model = await loadCube(name);
    expect(model.measures).toHaveLength(measures.length);
    expect(body.summary._count).toBe(rows.length);
    measures.forEach((measure, i) => {
      const expected = rows.reduce((sum, row) => sum + csvNumber(row[measure.source]) * (measure.factor ?? 1), 0);
      const actual = body.summary[`${model.measures[i]!.name}.sum`]!;
      expect(close(actual, expected), `${model.measures[i]!.name}: ${actual} vs ${expected}`).toBe(true);
    });
    expect(body.cells).toEqual([body.summary]);
  });

  it('serves its data package and keeps drilldown cells consistent with the summary', async () => {
    const response = await app.request(`/api/3/info/${name}/package`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe(dp.name);
    const model = await loadCube(name);
    const dimension = model.dimensions[0]!;
    const result = await aggregateCells(model, { drilldown: [dimension.keyAttribute.ref], aggregates: ['_count'] });
    const counted = result.cells.reduce((sum, cell) => sum + (cell._count as number), 0);
    expect(counted).toBe(result.summary._count);
    expect(result.totalCellCount).toBe(result.cells.length);
  });
});

describe('money', () => {
  it('keeps every cent of the uk-sample amounts', async () => {
    const dir = join(root, 'samples/cubes/uk-sample');
    const dp = JSON.parse(readFileSync(join(dir, 'datapackage.json'), 'utf8')) as Package;
    let cents = 0n;
    for (const row of csvRows(dir, dp)) {
      const [whole, fraction = ''] = row.amount!.trim().split('.');
      const sign = whole!.startsWith('-') ? -1n : 1n;
      cents += BigInt(whole!) * 100n + sign * BigInt((fraction + '00').slice(0, 2));
    }
    await ingest(db, { path: dir, name: 'cubes-money-uk' });
    const result = await aggregateCells(await loadCube('cubes-money-uk'), { aggregates: ['amount.sum'], drilldown: ['region'] });
    const centsOf = (text: unknown) => BigInt(new Decimal(text as string).times(100).toFixed());
    expect(centsOf(result.summary['amount.sum'])).toBe(cents);
    const cellCents = result.cells.reduce((sum, cell) => sum + centsOf(cell['amount.sum']), 0n);
    expect(cellCents).toBe(cents);
  });
});

describe('time and hierarchy drilldowns', () => {
  const treasury = join(fixtures, 'al-treasury-spending');

  it('drills a date attribute down by year, quarter, month and fiscal year', async () => {
    await ingest(db, { path: treasury, name: 'cubes-time-al' });
    const model = await loadCube('cubes-time-al');
    const date = [...model.attributesByRef.values()].find((a) => a.type === 'date');
    expect(date).toBeDefined();
    const ref = date!.ref;
    const rows = parse(readFileSync(join(treasury, 'data/treasury.csv')), { columns: true }) as Record<string, string>[];
    const column = ref.startsWith('date_registered') ? 'Date registered' : 'Date executed';
    const byFy = new Map<number, Decimal>();
    for (const row of rows) {
      const [y, m] = row[column]!.split('-').map(Number) as [number, number];
      const fy = m >= 7 ? y + 1 : y;
      byFy.set(fy, (byFy.get(fy) ?? new Decimal(0)).plus(row.Value!));
    }
    const fy = await aggregateCells(model, { drilldown: [`${ref}@fy`], aggregates: ['amount.sum', '_count'], fiscalYearStart: '07-01' });
    expect(fy.cells.map((c) => [c[`${ref}@fy`], new Decimal(c['amount.sum'] as string).toFixed()])).toEqual(
      [...byFy.entries()].sort((a, b) => a[0] - b[0]).map(([year, total]) => [year, total.toFixed()]),
    );
    const filtered = await factCount(model, {
      filter: fromFieldRefFilter({ field: ref, fy: [...byFy.keys()].slice(0, 1) }),
      fiscalYearStart: '07-01',
    });
    expect(filtered).toBe(fy.cells[0]!._count);
    for (const [bucket, pattern] of [
      ['year', /^\d{4}$/],
      ['quarter', /^\d{4}-Q[1-4]$/],
      ['month', /^\d{4}-\d{2}$/],
    ] as const) {
      const result = await aggregateCells(model, { drilldown: [`${ref}@${bucket}`], aggregates: ['_count'] });
      expect(result.cells.length).toBeGreaterThan(0);
      for (const cell of result.cells) expect(String(cell[`${ref}@${bucket}`])).toMatch(pattern);
      expect(result.cells.reduce((s, c) => s + (c._count as number), 0)).toBe(rows.length);
    }
  });

  it('rejects time buckets on non-date attributes', async () => {
    const model = await loadCube('cubes-time-al');
    await expect(aggregateCells(model, { drilldown: ['amount@year'] })).rejects.toThrow(/measure|not a date|unknown/);
    const text = [...model.attributesByRef.values()].find((a) => a.type === 'string')!;
    await expect(aggregateCells(model, { drilldown: [`${text.ref}@year`] })).rejects.toThrow(/not a date/);
  });

  it('drills a hierarchy down to the level below the cut', async () => {
    const result = await ingest(db, { path: join(root, 'samples/cubes/cra'), name: 'cubes-cra-hierarchy' });
    await db.hierarchy.create({ data: { datasetId: result.datasetId, name: 'cofog', levels: ['cofog1', 'cofog2', 'cofog3'] } });
    const model = await loadCube('cubes-cra-hierarchy');
    const top = await aggregateCells(model, { drilldown: ['cofog'] });
    expect(top.attributes).toEqual(['cofog1.name', 'cofog1.label']);
    expect(top.totalCellCount).toBe(4);
    const below = await aggregateCells(model, { drilldown: ['cofog'], cut: 'cofog1:"4"' });
    expect(below.attributes).toEqual(['cofog1.name', 'cofog1.label', 'cofog2.name', 'cofog2.label']);
    expect(below.cells.every((c) => c['cofog1.name'] === '4' && typeof c['cofog2.name'] === 'string')).toBe(true);
    expect(below.summary._count).toBe(12);
  });
});
