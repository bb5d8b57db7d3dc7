import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/access/keys.js';
import { db } from '../../src/db.js';
import { app } from '../helpers.js';
import { counted, exactSum, ukRows } from './v2-samples.js';

// OpenSpending's loading API by URL: the server fetches a v2 model and a CSV (or a budget data package) from a
// fixture server on the loopback address, which SPENDGRAPH_LOAD_ALLOW_HOSTS allows.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;

const name = `v2-load-${process.pid}`;
const bdpName = `v2-bdp-${process.pid}`;
const keyName = `v2-loading-${process.pid}`;
const ukCsv = readFileSync(new URL('../../samples/cubes/uk-sample/dataset.csv', import.meta.url));

const model = {
  dataset: { name, label: 'CRA by URL', description: 'The UK CRA sample loaded by URL', currency: 'GBP', category: 'spending', languages: ['en'], territories: ['GB'] },
  mapping: {
    amount: { type: 'measure', label: 'Amount', datatype: 'float', column: 'amount' },
    time: { type: 'date', label: 'Date', datatype: 'date', column: 'time' },
    unique_id: { type: 'attribute', label: 'Row', datatype: 'string', column: 'unique_id', key: true },
    region: { type: 'attribute', label: 'Region', datatype: 'string', column: 'region_name' },
    from: {
      type: 'compound',
      label: 'Paid from',
      attributes: { name: { datatype: 'id', column: 'from_name' }, label: { datatype: 'string', column: 'from_label' } },
    },
    cofog1: {
      type: 'compound',
      label: 'COFOG 1',
      attributes: { name: { datatype: 'id', column: 'cofog1_name' }, label: { datatype: 'string', column: 'cofog1_label' } },
    },
  },
  views: [{ name: 'default', label: 'By function', dimension: 'dataset', drilldown: 'cofog1' }],
};

const budget = 'id,amount,admin,adminID,functional,date\n1,1000.10,Ministry of Tests,MT,Testing,2014-01-01\n2,2000.25,Ministry of Tests,MT,Checking,2014-02-01\n3,500.05,Office of Proof,OP,Testing,2014-03-01\n';
const bdp = {
  name: bdpName,
  title: 'A budget data package',
  resources: [{ name: 'budget', path: 'budget.csv', currency: 'EUR', fiscalYear: '2014', granularity: 'aggregated', type: 'expenditure', location: 'DE' }],
};

const files: Record<string, { type: string; body: string | Buffer }> = {
  '/model.json': { type: 'application/json', body: JSON.stringify(model) },
  '/data.csv': { type: 'text/csv', body: ukCsv },
  '/broken.json': { type: 'application/json', body: '{"dataset": ' },
  '/bad-model.json': { type: 'application/json', body: JSON.stringify({ dataset: { ...model.dataset, currency: 'XXX1' }, mapping: { amount: model.mapping.amount } }) },
  '/bdp/datapackage.json': { type: 'application/json', body: JSON.stringify(bdp) },
  '/bdp/budget.csv': { type: 'text/csv', body: budget },
};

let server: Server;
let base: string;
let writer: string;
let other: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    if (req.url === '/elsewhere') {
      res.writeHead(302, { location: 'http://10.1.2.3/model.json' }).end();
      return;
    }
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end('not here');
    res.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.SPENDGRAPH_LOAD_ALLOW_HOSTS = '127.0.0.1';
  // Versions replaced by this file's reloads are purged within it, not in the middle of a later file's statement counts.
  process.env.SPENDGRAPH_RETIRED_GRACE_SECONDS = '0';
  writer = (await createKey(db, keyName, [['*', 'write']])).key;
  other = (await createKey(db, keyName, [['someone-else', 'write']])).key;
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const key of ['SPENDGRAPH_LOAD_ALLOW_HOSTS', 'SPENDGRAPH_RETIRED_GRACE_SECONDS', 'SPENDGRAPH_LOAD_MAX_BYTES', 'SPENDGRAPH_LOAD_TIMEOUT_SECONDS']) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await db.dataset.deleteMany({ where: { name: { in: [name, bdpName] } } });
  await db.apiKey.deleteMany({ where: { name: keyName } });
});

async function post(query: Record<string, string>, key?: string): Promise<{ status: number; body: Data }> {
  const headers: Record<string, string> = key ? { authorization: `ApiKey ${key}` } : {};
  const response = await app.request(`/api/2/new?${new URLSearchParams(query)}`, { method: 'POST', headers });
  return { status: response.status, body: await response.json() };
}

const get = async (path: string) => {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as Data };
};

