import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { folder, work } from './fixtures.js';

afterAll(() => rmSync(work, { recursive: true, force: true }));

const load = (path: string, name?: string) => ingest(db, { path, name });

describe('broken descriptors', () => {
  it('reports invalid JSON in datapackage.json with its line and column', async () => {
    const dir = folder({ 'datapackage.json': '{\n  "name": "broken",\n  "resources": []\n  "model": {}\n}\n', 'data.csv': 'a\n1\n' });
    await expect(load(dir)).rejects.toThrow(`${join(dir, 'datapackage.json')}:4: invalid JSON at column 3: comma expected`);
  });

  it('reports invalid JSON in a babbage model.json', async () => {
    const dir = folder({ 'model.json': '{"fact_table": "cra", "dimensions": {,}}' });
    await expect(load(dir)).rejects.toThrow(`${join(dir, 'model.json')}:1: invalid JSON at column 38: value expected`);
  });

  it('reports invalid JSON in a records sidecar', async () => {
    const dir = folder({ 'r.csv': 'a\n1\n', 'r.csv.records.json': '{\n  "types": {"a": "int",}\n}' });
    await expect(load(join(dir, 'r.csv'))).rejects.toThrow(`${join(dir, 'r.csv.records.json')}:2: invalid JSON at column 24: property name expected`);
  });

  it('reports invalid JSON in a JSON records source at the line of the broken element', async () => {
    const dir = folder({
      'r.json': '[\n  {"a": 1},\n  {"a": 2},\n  {"a": 3 "b": 4}\n]\n',
      'r.json.records.json': '{}',
    });
    await expect(load(join(dir, 'r.json'), 'descriptor-json')).rejects.toThrow(`${join(dir, 'r.json')}:4: invalid JSON at column 11: comma expected`);
    expect(await db.dataset.count({ where: { name: 'descriptor-json' } })).toBe(0);
  });

  it('says so when a datapackage has no model and no mapping', async () => {
    const dir = folder({
      'datapackage.json': JSON.stringify({ name: 'plain', resources: [{ path: 'data.csv' }] }),
      'data.csv': 'a\n1\n',
    });
    await expect(load(dir)).rejects.toThrow(
      `${join(dir, 'datapackage.json')}: the package has no "model" (nor an older "mapping"): a Fiscal Data Package needs one to say which columns are measures and dimensions`,
    );
  });

  it('names the columns a legacy USAspending contract export misses, and loads the feed spelling "obligatedamount"', async () => {
    // The header of a legacy FPDS export (USAspending, public domain); the data feeds call the obligation "obligatedamount".
    const sample = readFileSync(new URL('../../samples/awards/usaspending_treasury_contracts.csv', import.meta.url), 'utf8').split('\n');
    const feed = sample[0]!.replace('dollarsobligated', 'obligatedamount');
    const ok = folder({ 'feed.csv': `${feed}\n${sample[1]}\n` });
    await expect(load(join(ok, 'feed.csv'))).resolves.toMatchObject({ family: 'AWARDS', rows: 2 });
    const header = sample[0]!.replace('dollarsobligated', 'obligation').replace('signeddate', 'signed');
    const dir = folder({ 'legacy.csv': `${header}\n${sample[1]}\n` });
    const failure = load(join(dir, 'legacy.csv'));
    await expect(failure).rejects.toThrow(
      `${join(dir, 'legacy.csv')}: no loader recognises this source: it has "piid" like a USAspending v1-era contract export / legacy FPDS data feed, but these required columns are missing: "dollarsobligated" or "obligatedamount", "signeddate"\nlooked for: `,
    );
  });
});
