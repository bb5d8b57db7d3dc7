/**
 * Work a read starts but does not wait for (statistics that make later queries faster): tracked, so shutdown
 * awaits it instead of cutting it off with the database; bounded, one task per key at a time; and logged when it
 * fails instead of vanishing.
 */
const pending = new Map<string, Promise<void>>();

/** Starts `task` under `key` unless a task of that key is still running. */
export function inBackground(key: string, task: () => Promise<unknown>): void {
  if (pending.has(key)) return;
  const running = task()
    .then(() => undefined)
    .catch((error: unknown) => console.error(`background ${key} failed:`, error instanceof Error ? error.message : error))
    .finally(() => pending.delete(key));
  pending.set(key, running);
}

/** Resolves when every background task started so far has ended. */
export async function backgroundSettled(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending.values());
}
