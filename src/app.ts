import { Hono, type MiddlewareHandler } from 'hono';
import { databaseHealth, db } from './db.js';
import { onPrimary, readOnly } from './db/routing.js';
import { UserError } from './errors.js';
import { access, principalOf } from './access/middleware.js';
import { Quota, quotaLimitsFromEnv } from './access/quota.js';
import { registerAccessRoutes } from './catalog/rest/permissions.js';
import { registerAccountRoutes } from './awards/rest/accounts.js';
import { registerAwardsRoutes } from './awards/rest/routes.js';
import { registerLoadingRoutes } from './catalog/rest/loading.js';
import { registerCubesRoutes } from './cubes/rest/routes.js';
import { isV2ResourcePath, registerV2Resources, registerV2Routes } from './cubes/rest/v2.js';
import { registerExplorerRoutes } from './explore/routes.js';
import { registerRecordsRoutes } from './records/rest/routes.js';
import { cacheMaxAgeFromEnv, catalogVersion, createGraphQLHttpCache } from './shared/http-cache.js';
import { isMigrated } from './startup.js';
import { limits } from './limits.js';
import { databaseUserError } from './shared/database-errors.js';
import { edgeChecks } from './shared/edge.js';
import { openCors } from './shared/open-cors.js';
import { yoga } from './yoga.js';

/**
 * A JSON answer with its body read into memory, so the HTTP server writes status line, headers and body in one
 * write instead of headers first and the body as a stream after (one system call per request rather than three).
 * The text and a plain header record make the HTTP server's lightweight response, which it writes as it is; an
 * ArrayBuffer body or a Headers object would have it build a full fetch Response first. Event streams
 * (subscriptions, incremental delivery) pass as they are.
 */
async function whole(response: Response): Promise<Response> {
  if (!response.body || !/json/i.test(response.headers.get('content-type') ?? '')) return response;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return new Response(await response.text(), { status: response.status, statusText: response.statusText, headers });
}

/** Routes that write, and read what they wrote: everything they do runs on the primary. */
function writeRoute(path: string): boolean {
  return path.startsWith('/api/2/new') || path.startsWith('/api/push/');
}

export interface AppOptions {
  quota: Quota;
}

export function createApp(options: AppOptions): Hono {
  const app = new Hono();

  const guard = access({ db, quota: options.quota });
  const openReads = openCors({
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
  });
  // Uploads and pushes are authenticated writes with limits of their own.
  const edge = edgeChecks(limits, { skipBody: (path) => path.startsWith('/api/2/new') || path.startsWith('/api/push/') });
  // Reads may go to a replica except on the routes that write; GraphQL mutations move to the primary in yoga.ts.
  const routed: MiddlewareHandler = (c, next) => (writeRoute(c.req.path) ? onPrimary(next) : readOnly(next));
  for (const path of ['/api/*', '/graphql']) {
    app.use(path, routed);
    app.use(path, edge);
    app.use(path, openReads);
    app.use(path, guard);
  }
  // OpenSpending v2's REST resources live at the root (`/datasets.json`, `/{dataset}/…`) and are read routes too.
  for (const middleware of [edge, openReads, guard]) {
    app.use('*', (c, next) => (isV2ResourcePath(c.req.path) ? middleware(c, next) : next()));
  }

  app.get('/healthz', async (c) => {
    if (!isMigrated()) return c.json({ status: 'starting' }, 503);
    const databases = await databaseHealth();
    if (databases[0]!.status !== 'ok') return c.json({ status: 'database unreachable', databases }, 503);
    return c.json({ status: 'ok', quota: options.quota.health, databases });
  });

  // GET answers get an ETag and Cache-Control (src/shared/http-cache.ts); 304 when If-None-Match names the ETag.
  const cached = createGraphQLHttpCache({ version: () => catalogVersion(db), maxAge: cacheMaxAgeFromEnv() });
  app.on(['GET', 'POST', 'OPTIONS'], '/graphql', (c) => {
    const principal = principalOf(c);
    return cached(c.req.raw, principal.kind, async () => whole(await yoga.fetch(c.req.raw, { principal })));
  });

  app.get('/', (c) => c.redirect('/graphql'));

  registerAccessRoutes(app);
  registerLoadingRoutes(app);
  registerCubesRoutes(app);
  registerRecordsRoutes(app);
  registerAwardsRoutes(app);
  registerAccountRoutes(app);
  registerV2Routes(app);
  registerExplorerRoutes(app);
  registerV2Resources(app);

  app.notFound((c) => c.json({ message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

  app.onError((error, c) => {
    if (error instanceof UserError) {
      return c.json({ message: error.message, code: error.code }, error.status as 400);
    }
    const refused = databaseUserError(error);
    if (refused) return c.json({ message: refused.message, code: refused.code }, refused.status as 400);
    console.error(error);
    return c.json({ message: 'internal error' }, 500);
  });

  return app;
}

export const quota = new Quota(quotaLimitsFromEnv(), { redisUrl: process.env.REDIS_URL || undefined, prefix: process.env.SPENDGRAPH_QUOTA_PREFIX || undefined });

export const app = createApp({ quota });
