import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';

/** Where `scripts/build-explorer.mjs` writes the bundle. */
export const explorerDist = join(dirname(fileURLToPath(import.meta.url)), '../../dist/explore');

const types: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
};

const notBuilt = 'The explorer is not built: run `npm install` (or `npm run explorer`), then reload.';

async function shell(c: Context): Promise<Response> {
  const html = await readFile(join(explorerDist, 'index.html'), 'utf8').catch(() => null);
  if (html === null) return c.text(notBuilt, 503);
  // Every view is the same page; its assets are named by content, so the shell itself must always be revalidated.
  return c.html(html, 200, { 'cache-control': 'no-cache' });
}

async function asset(c: Context): Promise<Response> {
  const name = c.req.param('name') ?? '';
  const extension = /^[\w-]+\.(\w+)(?:\.map)?$/.exec(name);
  const type = extension && types[name.endsWith('.map') ? 'map' : extension[1]];
  if (!type) return c.json({ message: `no explorer asset named "${name}"` }, 404);
  const body = await readFile(join(explorerDist, 'assets', name)).catch(() => null);
  if (body === null) return c.json({ message: `no explorer asset named "${name}"` }, 404);
  return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' });
}

/** The explorer at /explore: hashed assets kept for a year, and the app shell for every view's path. */
export function registerExplorerRoutes(app: Hono): void {
  app.get('/explore/assets/:name', asset);
  app.get('/explore', shell);
  app.get('/explore/*', shell);
}