describe('POST /api/2/new with csv_file and metadata URLs', () => {
  it('is refused without a key, and says which URL is missing', async () => {
    expect((await post({ csv_file: `${base}/data.csv`, metadata: `${base}/model.json` })).status).toBe(401);
    expect(await db.dataset.count({ where: { name } })).toBe(0);
    expect(await post({ csv_file: `${base}/data.csv` }, writer)).toEqual({ status: 400, body: { errors: 'metadata is missing' } });
    expect(await post({ metadata: `${base}/model.json` }, writer)).toEqual({ status: 400, body: { errors: 'csv_file is missing' } });
  });

  it('refuses a model that does not parse or is not well formed, saying why', async () => {
    expect(await post({ csv_file: `${base}/data.csv`, metadata: `${base}/broken.json` }, writer)).toEqual({
      status: 400,
      body: { errors: 'JSON model could not be parsed' },
    });
    const bad = await post({ csv_file: `${base}/data.csv`, metadata: `${base}/bad-model.json` }, writer);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toBe('Model is not well formed');
    expect(bad.body.details).toEqual(
      expect.arrayContaining([expect.stringContaining('dataset.currency'), expect.stringContaining('mapping.time'), expect.stringContaining('"key": true')]),
    );
  });

  it('fetches only http(s) from public addresses, unless the operator allows the host; redirects are checked too', async () => {
    delete process.env.SPENDGRAPH_LOAD_ALLOW_HOSTS;
    const local = await post({ csv_file: `${base}/data.csv`, metadata: `${base}/model.json` }, writer);
    expect(local).toEqual({ status: 400, body: { errors: '127.0.0.1 is not a public address' } });
    const named = await post({ csv_file: `${base}/data.csv`, metadata: base.replace('127.0.0.1', 'localhost') + '/model.json' }, writer);
    expect(named.status).toBe(400);
    expect(named.body.errors).toMatch(/^localhost resolves to .*, which is not a public address$/);
    process.env.SPENDGRAPH_LOAD_ALLOW_HOSTS = '127.0.0.1';
    const file = await post({ csv_file: 'file:///etc/passwd', metadata: `${base}/model.json` }, writer);
    expect(file).toEqual({ status: 400, body: { errors: 'only http and https URLs are fetched, not file:' } });
    const redirected = await post({ csv_file: `${base}/data.csv`, metadata: `${base}/elsewhere` }, writer);
    expect(redirected).toEqual({ status: 400, body: { errors: '10.1.2.3 is not a public address' } });
    expect(await db.dataset.count({ where: { name } })).toBe(0);
  });

  it('stops at the size limit and the timeout', async () => {
    process.env.SPENDGRAPH_LOAD_MAX_BYTES = '1000';
    const big = await post({ csv_file: `${base}/data.csv`, metadata: `${base}/model.json` }, writer);
    expect(big).toEqual({ status: 400, body: { errors: `${base}/data.csv is larger than 1000 bytes (SPENDGRAPH_LOAD_MAX_BYTES)` } });
    delete process.env.SPENDGRAPH_LOAD_MAX_BYTES;
    process.env.SPENDGRAPH_LOAD_TIMEOUT_SECONDS = '0.5';
    const slow = await post({ csv_file: `${base}/data.csv`, metadata: `${base}/slow` }, writer);
    expect(slow).toEqual({ status: 400, body: { errors: `fetching ${base}/slow took longer than 0.5 s` } });
    delete process.env.SPENDGRAPH_LOAD_TIMEOUT_SECONDS;
  });

  it('loads the CSV as the model says and answers the dataset object; every v2 route then serves it', async () => {
    const { status, body } = await post({ csv_file: `${base}/data.csv`, metadata: `${base}/model.json` }, writer);
    expect(status).toBe(200);
    expect(body).toMatchObject({ name, label: 'CRA by URL', currency: 'GBP', category: 'spending', territories: ['GB'], languages: ['en'] });
    expect(await db.dataset.findUniqueOrThrow({ where: { name } })).toMatchObject({ private: false, family: 'CUBE' });

    const search = await get(`/api/2/search?dataset=${name}&pagesize=0&stats=true&facet_field=from`);
    expect(search.body.stats).toMatchObject({ results_count_query: ukRows.length, sum: Number(exactSum(ukRows.map((r) => r.amount!))) });
    // `id` columns are slugs: "Dept020" is loaded as "dept020".
    expect(search.body.facets.from).toEqual(counted(ukRows.map((r) => r.from_name!.toLowerCase())).slice(0, 100));
    const aggregate = await get(`/api/2/aggregate?dataset=${name}&drilldown=cofog1`);
    expect(aggregate.body.summary.num_entries).toBe(ukRows.length);
    const modelBack = await get(`/${name}/model.json`);
    expect(modelBack.body.views).toEqual(model.views);
    expect(modelBack.body.mapping.from.type).toBe('compound');
    const time = await get(`/${name}/time/${ukRows[0]!.time}.json`);
    expect(time.body).toMatchObject({ name: ukRows[0]!.time, year: ukRows[0]!.time!.slice(0, 4), taxonomy: 'time' });
  });

  it('an update needs write permission on the dataset and keeps its privacy and model', async () => {
    expect((await post({ csv_file: `${base}/data.csv`, metadata: `${base}/model.json` }, other)).status).toBe(403);
    await db.dataset.update({ where: { name }, data: { private: true } });
    const again = await post({ csv_file: `${base}/data.csv`, metadata: `${base}/model.json`, private: 'false' }, writer);
    expect(again.status).toBe(200);
    expect(await db.dataset.findUniqueOrThrow({ where: { name } })).toMatchObject({ private: true });
    expect((await get(`/${name}.json`)).status).toBe(404);
  });
});

describe('POST /api/2/new with budget_data_package', () => {
  it('loads each resource of the package with the mapping of its known columns', async () => {
    const { status, body } = await post({ budget_data_package: `${base}/bdp/datapackage.json`, private: 'false' }, writer);
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: bdpName, label: bdp.title, currency: 'EUR', category: 'budget', territories: ['DE'], default_time: '2014' });
    const search = await get(`/api/2/search?dataset=${bdpName}&stats=true&facet_field=from|functional`);
    expect(search.body.stats).toMatchObject({ results_count_query: 3, sum: 3500.4 });
    expect(search.body.facets.from).toEqual([['mt', 2], ['op', 1]]);
    expect(search.body.facets.functional).toEqual([['testing', 2], ['checking', 1]]);
  });
});
