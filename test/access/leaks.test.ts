import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/access/keys.js';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { accountModels } from '../awards/account-fixture.js';
import { entryId } from '../../src/cubes/query/v2.js';
import { app } from '../helpers.js';

// One private dataset per family; every door must answer for it exactly as for a dataset that does not exist,
// unless the caller's key can read it.
const secret = { cube: 'secret-cube', records: 'secret-records', awards: 'secret-awards', accounts: 'secret-accounts' };
const marker = 'zzyzxsecretword';
const work = mkdtempSync(join(tmpdir(), 'spendgraph-leaks-'));
const ACCOUNTS = 9_320_000;
let readerKey: string;

beforeAll(async () => {
  const cube = join(work, 'cube');
  cpSync(new URL('../../samples/cubes/uk-sample', import.meta.url), cube, { recursive: true });
  await ingest(db, { path: cube, name: secret.cube, private: true });

  const csv = join(work, 'secret.csv');
  writeFileSync(csv, `id,name,amount,lat,lon\n1,${marker} alpha,10,52.2,21.0\n2,${marker} beta,20,50.1,19.9\n`);
  writeFileSync(`${csv}.records.json`, JSON.stringify({ idColumn: 'id', latColumn: 'lat', lonColumn: 'lon', facets: ['name'] }));
  await ingest(db, { path: csv, name: secret.records, private: true });

  const awardsDir = join(work, 'awards');
  cpSync(new URL('../../samples/awards', import.meta.url), awardsDir, { recursive: true });
  await ingest(db, { path: join(awardsDir, 'usaspending_treasury_contracts.csv'), name: secret.awards, private: true });
  // An award fixture with Treasury accounts (ids from ACCOUNTS up), titled with the marker.
  await ingest(db, { path: accountModels(join(work, 'accounts.json'), ACCOUNTS, marker).path, name: secret.accounts, private: true });

  readerKey = (
    await createKey(db, `leaks-${process.pid}`, [[secret.cube, 'read'], [secret.records, 'read'], [secret.awards, 'read'], [secret.accounts, 'read']])
  ).key;
}, 300_000);

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name: { in: Object.values(secret) } } });
  await db.apiKey.deleteMany({ where: { name: `leaks-${process.pid}` } });
  rmSync(work, { recursive: true, force: true });
});

type Door = { name: string; path: string; method?: 'GET' | 'POST'; body?: unknown };

function call(door: Door, key?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `ApiKey ${key}`;
  return app.request(door.path, {
    method: door.method ?? 'GET',
    headers,
    body: door.body === undefined ? undefined : JSON.stringify(door.body),
  });
}

function gql(name: string, query: string, variables: Record<string, unknown> = {}): Door {
  return { name, path: '/graphql', method: 'POST', body: { query, variables } };
}

const lookups: Door[] = [
  { name: 'REST cube model', path: `/api/3/cubes/${secret.cube}/model` },
  { name: 'REST cube facts', path: `/api/3/cubes/${secret.cube}/facts` },
  { name: 'REST cube members', path: `/api/3/cubes/${secret.cube}/members/cofog1` },
  { name: 'REST cube aggregate', path: `/api/3/cubes/${secret.cube}/aggregate?drilldown=cofog1` },
  { name: 'REST cube package', path: `/api/3/info/${secret.cube}/package` },
  { name: 'REST legacy aggregate', path: `/api/2/aggregate?dataset=${secret.cube}` },
  { name: 'REST v2 dataset', path: `/${secret.cube}.json` },
  { name: 'REST v2 model', path: `/${secret.cube}/model.json` },
  { name: 'REST v2 dimensions', path: `/${secret.cube}/dimensions.json` },
  { name: 'REST v2 dimension', path: `/${secret.cube}/cofog1.json` },
  { name: 'REST v2 member', path: `/${secret.cube}/cofog1/04.json` },
  { name: 'REST v2 entry', path: `/${secret.cube}/entries/${entryId(secret.cube, 1)}.json` },
  { name: 'REST v2 search', path: `/api/2/search?dataset=${secret.cube}` },
  { name: 'REST records dataset', path: `/api/datasets/1.0/${secret.records}` },
  { name: 'REST records search', path: `/api/records/1.0/search?dataset=${secret.records}` },
  { name: 'REST record', path: `/api/datasets/1.0/${secret.records}/records/1` },
  { name: 'REST records analyze', path: `/api/records/1.0/analyze?dataset=${secret.records}&x=name&y.n.func=COUNT` },
  { name: 'REST records geocluster', path: `/api/records/1.0/geocluster?dataset=${secret.records}&clusterprecision=5&clusterdistance=50` },
  { name: 'REST records download', path: `/api/records/1.0/download?dataset=${secret.records}` },
];

