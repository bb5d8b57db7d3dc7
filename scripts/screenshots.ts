// Screenshots of every explorer view for the README: `npx tsx scripts/screenshots.ts` (after `npm install`).
// Serves the gateway on an in-memory database with the bundled samples and drives Debian's chromium (CHROMIUM_PATH
// to use another) with every other host blocked; the PNGs go to docs/.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';

process.env.SPENDGRAPH_DATA_DIR ??= 'memory://';
const { prepare, loadSamples } = await import('../src/startup.js');
const { app } = await import('../src/app.js');

await prepare({ samples: false });
await loadSamples();
const server = await new Promise<ServerType>((resolve) => {
  const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
});
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const views: { file: string; path: string; ready: string }[] = [
  { file: 'explorer-catalog.png', path: '/explore', ready: '.dataset' },
  { file: 'explorer-cube.png', path: '/explore/cube/cra', ready: '.chart svg text' },
  { file: 'explorer-cube-treemap.png', path: '/explore/cube/boost-moldova?drilldown=functional_classification_hierarchy&measure=executed.sum&chart=treemap', ready: '.chart svg text' },
  { file: 'explorer-awards.png', path: '/explore/awards', ready: 'table.awards tbody tr' },
  { file: 'explorer-records.png', path: '/explore/records/geonames-all-cities-with-a-population-1000?q=Warszawa', ready: 'table.records tbody tr' },
  { file: 'explorer-records-map.png', path: '/explore/records/geonames-all-cities-with-a-population-1000', ready: '.chart svg path' },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await context.route('**/*', (route) => (route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort('blockedbyclient')));
for (const view of views) {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`${view.path}: ${error.message}`));
  await page.goto(`${origin}${view.path}`);
  await page.locator(view.ready).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  if (view.file === 'explorer-records-map.png') await page.locator('.chart').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `docs/${view.file}`, fullPage: view.file !== 'explorer-records-map.png' });
  console.log(`docs/${view.file}: ${view.path}`);
  await page.close();
}
await browser.close();
server.close();
process.exit(0);
