/**
 * A typed urql 6 client for Spendgraph with Graphcache: normalised by the global `id` of every Node, schema-aware
 * (the introspection codegen writes), and Relay pagination that merges pages of a connection.
 */
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange, type KeyingConfig } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import schema from './gql/introspection.js';

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  uri: string;
  /** An API key, for private datasets. */
  apiKey?: string;
}

/**
 * Types without an `id` (connections, edges, page info, facet counts, aggregate cells …) have no identity of their
 * own: Graphcache stores them inside their parent. Every other type implements Node and is keyed by its id.
 */
function embeddedTypes(): KeyingConfig {
  const keys: KeyingConfig = {};
  for (const type of schema.__schema.types) {
    if (type.kind !== 'OBJECT' || type.name.startsWith('__')) continue;
    const fields = 'fields' in type && Array.isArray(type.fields) ? type.fields : [];
    if (!fields.some((field: { name: string }) => field.name === 'id')) keys[type.name] = () => null;
  }
  return keys;
}

export function createClient({ uri, apiKey }: ClientOptions): Client {
  return new Client({
    url: uri,
    // Queries go as GET (cacheable: Spendgraph answers them with ETag and Cache-Control) while the URL stays short.
    preferGetMethod: 'within-url-limit',
    fetchOptions: { headers: apiKey ? { authorization: `ApiKey ${apiKey}` } : {} },
    exchanges: [
      cacheExchange({
        schema,
        keys: embeddedTypes(),
        resolvers: {
          Query: { records: relayPagination(), datasets: relayPagination(), awards: relayPagination(), transactions: relayPagination() },
          Cube: { facts: relayPagination() },
        },
      }),
      fetchExchange,
    ],
  });
}
