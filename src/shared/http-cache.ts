import { createHash } from 'node:crypto';
import type { Db } from '../db.js';

/** Who a response was computed for: its ETag and Cache-Control depend on it. */
export type IdentityClass = 'anonymous' | 'key';

export interface HttpCacheOptions {
  /** A token that changes whenever any dataset changes (loaded, reloaded, pushed to or deleted); read per request. */
  version: () => Promise<string>;
  /** Seconds shared caches and browsers may reuse an anonymous GET answer without asking again. */
  maxAge: number;
}

/**
 * The catalog's version: how many datasets there are, the newest id and the latest update. Loading a dataset
 * replaces its row (a new id), pushing records touches `updated_at`, deleting changes the count, so any change of
 * any dataset changes it. One cheap query per request on a small table; never memoised, so an ETag is never stale.
 */
export async function catalogVersion(db: Db): Promise<string> {
  const [row] = await db.$queryRaw<{ n: number; id: number | null; at: Date | null }[]>`
    SELECT count(*)::int AS n, max(id) AS id, max(updated_at) AS at FROM dataset`;
  return `${row?.n ?? 0}.${row?.id ?? 0}.${row?.at?.getTime() ?? 0}`;
}

export function cacheMaxAgeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SPENDGRAPH_CACHE_MAX_AGE;
  if (raw === undefined || raw === '') return 60;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`SPENDGRAPH_CACHE_MAX_AGE must be a whole number of seconds, got "${raw}"`);
  return value;
}

const jsonTypes = /^application\/(graphql-response\+)?json\b/i;

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function matchesETag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

function vary(headers: Headers, names: string[]): void {
  const present = (headers.get('vary') ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  for (const name of names) if (!present.some((p) => p.toLowerCase() === name.toLowerCase())) present.push(name);
  headers.set('vary', present.join(', '));
}

/**
 * HTTP caching for GraphQL over GET. A successful GET answer (status 200, JSON, `data` and no `errors`) gets an
 * `ETag` built from the catalog version, the caller's identity class, the content type and the body, and
 * `Cache-Control: public, max-age=…` for anonymous callers or `private, no-store` for callers with a key; an
 * `If-None-Match` naming that ETag is answered 304 without a body. GET answers with errors get `no-store`. POST
 * answers (mutations included: Yoga refuses them over GET) and GraphiQL's page are left as they are.
 */
export function createGraphQLHttpCache(options: HttpCacheOptions) {
  return async function cached(request: Request, identity: IdentityClass, answer: () => Promise<Response>): Promise<Response> {
    const response = await answer();
    const type = response.headers.get('content-type') ?? '';
    if (request.method !== 'GET' || !jsonTypes.test(type)) return response;

    const headers = new Headers(response.headers);
    vary(headers, ['Accept', 'Authorization']);
    const body = await response.text();
    let result: unknown;
    try {
      result = JSON.parse(body);
    } catch {
      result = undefined;
    }
    const succeeded = response.status === 200 && typeof result === 'object' && result !== null && 'data' in result && !('errors' in result);
    if (!succeeded) {
      headers.set('cache-control', 'no-store');
      return new Response(body, { status: response.status, statusText: response.statusText, headers });
    }

    const version = await options.version();
    const digest = createHash('sha256').update(`${version}\n${identity}\n${type}\n`).update(body).digest('base64url');
    const etag = `"${digest}"`;
    headers.set('etag', etag);
    headers.set('cache-control', identity === 'anonymous' ? `public, max-age=${options.maxAge}` : 'private, no-store');
    if (matchesETag(request.headers.get('if-none-match'), etag)) {
      headers.delete('content-length');
      headers.delete('content-type');
      return new Response(null, { status: 304, headers });
    }
    return new Response(body, { status: 200, headers });
  };
}
