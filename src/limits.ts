import { whole } from './graphql-limits.js';

/** Bounds on the work one REST or GraphQL request may ask for; each refusal names its variable. */
export interface RequestLimits {
  /** Bytes of a request body (uploads to /api/2/new and pushes have their own limits). */
  maxBody: number;
  /** Characters of a URL's query string. */
  maxQueryString: number;
  /** Nesting of `[`/`{` in a JSON body or parameter (GraphQL variables, USAspending filters). */
  maxJsonDepth: number;
  /** Words, phrases, operators and functions in one records `q`. */
  maxQueryTerms: number;
  /** Nesting of parentheses in one records `q`. */
  maxQueryDepth: number;
  /** Nesting of and/or/not in a filter tree. */
  maxFilterDepth: number;
  /** Values in one `in` list. */
  maxList: number;
  /** Points of a geofilter polygon. */
  maxPolygonPoints: number;
  /** Characters of one analyze expression. */
  maxExpression: number;
  /** Milliseconds one SQL statement may run (0 = no limit). */
  statementTimeout: number;
}

function wholeOrZero(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of milliseconds (0 = no limit), got "${raw}"`);
  return value;
}

export function requestLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RequestLimits {
  return {
    maxBody: whole(env, 'SPENDGRAPH_MAX_BODY', 1_048_576),
    maxQueryString: whole(env, 'SPENDGRAPH_MAX_QUERY_STRING', 65_536),
    maxJsonDepth: whole(env, 'SPENDGRAPH_MAX_JSON_DEPTH', 256),
    maxQueryTerms: whole(env, 'SPENDGRAPH_MAX_Q_TERMS', 500),
    maxQueryDepth: whole(env, 'SPENDGRAPH_MAX_Q_DEPTH', 32),
    maxFilterDepth: whole(env, 'SPENDGRAPH_MAX_FILTER_DEPTH', 32),
    maxList: whole(env, 'SPENDGRAPH_MAX_LIST', 1_000),
    maxPolygonPoints: whole(env, 'SPENDGRAPH_MAX_POLYGON_POINTS', 1_000),
    maxExpression: whole(env, 'SPENDGRAPH_MAX_EXPRESSION', 500),
    statementTimeout: wholeOrZero(env, 'SPENDGRAPH_STATEMENT_TIMEOUT', 5_000),
  };
}

export const limits = requestLimitsFromEnv();
