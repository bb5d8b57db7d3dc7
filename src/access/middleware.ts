import type { Context as HonoContext, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Db } from '../db.js';
import { onPrimary } from '../db/routing.js';
import { UserError } from '../errors.js';
import { principalForKey, presentedKey } from './keys.js';
import { anonymous, type Principal } from './principal.js';
import type { Quota } from './quota.js';

const PRINCIPAL = 'spendgraph.principal';

/** The caller of a request that went through `access()`; anonymous otherwise. */
export function principalOf(c: HonoContext): Principal {
  return (c.get(PRINCIPAL as never) as Principal | undefined) ?? anonymous;
}

function clientAddress(c: HonoContext): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Authenticates the caller (a wrong, revoked or malformed key is a 401, never silently anonymous), then counts the
 * call against the daily quota and reports it in X-RateLimit-* headers; over quota answers 429.
 */
export function access(deps: { db: Db; quota: Quota }): MiddlewareHandler {
  return async (c, next) => {
    let principal: Principal = anonymous;
    try {
      const key = presentedKey(c.req.raw);
      // On the primary: a key created or revoked a moment ago counts at once, whatever a replica has replayed.
      if (key !== undefined) principal = await onPrimary(() => principalForKey(deps.db, key));
    } catch (error) {
      if (error instanceof UserError) {
        return c.json({ errorcode: 401, error: error.message, message: error.message }, 401, {
          'WWW-Authenticate': 'ApiKey',
        });
      }
      throw error;
    }
    c.set(PRINCIPAL as never, principal as never);
    const decision = await deps.quota.take(principal, () => clientAddress(c));
    const headers: Record<string, string> =
      decision.limit > 0
        ? {
            'X-RateLimit-Limit': String(decision.limit),
            'X-RateLimit-Remaining': String(decision.remaining),
            'X-RateLimit-Reset': String(decision.reset),
          }
        : {};
    if (!decision.allowed) {
      return c.json(
        {
          errorcode: decision.errorcode,
          reset_time: new Date(decision.reset * 1000).toISOString().replace('.000Z', 'Z'),
          limit_time_unit: 'day',
          call_limit: decision.limit,
          error: decision.error,
        },
        429,
        headers,
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
