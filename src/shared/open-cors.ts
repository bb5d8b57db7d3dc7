import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface OpenCorsOptions {
  allowHeaders: string[];
  exposeHeaders: string[];
}

/**
 * CORS for routes any origin may read (`Access-Control-Allow-Origin: *`, no credentials). Preflights are hono/cors's.
 * For every other request the same two headers are written after the handler rather than before: hono/cors writes
 * them on `c.res` before the handler runs, and Hono then rebuilds the handler's response around its body stream to
 * carry them over, so a JSON answer the HTTP server would write in one piece (status, headers and a known length)
 * leaves as a stream in chunks instead.
 */
export function openCors(options: OpenCorsOptions): MiddlewareHandler {
  const preflight = cors({ origin: '*', allowHeaders: options.allowHeaders, exposeHeaders: options.exposeHeaders });
  const expose = options.exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
    if (expose) c.res.headers.set('Access-Control-Expose-Headers', expose);
  };
}
