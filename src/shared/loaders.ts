/**
 * Per-request DataLoaders and memos. Each lives in the request's context (`ctx.loaders`), so a lookup repeated by
 * sibling or nested fields of one operation runs once, and nothing outlives the request.
 */
import DataLoader from 'dataloader';
import type { Context } from '../context.js';

/** The request's loader named `name`, created on first use with `batch` (which must answer in key order). */
export function loaderOf<K, V, C = K>(
  ctx: Pick<Context, 'loaders'>,
  name: string,
  batch: DataLoader.BatchLoadFn<K, V>,
  options?: DataLoader.Options<K, V, C>,
): DataLoader<K, V, C> {
  let loader = ctx.loaders.get(name) as DataLoader<K, V, C> | undefined;
  if (!loader) {
    loader = new DataLoader(batch, options);
    ctx.loaders.set(name, loader);
  }
  return loader;
}

/** A value computed once per request (for the same `name`), e.g. the ids of the datasets the caller may see. */
export function requestMemo<T>(ctx: Pick<Context, 'loaders'>, name: string, compute: () => Promise<T>): Promise<T> {
  const key = `memo:${name}`;
  let value = ctx.loaders.get(key) as Promise<T> | undefined;
  if (!value) {
    value = compute();
    ctx.loaders.set(key, value);
  }
  return value;
}
