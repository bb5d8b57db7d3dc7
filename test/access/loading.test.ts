import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/access/keys.js';
import { db } from '../../src/db.js';
import { app } from '../helpers.js';

const sample = new URL('../../samples/cubes/md-sample/', import.meta.url);
const name = `loading-${process.pid}`;
const keyName = `loading-test-${process.pid}`;
let writer: string;
let reader: string;

function upload(headers: Record<string, string>, fields: Record<string, string> = {}, omitCsv = false) {
  const form = new FormData();
  form.set('datapackage', new Blob([readFileSync(new URL('datapackage.json', sample))]), 'datapackage.json');
  if (!omitCsv) {
    form.set('data/boost-moldova-2014.csv', new Blob([readFileSync(new URL('data/boost-moldova-2014.csv', sample))]), 'x.csv');
  }
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  return app.request('/api/2/new', { method: 'POST', headers, body: form });
}

beforeAll(async () => {
  writer = (await createKey(db, keyName, [[name, 'write']])).key;
  reader = (await createKey(db, keyName, [[name, 'read']])).key;
});

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name } });
  await db.apiKey.deleteMany({ where: { name: keyName } });
});

describe('POST /api/2/new', () => {
  it('needs a key with write permission on the dataset', async () => {
    expect((await upload({}, { name })).status).toBe(401);
    const readOnly = await upload({ authorization: `ApiKey ${reader}` }, { name });
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toEqual({ errors: [`no write permission for dataset "${name}"`] });
    expect(await db.dataset.count({ where: { name } })).toBe(0);
  });

  it('loads an uploaded Fiscal Data Package, private on request, and keeps privacy on update', async () => {
    const created = await upload({ authorization: `ApiKey ${writer}` }, { name, private: 'true' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ status: 'ok', dataset: name, family: 'cube', rows: 2000, private: true });
    const updated = await upload({ authorization: `ApiKey ${writer}` }, { name, private: 'false' });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { private: boolean }).private).toBe(true);
    expect(await db.dataset.findUniqueOrThrow({ where: { name } })).toMatchObject({ private: true });
  });

  it('explains what is missing from an upload', async () => {
    const missing = await upload({ authorization: `ApiKey ${writer}` }, { name }, true);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      errors: ['resource "data/boost-moldova-2014.csv" was not uploaded (send it as a part named by its path)'],
    });
    const urls = await upload({ authorization: `ApiKey ${writer}` }, { name, csv_file: 'http://example.org/a.csv' });
    expect(urls.status).toBe(400);
  });
});
