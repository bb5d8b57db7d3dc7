import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app } from '../src/app.js';
import { backgroundSettled } from '../src/shared/background.js';
import { limits } from '../src/limits.js';

// The edge reads a body straight from the socket when the Node server serves the request (in process, `app.request`
// goes through a fetch Request instead): these requests take that path.
let server: ServerType;
let origin: string;

beforeAll(async () => {
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  origin = await new Promise<string>((resolve) => {
    const ready = () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (server.listening) ready();
    else server.once('listening', ready);
  });
});

afterAll(async () => {
  await backgroundSettled();
  await new Promise((resolve) => server?.close(resolve));
});

/** A body sent in `parts` writes, so the server reads it in several chunks. */
function chunked(text: string, parts: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const size = Math.ceil(bytes.byteLength / parts);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

const post = (path: string, body: BodyInit, type = 'application/json') =>
  fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': type }, body, duplex: 'half' } as RequestInit);

describe('the edge over HTTP', () => {
  it('answers a GraphQL request whose body arrives in several chunks', async () => {
    const padding = ' '.repeat(200_000);
    const response = await post('/graphql', chunked(`{"query":"{ __typename }"${padding}}`, 8));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a body past SPENDGRAPH_MAX_BODY with a 413 naming the limit, and answers the next request', async () => {
    const over = `{"query":"{ __typename }","extensions":{"pad":"${'x'.repeat(limits.maxBody)}"}}`;
    const refused = await post('/graphql', chunked(over, 16));
    expect(refused.status).toBe(413);
    expect(await refused.text()).toMatch(/SPENDGRAPH_MAX_BODY/);
    const next = await post('/graphql', JSON.stringify({ query: '{ __typename }' }));
    expect(await next.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a body that is not UTF-8 with a 400, and one nested past the limit', async () => {
    const invalid = await post('/api/v1/awards/', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toMatch(/not valid UTF-8/);
    const deep = await post('/graphql', `{"query":"{ __typename }","variables":{"a":${'['.repeat(limits.maxJsonDepth + 1)}${']'.repeat(limits.maxJsonDepth + 1)}}}`);
    expect(deep.status).toBe(400);
    expect(await deep.text()).toMatch(/nested deeper than/);
  });
});
