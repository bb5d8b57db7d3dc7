import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { listenOnPGlite, listenOnPostgres, type CatalogListener, type CatalogMemo } from './catalog-events.js';
import { claimDataDir, describeOwner, releaseDataDir } from './owner.js';
import { describeUrl, ReplicaSet, RoutingAdapterFactory } from './replicas.js';
import { CONNECTION_LIFETIME_SECONDS, statementName } from './statement-names.js';

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

type PGliteModules = {
  /** Opens an embedded database with the extensions the migrations create (pg_trgm: indexes for ILIKE). */
  open(dir: string): PGlite;
  PrismaPGlite: typeof import('pglite-prisma-adapter').PrismaPGlite;
};
let pgliteModules: Promise<PGliteModules> | undefined;

/**
 * PGlite and its adapter, imported on first use: a process on PostgreSQL never loads them (about 40 MB of resident
 * memory before the first statement).
 */
function loadPGlite(): Promise<PGliteModules> {
  pgliteModules ??= Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('pglite-prisma-adapter'),
  ]).then(([core, { pg_trgm }, adapter]) => ({
    open: (dir: string) => new core.PGlite(dir, { extensions: { pg_trgm } }),
    PrismaPGlite: adapter.PrismaPGlite,
  }));
  return pgliteModules;
}

/** Name the PGlite adapter reports (pglite-prisma-adapter's), known before its module is loaded. */
const PGLITE_ADAPTER_NAME = 'pglite-prisma-adapter';

/**
 * Creates the files of a new embedded database in a short-lived child process. PGlite's initdb runs a second
 * PostgreSQL and the initdb program in WebAssembly beside the first, about 800 MB of memory that a process does not
 * give back; a process that opens an existing directory starts at about 350 MB instead.
 */
async function createDataDir(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const module = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = `require(${JSON.stringify(module)}).PGlite.create(${JSON.stringify(dir)}).then((db) => db.close())`;
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { env: { ...process.env, NODE_OPTIONS: '' } }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`creating the embedded database in ${dir} failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

/** An embedded database, opened on first use; subclasses say how it is opened. */
abstract class PGliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = PGLITE_ADAPTER_NAME;
  #database: Promise<PGlite> | undefined;

  protected abstract open(): Promise<PGlite>;

  database(): Promise<PGlite> {
    this.#database ??= this.open();
    return this.#database;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const [{ PrismaPGlite }, database] = await Promise.all([loadPGlite(), this.database()]);
    return new PrismaPGlite(database).connect();
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const { open, PrismaPGlite } = await loadPGlite();
    return new PrismaPGlite(open('memory://')).connect();
  }

  async close(): Promise<void> {
    if (this.#database) await (await this.#database.catch(() => undefined))?.close();
  }
}

/** An embedded database in memory. */
class MemoryPGliteFactory extends PGliteFactory {
  /** The database once opened (test/statements.ts observes the statements it receives). */
  client: PGlite | undefined;

  protected async open(): Promise<PGlite> {
    const { open } = await loadPGlite();
    return (this.client = open('memory://'));
  }
}

/**
 * The embedded database in a data directory, opened after claiming the directory: a process that finds a server
 * holding it stops with a message naming the server; one that finds a command holding it waits for it.
 */
class OwnedPGliteFactory extends PGliteFactory {
  constructor(
    private readonly dataDir: string,
    private readonly dir: string,
  ) {
    super();
  }

  protected async open(): Promise<PGlite> {
    const claim = await claimDataDir(this.dataDir, processRole(), (owner) =>
      console.error(`waiting for ${describeOwner(owner)} to release the embedded database in ${this.dataDir}`),
    );
    if (!claim.claimed) {
      throw new Error(
        `the embedded database in ${this.dataDir} is in use by ${describeOwner(claim.owner)}: stop it first, or run ` +
          '`npm run ingest` / `npm run keys`, which hand their work to it',
      );
    }
    await createDataDir(this.dir);
    const { open } = await loadPGlite();
    return open(this.dir);
  }

  override async close(): Promise<void> {
    await super.close();
    releaseDataDir(this.dataDir);
  }
}

export function createAdapter(target: DatabaseTarget): Adapter {
  if (target.url) {
    const primary = new PrismaPg(
      { connectionString: target.url, maxLifetimeSeconds: CONNECTION_LIFETIME_SECONDS, ...(target.statementTimeout ? { statement_timeout: target.statementTimeout } : {}) },
      { statementNameGenerator: statementName },
    );
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
    const factory = new MemoryPGliteFactory();
    return {
      factory,
      migrationFactory: factory,
      kind: 'pglite',
      describe: 'embedded PGlite in memory',
      listenCatalog: (memo) => listenOnPGlite(factory.database(), memo),
      close: () => factory.close(),
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
