import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { app } from './helpers.js';

let server: ServerType;
let origin: string;
let browser: Browser | undefined;

async function launch(): Promise<Browser> {
  browser = await launchChromium();
  return browser;
}

beforeAll(async () => {
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** The text a Monaco editor shows, with its non-breaking spaces made plain. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

describe('GraphiQL', () => {
  it('is one self-contained page: no script, style, worker or icon from another host', async () => {
    const response = await app.request('/graphql', { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<title>Spendgraph</title>');
    expect(html).not.toContain('__TITLE__');
    const external = [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?((?:https?:)?\/\/[^"' >]+)/gi)].map((m) => m[1]);
    expect(external).toEqual([]);
    expect(html).toMatch(/<link rel="icon" href="data:image\//);
    for (const host of ['unpkg.com', 'jsdelivr.net', 'raw.githubusercontent.com', 'fonts.googleapis.com']) expect(html).not.toContain(host);
  });

  it('renders and runs a query in Chromium with every other host blocked', async () => {
    const context = await (await launch()).newContext({ viewport: { width: 1400, height: 1000 } });
    const attempted: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      attempted.push(url);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    const response = page.locator('.graphiql-response .view-lines');
    try {
      await page.goto(`${origin}/graphql`, { waitUntil: 'load' });
      await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
      const queryEditor = page.locator('.graphiql-query-editor .view-lines');
      await expect.poll(async () => plain((await queryEditor.textContent()) ?? ''), { timeout: 30_000 }).toContain('totalCount');
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(async () => plain((await response.textContent()) ?? ''), { timeout: 30_000 }).toMatch(/"totalCount": \d+/);
    } catch (error) {
      const screenshot = join(tmpdir(), 'spendgraph-graphiql.png');
      await page.screenshot({ path: screenshot }).catch(() => undefined);
      throw new Error(
        `GraphiQL did not run the default query (screenshot: ${screenshot}); requests to other hosts: ${attempted.join(', ') || 'none'}; page errors: ${problems.join('; ') || 'none'}`,
        { cause: error },
      );
    }

    const shown = Number(/"totalCount": (\d+)/.exec(plain((await response.textContent()) ?? ''))![1]);
    const direct = (await (await app.request('/graphql?query={datasets{totalCount}}')).json()) as { data: { datasets: { totalCount: number } } };
    expect(shown).toBe(direct.data.datasets.totalCount);
    expect(attempted).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
