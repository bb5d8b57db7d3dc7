import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a request's reads go. A request that only reads runs in a `replica` scope: its SELECTs outside transactions
 * go to one replica, picked at its first read and kept for the rest of the request so that every statement of it sees
 * the same replica's state. Anything else (mutations, loads, pushes, commands, startup, work outside a request) is
 * on the primary. The scope is a mutable object so that a layer that learns late that the request writes (a GraphQL
 * mutation found by the executor) can move it to the primary.
 */
export interface RouteScope {
  reads: 'replica' | 'primary';
  /** The replica this request reads from, once chosen. */
  replica?: number;
}

const scopes = new AsyncLocalStorage<RouteScope>();

// Awaited inside the scope: Prisma's promises are lazy and send their statement only when awaited.
function within<T>(scope: RouteScope, work: () => PromiseLike<T> | T): Promise<T> {
  return scopes.run(scope, async () => await work());
}

/** Runs `work` as a read-only request: its plain reads may go to a replica. */
export function readOnly<T>(work: () => PromiseLike<T> | T): Promise<T> {
  return within({ reads: 'replica' }, work);
}

/** Runs `work` on the primary whatever its caller's scope: for reads that must see a write made just before. */
export function onPrimary<T>(work: () => PromiseLike<T> | T): Promise<T> {
  return within({ reads: 'primary' }, work);
}

/** Moves the current request to the primary for the rest of its statements (a mutation, a load). */
export function useThePrimary(): void {
  const scope = scopes.getStore();
  if (scope) scope.reads = 'primary';
}

/**
 * `fn` bound to the current request's scope, for work the request leaves behind it: a streamed body's later pages
 * are pulled by the HTTP server after the handler has returned, outside the request's scope.
 */
export function keepScope<F extends (...args: never[]) => unknown>(fn: F): F {
  return AsyncLocalStorage.bind(fn);
}

export function currentScope(): RouteScope | undefined {
  return scopes.getStore();
}

const readStatement = /^\s*(?:\(\s*)*(?:select|with)\b/i;
const locksOrWrites = /\bfor\s+(?:update|share|no\s+key\s+update|key\s+share)\b|\bpg_(?:try_)?advisory|\b(?:nextval|setval)\s*\(|\binsert\s+into\b|\bdelete\s+from\b|\bupdate\s+"?\w+"?(?:\."?\w+"?)?\s+set\b/i;

/** Whether a statement only reads, so that a standby can run it. Anything unsure is a write. */
export function isReadStatement(sql: string): boolean {
  return readStatement.test(sql) && !locksOrWrites.test(sql);
}
