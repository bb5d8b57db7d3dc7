import type { Prisma } from '../generated/prisma/client.js';

export type Right = 'read' | 'write' | 'admin';
export const rights: readonly Right[] = ['read', 'write', 'admin'];

/** Who is calling: nobody in particular, or the holder of an API key with per-dataset grants. */
export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'key'; readonly id: number; readonly name: string; readonly grants: Readonly<Record<string, Right[]>> };

export const anonymous: Principal = { kind: 'anonymous' };

const rank: Record<Right, number> = { read: 1, write: 2, admin: 3 };

/** Whether the caller holds `right` on the dataset (admin implies write, write implies read; "*" is every dataset). */
export function can(principal: Principal, dataset: string, right: Right): boolean {
  if (principal.kind === 'anonymous') return false;
  const held = [...(principal.grants[dataset] ?? []), ...(principal.grants['*'] ?? [])];
  return held.some((r) => rank[r] >= rank[right]);
}

/**
 * The datasets the caller may see: every public one, and private ones it can read, never a version a reload has
 * retired. Every door (lists, lookups, facets, aggregates, downloads) filters datasets through this, so a private
 * dataset is exactly like a missing one.
 */
export function visibleDatasets(principal: Principal): Prisma.DatasetWhereInput {
  const current: Prisma.DatasetWhereInput = { retiredAt: null };
  if (principal.kind === 'anonymous') return { ...current, private: false };
  if (can(principal, '*', 'read')) return current;
  const readable = Object.keys(principal.grants).filter((name) => can(principal, name, 'read'));
  return readable.length === 0 ? { ...current, private: false } : { ...current, OR: [{ private: false }, { name: { in: readable } }] };
}

export function isVisible(principal: Principal, dataset: { name: string; private: boolean }): boolean {
  return !dataset.private || can(principal, dataset.name, 'read');
}

/** create/read/update/delete as OpenSpending's /api/2/permissions answers them. */
export function permissionsOn(principal: Principal, dataset: { name: string; private: boolean } | null) {
  const exists = dataset !== null && isVisible(principal, dataset);
  const name = dataset?.name ?? '';
  const write = exists && can(principal, name, 'write');
  return {
    create: principal.kind === 'key' && (dataset === null ? can(principal, '*', 'write') : write),
    read: exists,
    update: write,
    delete: write,
  };
}

/** Parses grant strings such as "cra:read" or "*:write". */
export function parseGrant(text: string): [string, Right] {
  const at = text.lastIndexOf(':');
  const dataset = text.slice(0, at);
  const right = text.slice(at + 1) as Right;
  if (at <= 0 || !rights.includes(right) || !/^(\*|[A-Za-z0-9][A-Za-z0-9_.-]*)$/.test(dataset)) {
    throw new Error(`invalid grant "${text}": expected <dataset|*>:<read|write|admin>`);
  }
  return [dataset, right];
}

export function normaliseGrants(value: unknown): Record<string, Right[]> {
  const grants: Record<string, Right[]> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [dataset, list] of Object.entries(value)) {
      if (Array.isArray(list)) grants[dataset] = list.filter((r): r is Right => rights.includes(r as Right));
    }
  }
  return grants;
}
