/**
 * What a frontend does with Spendgraph through urql and Graphcache, returning what it saw: one cube asked twice is
 * one normalised entity (a query combining both is answered from the cache alone); the same record id in two
 * datasets stays two entities; page two of a connection is merged after page one.
 */
import type { Client } from '@urql/core';
import { CubeBoth, CubeFacts, CubeModel, RecordsPage } from './operations.js';

export interface DemoOptions {
  cube: string;
  recordsDatasets: [string, string];
  pageSize: number;
}

export async function demo(client: Client, options: DemoOptions) {
  const model = await client.query(CubeModel, { name: options.cube }).toPromise();
  await client.query(CubeFacts, { name: options.cube }).toPromise();
  const both = await client.query(CubeBoth, { name: options.cube }, { requestPolicy: 'cache-only' }).toPromise();

  const [first, second] = options.recordsDatasets;
  const a = await client.query(RecordsPage, { dataset: first, first: options.pageSize }).toPromise();
  const b = await client.query(RecordsPage, { dataset: second, first: options.pageSize }).toPromise();
  const again = await client.query(RecordsPage, { dataset: first, first: options.pageSize }, { requestPolicy: 'cache-only' }).toPromise();

  const next = await client
    .query(RecordsPage, { dataset: first, first: options.pageSize, after: a.data?.records?.pageInfo.endCursor })
    .toPromise();

  return {
    errors: [model, a, b, next].flatMap((result) => (result.error ? [result.error.message] : [])),
    cube: {
      id: model.data?.cube?.id,
      fromCacheAlone: both.data?.cube?.id === model.data?.cube?.id && (both.data?.cube?.facts.totalCount ?? 0) > 0,
      dimensions: both.data?.cube?.dimensions.length ?? 0,
    },
    records: {
      sameRecordId: a.data?.records?.edges[0]?.node.recordId === b.data?.records?.edges[0]?.node.recordId,
      distinctIds: a.data?.records?.edges[0]?.node.id !== b.data?.records?.edges[0]?.node.id,
      cachedDatasets: [...new Set(again.data?.records?.edges.map((edge) => edge.node.dataset.name))],
      afterNextPage: next.data?.records?.edges.length ?? 0,
      uniqueAfterNextPage: new Set(next.data?.records?.edges.map((edge) => edge.node.id)).size,
    },
  };
}
