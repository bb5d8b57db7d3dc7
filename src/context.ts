import type { YogaInitialContext } from 'graphql-yoga';
import { anonymous, type Principal } from './access/principal.js';
import type { GraphQLLimits } from './graphql-limits.js';

/** Per-request context: kept small and readonly. The database is the `db` singleton, not a context member. */
export interface Context {
  readonly request: Request;
  /** Who is calling, as authenticated by the HTTP layer. */
  readonly principal: Principal;
  /** Per-request caches (DataLoaders and the like), created lazily by whoever needs them. */
  readonly loaders: Map<string, unknown>;
  /** Complexity, depth and breadth limits the operation is checked against. */
  readonly complexityLimit: { complexity: number; depth: number; breadth: number };
}

export function createContext(
  initial: YogaInitialContext & { principal?: Principal },
  limits: Pick<GraphQLLimits, 'maxComplexity' | 'maxDepth' | 'maxBreadth'>,
): Context {
  return {
    request: initial.request,
    principal: initial.principal ?? anonymous,
    loaders: new Map(),
    complexityLimit: { complexity: limits.maxComplexity, depth: limits.maxDepth, breadth: limits.maxBreadth },
  };
}
