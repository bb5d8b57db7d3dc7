/**
 * A typed Apollo Client 4 for Spendgraph: a normalised cache keyed by the global `id` of every Node, Relay-style
 * pagination that appends pages, and automatic persisted queries sent as cacheable GET requests.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import introspection from './gql/possible-types.js';

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  uri: string;
  /** An API key, for private datasets. */
  apiKey?: string;
}

/**
 * The cache policy Spendgraph's schema needs. Every cacheable type implements `Node`, so the default key
 * (`__typename` + `id`) is right for all of them; only the connections need to know which arguments select a
 * different list (everything but the paging arguments) so that `fetchMore` appends pages to the right one.
 */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    possibleTypes: introspection.possibleTypes,
    typePolicies: {
      Query: {
        fields: {
          datasets: relayStylePagination(['q', 'filter', 'refine', 'exclude', 'orderBy']),
          cubes: relayStylePagination(),
          records: relayStylePagination(['dataset', 'q', 'filter', 'geofilter', 'refine', 'exclude', 'disjunctive', 'orderBy']),
          awards: relayStylePagination(['dataset', 'filter', 'orderBy']),
          transactions: relayStylePagination(['dataset', 'filter', 'orderBy']),
        },
      },
      Cube: {
        fields: {
          facts: relayStylePagination(['cut', 'filter', 'fields', 'orderBy', 'fiscalYearStart']),
        },
      },
    },
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function createClient({ uri, apiKey }: ClientOptions): ApolloClient {
  const http = new HttpLink({ uri, headers: apiKey ? { authorization: `ApiKey ${apiKey}` } : {} });
  // Queries go out as GET with only their hash; the first time the server asks for the document and keeps it.
  const persisted = new PersistedQueryLink({ sha256, useGETForHashedQueries: true });
  return new ApolloClient({ link: persisted.concat(http), cache: createCache() });
}
