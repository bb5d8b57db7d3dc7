import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { listenOnPGlite, listenOnPostgres, type CatalogListener, type CatalogMemo } from './catalog-events.js';
import { claimDataDir, describeOwner, releaseDataDir } from './owner.js';
import { describeUrl, ReplicaSet, RoutingAdapterFactory } from './replicas.js';

export interface DatabaseTarget {
  /** A PostgreSQL URL; the embedded PGlite database is used when absent. */
  url?: string;
  /** Directory of the embedded database, or "memory://"; in memory when absent. */
  dataDir?: string;
  /** Milliseconds a statement may run on PostgreSQL connections (0 or absent: no limit). PGlite cannot interrupt one. */
  statementTimeout?: number;
  /** Streaming replicas of `url` that reads of read-only requests go to. */
  replicaUrls?: string[];
  /** Seconds a replica may trail the primary before it leaves rotation. */
  maxReplicaLag?: number;
}

export interface Adapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /**
   * What migrations run through: on PostgreSQL a pool without the request statement timeout, since a migration may
   * wait on another process's migration lock and take longer than any request should.
   */
  migrationFactory: SqlMigrationAwareDriverAdapterFactory;
  kind: 'postgres' | 'pglite';
  /** Human-readable description of where the data lives (never includes credentials). */
  describe: string;
  /** The directory of an embedded database kept on disk, which one process at a time may open. */
  dataDir?: string;
  /** The replicas reads may go to (PostgreSQL with replica URLs only). */
  replicas?: ReplicaSet;
  /**
   * Starts listening for catalog changes into `memo` (see CatalogMemo); absent where memoising would not be safe
   * (reads on replicas).
   */
  listenCatalog?(memo: CatalogMemo): CatalogListener;
  close(): Promise<void>;
}

/** The command line that names this process to others waiting for the data directory. */
function processRole(): string {
  return process.argv.slice(1).join(' ').slice(0, 200) || `pid ${process.pid}`;
}

/**
 * Opens the embedded database on first use, after claiming its data directory: a process that finds a server
 * holding it stops with a message naming the server; one that finds a command holding it waits for it.
 */
class OwnedPGliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = new PrismaPGlite(undefined as unknown as PGlite).adapterName;
  #database: Promise<PGlite> | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly dir: string,
  ) {}

  database(): Promise<PGlite> {
    this.#database ??= (async () => {
      const claim = await claimDataDir(this.dataDir, processRole(), (owner) =>
        console.error(`waiting for ${describeOwner(owner)} to release the embedded database in ${this.dataDir}`),
      );
      if (!claim.claimed) {
        throw new Error(
          `the embedded database in ${this.dataDir} is in use by ${describeOwner(claim.owner)}: stop it first, or run ` +
            '`npm run ingest` / `npm run keys`, which hand their work to it',
        );
      }
      return new PGlite(this.dir);
    })();
    return this.#database;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return new PrismaPGlite(await this.database()).connect();
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return new PrismaPGlite(new PGlite('memory://')).connect();
  }

  async close(): Promise<void> {
    if (this.#database) await (await this.#database.catch(() => undefined))?.close();
    releaseDataDir(this.dataDir);
  }
}

export function createAdapter(target: DatabaseTarget): Adapter {
  if (target.url) {
    const primary = new PrismaPg({ connectionString: target.url, ...(target.statementTimeout ? { statement_timeout: target.statementTimeout } : {}) });
    const replicas = target.replicaUrls?.length
      ? new ReplicaSet(target.replicaUrls, { maxLagSeconds: target.maxReplicaLag ?? 10, statementTimeout: target.statementTimeout })
      : undefined;
    return {
      factory: replicas ? new RoutingAdapterFactory(primary, replicas) : primary,
      migrationFactory: new PrismaPg({ connectionString: target.url }),
      kind: 'postgres',
      describe: `PostgreSQL at ${describeUrl(target.url)}${replicas ? ` with ${replicas.replicas.length} replica(s): ${replicas.replicas.map((r) => r.database).join(', ')}` : ''}`,
      replicas,
      ...(replicas ? {} : { listenCatalog: (memo: CatalogMemo) => listenOnPostgres(target.url!, memo) }),
      close: async () => replicas?.close(),
    };
  }
  if (!target.dataDir || target.dataDir === 'memory://') {
    const pglite = new PGlite('memory://');
    const factory = new PrismaPGlite(pglite);
    return {
      factory,
      migrationFactory: factory,
      kind: 'pglite',
      describe: 'embedded PGlite in memory',
      listenCatalog: (memo) => listenOnPGlite(Promise.resolve(pglite), memo),
      close: () => pglite.close(),
    };
  }
  mkdirSync(target.dataDir, { recursive: true });
  const dir = join(target.dataDir, 'pglite');
  const factory = new OwnedPGliteFactory(target.dataDir, dir);
  return {
    factory,
    migrationFactory: factory,
    kind: 'pglite',
    describe: `embedded PGlite in ${dir}`,
    dataDir: target.dataDir,
    listenCatalog: (memo) => listenOnPGlite(factory.database(), memo),
    close: () => factory.close(),
  };
}
