import { isUtf8 } from 'node:buffer';
import { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { RequestLimits } from '../limits.js';
import { edgeErrorBody } from './dialect.js';

/** Why a request is refused before any route reads it: status and message. */
class EdgeRefusal extends Error {
  constructor(
    readonly status: 400 | 413 | 414,
    message: string,
  ) {
    super(message);
  }
}

/** Percent-decodes one URL component, refusing invalid UTF-8 and NUL bytes; `what` names it in the message. */
function decodeComponent(raw: string, what: string, form: boolean): string {
  let text: string;
  try {
    text = decodeURIComponent(form ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    throw new EdgeRefusal(400, `${what} is not valid UTF-8 (or holds a malformed %-escape)`);
  }
  if (text.includes('\u0000')) throw new EdgeRefusal(400, `${what} contains a NUL byte (%00), which no text can hold`);
  return text;
}

/** Checks each name and value of a `a=b&c=d` text; `where` is "the query string" or "the form body". */
function checkPairs(raw: string, where: string, limits: RequestLimits): void {
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const cut = pair.indexOf('=');
    const name = decodeComponent(cut < 0 ? pair : pair.slice(0, cut), `a parameter name in ${where}`, true);
    const value = decodeComponent(cut < 0 ? '' : pair.slice(cut + 1), `parameter "${name.slice(0, 40)}" in ${where}`, true);
    checkJsonDepth(value, `parameter "${name.slice(0, 40)}"`, limits);
  }
}

/**
 * Deepest nesting of `[` and `{` outside JSON strings, counted without parsing: parsers and validators that
 * recurse (graphql-js coercing variables, filter compilers) must never see a document deeper than the limit.
 */
function checkJsonDepth(text: string, what: string, limits: RequestLimits): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth += 1;
      if (depth > limits.maxJsonDepth) {
        throw new EdgeRefusal(400, `${what} is nested deeper than ${limits.maxJsonDepth} levels (SPENDGRAPH_MAX_JSON_DEPTH)`);
      }
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
}

/** An escaped NUL (`\u0000`, not `\\u0000`) in JSON text. */
const jsonNul = /(?<!\\)(?:\\\\)*\\u0000/;

async function readBody(request: Request, limits: RequestLimits): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limits.maxBody) throw new EdgeRefusal(413, `the request body is larger than ${limits.maxBody} bytes (SPENDGRAPH_MAX_BODY)`);
  const reader = request.clone().body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limits.maxBody) {
      // Not awaited: cancelling one branch of a tee settles only when the other branch is cancelled too.
      void reader.cancel();
      throw new EdgeRefusal(413, `the request body is larger than ${limits.maxBody} bytes (SPENDGRAPH_MAX_BODY)`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

type Incoming = IncomingMessage & { rawBody?: Buffer };

/**
 * Reads the body of a request served by the Node server straight from its socket stream, once, and leaves it on
 * the message as `rawBody`: the server's request object then answers every later `text()`/`json()` from that
 * buffer. Cloning the request instead would build a full fetch Request per call, a large share of a small
 * request's cost. A class, so a request creates no function of its own beyond its three bound listeners.
 */
class IncomingBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly data = this.onData.bind(this);
  private readonly end = this.onEnd.bind(this);
  private readonly error = this.onError.bind(this);

  constructor(
    private readonly incoming: Incoming,
    private readonly maxBody: number,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (error: Error) => void,
  ) {
    incoming.on('data', this.data);
    incoming.on('end', this.end);
    incoming.on('error', this.error);
  }

  private onData(chunk: Buffer): void {
    this.size += chunk.byteLength;
    if (this.size > this.maxBody) {
      this.incoming.pause();
      this.done(new EdgeRefusal(413, `the request body is larger than ${this.maxBody} bytes (SPENDGRAPH_MAX_BODY)`));
      return;
    }
    this.chunks.push(chunk);
  }

  private onEnd(): void {
    this.done();
  }

  private onError(error: Error): void {
    this.done(error);
  }

  private done(error?: Error): void {
    this.incoming.off('data', this.data);
    this.incoming.off('end', this.end);
    this.incoming.off('error', this.error);
    if (error) return this.reject(error);
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.incoming.rawBody = body;
    this.resolve(body);
  }
}

function readIncoming(incoming: Incoming, limits: RequestLimits): Promise<Uint8Array> {
  const declared = Number(incoming.headers['content-length'] ?? 0);
  if (declared > limits.maxBody) throw new EdgeRefusal(413, `the request body is larger than ${limits.maxBody} bytes (SPENDGRAPH_MAX_BODY)`);
  return new Promise((resolve, reject) => new IncomingBody(incoming, limits.maxBody, resolve, reject));
}

async function checkBody(c: Context, limits: RequestLimits, graphql: boolean): Promise<void> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/')) return;
  const incoming = (c.env as { incoming?: Incoming } | undefined)?.incoming;
  const fresh = incoming instanceof IncomingMessage && !incoming.readableDidRead && !incoming.rawBody;
  const bytes = fresh ? await readIncoming(incoming, limits) : await readBody(c.req.raw, limits);
  if (bytes.byteLength === 0) return;
  if (!isUtf8(bytes)) throw new EdgeRefusal(400, 'the request body is not valid UTF-8');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (type.includes('x-www-form-urlencoded')) return checkPairs(text, 'the form body', limits);
  // GraphQL names NUL bytes by variable path itself (useRejectNulBytes in src/yoga.ts).
  if (!graphql && (text.includes('\u0000') || jsonNul.test(text))) {
    throw new EdgeRefusal(400, 'the request body contains a NUL byte (\\u0000), which no text can hold');
  }
  checkJsonDepth(text, 'the request body', limits);
}

/**
 * The edge of every API route: the URL's size, its path and query string as UTF-8 without NUL bytes, and a body
 * within SPENDGRAPH_MAX_BODY, valid UTF-8, without NUL bytes and nested no deeper than the limit. A refusal is a
 * 4xx in the dialect's error shape, before any route, quota or database sees the request.
 */
export function edgeChecks(limits: RequestLimits, options: { skipBody?: (path: string) => boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    const url = c.req.url;
    const query = url.indexOf('?');
    const path = query < 0 ? url.slice(url.indexOf('/', url.indexOf('//') + 2)) : url.slice(url.indexOf('/', url.indexOf('//') + 2), query);
    const graphql = path.startsWith('/graphql');
    try {
      const search = query < 0 ? '' : url.slice(query + 1);
      if (search.length > limits.maxQueryString) {
        throw new EdgeRefusal(414, `the query string is longer than ${limits.maxQueryString} characters (SPENDGRAPH_MAX_QUERY_STRING)`);
      }
      decodeComponent(path, 'the path', false);
      checkPairs(search, 'the query string', limits);
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !options.skipBody?.(path)) await checkBody(c, limits, graphql);
    } catch (error) {
      if (!(error instanceof EdgeRefusal)) throw error;
      return c.json(edgeErrorBody(path, error.status, error.message), error.status);
    }
    await next();
  };
}
