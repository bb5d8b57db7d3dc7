import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createWriteStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Fetches a URL a caller gave the server (the loading API's `csv_file`, `metadata`, `budget_data_package`) without
 * letting it reach what the caller could not: http(s) only, every address the name resolves to must be public
 * (checked when the connection is made, so a name cannot resolve to something else later), redirects re-checked,
 * a size limit and a timeout. An operator may allow named hosts that are not public in SPENDGRAPH_LOAD_ALLOW_HOSTS.
 */

export class FetchRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchRefused';
  }
}

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Host names or addresses (lower case) that may be fetched even though they are not public. */
  allowHosts: Set<string>;
  maxRedirects: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Read from the environment on every load, so an operator's change applies to the next one. */
export function fetchLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): FetchLimits {
  return {
    maxBytes: positive(env, 'SPENDGRAPH_LOAD_MAX_BYTES', 200 * 1024 * 1024),
    timeoutMs: positive(env, 'SPENDGRAPH_LOAD_TIMEOUT_SECONDS', 60) * 1000,
    allowHosts: new Set(
      (env.SPENDGRAPH_LOAD_ALLOW_HOSTS ?? '')
        .split(',')
        .map((host) => host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1'))
        .filter(Boolean),
    ),
    maxRedirects: 5,
  };
}

/** Whether an address is on the public internet (not loopback, private, link-local, reserved, multicast …). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** A DNS lookup that refuses non-public answers for hosts the operator did not allow. */
function guardedLookup(host: string, limits: FetchLimits): LookupFunction {
  const allowed = limits.allowHosts.has(host);
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const refused = list.find((a) => !isPublicAddress(a.address));
      if (!allowed && refused) {
        return callback(new FetchRefused(`${host} resolves to ${refused.address}, which is not a public address`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

function checkUrl(text: string, limits: FetchLimits): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FetchRefused(`"${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchRefused(`only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new FetchRefused('URLs with credentials are not fetched');
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValid(host) && !isPublicAddress(host) && !limits.allowHosts.has(host)) {
    throw new FetchRefused(`${host} is not a public address`);
  }
  return url;
}

function open(url: URL, limits: FetchLimits, signal: AbortSignal): Promise<IncomingMessage> {
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', lookup: guardedLookup(host, limits), signal, headers: { 'user-agent': 'Spendgraph loader' } }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/**
 * Downloads `text` into the file `target`, following up to five redirects; returns the final URL (relative paths in
 * a package resolve against it). Throws FetchRefused with a message fit for the caller.
 */
export async function fetchToFile(text: string, target: string, limits: FetchLimits = fetchLimitsFromEnv()): Promise<URL> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  try {
    let url = checkUrl(text, limits);
    for (let redirects = 0; ; redirects += 1) {
      let response: IncomingMessage;
      try {
        response = await open(url, limits, controller.signal);
      } catch (error) {
        if (error instanceof FetchRefused) throw error;
        if (controller.signal.aborted) throw new FetchRefused(`fetching ${url.href} took longer than ${limits.timeoutMs / 1000} s`);
        throw new FetchRefused(`fetching ${url.href} failed: ${(error as NodeJS.ErrnoException).code ?? 'connection error'}`);
      }
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= limits.maxRedirects) throw new FetchRefused(`fetching ${text}: more than ${limits.maxRedirects} redirects`);
        url = checkUrl(new URL(response.headers.location, url).href, limits);
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new FetchRefused(`fetching ${url.href} answered HTTP ${status}`);
      }
      const declared = Number(response.headers['content-length']);
      if (declared > limits.maxBytes) {
        response.destroy();
        throw new FetchRefused(`${url.href} is larger than ${limits.maxBytes} bytes (SPENDGRAPH_LOAD_MAX_BYTES)`);
      }
      await new Promise<void>((resolve, reject) => {
        const out = createWriteStream(target);
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > limits.maxBytes) {
            response.destroy();
            out.destroy();
            reject(new FetchRefused(`${url.href} is larger than ${limits.maxBytes} bytes (SPENDGRAPH_LOAD_MAX_BYTES)`));
          }
        });
        response.on('error', () =>
          reject(new FetchRefused(controller.signal.aborted ? `fetching ${url.href} took longer than ${limits.timeoutMs / 1000} s` : `fetching ${url.href} was cut off`)),
        );
        out.on('error', reject);
        out.on('finish', resolve);
        response.pipe(out);
      });
      return url;
    }
  } finally {
    clearTimeout(timer);
  }
}
