import { cacheExchange, createClient, fetchExchange, type AnyVariables, type TypedDocumentNode } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';

/** The explorer is a client of the public GraphQL API like any other: queries go as GET, so answers are cacheable. */
export const client = createClient({
  url: '/graphql',
  exchanges: [cacheExchange, fetchExchange],
  preferGetMethod: 'within-url-limit',
});

export interface QueryState<T> {
  data?: T;
  error?: string;
  fetching: boolean;
}

/** Runs a typed query whenever its variables change; `pause` holds it until its inputs are known. */
export function useQuery<T, V extends AnyVariables>(document: TypedDocumentNode<T, V>, variables: V | null): QueryState<T> {
  const [state, setState] = useState<QueryState<T>>({ fetching: true });
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (variables === null) return;
    let current = true;
    setState((previous) => ({ data: previous.data, fetching: true }));
    client
      .query(document, variables)
      .toPromise()
      .then((result) => {
        if (!current) return;
        const messages = result.error?.graphQLErrors.map((e) => e.message) ?? [];
        const error = result.error ? (messages.length ? messages.join('; ') : result.error.message) : undefined;
        setState({ data: result.data ?? undefined, error, fetching: false });
      });
    return () => {
      current = false;
    };
  }, [document, key]);
  return state;
}
