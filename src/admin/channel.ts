import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describeOwner, updateOwner, type OwnerRecord } from '../db/owner.js';
import type { Progress } from '../shared/ingest/progress.js';
import { commands, type CommandIo } from './commands.js';

/**
 * The admin channel of a server on the embedded database: `npm run ingest` and `npm run keys`, run next to it,
 * send their command line here instead of opening the database files a second time. It listens on 127.0.0.1 only
 * and answers only the token the server wrote into the data directory's owner.json (mode 0600), so only someone
 * who may read the data directory may use it. The answer is a stream of JSON lines: output, progress, exit code.
 */
export type ChannelMessage =
  | { out: string }
  | { err: string }
  | { progress: 'start'; label: string; total?: number }
  | { progress: 'update'; done: number; rows?: number }
  | { progress: 'stop' }
  | { exit: number };

interface RunRequest {
  command: string;
  argv: string[];
  cwd: string;
}

const PROGRESS_INTERVAL_MS = 200;

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Progress sent down the channel, at most every 200 ms; it stops the load when the caller has gone away. */
function channelProgress(send: (message: ChannelMessage) => void, gone: () => boolean): Progress {
  let last = 0;
  const check = () => {
    if (gone()) throw new Error('the command that asked for this load was interrupted; nothing was changed');
  };
  return {
    start(label, total) {
      check();
      send({ progress: 'start', label, total });
    },
    update(done, rows) {
      check();
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      send({ progress: 'update', done, rows });
    },
    stop() {
      send({ progress: 'stop' });
    },
  };
}

function runStreamed(request: RunRequest): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let closed = false;
  return new ReadableStream({
    async start(controller) {
      const send = (message: ChannelMessage) => {
        if (!closed) controller.enqueue(encoder.encode(`${JSON.stringify(message)}\n`));
      };
      const io: CommandIo = {
        out: (line) => send({ out: line }),
        err: (line) => send({ err: line }),
        progress: channelProgress(send, () => closed),
        cwd: request.cwd,
      };
      let code = 1;
      try {
        code = await commands[request.command]!(request.argv, io);
      } catch (error) {
        io.err(`${request.command}: ${(error as Error).message}`);
      }
      send({ exit: code });
      if (!closed) controller.close();
      closed = true;
    },
    cancel() {
      closed = true;
    },
  });
}

function adminApp(token: string): Hono {
  const app = new Hono();
  app.post('/run', async (c) => {
    const given = (c.req.header('authorization') ?? '').replace(/^Bearer /, '');
    if (!sameToken(given, token)) return c.json({ error: 'wrong or missing admin token' }, 401);
    const request = (await c.req.json().catch(() => null)) as RunRequest | null;
    if (
      !request ||
      typeof request.command !== 'string' ||
      !Object.hasOwn(commands, request.command) ||
      !Array.isArray(request.argv) ||
      !request.argv.every((arg) => typeof arg === 'string') ||
      typeof request.cwd !== 'string'
    ) {
      return c.json({ error: `expected {command: ${Object.keys(commands).join(' | ')}, argv: string[], cwd: string}` }, 400);
    }
    return new Response(runStreamed(request), { headers: { 'content-type': 'application/x-ndjson' } });
  });
  return app;
}

/** Opens the admin channel and records it, with the server's public port, in the data directory. */
export async function openAdminChannel(dataDir: string, publicPort: number): Promise<{ close(): void }> {
  const token = randomBytes(32).toString('base64url');
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: adminApp(token).fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve(info.port),
    );
  });
  updateOwner(dataDir, { port: publicPort, admin: { port, token } });
  return { close: () => server?.close() };
}

/** Runs a command in the server that holds the embedded database, relaying its output; resolves to its exit code. */
export async function runOnServer(owner: OwnerRecord, command: string, argv: string[], io: CommandIo): Promise<number> {
  const { admin } = owner;
  if (!admin) throw new Error(`${describeOwner(owner)} has no admin channel`);
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${admin.port}/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ command, argv, cwd: io.cwd } satisfies RunRequest),
    });
  } catch (error) {
    throw new Error(`${describeOwner(owner)} does not answer on its admin channel: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    throw new Error(`${describeOwner(owner)} refused the command: ${response.status} ${await response.text()}`);
  }
  const stopped = `${describeOwner(owner)} stopped before the command finished; a load it had not finished is rolled back`;
  let buffered = '';
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new Error(`${stopped} (${(error as Error).message})`);
    }
    if (chunk.done) throw new Error(stopped);
    buffered += decoder.decode(chunk.value, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffered.slice(0, newline)) as ChannelMessage;
      buffered = buffered.slice(newline + 1);
      if ('exit' in message) return message.exit;
      relay(message, io);
    }
  }
}

function relay(message: Exclude<ChannelMessage, { exit: number }>, io: CommandIo): void {
  if ('out' in message) io.out(message.out);
  else if ('err' in message) io.err(message.err);
  else if (message.progress === 'start') io.progress.start(message.label, message.total);
  else if (message.progress === 'update') io.progress.update(message.done, message.rows);
  else io.progress.stop();
}
