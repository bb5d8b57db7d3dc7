import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Quota } from '../src/access/quota.js';
import { createApp } from '../src/app.js';
import { backgroundSettled } from '../src/shared/background.js';
import { launchChromium } from './browser.js';

// An app of its own with an anonymous quota, so the rate-limit headers a browser must be allowed to read are there.
const QUOTA = 40;
let api: ServerType;
let apiOrigin: string;
let page: Server;
let pageOrigin: string;
let browser: Browser | undefined;

const listen = (server: Server | ServerType) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

beforeAll(async () => {
  const app = createApp({ quota: new Quota({ anonymous: QUOTA, key: 0, domain: 0 }) });
  api = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  apiOrigin = await new Promise<string>((resolve) => {
    const ready = () => resolve(`http://127.0.0.1:${(api.address() as AddressInfo).port}`);
    if (api.listening) ready();
    else api.once('listening', ready);
  });
  // A page on another origin, as a frontend served elsewhere would be.
  page = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>elsewhere</title>');
  });
  pageOrigin = await listen(page);
});

afterAll(async () => {
  // Reads may set off background work (cube cardinalities); none of it may land in the next file's measurements.
  await backgroundSettled();
  await browser?.close();
  await new Promise((resolve) => page?.close(resolve));
  await new Promise((resolve) => api?.close(resolve));
});

const typename = JSON.stringify({ query: '{ __typename }' });

describe('CORS on the read routes, over HTTP', () => {
  it('answers a preflight for /graphql with the methods and headers a client sends', async () => {
    const response = await fetch(`${apiOrigin}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://frontend.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });

  it('marks answers, refusals and errors alike as readable from any origin, rate-limit headers included', async () => {
    const answers = await Promise.all([
      fetch(`${apiOrigin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://frontend.example' }, body: typename }),
      fetch(`${apiOrigin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' }),
      fetch(`${apiOrigin}/api/3`),
      fetch(`${apiOrigin}/api/3/cubes/no-such-cube/model`),
      fetch(`${apiOrigin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-key' }, body: typename }),
    ]);
    expect(answers.map((response) => response.status)).toEqual([200, 400, 200, 404, 401]);
    for (const response of answers) {
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-expose-headers')).toBe('X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset');
      // Readable from any origin means without credentials: a browser refuses `*` beside allowed credentials.
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    expect(await answers[0]!.json()).toEqual({ data: { __typename: 'Query' } });
    expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe(String(QUOTA));
    // A JSON answer leaves in one piece, with its length, not as a chunked stream.
    expect(answers[0]!.headers.get('content-length')).toBe(String('{"data":{"__typename":"Query"}}'.length));
    expect(answers[0]!.headers.get('transfer-encoding')).toBeNull();
  });

  it('lets a page on another origin query /graphql and read the quota left', async () => {
    browser = await launchChromium();
    const tab = await browser.newPage();
    await tab.goto(pageOrigin);
    const seen = await tab.evaluate(async (url) => {
      // application/json makes this a non-simple request: the browser sends a preflight first.
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      return { status: response.status, body: await response.json(), remaining: response.headers.get('x-ratelimit-remaining') };
    }, `${apiOrigin}/graphql`);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({ data: { __typename: 'Query' } });
    expect(Number(seen.remaining)).toBeGreaterThanOrEqual(0);
    expect(Number(seen.remaining)).toBeLessThan(QUOTA);
  });
});
