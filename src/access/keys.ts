import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db.js';
import { UserError } from '../errors.js';
import { normaliseGrants, type Principal, type Right } from './principal.js';

const keyPattern = /^sg_[A-Za-z0-9_-]{43}$/;

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface CreatedKey {
  id: number;
  name: string;
  /** The secret, shown once: only its hash is stored. */
  key: string;
  grants: Record<string, Right[]>;
}

export async function createKey(db: Db, name: string, grants: [string, Right][]): Promise<CreatedKey> {
  const key = `sg_${randomBytes(32).toString('base64url')}`;
  const map: Record<string, Right[]> = {};
  for (const [dataset, right] of grants) map[dataset] = [...new Set([...(map[dataset] ?? []), right])];
  const row = await db.apiKey.create({ data: { name, keyHash: hashKey(key), grants: map } });
  return { id: row.id, name: row.name, key, grants: map };
}

export async function revokeKey(db: Db, idOrName: string): Promise<number> {
  const where = /^\d+$/.test(idOrName) ? { id: Number(idOrName) } : { name: idOrName };
  const result = await db.apiKey.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: new Date() } });
  return result.count;
}

/**
 * Resolves a presented secret to its principal. The secret is hashed and looked up by the hash's unique index, so
 * no comparison of secrets happens in application code whose timing depends on how much of a key matched.
 */
export async function principalForKey(db: Db, secret: string): Promise<Principal> {
  if (!keyPattern.test(secret)) throw new UserError('UNAUTHENTICATED', 'malformed API key');
  const row = await db.apiKey.findUnique({ where: { keyHash: hashKey(secret) } });
  if (!row || row.revokedAt) throw new UserError('UNAUTHENTICATED', 'unknown or revoked API key');
  return { kind: 'key', id: row.id, name: row.name, grants: normaliseGrants(row.grants) };
}

/** The key presented with a request: `Authorization: ApiKey|Bearer <key>` (any case) or `?apikey=`. */
export function presentedKey(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header) {
    const match = /^\s*(apikey|bearer)\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UserError('UNAUTHENTICATED', 'Authorization must be "ApiKey <key>" or "Bearer <key>"');
    return match[2];
  }
  const query = new URL(request.url).searchParams.get('apikey');
  return query === null ? undefined : query;
}
