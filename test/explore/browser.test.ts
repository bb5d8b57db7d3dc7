import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../browser.js';
import { graphql } from '../gql/index.js';
import { app, execute } from '../helpers.js';

const geonames = 'geonames-all-cities-with-a-population-1000';
const POINT_COLOR = '#c2255c';

let server: ServerType;
let origin: string;
let browser: Browser;
let context: BrowserContext;
/** Every request the pages made to a host other than the test server (all of them blocked). */
const attempted: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    attempted.push(url);
    return route.abort('blockedbyclient');
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Opens a view; on failure the error names a screenshot, the page's errors and any request to another host. */
async function visit(path: string, check: (page: Page) => Promise<void>): Promise<void> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${origin}${path}`, { waitUntil: 'load' });
    await check(page);
  } catch (error) {
    const screenshot = join(tmpdir(), `spendgraph-explore-${path.replace(/\W+/g, '-')}.png`);
    await page.screenshot({ path: screenshot, fullPage: true }).catch(() => undefined);
    throw new Error(`${path}: ${(error as Error).message} (screenshot: ${screenshot}; page errors: ${errors.join('; ') || 'none'})`, { cause: error });
  } finally {
    problems.push(...errors.map((e) => `${path}: ${e}`));
    await page.close();
  }
}

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();
const poll = (read: () => unknown) => expect.poll(read, { timeout: 30_000 });

describe('the explorer shell', () => {
  it('is one page for every view, naming only assets of its own origin', async () => {
    const response = await app.request('/explore');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    const references = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)/gi)].map((m) => m[1]);
    expect(references.filter((ref) => !ref.startsWith('data:'))).toEqual([
      expect.stringMatching(/^\/explore\/assets\/main-\w+\.css$/),
      expect.stringMatching(/^\/explore\/assets\/main-\w+\.js$/),
    ]);
    expect(html).not.toMatch(/https?:\/\/|\/\/[a-z]/i);
    for (const path of ['/explore/', '/explore/cube/cra', `/explore/records/${geonames}?q=x`, '/explore/awards?fy=2017']) {
      const other = await app.request(path);
      expect(other.status).toBe(200);
      expect(await other.text()).toBe(html);
    }
  });

  it('serves hashed assets for a year and refuses names it does not have', async () => {
    const html = await (await app.request('/explore')).text();
    const script = /src="(\/explore\/assets\/[^"]+\.js)"/.exec(html)![1];
    const response = await app.request(script);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await response.text()).length).toBeGreaterThan(1000);
    for (const name of ['main-nothere.js', '..%2Fpackage.json', 'index.html']) {
      const missing = await app.request(`/explore/assets/${name}`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ message: expect.stringContaining('no explorer asset named') });
    }
  });
});

describe('the explorer in Chromium, offline', () => {
  it('lists the catalog and narrows it by family and search', async () => {
    // The first page of the catalog as the explorer shows it, and the records datasets of the suite's database.
    const catalog = await execute(graphql(`query ExploreTestCatalog { datasets(first: 20) { nodes { title family size } } }`));
    const records = await execute(graphql(`query ExploreTestRecordsCatalog { datasets(first: 20, filter: { family: { equals: RECORDS } }) { totalCount nodes { title } } }`));
    const moldova = await execute(graphql(`query ExploreTestSearchCatalog { datasets(first: 20, filter: { search: { text: "moldova" } }) { nodes { title } } }`));
    const titles = catalog.data!.datasets.nodes.map((d) => d.title);
    expect(titles.length).toBeGreaterThanOrEqual(7);
    await visit('/explore', async (page) => {
      await poll(() => texts(page, '.dataset h2')).toEqual(titles);
      await poll(() => page.locator('.dataset').first().textContent()).toContain(`${catalog.data!.datasets.nodes[0].size.toLocaleString('en')} `);
      await page.getByLabel(`Records (${records.data!.datasets.totalCount})`).check();
      await poll(() => texts(page, '.dataset h2')).toEqual(records.data!.datasets.nodes.map((d) => d.title));
      expect(new URL(page.url()).search).toBe('?family=records');
      await page.getByLabel('All').check();
      await page.getByLabel('Search the catalog').fill('moldova');
      await poll(() => texts(page, '.dataset h2')).toEqual(moldova.data!.datasets.nodes.map((d) => d.title));
      expect(await texts(page, '.dataset h2')).toContain('Moldova BOOST');
      expect(new URL(page.url()).search).toBe('?q=moldova');
      await page.locator('a[href="/explore/cube/boost-moldova"]').click();
      await page.waitForURL(`${origin}/explore/cube/boost-moldova`);
      await page.locator('.chart svg text').first().waitFor({ timeout: 30_000 });
    });
  }, 120_000);

  it('draws the cra cube by COFOG level 1 with its member labels, cuts it and shows it as a table', async () => {
    await visit('/explore/cube/cra', async (page) => {
      await poll(() => texts(page, '.chart svg text')).toEqual(expect.arrayContaining(['Social protection', 'Economic affairs', 'Public order and safety']));
      expect(await page.getByLabel('Group by').inputValue()).toBe('cofog1');
      expect(await page.locator('.chart').getAttribute('aria-label')).toContain('Social protection 191,500,000');
      await page.getByRole('button', { name: 'Table' }).click();
      await poll(() => page.locator('table tbody tr').allInnerTexts()).toEqual([
        'Social protection\t191,500,000',
        'Economic affairs\t45,400,000',
        'Public order and safety\t500,000',
        'Housing and community amenities\t-608,900,000',
      ]);
      expect(new URL(page.url()).search).toBe('?chart=table');
      await page.getByRole('button', { name: 'Economic affairs' }).focus();
      await page.keyboard.press('Enter');
      await poll(() => page.locator('table tbody tr').allInnerTexts()).toEqual(['Economic affairs\t45,400,000']);
      expect(new URL(page.url()).searchParams.getAll('cut')).toEqual(['cofog1:4']);
      await page.getByLabel('Group by').selectOption('cofog2');
      await poll(() => page.locator('.figure').textContent()).toContain('Transport');
      const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
      const download = await app.request(csv!);
      expect(download.headers.get('content-type')).toContain('text/csv');
      expect(await download.text()).toContain('Transport');
      await page.getByRole('button', { name: 'Remove cut cofog1 = 4' }).click();
      await poll(() => new URL(page.url()).searchParams.getAll('cut')).toEqual([]);
    });
  }, 120_000);

  it('says which cube or records dataset it cannot find', async () => {
    await visit('/explore/cube/nope', async (page) => {
      await poll(() => page.getByRole('alert').textContent()).toContain('no cube named "nope"');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Cube nope');
    });
    await visit('/explore/records/nope', async (page) => {
      await poll(() => page.getByRole('alert').textContent()).toContain('"nope"');
    });
  }, 120_000);

  it('walks a cube hierarchy level by level as a treemap', async () => {
    await visit('/explore/cube/boost-moldova?drilldown=functional_classification_hierarchy&chart=treemap', async (page) => {
      await poll(() => texts(page, '.chart svg text')).toContain('Justice');
      await page.locator('.chart svg text', { hasText: 'Justice' }).click();
      await poll(() => new URL(page.url()).searchParams.getAll('cut')).toHaveLength(1);
      await poll(async () => (await texts(page, '.chart svg text')).includes('Justice')).toBe(false);
      expect(await page.getByRole('list', { name: 'Cuts' }).textContent()).toMatch(/functional_classification\.func1_code = /);
    });
  }, 120_000);

  it('shows awards in a table, totals by fiscal year as a chart, filters them and prepares the bulk CSV', async () => {
    const first = await execute(
      graphql(`query ExploreTestAwards { awards(first: 20, orderBy: [{ field: DATE_SIGNED, direction: DESC }]) { totalCount nodes { recipient { recipientName } } } }`),
    );
    const fy2014 = await execute(graphql(`query ExploreTestAwards2014 { awards(first: 1, filter: { dateSigned: { fy: [2014] } }) { totalCount } }`));
    await visit('/explore/awards', async (page) => {
      await poll(() => page.locator('table.awards tbody tr').count()).toBe(20);
      expect(await page.locator('table.awards caption').textContent()).toBe(`${first.data!.awards.totalCount} awards, latest signed first`);
      expect(await page.locator('table.awards tbody tr td:nth-child(3)').allTextContents()).toEqual(first.data!.awards.nodes.map((a) => a.recipient?.recipientName ?? '—'));
      await poll(() => texts(page, '.chart svg text')).toEqual(expect.arrayContaining(['FY 2014', 'FY 2016']));
      await page.getByLabel('Fiscal years (e.g. 2016,2017)').fill('2014');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await poll(() => page.locator('table.awards caption').textContent()).toBe(`${fy2014.data!.awards.totalCount} awards, latest signed first`);
      expect(new URL(page.url()).search).toBe('?fy=2014');
      await poll(() => texts(page, '.chart svg text')).not.toContain('FY 2016');
      await page.getByRole('button', { name: 'Prepare the bulk CSV of these awards' }).click();
      const link = page.getByRole('link', { name: 'Download CSV' });
      await link.waitFor({ timeout: 30_000 });
      const csv = await (await app.request((await link.getAttribute('href'))!)).text();
      expect(csv.trim().split('\n')).toHaveLength(fy2014.data!.awards.totalCount + 1);
    });
    await visit('/explore/awards?min=abc', async (page) => {
      await poll(() => page.getByRole('alert').textContent()).toContain('min: "abc" is not an amount such as 1000 or 2500.50');
    });
  }, 120_000);

  it('finds Warszawa in the records table and draws the records as points on a map', async () => {
    await visit(`/explore/records/${geonames}?q=Warszawa`, async (page) => {
      await poll(() => page.locator('table.records tbody').textContent()).toContain('Warszawa');
      const warsaw = page.locator('table.records tbody tr', { hasText: 'PPLC' });
      expect(await warsaw.locator('th').textContent()).toBe('Warsaw');
      expect(await warsaw.textContent()).toContain('Warszawa');
    });
    const clusters = await execute(
      graphql(`query ExploreTestClusters($dataset: String!) { geocluster(dataset: $dataset, clusterprecision: 5, clusterdistance: 50) { clusters { count } } }`),
      { dataset: geonames },
    );
    const count = clusters.data!.geocluster.clusters.length;
    expect(count).toBeGreaterThan(10);
    await visit(`/explore/records/${geonames}`, async (page) => {
      await poll(() => page.locator(`.chart svg path[fill="${POINT_COLOR}"]`).count()).toBe(count);
      expect(await page.locator('.chart svg path').count()).toBeGreaterThan(count + 100);
      await page.getByRole('button', { name: 'Table' }).click();
      await poll(() => page.locator('table:has(caption:text("Clusters")) tbody tr').count()).toBe(count);
      await page.getByLabel('America/New_York (3)').check();
      await poll(() => page.locator('table.records caption').textContent()).toBe('3 records');
      expect(new URL(page.url()).search).toBe('?refine=timezone%3AAmerica%2FNew_York');
    });
  }, 120_000);

  it('asked nothing of any other host and threw nothing', () => {
    expect(attempted).toEqual([]);
    expect(problems).toEqual([]);
  });
});
