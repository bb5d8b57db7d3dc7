/**
 * What a frontend does with Spendgraph through Apollo Client, in three steps, returning what it saw so that the
 * test suite (and a reader) can check it: one cube asked twice is one cache entry; the same record id in two
 * datasets is two cache entries; page two of a connection is appended to page one.
 */
import type { ApolloClient } from '@apollo/client';
import { Catalog, CubeFacts, CubeModel, RecordsPage } from './operations.js';

export interface DemoOptions {
  cube: string;
  /** Two records datasets holding the same record ids (e.g. one source loaded under two names). */
  recordsDatasets: [string, string];
  pageSize: number;
}

export async function demo(client: ApolloClient, options: DemoOptions) {
  const catalog = await client.query({ query: Catalog, variables: { first: 5 } });

  const model = await client.query({ query: CubeModel, variables: { name: options.cube } });
  const facts = await client.query({ query: CubeFacts, variables: { name: options.cube, first: 2 } });
  const cubeId = model.data?.cube?.id;
  const cache = client.cache.extract() as Record<string, Record<string, unknown>>;
  const cubeEntries = Object.keys(cache).filter((key) => key.startsWith('Cube:'));
  const cubeEntry = cubeId ? cache[`Cube:${cubeId}`] : undefined;

  const [first, second] = options.recordsDatasets;
  const a = await client.query({ query: RecordsPage, variables: { dataset: first, first: options.pageSize } });
  const b = await client.query({ query: RecordsPage, variables: { dataset: second, first: options.pageSize } });
  const aFirst = a.data?.records?.edges[0]?.node;
  const bFirst = b.data?.records?.edges[0]?.node;
  const recordEntries = Object.keys(client.cache.extract() as object).filter((key) => key.startsWith('Record:')).length;

  // Page two of the same list, fetched from the network as `fetchMore` does in a component (the cache alone would
  // answer with page one): relayStylePagination appends it to the cached list.
  const after = a.data?.records?.pageInfo.endCursor;
  await client.query({ query: RecordsPage, variables: { dataset: first, first: options.pageSize, after }, fetchPolicy: 'network-only' });
  const merged = client.readQuery({ query: RecordsPage, variables: { dataset: first, first: options.pageSize } });

  return {
    datasets: catalog.data?.datasets.totalCount ?? 0,
    cube: {
      id: cubeId,
      entries: cubeEntries.length,
      /** Fields of the one cache entry: both queries' fields are there. */
      fields: cubeEntry ? Object.keys(cubeEntry).sort() : [],
      dimensions: model.data?.cube?.dimensions.length ?? 0,
      facts: facts.data?.cube?.facts.totalCount ?? 0,
    },
    records: {
      sameRecordId: !!aFirst && aFirst.recordId === bFirst?.recordId,
      distinctIds: !!aFirst && !!bFirst && aFirst.id !== bFirst.id,
      entries: recordEntries,
      datasetsOfFirstRecord: [aFirst?.dataset.name, bFirst?.dataset.name],
      afterFetchMore: merged?.records?.edges.length ?? 0,
      uniqueAfterFetchMore: new Set(merged?.records?.edges.map((edge) => edge.node.id)).size,
    },
  };
}
