import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { app } from '../helpers.js';
import { fdp, folder, work } from './fixtures.js';

afterAll(() => rmSync(work, { recursive: true, force: true }));

type Cell = Record<string, unknown>;

async function aggregate(cube: string): Promise<{ cells: Cell[]; summary: Cell }> {
  const response = await app.request(`/api/3/cubes/${cube}/aggregate?drilldown=programme&order=programme.code`);
  expect(response.status).toBe(200);
  return (await response.json()) as { cells: Cell[]; summary: Cell };
}

async function recordFields(dataset: string): Promise<{ fields: { name: string; type: string }[]; values: Cell[] }> {
  const search = await app.request(`/api/records/1.0/search?dataset=${dataset}&rows=100`);
  const info = await app.request(`/api/datasets/1.0/${dataset}`);
  expect(search.status).toBe(200);
  expect(info.status).toBe(200);
  const body = (await search.json()) as { records: { fields: Cell }[] };
  const meta = (await info.json()) as { fields: { name: string; type: string }[] };
  return { fields: meta.fields.map(({ name, type }) => ({ name, type })), values: body.records.map((r) => r.fields) };
}

// Two programme labels of Madrid's municipal budget (datos.madrid.es, open data), spelled as its ISO-8859-1 files are.
const MADRID = 'code,label,year,amount\n"001","SECRETARÍA GENERAL DEL PLENO",2019,1250.75\n"002","ÁREA DE GOBIERNO DE ECONOMÍA",2019,99.25\n';

describe('encodings', () => {
  it('reads an FDP resource in its declared encoding', async () => {
    const result = await ingest(db, { path: fdp(Buffer.from(MADRID, 'latin1'), { encoding: 'ISO-8859-1' }, 'enc-latin1') });
    expect(result.notes).toEqual(['data.csv: delimiter "," (detected from the header line), encoding ISO-8859-1']);
    const { cells, summary } = await aggregate('enc-latin1');
    expect(cells.map((c) => c['programme.label'])).toEqual(['SECRETARÍA GENERAL DEL PLENO', 'ÁREA DE GOBIERNO DE ECONOMÍA']);
    expect(summary['amount.sum']).toBe(1350);
  });

  it('reads a records CSV in the encoding its sidecar declares', async () => {
    const dir = folder({
      'prix.csv': Buffer.from('produit;prix\nCafé;2.5\nThé;3\n', 'latin1'),
      'prix.csv.records.json': JSON.stringify({ encoding: 'windows-1252' }),
    });
    await ingest(db, { path: join(dir, 'prix.csv'), name: 'enc-records' });
    const { values } = await recordFields('enc-records');
    expect(values.map((v) => v.produit).sort()).toEqual(['Café', 'Thé']);
  });

  it('names an encoding TextDecoder does not know', async () => {
    const dir = fdp(MADRID, { encoding: 'klingon-8' }, 'enc-unknown');
    await expect(ingest(db, { path: dir })).rejects.toThrow(`${join(dir, 'data.csv')}: unknown encoding "klingon-8"`);
  });
});