const graphLookups: Door[] = [
  gql('GraphQL dataset', 'query($n: String!) { dataset(name: $n) { name } }', { n: secret.cube }),
  gql('GraphQL cube', 'query($n: String!) { cube(name: $n) { name } }', { n: secret.cube }),
  gql('GraphQL fact search', 'query($n: String!) { factSearch(cubes: [$n]) { totalCount } }', { n: secret.cube }),
  gql('GraphQL records', 'query($n: String!) { records(dataset: $n) { totalCount } }', { n: secret.records }),
];

// The financial-account routes of the private award fixture; `missing` names a dataset or row that does not exist.
const accountDoors: (Door & { missing: string })[] = [
  ...['tas', 'tas/balances', 'tas/categories', 'accounts/awards', 'federal_accounts'].map((route) => ({
    name: `/api/v1/${route}/`,
    path: `/api/v1/${route}/?dataset=${secret.accounts}`,
    missing: `/api/v1/${route}/?dataset=no-such-dataset`,
  })),
  ...['tas/balances/total', 'tas/categories/total', 'accounts/awards/total'].map((route) => ({
    name: `/api/v1/${route}/`,
    path: `/api/v1/${route}/`,
    method: 'POST' as const,
    body: { field: 'id', group: 'id', dataset: secret.accounts, aggregate: 'count' },
    missing: 'no-such-dataset',
  })),
  ...['tas', 'accounts/awards', 'awards'].map((route) => ({
    name: `/api/v1/${route}/<id>/`,
    path: `/api/v1/${route}/${ACCOUNTS + 1}/`,
    missing: `/api/v1/${route}/${ACCOUNTS + 999}/`,
  })),
  ...['tas', 'federal_accounts'].map((route) => ({
    name: `/api/v1/${route}/autocomplete/`,
    path: `/api/v1/${route}/autocomplete/`,
    method: 'POST' as const,
    body: { fields: ['account_title'], value: marker, matched_objects: true, dataset: secret.accounts },
    missing: 'no-such-dataset',
  })),
];

/** A door's answer without what names the request itself (the stored request's checksum and the page links). */
async function answer(door: Door): Promise<{ status: number; body: unknown }> {
  const response = await call(door);
  const text = await response.text();
  const named = [secret.accounts, 'no-such-dataset', String(ACCOUNTS + 1), String(ACCOUNTS + 999)];
  const body = JSON.parse(named.reduce((out, name) => out.replaceAll(name, 'X'), text)) as Record<string, unknown>;
  delete body.req;
  if (body.page_metadata) body.page_metadata = { ...(body.page_metadata as object), next: null, current: null, previous: null };
  return { status: response.status, body };
}

