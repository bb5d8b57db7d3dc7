import { createHash } from 'node:crypto';
import { db } from '../../db.js';
import { badInput } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** JSON with object keys sorted, so equal requests hash equally whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}

/** Last 11 hex digits of the SHA-256 of the canonical request (the upstream `req` format). */
export function checksumOf(endpoint: string, request: unknown): string {
  return createHash('sha256').update(canonicalJson({ endpoint, request })).digest('hex').slice(-11);
}

/** Stores a request under its checksum (idempotent) and returns the checksum. */
export async function saveRequest(endpoint: string, request: unknown): Promise<string> {
  const stored = JSON.parse(canonicalJson(request)) as Prisma.InputJsonValue;
  let checksum = checksumOf(endpoint, request);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const existing = await db.savedRequest.findUnique({ where: { checksum } });
    if (!existing) {
      await db.savedRequest.upsert({ where: { checksum }, create: { checksum, endpoint, request: stored }, update: {} });
      return checksum;
    }
    if (existing.endpoint === endpoint && canonicalJson(existing.request) === canonicalJson(stored)) return checksum;
    checksum = createHash('sha256').update(checksum).digest('hex').slice(-11);
  }
  throw new Error('could not store the request under a free checksum');
}

/** The stored request behind `req`; a 400 when there is none or it belongs to another endpoint. */
export async function loadRequest<T>(endpoint: string, checksum: unknown, at: (string | number)[] = ['req']): Promise<T> {
  const key = typeof checksum === 'string' ? checksum.trim() : String(checksum);
  const found = /^[0-9a-f]{1,64}$/.test(key) ? await db.savedRequest.findUnique({ where: { checksum: key } }) : null;
  if (!found || found.endpoint !== endpoint) {
    throw badInput(`Requested 'req' '${key.slice(0, 64)}' does not exist or has expired.`, at);
  }
  return found.request as T;
}
