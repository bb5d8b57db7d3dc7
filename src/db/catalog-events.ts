import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

/** The channel the `dataset` table's trigger notifies on (migration `catalog_notify`). */
export const CATALOG_CHANNEL = 'spendgraph_catalog';
/** How the listener's own connection names itself to PostgreSQL (`pg_stat_activity.application_name`). */
export const LISTENER_APPLICATION_NAME = 'spendgraph catalog listener';

/**
 * What a process memoises about the catalog (dataset ids of a scope, the catalog version) across requests, and
 * when it must forget it.
 *
 * A trigger on `dataset` sends a notification after every committed change (a load, a reload retiring a version,
 * a visibility change, a delete), from any process. A listener connection receives it and empties the memo. While
 * the listener is not connected (starting, or its connection lost), nothing is memoised: every lookup runs, as it
 * would without the memo, so no change can be missed. A process whose reads go to replicas does not memoise at all:
 * a standby replays the change after the notification arrives, and a lookup run in between would keep the old state.
 */
export class CatalogMemo {
  #entries = new Map<string, Promise<unknown>>();
  #live = false;
  #changes = 0;
  #start: (() => CatalogListener | undefined) | undefined;
  #listener: CatalogListener | undefined;

  constructor(private readonly maxEntries = 1000) {}

  /** How to start listening: called on the first lookup, so a process that never looks anything up never listens. */
  listenWith(start: () => CatalogListener | undefined): void {
    this.#start = start;
  }

  /** Stops listening (memoising stops with it); the next lookup starts again. */
  async close(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    this.setLive(false);
    await listener?.close();
  }

  /** Whether lookups are memoised now (the listener is connected); starts the listener on first use. */
  get live(): boolean {
    return this.#listen();
  }

  #listen(): boolean {
    if (!this.#listener && this.#start) this.#listener = this.#start();
    return this.#live;
  }

  /**
   * Changes seen since the process started, counting each time the listener (re)connected as one (a change made
   * while it was away is not heard). Anything memoised elsewhere under this number is stale once it moves.
   */
  get generation(): number {
    return this.#changes;
  }

  /** The memoised value of `key`, computed by `compute` when absent (or always, while not live). */
  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (!this.#listen()) return compute();
    const hit = this.#entries.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    const value = compute();
    this.#entries.set(key, value);
    // A failed lookup is not kept.
    value.catch(() => {
      if (this.#entries.get(key) === value) this.#entries.delete(key);
    });
    return value;
  }

  /** The catalog changed: forget everything. */
  changed(): void {
    this.#changes += 1;
    this.#entries.clear();
  }

  /** The listener connected (memoise from now on) or lost its connection (stop, and forget). */
  setLive(live: boolean): void {
    this.#changes += 1;
    this.#entries.clear();
    this.#live = live;
  }
}

export const catalogMemo = new CatalogMemo();

export interface CatalogListener {
  close(): Promise<void>;
}

/**
 * Listens on PostgreSQL with a connection of its own (a pooled one would be handed to queries), reconnecting after
 * 1 s, then up to every 10 s, while the server is unreachable.
 */
export function listenOnPostgres(url: string, memo: CatalogMemo = catalogMemo): CatalogListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = 1000;

  /** Stops listening on the current connection and closes it (its late errors ignored). */
  const drop = async () => {
    memo.setLive(false);
    const dead = client;
    client = undefined;
    dead?.removeAllListeners();
    dead?.on('error', () => undefined);
    await dead?.end().catch(() => undefined);
  };

  const lost = () => {
    void drop();
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    retry.unref();
    delay = Math.min(delay * 2, 10_000);
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME });
    client = next;
    next.on('error', lost);
    next.on('end', () => {
      if (client === next) lost();
    });
    next.on('notification', (message) => {
      if (message.channel === CATALOG_CHANNEL) memo.changed();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CATALOG_CHANNEL}`);
      // The socket must not keep a finished process alive.
      (next as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      if (closed) {
        await next.end();
        return;
      }
      delay = 1000;
      memo.setLive(true);
    } catch {
      if (client === next) lost();
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await drop();
    },
  };
}

/** Listens inside the embedded database (one process holds it, so every change is this process's own). */
export function listenOnPGlite(database: Promise<PGlite>, memo: CatalogMemo = catalogMemo): CatalogListener {
  let unlisten: (() => Promise<void>) | undefined;
  let closed = false;
  const ready = database
    .then(async (pglite) => {
      const stop = await pglite.listen(CATALOG_CHANNEL, () => memo.changed());
      if (closed) return stop();
      unlisten = stop;
      memo.setLive(true);
    })
    .catch(() => memo.setLive(false));
  return {
    async close() {
      closed = true;
      memo.setLive(false);
      await ready;
      await unlisten?.().catch(() => undefined);
    },
  };
}
