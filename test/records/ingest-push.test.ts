import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { detectLoader, ingest } from '../../src/shared/ingest/index.js';
import { createKey } from '../../src/access/keys.js';
import { searchRecords } from '../../src/records/query/search.js';
import { graphql } from '../gql/index.js';
import type { RecordsPushMutation } from '../gql/graphql.js';
import { app, errorCodes, type GraphQLResult } from '../helpers.js';
import { exported } from './expected.js';
import { GEONAMES, geonames, samplePath } from './fixture.js';

const RecordsPush = graphql(`
  mutation RecordsPush($input: PushRecordsInput!) {
    pushRecords(input: $input) {
      count
      recordIds
    }
  }
`);

beforeAll(geonames);

describe('records loaders', () => {
  it('loads the ODS JSON export keeping dataset and record ids, with inferred types and facets', async () => {
    expect((await detectLoader(samplePath('geonames-pl-ods-v1-export.json'))).id).toBe('ods-json');
    const dataset = await db.dataset.findUniqueOrThrow({
      where: { name: GEONAMES },
      include: { fields: { orderBy: { position: 'asc' } }, _count: { select: { records: true } } },
    });
    expect(dataset).toMatchObject({ family: 'RECORDS', loader: 'ods-json', license: 'CC BY 4.0' });
    expect(dataset._count.records).toBe(2874);
    const types = Object.fromEntries(dataset.fields.map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      coordinates: 'geo_point_2d',
      population: 'int',
      dem: 'int',
      name: 'text',
      geoname_id: 'text',
      modification_date: 'date',
    });
    expect(dataset.fields.find((f) => f.name === 'modification_date')?.annotations).toEqual({ facet: true, hierarchical: true });
    const ids = await db.record.findMany({ where: { datasetId: dataset.id }, select: { recordId: true } });
    expect(new Set(ids.map((r) => r.recordId))).toEqual(new Set(exported.map((r) => r.recordid)));
  });

  it('loads the ODS CSV export with label headers and "lat,lon" points', async () => {
    const path = samplePath('geonames-pl-ods-export.csv');
    expect((await detectLoader(path)).id).toBe('ods-csv');
    const result = await ingest(db, { path, name: 'records-test-csv' });
    expect(result).toMatchObject({ family: 'RECORDS', rows: 2874 });
    const fields = await db.recordField.findMany({ where: { datasetId: result.datasetId }, orderBy: { position: 'asc' } });
    expect(fields.slice(0, 3).map((f) => [f.name, f.label])).toEqual([
      ['geoname_id', 'Geoname ID'],
      ['name', 'Name'],
      ['ascii_name', 'ASCII Name'],
    ]);
    expect(Object.fromEntries(fields.map((f) => [f.name, f.type]))).toMatchObject({ coordinates: 'geo_point_2d', population: 'int', cou_name_en: 'text', dem: 'int' });
    const nulls = await searchRecords({ dataset: 'records-test-csv', q: '#null(elevation)', rows: 0 });
    expect(nulls.nhits).toBe(2862);
    const warsaw = await searchRecords({ dataset: 'records-test-csv', q: '#exact(geoname_id, "756135")', rows: 1 });
    expect(warsaw.records[0]).toMatchObject({ recordid: '756135', fields: { name: 'Warsaw', coordinates: [52.22977, 21.01178] } });
  });

  it('loads a generic CSV with a sidecar naming the id and lat/lon columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-'));
    const file = join(dir, 'grants.csv');
    writeFileSync(file, 'grant_id,recipient,amount,awarded,lat,lon\nG-1,Café Zoë,1200.50,2021-03-04,48.85,2.35\nG-2,Atelier,99,2022-01-01,,\n');
    writeFileSync(`${file}.records.json`, JSON.stringify({ name: 'records-test-grants', idColumn: 'grant_id', latColumn: 'lat', lonColumn: 'lon' }));
    expect((await detectLoader(file)).id).toBe('records');
    await ingest(db, { path: file });
    const all = await searchRecords({ dataset: 'records-test-grants', sort: ['-amount'] });
    expect(all.records.map((r) => [r.recordid, r.fields.amount, r.geometry])).toEqual([
      ['G-2', 99, null],
      ['G-1', 1200.5, { type: 'Point', coordinates: [2.35, 48.85] }],
    ]);
    expect((await searchRecords({ dataset: 'records-test-grants', q: 'cafe zoe awarded < 2022' })).nhits).toBe(1);
    expect((await searchRecords({ dataset: 'records-test-grants', geofilter: { distance: { lat: 48.85, lon: 2.35, meters: 10 } } })).nhits).toBe(1);
  });
});

