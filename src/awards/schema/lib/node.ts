import { visibleDatasets } from '../../../access/principal.js';
import type { Context } from '../../../context.js';

/** A row id from a global id's key or a lookup argument; -1 (no row) when it is not one. */
export function rowIdOf(key: string | number): number {
  const text = String(key);
  return /^\d{1,9}$/.test(text) ? Number(text) : -1;
}

/** The unique where of a node lookup: the row, only when its dataset is visible to the caller. */
export function visibleRow(key: string | number, ctx: Context) {
  return { id: rowIdOf(key), dataset: { is: visibleDatasets(ctx.principal) } };
}
