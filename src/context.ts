import type { YogaInitialContext } from 'graphql-yoga';

/** Per-request context: kept small and readonly. The database is the `db` singleton, not a context member. */
export interface Context {
  readonly request: Request;
  /** Per-request caches (DataLoaders and the like), created lazily by whoever needs them. */
  readonly loaders: Map<string, unknown>;
}

export function createContext(initial: Pick<YogaInitialContext, 'request'>): Context {
  return { request: initial.request, loaders: new Map() };
}
