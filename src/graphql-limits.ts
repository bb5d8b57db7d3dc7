import { getNamedType, getNullableType, isListType, type GraphQLOutputType } from 'graphql';
import { UserError } from './errors.js';

export interface GraphQLLimits {
  maxComplexity: number;
  maxDepth: number;
  maxBreadth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  introspection: boolean;
  /** A JSON file mapping operation ids (hashes) to documents. */
  persistedOperations?: string;
  /** Only persisted operations may run (arbitrary documents are refused). */
  requirePersisted: boolean;
  /** Seconds a query's result may be answered from the response cache (0: no response cache). */
  responseCacheSeconds: number;
}

export function whole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

export function graphqlLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): GraphQLLimits {
  const production = env.NODE_ENV === 'production';
  return {
    maxComplexity: whole(env, 'SPENDGRAPH_MAX_COMPLEXITY', 250_000),
    maxDepth: whole(env, 'SPENDGRAPH_MAX_DEPTH', 12),
    maxBreadth: whole(env, 'SPENDGRAPH_MAX_BREADTH', 400),
    maxAliases: whole(env, 'SPENDGRAPH_MAX_ALIASES', 30),
    maxTokens: whole(env, 'SPENDGRAPH_MAX_TOKENS', 4_000),
    maxDirectives: whole(env, 'SPENDGRAPH_MAX_DIRECTIVES', 30),
    introspection: (env.SPENDGRAPH_INTROSPECTION ?? 'on') !== 'off',
    persistedOperations: env.SPENDGRAPH_PERSISTED_OPERATIONS || undefined,
    requirePersisted: env.SPENDGRAPH_REQUIRE_PERSISTED === 'true' || (production && env.SPENDGRAPH_REQUIRE_PERSISTED === undefined && !!env.SPENDGRAPH_PERSISTED_OPERATIONS),
    responseCacheSeconds: ['', '0', undefined].includes(env.SPENDGRAPH_RESPONSE_CACHE_SECONDS) ? 0 : whole(env, 'SPENDGRAPH_RESPONSE_CACHE_SECONDS', 0),
  };
}

const sizeArguments = ['pageSize', 'pagesize', 'limit', 'rows', 'first', 'last'];
/** No list returns more rows than this, so a larger size argument is refused by its field, not priced. */
const largestPage = 10_000;

/**
 * Cost of a field for the complexity limit: 1, and its selections cost as many times as the rows it may return:
 * the page size argument when it has one, 10 for other lists and for connections without one. The `edges` and
 * `nodes` of a connection cost once: the connection already counted its rows. So `first: 1000` with ten fields
 * costs ~10,000.
 */
export function fieldComplexity(args: Record<string, unknown>, _ctx: unknown, field: { name: string; type: GraphQLOutputType }) {
  for (const name of sizeArguments) {
    const value = args[name];
    if (typeof value === 'number' && Number.isFinite(value)) return { field: 1, multiplier: Math.min(largestPage, Math.max(1, value)) };
  }
  const type = getNullableType(field.type);
  if (isListType(type)) {
    const item = getNamedType(type);
    const inConnection = (field.name === 'edges' && item.name.endsWith('Edge')) || field.name === 'nodes';
    return { field: 1, multiplier: inConnection ? 1 : 10 };
  }
  return { field: 1, multiplier: getNamedType(type).name.endsWith('Connection') ? 10 : 1 };
}

export function complexityError(kind: string, result: object): Error {
  const key = kind.toLowerCase();
  const values = result as Record<string, number | undefined>;
  const actual = values[key];
  const max = values[`max${kind}`];
  return new UserError('BAD_USER_INPUT', `query ${key} ${actual} exceeds the limit of ${max}`, {
    limit: key,
    actual,
    max,
  });
}
