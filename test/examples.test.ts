import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createApolloClient } from '../examples/apollo/client.js';
import { demo as apolloDemo } from '../examples/apollo/demo.js';
import { createClient as createUrqlClient } from '../examples/urql/client.js';
import { demo as urqlDemo } from '../examples/urql/demo.js';
import { db } from '../src/db.js';
import { ingest } from '../src/shared/ingest/index.js';
import { app } from './helpers.js';

// The example clients run as a frontend would: over HTTP against the gateway, with their own caches.
const geonames = 'geonames-all-cities-with-a-population-1000';
const copy = 'examples-geonames-copy';
let server: ServerType;
let uri: string;
/** Method and status of every request the examples send. */
const requests: string[] = [];

beforeAll(async () => {
  await ingest(db, { path: 'samples/records/geonames-pl-ods-v1-export.json', name: copy });
  server = await new Promise<ServerType>((resolve) => {
    const fetch = async (request: Request) => {
      const response = await app.fetch(request);
      requests.push(`${request.method} ${response.status}`);
      return response;
    };
    const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db.dataset.deleteMany({ where: { name: copy } });
});

const options = { cube: 'cra', recordsDatasets: [geonames, copy] as [string, string], pageSize: 4 };

describe('examples/apollo', () => {
  it('normalises a cube asked twice into one entry, keeps records of two datasets apart and appends page two', async () => {
    requests.length = 0;
    const seen = await apolloDemo(createApolloClient({ uri }), options);
    // Automatic persisted queries: each new document is first asked for by hash alone over GET (404), then sent.
    expect(requests).toContain('GET 404');
    expect(requests.filter((line) => line === 'GET 200').length).toBeGreaterThan(0);
    expect(seen.datasets).toBeGreaterThanOrEqual(8);
    expect(seen.cube.entries).toBe(1);
    expect(seen.cube.fields).toEqual(expect.arrayContaining(['dimensions', 'measures', 'name', 'title']));
    expect(seen.cube.fields.map((field) => field.split(/[(:]/)[0])).toContain('facts');
    expect(seen.cube.dimensions).toBeGreaterThan(0);
    expect(seen.cube.facts).toBe(36);
    expect(seen.records.sameRecordId).toBe(true);
    expect(seen.records.distinctIds).toBe(true);
    expect(seen.records.entries).toBe(8);
    expect(seen.records.datasetsOfFirstRecord).toEqual([geonames, copy]);
    expect(seen.records.afterFetchMore).toBe(8);
    expect(seen.records.uniqueAfterFetchMore).toBe(8);
  });
});

describe('examples/urql', () => {
  it('answers a combined cube query from the normalised cache, keeps records apart and merges page two', async () => {
    const seen = await urqlDemo(createUrqlClient({ uri }), options);
    expect(seen.errors).toEqual([]);
    expect(seen.cube.fromCacheAlone).toBe(true);
    expect(seen.cube.dimensions).toBeGreaterThan(0);
    expect(seen.records.sameRecordId).toBe(true);
    expect(seen.records.distinctIds).toBe(true);
    expect(seen.records.cachedDatasets).toEqual([geonames]);
    expect(seen.records.afterNextPage).toBe(8);
    expect(seen.records.uniqueAfterNextPage).toBe(8);
  });
});