describe('dialects', () => {
  it('honours a declared delimiter, quote character, initial spaces and a file without header', async () => {
    const csv = "'01'; 'Roads; bridges'; 2020; 10.5\n'02'; 'Schools'; 2020; 4\n";
    const dir = fdp(csv, { dialect: { delimiter: ';', quoteChar: "'", skipInitialSpace: true, header: false } }, 'dialect-declared');
    const result = await ingest(db, { path: dir });
    expect(result.rows).toBe(2);
    expect(result.notes).toEqual(['data.csv: delimiter ";"']);
    const { cells } = await aggregate('dialect-declared');
    expect(cells.map((c) => [c['programme.code'], c['programme.label'], c['amount.sum']])).toEqual([
      ['01', 'Roads; bridges', 10.5],
      ['02', 'Schools', 4],
    ]);
  });

  it('honours doubleQuote: false with an escape character', async () => {
    const csv = 'code,label,year,amount\n01,"The \\"big\\" road",2020,1\n';
    await ingest(db, { path: fdp(csv, { dialect: { doubleQuote: false, escapeChar: '\\' } }, 'dialect-escape') });
    expect((await aggregate('dialect-escape')).cells[0]!['programme.label']).toBe('The "big" road');
  });

  it('detects a ";" or tab delimiter when none is declared and says so', async () => {
    const semicolon = await ingest(db, { path: fdp('code;label;year;amount\n01;Roads;2020;1\n', {}, 'dialect-sniff-semicolon') });
    expect(semicolon.notes).toEqual(['data.csv: delimiter ";" (detected from the header line)']);
    const tab = await ingest(db, { path: fdp('code\tlabel\tyear\tamount\n01\tRoads, bridges\t2020\t2\n', {}, 'dialect-sniff-tab') });
    expect(tab.notes).toEqual(['data.csv: delimiter tab (detected from the header line)']);
    expect((await aggregate('dialect-sniff-tab')).cells[0]!['programme.label']).toBe('Roads, bridges');
  });

  it('loads a ";" records CSV with sidecar {} with its real columns', async () => {
    const dir = folder({ 'c.csv': 'Name;Population;Founded\nLyon;522000;-43\nNantes;320000;-70\n', 'c.csv.records.json': '{}' });
    const result = await ingest(db, { path: join(dir, 'c.csv'), name: 'dialect-records' });
    expect(result.notes).toEqual(['c.csv: delimiter ";" (detected from the header line)']);
    const { fields, values } = await recordFields('dialect-records');
    expect(fields).toEqual([
      { name: 'name', type: 'text' },
      { name: 'population', type: 'int' },
      { name: 'founded', type: 'int' },
    ]);
    expect(values.map((v) => v.population).sort()).toEqual([320000, 522000]);
  });

  it('says which delimiter was used and which columns were found when a column is missing', async () => {
    const dir = fdp('code;label;year;amount\n01;Roads;2020;1\n', { dialect: { delimiter: ',' } }, 'dialect-missing');
    await expect(ingest(db, { path: dir })).rejects.toThrow(
      `${join(dir, 'datapackage.json')}: dimension "programme" attribute "code" reads column "code", which data.csv does not have (read with delimiter ",", columns found: "code;label;year;amount")`,
    );
  });

  it('names the delimiter and the columns found when a records sidecar names a column the file lacks', async () => {
    const dir = folder({ 'g.csv': 'id;amount\n1;2\n', 'g.csv.records.json': JSON.stringify({ delimiter: ',', idColumn: 'id' }) });
    await expect(ingest(db, { path: join(dir, 'g.csv'), name: 'dialect-sidecar-missing' })).rejects.toThrow(
      `${join(dir, 'g.csv.records.json')}: idColumn names column "id", which g.csv does not have (read with delimiter ",", columns found: "id;amount")`,
    );
  });

  it('names the line where an unclosed quoted field opened', async () => {
    const lines = ['code,label,year,amount'];
    for (let i = 1; i <= 40; i += 1) lines.push(`${i},Programme ${i},2020,${i}`);
    lines[30] = '30,"Programme 30,2020,30';
    const dir = fdp(`${lines.join('\n')}\n`, {}, 'dialect-quote');
    await expect(ingest(db, { path: dir })).rejects.toThrow(`${join(dir, 'data.csv')}:31: a quoted field opened on this line is never closed`);
    expect(await db.dataset.count({ where: { name: 'dialect-quote' } })).toBe(0);
  });
});

describe('blank and ragged lines', () => {
  it('skips lines with no values, counts them, and does not make them facts', async () => {
    const csv = 'code;label;year;amount\n01;Roads;2020;1\n;;;\n\n;\n02;Schools;2020;2\n';
    const result = await ingest(db, { path: fdp(csv, {}, 'blank-cube') });
    expect(result.rows).toBe(2);
    expect(result.notes).toEqual(['data.csv: delimiter ";" (detected from the header line), 3 blank lines skipped']);
    const { summary } = await aggregate('blank-cube');
    expect(summary).toMatchObject({ _count: 2, 'amount.sum': 3 });
  });

  it('stops at a line with more or fewer fields than the header, naming it', async () => {
    const more = fdp('code,label,year,amount\n01,Roads,2020,1\n02,Schools,2020,2,extra\n', {}, 'ragged-more');
    await expect(ingest(db, { path: more })).rejects.toThrow(
      `${join(more, 'data.csv')}:3: 5 fields where the header has 4 (delimiter ",")`,
    );
    const dir = folder({ 'r.csv': 'a,b,c\n1,2,3\n4,5\n', 'r.csv.records.json': '{}' });
    await expect(ingest(db, { path: join(dir, 'r.csv'), name: 'ragged-records' })).rejects.toThrow(
      `${join(dir, 'r.csv')}:3: 2 fields where the header has 3 (delimiter ",")`,
    );
  });
});
