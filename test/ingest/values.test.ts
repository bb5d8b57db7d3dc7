import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { app } from '../helpers.js';
import { cli, fdp, folder, work } from './fixtures.js';

afterAll(() => rmSync(work, { recursive: true, force: true }));

type Cell = Record<string, unknown>;

async function cells(cube: string, drilldown: string): Promise<{ cells: Cell[]; summary: Cell }> {
  const response = await app.request(`/api/3/cubes/${cube}/aggregate?drilldown=${drilldown}&order=${drilldown}.code`);
  expect(response.status).toBe(200);
  return (await response.json()) as { cells: Cell[]; summary: Cell };
}

async function records(dataset: string): Promise<{ nhits: number; records: { fields: Cell }[] }> {
  const response = await app.request(`/api/records/1.0/search?dataset=${dataset}&rows=100&sort=-id`);
  expect(response.status).toBe(200);
  return (await response.json()) as { nhits: number; records: { fields: Cell }[] };
}

describe('strict values', () => {
  it('stops a records load at a value that is not of its declared type and keeps the previous version', async () => {
    const dir = folder({
      'grants.csv': 'id,amount,city\n1,12,Lyon\n2,30,Paris\n',
      'grants.csv.records.json': JSON.stringify({ types: { amount: 'int' } }),
    });
    const csv = join(dir, 'grants.csv');
    await ingest(db, { path: csv, name: 'values-declared' });
    expect((await records('values-declared')).nhits).toBe(2);

    writeFileSync(csv, 'id,amount,city\n1,12,Lyon\n2,30,Paris\n3,12x,Nantes\n');
    await expect(ingest(db, { path: csv, name: 'values-declared' })).rejects.toThrow(
      `${csv}:4: column "amount": "12x" is not an integer`,
    );
    const after = await records('values-declared');
    expect(after.nhits).toBe(2);
    expect(after.records.map((r) => r.fields.amount).sort()).toEqual([12, 30]);
  });

  it('checks every declared records type, and stores inferred numbers as numbers', async () => {
    const cases: [string, string, string][] = [
      ['double', '1,5', 'a number'],
      ['date', '2020-13', 'a date (YYYY-MM-DD)'],
      ['datetime', 'yesterday', 'a date-time (ISO 8601)'],
      ['geo_point_2d', '45.7', 'a "latitude, longitude" point'],
    ];
    for (const [type, bad, expected] of cases) {
      const dir = folder({
        'v.csv': `id;value\n1;\n2;${bad}\n`,
        'v.csv.records.json': JSON.stringify({ types: { value: type } }),
      });
      await expect(ingest(db, { path: join(dir, 'v.csv'), name: `values-${type}` })).rejects.toThrow(
        `${join(dir, 'v.csv')}:3: column "value": ${JSON.stringify(bad)} is not ${expected}`,
      );
    }
    const dir = folder({ 'n.csv': 'id,count,share\n1,7,0.25\n2,8,1e-3\n', 'n.csv.records.json': '{}' });
    await ingest(db, { path: join(dir, 'n.csv'), name: 'values-inferred' });
    const loaded = await records('values-inferred');
    expect(loaded.records.map((r) => [r.fields.count, r.fields.share]).sort()).toEqual([
      [7, 0.25],
      [8, 0.001],
    ]);
  });

  it('checks the declared types of a JSON records source', async () => {
    const dir = folder({
      'r.json': '[\n  {"id": 1, "amount": "12"},\n  {"id": 2, "amount": "12x"}\n]\n',
      'r.json.records.json': JSON.stringify({ types: { amount: 'int' } }),
    });
    await expect(ingest(db, { path: join(dir, 'r.json'), name: 'values-json' })).rejects.toThrow(
      `${join(dir, 'r.json')}:3: field "amount": "12x" is not an integer`,
    );
    writeFileSync(join(dir, 'r.json'), '[{"id": 1, "amount": "12"}, {"id": 2, "amount": 30}]');
    await ingest(db, { path: join(dir, 'r.json'), name: 'values-json' });
    expect((await records('values-json')).records.map((r) => r.fields.amount).sort()).toEqual([12, 30]);
  });

  it('stops a cube load at a measure that is not a number, naming file and line, and keeps the previous version', async () => {
    const dir = fdp('code,label,year,amount\n01,Roads,2020,10.50\n02,Schools,2020,4\n', {}, 'values-cube');
    await ingest(db, { path: dir });
    writeFileSync(join(dir, 'data.csv'), 'code,label,year,amount\n01,Roads,2020,10.50\n02,Schools,2020,4x\n');
    await expect(ingest(db, { path: dir })).rejects.toThrow(`${join(dir, 'data.csv')}:3: column "amount": "4x" is not a number`);
    expect((await cells('values-cube', 'programme')).summary['amount.sum']).toBe(14.5);
  });
});

describe('npm run ingest', () => {
  it('fails on a bad declared value, reports a detected delimiter and blank lines, and lists formats in two lines', async () => {
    const bad = folder({
      'grants.csv': 'id,amount\n1,12\n2,12x\n',
      'grants.csv.records.json': JSON.stringify({ types: { amount: 'int' } }),
    });
    const sniffed = folder({ 'cities.csv': 'name;population\nLyon;522000\n;\n\nNantes;320000\n', 'cities.csv.records.json': '{}' });
    const unknown = folder({ 'notes.txt': 'hello' });
    const [failed, loaded, unrecognised] = await Promise.all([
      cli(join(bad, 'grants.csv'), '--name', 'cli-values-bad'),
      cli(join(sniffed, 'cities.csv'), '--name', 'cli-values-sniffed'),
      cli(join(unknown, 'notes.txt')),
    ]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`ingest failed: ${join(bad, 'grants.csv')}:3: column "amount": "12x" is not an integer`);
    expect(loaded.status).toBe(0);
    expect(loaded.stdout).toMatch(/^loaded records dataset "cli-values-sniffed": 2 rows in [\d.]+s\n/);
    const peak = /\n {2}peak memory (\d+) MB \(resident, loading process\)\n/.exec(loaded.stdout);
    expect(Number(peak?.[1])).toBeGreaterThan(0);
    expect(loaded.stdout).toContain('cities.csv: delimiter ";" (detected from the header line), 2 blank lines skipped');
    expect(unrecognised.status).toBe(1);
    const message = unrecognised.stderr.split('\n').filter((line) => line.startsWith('ingest failed') || line.startsWith('looked for'));
    expect(message).toHaveLength(2);
    expect(message[0]).toBe(`ingest failed: ${join(unknown, 'notes.txt')}: no loader recognises this source`);
    expect(message[1]).toMatch(/^looked for: .*"dollarsobligated".*; model\.json; datapackage\.json; .*records\.json sidecar$/);
  }, 180_000);
});
