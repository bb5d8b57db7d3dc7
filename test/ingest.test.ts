import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../src/db.js';
import { ingest } from '../src/shared/ingest/index.js';
import { IngestError } from '../src/shared/ingest/types.js';

const work = mkdtempSync(join(tmpdir(), 'spendgraph-ingest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyCra(): string {
  const dir = mkdtempSync(join(work, 'cra-'));
  cpSync(new URL('../samples/cubes/cra', import.meta.url), dir, { recursive: true });
  return dir;
}

async function factCount(name: string): Promise<number> {
  return db.fact.count({ where: { dataset: { name } } });
}

describe('ingest', () => {
  it('detects a babbage model and loads its star schema with joins', async () => {
    const result = await ingest(db, { path: copyCra(), name: 'ingest-cra' });
    expect(result).toMatchObject({ name: 'ingest-cra', family: 'CUBE', rows: 36 });
    const fact = await db.fact.findFirstOrThrow({ where: { datasetId: result.datasetId, rowNumber: 1 } });
    expect(fact.data).toMatchObject({
      'amount': 12100000,
      'cap_or_cur.code': 'CUR',
      'cap_or_cur.label': 'Current Expenditure',
      'cofog1.name': '4',
      'cofog1.label': 'Economic affairs',
      'time.year': 2008,
    });
  });

  it('replaces a dataset atomically when it is loaded again', async () => {
    const dir = copyCra();
    await ingest(db, { path: dir, name: 'ingest-reload' });
    const before = await db.dataset.findUniqueOrThrow({ where: { name: 'ingest-reload' } });
    const csv = join(dir, 'cra.csv');
    // The first nine lines hold the header and eight one-line records (later records span several lines).
    const lines = readFileSync(csv, 'utf8').split('\n');
    writeFileSync(csv, `${lines.slice(0, 9).join('\n')}\n`);
    const result = await ingest(db, { path: dir, name: 'ingest-reload' });
    expect(result.rows).toBe(8);
    expect(await factCount('ingest-reload')).toBe(8);
    expect(await db.dataset.count({ where: { name: 'ingest-reload' } })).toBe(1);
    expect(result.datasetId).not.toBe(before.id);
  });

  it('stops at a malformed row, names file and line, and keeps the previous version', async () => {
    const dir = copyCra();
    await ingest(db, { path: dir, name: 'ingest-broken' });
    const csv = join(dir, 'cra.csv');
    const lines = readFileSync(csv, 'utf8').split('\n');
    lines[5] = lines[5]!.replace(/^-?\d+,/, 'twelve,');
    writeFileSync(csv, lines.join('\n'));
    const failure = ingest(db, { path: dir, name: 'ingest-broken' });
    await expect(failure).rejects.toBeInstanceOf(IngestError);
    await expect(failure).rejects.toThrow(`${csv}:6: column "amount": "twelve" is not a number`);
    expect(await factCount('ingest-broken')).toBe(36);
  });

  it('reports an unbalanced quote with its line', async () => {
    const dir = copyCra();
    const csv = join(dir, 'cra.csv');
    const lines = readFileSync(csv, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('CUR,', 'CUR,"unterminated');
    writeFileSync(csv, lines.join('\n'));
    await expect(ingest(db, { path: dir, name: 'ingest-quote' })).rejects.toThrow(new RegExp(`^${csv}:\\d+: `));
    expect(await db.dataset.count({ where: { name: 'ingest-quote' } })).toBe(0);
  });

  it('rejects paths no loader knows and names the known formats', async () => {
    const file = join(work, 'notes.txt');
    writeFileSync(file, 'hello');
    await expect(ingest(db, { path: file })).rejects.toThrow(/no loader recognises this source\. Known formats: .*babbage \(babbage model\.json/);
    await expect(ingest(db, { path: join(work, 'missing') })).rejects.toThrow(/no such file or directory/);
  });

  it('rejects dataset names that would not be usable in URLs', async () => {
    await expect(ingest(db, { path: copyCra(), name: '../x' })).rejects.toThrow(/invalid dataset name "\.\.\/x"/);
  });

  it('reads every Fiscal Data Package sample, mapping names to babbage refs', async () => {
    const moldova = await db.dataset.findUniqueOrThrow({
      where: { name: 'boost-moldova' },
      include: { dimensions: { include: { attributes: true } }, measures: true },
    });
    expect(moldova.measures.map((m) => [m.name, m.currency])).toEqual([
      ['approved', 'MDL'],
      ['adjusted', 'MDL'],
      ['executed', 'MDL'],
    ]);
    const functional = moldova.dimensions.find((d) => d.name === 'functional_classification')!;
    expect(functional).toMatchObject({ keyAttribute: 'key', labelAttribute: 'func2_label' });
    expect(functional.attributes.find((a) => a.name === 'key')).toMatchObject({ keyParts: ['func1_code', 'func2_code'] });
    expect(functional.attributes.map((a) => a.column)).toContain('functional_classification.func1_code');
  });
});

describe('npm run ingest', () => {
  it('exits 1 with the file and line of a broken CSV and leaves the data intact', async () => {
    const dir = copyCra();
    await ingest(db, { path: dir, name: 'cli-broken' });
    const csv = join(dir, 'cra.csv');
    const lines = readFileSync(csv, 'utf8').split('\n');
    lines[9] = lines[9]!.replace(/^-?\d+,/, '12x,');
    writeFileSync(csv, lines.join('\n'));
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/scripts/ingest.ts', dir, '--name', 'cli-broken'],
      { cwd: new URL('..', import.meta.url), encoding: 'utf8', env: { ...process.env } },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`ingest failed: ${csv}:10: column "amount": "12x" is not a number`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    if (process.env.DATABASE_URL) expect(await factCount('cli-broken')).toBe(36);
  });
});