describe('a private dataset, to a caller who may not read it', () => {
  it.each(accountDoors)('answers $name exactly as for a missing dataset or row', async (door) => {
    const response = await call(door);
    expect(await response.text()).not.toContain(marker);
    const missing = door.body ? { ...door, body: { ...(door.body as object), dataset: door.missing } } : { ...door, path: door.missing };
    expect(await answer(door)).toEqual(await answer(missing));
  });

  it.each(lookups)('is missing through $name', async (door) => {
    const response = await call(door);
    // 404, or the dialect's own answer for an unknown dataset (OpenSpending's /api/2 answers 400).
    expect([400, 404]).toContain(response.status);
    expect(await response.text()).not.toContain(marker);
  });

  it.each(graphLookups)('is NOT_FOUND through $name', async (door) => {
    const response = await call(door);
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('answers exactly like a missing dataset', async () => {
    for (const door of lookups) {
      const missing = { ...door, path: door.path.replaceAll(/secret-(cube|records)/g, 'no-such-dataset') };
      const [a, b] = await Promise.all([call(door), call(missing)]);
      expect(a.status, door.name).toBe(b.status);
      expect((await a.text()).replaceAll(/secret-(cube|records)/g, 'X'), door.name).toBe(
        (await b.text()).replaceAll('no-such-dataset', 'X'),
      );
    }
  });

  it('never shows in catalog lists, facet counts or searches', async () => {
    const names = async (key?: string) => {
      const body = (await (await call(gql('all', '{ datasets(first: 1000) { nodes { name } } }'), key)).json()) as {
        data: { datasets: { nodes: { name: string }[] } };
      };
      return body.data.datasets.nodes.map((n) => n.name);
    };
    expect(await names()).not.toEqual(expect.arrayContaining([secret.cube]));
    expect(await names()).not.toContain(secret.records);
    expect(await names()).not.toContain(secret.awards);
    const cubes = await (await call({ name: 'cubes', path: '/api/3/cubes' })).text();
    expect(cubes).not.toContain(secret.cube);
    const v2 = await (await call({ name: 'v2 datasets', path: '/datasets.json' })).text();
    expect(v2).not.toContain(secret.cube);
    const facets = await (await call({ name: 'v2 search', path: '/api/2/search?pagesize=0&facet_field=dataset' })).text();
    expect(facets).not.toContain(secret.cube);
    const graphSearch = await (await call(gql('facts', '{ factSearch(first: 1000) { nodes { cube { name } } } }'))).text();
    expect(graphSearch).not.toContain(secret.cube);
    const catalog = await (await call({ name: 'catalog', path: `/api/datasets/1.0/search?rows=1000&facet=publisher&facet=theme&facet=keyword` })).text();
    expect(catalog).not.toContain(secret.records);
    const anywhere = await (await call({ name: 'q', path: `/api/datasets/1.0/search?q=${marker}` })).json();
    expect((anywhere as { nhits: number }).nhits).toBe(0);
  });

  it('adds nothing to award lists, totals or autocomplete', async () => {
    const total = async (key?: string) => {
      const response = await call(
        { name: 'total', path: '/api/v1/awards/total/', method: 'POST', body: { field: 'total_obligation', aggregate: 'count', group: 'type' } },
        key,
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { results: { aggregate: string | number }[] };
      return body.results.reduce((sum, row) => sum + Number(row.aggregate), 0);
    };
    const list = async (key?: string) => {
      const body = (await (await call({ name: 'list', path: '/api/v1/awards/?limit=1' }, key)).json()) as {
        page_metadata: { count?: number; total?: number };
      };
      return body.page_metadata;
    };
    const anonymousTotal = await total();
    const readerTotal = await total(readerKey);
    expect(readerTotal).toBeGreaterThan(anonymousTotal);
    expect(await list()).not.toEqual(await list(readerKey));
    const matchedIds = async (key?: string) => {
      const response = await call(
        {
          name: 'autocomplete',
          path: '/api/v1/awards/autocomplete/',
          method: 'POST',
          body: { fields: ['description'], value: 'a', limit: 500, matched_objects: true },
        },
        key,
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { matched_objects: { description: { id: number }[] } };
      return new Set(body.matched_objects.description.map((award) => award.id));
    };
    const [anonymousIds, readerIds] = [await matchedIds(), await matchedIds(readerKey)];
    const secretIds = new Set(
      (await db.award.findMany({ where: { dataset: { name: secret.awards } }, select: { id: true } })).map((a) => a.id),
    );
    expect([...anonymousIds].some((id) => secretIds.has(id))).toBe(false);
    expect([...readerIds].some((id) => secretIds.has(id))).toBe(true);
  });
});

describe('a private dataset, to a key that may read it', () => {
  it.each(lookups)('is served through $name', async (door) => {
    const response = await call(door, readerKey);
    expect(response.status).toBe(200);
  });

  it.each(accountDoors)('serves the financial accounts through $name', async (door) => {
    const response = await call(door, readerKey);
    expect(response.status).toBe(200);
    const text = await response.text();
    // Balances carry no titles; every other answer shows a TAS or federal account titled with the marker.
    if (!/balances|categories|total/.test(door.name)) expect(text).toContain(marker);
    expect(text).not.toMatch(/"count":0|"results":\[\]|"results":\{"account_title":\[\]\}/);
  });

  it('is listed in the catalog', async () => {
    const body = (await (await call(gql('all', '{ datasets(first: 1000) { nodes { name } } }'), readerKey)).json()) as {
      data: { datasets: { nodes: { name: string }[] } };
    };
    expect(body.data.datasets.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(Object.values(secret)));
  });
});

