import { createHash } from 'node:crypto';
import { db } from '../../db.js';
import { onPrimary } from '../../db/routing.js';
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

const DAY_MS = 24 * 60 * 60 * 1000;
/** A request used again within this long is not written again just to move its last use. */
const TOUCH_AFTER_MS = 60 * 60 * 1000;
const CLEANUP_EVERY_MS = 60 * 60 * 1000;
const CLEANUP_LIMIT = 10_000;

/** How long an unused saved request lives: `SPENDGRAPH_SAVED_REQUEST_DAYS`, 30 by default. */
export function savedRequestDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SPENDGRAPH_SAVED_REQUEST_DAYS;
  if (raw === undefined || raw === '') return 30;
  const days = Number(raw);
  if (!Number.isFinite(days) || days <= 0) {
    throw new Error(`SPENDGRAPH_SAVED_REQUEST_DAYS must be a positive number of days, got "${raw}"`);
  }
  return days;
}

function expiredBefore(): Date {
  return new Date(Date.now() - savedRequestDays() * DAY_MS);
}

async function touch(saved: { id: number; lastUsedAt: Date }): Promise<void> {
  if (Date.now() - saved.lastUsedAt.getTime() < TOUCH_AFTER_MS) return;
  await db.savedRequest.update({ where: { id: saved.id }, data: { lastUsedAt: new Date() } });
}

/** Deletes up to `limit` expired requests, oldest first; returns how many it deleted. */
export async function deleteExpiredSavedRequests(limit = CLEANUP_LIMIT): Promise<number> {
  return db.$executeRaw`
    DELETE FROM saved_request WHERE id IN (
      SELECT id FROM saved_request WHERE last_used_at < ${expiredBefore()} ORDER BY last_used_at LIMIT ${limit})`;
}

let lastCleanup = 0;

/** Runs the cleanup at most once an hour per process, when a new request is stored. */
async function cleanupWhenDue(): Promise<void> {
  if (Date.now() - lastCleanup < CLEANUP_EVERY_MS) return;
  lastCleanup = Date.now();
  try {
    await deleteExpiredSavedRequests();
  } catch (error) {
    console.error(`deleting expired saved requests failed: ${(error as Error).message}`);
  }
}

/** Stores a request under its checksum (idempotent, moving its last use forward) and returns the checksum. */
export function saveRequest(endpoint: string, request: unknown): Promise<string> {
  return onPrimary(() => storeRequest(endpoint, request));
}

async function storeRequest(endpoint: string, request: unknown): Promise<string> {
  const stored = JSON.parse(canonicalJson(request)) as Prisma.InputJsonValue;
  let checksum = checksumOf(endpoint, request);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const existing = await db.savedRequest.findUnique({ where: { checksum } });
    if (!existing) {
      await cleanupWhenDue();
      await db.savedRequest.upsert({ where: { checksum }, create: { checksum, endpoint, request: stored }, update: {} });
      return checksum;
    }
    if (existing.endpoint === endpoint && canonicalJson(existing.request) === canonicalJson(stored)) {
      await touch(existing);
      return checksum;
    }
    checksum = createHash('sha256').update(checksum).digest('hex').slice(-11);
  }
  throw new Error('could not store the request under a free checksum');
}

/** The stored request behind `req`; a 400 when there is none, it expired, or it belongs to another endpoint. */
export async function loadRequest<T>(endpoint: string, checksum: unknown, at: (string | number)[] = ['req']): Promise<T> {
  const key = typeof checksum === 'string' ? checksum.trim() : String(checksum);
  // On the primary: a request saved through another gateway a moment ago may not have reached a replica yet.
  const found = /^[0-9a-f]{1,64}$/.test(key) ? await onPrimary(() => db.savedRequest.findUnique({ where: { checksum: key } })) : null;
  if (!found || found.endpoint !== endpoint || found.lastUsedAt < expiredBefore()) {
    throw badInput(`Requested 'req' '${key.slice(0, 64)}' does not exist or has expired.`, at);
  }
  await touch(found);
  return found.request as T;
}