describe('push', () => {
  async function pushDataset(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'records-push-'));
    const file = join(dir, 'sensors.json');
    writeFileSync(file, JSON.stringify([{ sensor: 'a', value: 1.5, at: '2024-01-01T10:00:00Z', where: [45.1, 5.7] }]));
    writeFileSync(`${file}.records.json`, JSON.stringify({ name: 'records-test-push' }));
    await ingest(db, { path: file });
    return 'records-test-push';
  }

  it('adds records with a key granting write access, and refuses others', async () => {
    const dataset = await pushDataset();
    const writer = (await createKey(db, 'records-test-writer', [[dataset, 'write']])).key;
    const reader = (await createKey(db, 'records-test-reader', [[dataset, 'read']])).key;
    const url = `/api/push/1.0/${dataset}/realtime/push/`;
    const body = JSON.stringify([{ sensor: 'b', value: 2, at: '2024-01-02T10:00:00Z', where: '45.2, 5.8' }]);
    const post = (headers: Record<string, string>, path = url, payload = body) =>
      app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });

    const anonymous = await post({});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ errorcode: 401 });
    expect((await post({ authorization: `ApiKey ${reader}` })).status).toBe(403);
    expect((await post({ authorization: 'ApiKey wrong' })).status).toBe(401);
    const anonymousBody = (await (await post({})).json()) as any;
    expect(anonymousBody.error).toMatch(/an API key is required/);
    const ok = await post({ authorization: `ApiKey ${writer}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'OK', count: 1 });
    expect((await post({}, `${url}?apikey=${writer}`)).status).toBe(200);
    const bad = await post({ authorization: `ApiKey ${writer}` }, url, JSON.stringify({ sensor: 'c', value: 'high' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toBe('records[0].value: expected a number for double field "value"');

    const found = await searchRecords({ dataset, q: 'sensor:b' });
    expect(found.nhits).toBe(1);
    expect(found.records[0]?.fields).toEqual({ sensor: 'b', value: 2, at: '2024-01-02T10:00:00Z', where: [45.2, 5.8] });
    expect((await searchRecords({ dataset, geofilter: { distance: { lat: 45.2, lon: 5.8, meters: 100 } } })).nhits).toBe(1);

    // Raw HTTP on purpose: the API key travels in a header.
    const run = (headers: Record<string, string>) =>
      Promise.resolve(app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: print(RecordsPush), variables: { input: { dataset, records: [{ sensor: 'd', value: 4 }] } } }),
      })).then((r) => r.json() as Promise<GraphQLResult<RecordsPushMutation>>);
    expect(errorCodes(await run({}))).toEqual(['UNAUTHENTICATED']);
    const pushed = await run({ authorization: `ApiKey ${writer}` });
    expect(pushed.data!.pushRecords.count).toBe(1);
    expect((await searchRecords({ dataset })).nhits).toBe(3); // "b" was pushed twice: one copy
  });
});

describe('catalog', () => {
  it('searches datasets with the query language and facets', async () => {
    const response = await app.request(`/api/datasets/1.0/search?${new URLSearchParams({ q: 'geonames AND records_count > 2000', facet: 'publisher', rows: '100' })}`);
    const body = (await response.json()) as any;
    expect(body.datasets.map((d: any) => d.datasetid)).toContain(GEONAMES);
    const geo = body.datasets.find((d: any) => d.datasetid === GEONAMES);
    expect(geo.metas).toMatchObject({ publisher: 'GeoNames', records_count: 2874, family: 'RECORDS' });
    expect(geo.fields.find((f: any) => f.name === 'feature_code').annotations).toEqual([{ name: 'facet' }]);
    expect(body.facet_groups[0].facets.find((f: any) => f.name === 'GeoNames').count).toBeGreaterThanOrEqual(1);
    const refined = (await (await app.request('/api/datasets/1.0/search?refine.family=RECORDS&rows=1000')).json()) as any;
    expect(refined.datasets.every((d: any) => d.metas.family === 'RECORDS')).toBe(true);
    const one = (await (await app.request(`/api/datasets/1.0/${GEONAMES}`)).json()) as any;
    expect(one).toMatchObject({ datasetid: GEONAMES, has_records: true });
    expect((await app.request('/api/datasets/1.0/no-such-dataset')).status).toBe(404);
  });
});

describe('private datasets', () => {
  it('are visible only to keys that may read them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-private-'));
    const file = join(dir, 'secret.json');
    writeFileSync(file, JSON.stringify([{ code: 'x', amount: 1 }]));
    writeFileSync(`${file}.records.json`, JSON.stringify({ name: 'records-test-private' }));
    await ingest(db, { path: file, private: true });
    const reader = (await createKey(db, 'records-test-private-reader', [['records-test-private', 'read']])).key;
    const url = '/api/records/1.0/search?dataset=records-test-private';
    expect((await app.request(url)).status).toBe(404);
    const allowed = await app.request(url, { headers: { authorization: `ApiKey ${reader}` } });
    expect(((await allowed.json()) as any).nhits).toBe(1);
    const catalog = async (headers: Record<string, string>) =>
      ((await (await app.request('/api/datasets/1.0/search?q=datasetid:records-test-private&rows=100', { headers })).json()) as any).nhits;
    expect(await catalog({})).toBe(0);
    expect(await catalog({ authorization: `ApiKey ${reader}` })).toBe(1);
  });
});
