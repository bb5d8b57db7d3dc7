import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { db } from './db.js';
import { UserError } from './errors.js';
import { isMigrated } from './startup.js';
import { yoga } from './yoga.js';

export const app = new Hono();

app.use('/api/*', cors());

app.get('/healthz', async (c) => {
  if (!isMigrated()) return c.json({ status: 'starting' }, 503);
  try {
    await db.$queryRaw`SELECT 1`;
    return c.json({ status: 'ok' });
  } catch {
    return c.json({ status: 'database unreachable' }, 503);
  }
});

app.on(['GET', 'POST', 'OPTIONS'], '/graphql', (c) => yoga.fetch(c.req.raw));

app.get('/', (c) => c.redirect('/graphql'));

app.notFound((c) => c.json({ message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

app.onError((error, c) => {
  if (error instanceof UserError) {
    return c.json({ message: error.message, code: error.code }, error.status as 400);
  }
  console.error(error);
  return c.json({ message: 'internal error' }, 500);
});
