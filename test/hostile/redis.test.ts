import { createServer, Socket, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Quota } from '../../src/access/quota.js';
import { createApp } from '../../src/app.js';

const redisUrl = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const quotas: Quota[] = [];
const prefix = () => `spendgraph:test:${process.pid}:${Math.random().toString(36).slice(2)}`;

function quotaWith(anonymous: number, url: string, lines: string[] = [], keyPrefix = prefix()) {
  const quota = new Quota({ anonymous, key: 0, domain: 0 }, { redisUrl: url, prefix: keyPrefix, log: (line) => lines.push(line) });
  quotas.push(quota);
  return quota;
}

afterAll(async () => {
  await Promise.all(quotas.map((quota) => quota.close()));
});

async function timed(app: ReturnType<typeof createApp>, path: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await app.request(path);
  await response.text();
  return { status: response.status, ms: performance.now() - started };
}

/** A TCP proxy to Redis that the test can take down and bring back on the same port. */
class Outage {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async up(): Promise<void> {
    const target = new URL(redisUrl);
    this.server = createServer((client) => {
      const upstream = new Socket().connect(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((listening) => this.server!.listen(this.port, '127.0.0.1', listening));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((closed) => this.server!.close(() => closed()));
  }
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
}

describe('quotas when Redis is unreachable', () => {
  it('answer at their usual latency from a local counter, log one line, and say so on /healthz', async () => {
    const lines: string[] = [];
    const app = createApp({ quota: quotaWith(25, 'redis://127.0.0.1:1', lines) });
    const times: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const answer = await timed(app, '/api/2/permissions?dataset=cra');
      times.push(answer.ms);
      statuses.push(answer.status);
    }
    times.sort((a, b) => a - b);
    expect(times[15]).toBeLessThan(100);
    expect(times.at(-1)).toBeLessThan(1000);
    // The local counter still enforces the quota in this process: 25 allowed, then 429.
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses.slice(25)).toEqual([429, 429, 429, 429, 429]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^quota: Redis at 127\.0\.0\.1:1 is unreachable .*counting in this process until it returns$/);
    const health = await app.request('/healthz');
    expect(await health.json()).toMatchObject({ status: 'ok', quota: 'redis unreachable: local counters' });
  });

  it('go back to Redis when it returns', async () => {
    const outage = new Outage();
    await outage.up();
    const lines: string[] = [];
    const keyPrefix = prefix();
    const quota = quotaWith(1000, `redis://127.0.0.1:${outage.port}`, lines, keyPrefix);
    const other = quotaWith(1000, redisUrl, [], keyPrefix);
    expect((await quota.take({ kind: 'anonymous' }, 'a')).remaining).toBe(999);
    expect((await other.take({ kind: 'anonymous' }, 'a')).remaining).toBe(998);
    await outage.down();
    await until(() => quota.health !== 'redis', 2000);
    expect(quota.health).toBe('redis unreachable: local counters');
    const started = performance.now();
    const local = await quota.take({ kind: 'anonymous' }, 'a');
    expect(performance.now() - started).toBeLessThan(300);
    expect(local.allowed).toBe(true);
    await outage.up();
    await until(() => quota.health === 'redis', 8000);
    expect(quota.health).toBe('redis');
    // Shared again: the other process's count and this one's meet in Redis.
    expect((await quota.take({ kind: 'anonymous' }, 'a')).remaining).toBe(997);
    expect(lines).toEqual([expect.stringMatching(/is unreachable/), expect.stringMatching(/is back; counting there again$/)]);
    await outage.down();
  });
});

describe('quotas in Redis', () => {
  it('are shared by processes, and an unlimited quota (0) counts nothing', async () => {
    const keyPrefix = prefix();
    const one = quotaWith(10, redisUrl, [], keyPrefix);
    const two = quotaWith(10, redisUrl, [], keyPrefix);
    expect((await one.take({ kind: 'anonymous' }, 'b')).remaining).toBe(9);
    expect((await two.take({ kind: 'anonymous' }, 'b')).remaining).toBe(8);
    expect(one.health).toBe('redis');
    const unlimited = quotaWith(0, redisUrl, [], `${keyPrefix}:unlimited`);
    for (let i = 0; i < 5; i += 1) expect(await unlimited.take({ kind: 'anonymous' }, 'c')).toMatchObject({ allowed: true, remaining: -1 });
    const client = new Redis(redisUrl);
    try {
      expect(await client.keys(`${keyPrefix}:unlimited*`)).toEqual([]);
      expect((await client.keys(`${keyPrefix}*`)).length).toBe(1);
    } finally {
      client.disconnect();
    }
  });
});
