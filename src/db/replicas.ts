import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { currentScope, isReadStatement } from './routing.js';
import { WrappedAdapter } from './wrapped-adapter.js';
import { CONNECTION_LIFETIME_SECONDS, statementName } from './statement-names.js';

export interface ReplicaOptions {
  /** Seconds a replica may trail the primary before it leaves rotation. */
  maxLagSeconds: number;
  /** Milliseconds between health checks. */
  checkEveryMs?: number;
  /** Milliseconds a statement may run (0: no limit), as on the primary. */
  statementTimeout?: number;
}

export interface DatabaseHealth {
  role: 'primary' | 'replica';
  database: string;
  status: 'ok' | 'unreachable' | 'lagging' | 'not a standby' | 'unchecked';
  /** Seconds the replica trails the primary, as of the last check. */
  lagSeconds?: number;
  /** Whether reads are sent to it now. */
  inRotation?: boolean;
  error?: string;
}

/** Where a URL points, without credentials. */
export function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

const connectionKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TlsConnectionError', 'TooManyConnections', 'DatabaseDoesNotExist', 'DatabaseAccessDenied', 'AuthenticationFailed']);

/**
 * Errors after which a read is run again on the primary: the replica is unreachable or going away (SQLSTATE classes
 * 08 and 57, but not a statement timeout), refused the statement as a standby (25006), or cancelled it for a conflict with recovery (40001).
 */
export function replicaFailure(error: unknown): boolean {
  if (error instanceof DriverAdapterError) {
    const cause = error.cause as { kind: string; originalCode?: string; code?: string };
    if (connectionKinds.has(cause.kind)) return true;
    const code = cause.originalCode ?? cause.code ?? '';
    // 57014 is a statement timeout: the same statement would time out on the primary too.
    return (/^(08|57)/.test(code) && code !== '57014') || code === '25006' || code === '40001';
  }
  const message = (error as Error)?.message ?? '';
  return /connection terminated|connection timeout|connection error|query read timeout|ECONNREFUSED|ECONNRESET|not queryable/i.test(message);
}

interface Replica {
  url: string;
  /** WAL positions the replica had received, with when a check saw them, while it has not replayed them. */
  received: { at: number; lsn: bigint }[];
  database: string;
  factory: PrismaPg;
  adapter?: Promise<SqlDriverAdapter>;
  health: DatabaseHealth;
}

/**
 * One replica's state as it sees it: the WAL it has received and replayed, and whether its WAL receiver streams.
 * Roles that may not read the WAL receiver's state (grant them pg_read_all_stats) see it `hidden`.
 */
const replicaState = `SELECT pg_is_in_recovery() AS standby,
  (SELECT coalesce(status, 'hidden') FROM pg_stat_wal_receiver) AS receiver,
  pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::text AS received,
  pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::text AS replayed,
  EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS "sinceReplay"`;

/**
 * The streaming replicas of one primary, their health and the choice of one for a read. Every two seconds each
 * replica is asked for its state (one statement on the replica, none on the primary); a replica that is unreachable,
 * not in recovery or later than `maxLagSeconds` leaves rotation until a check finds it well again, and a read that
 * fails on it with a connection error takes it out at once and is run on the primary.
 */
export class ReplicaSet {
  readonly replicas: Replica[];
  readonly #checks: pg.Pool[];
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(
    urls: string[],
    private readonly options: ReplicaOptions,
  ) {
    this.#checks = urls.map((connectionString) => {
      const pool = new pg.Pool({ connectionString, max: 1, connectionTimeoutMillis: 1000, query_timeout: 2000, idleTimeoutMillis: 10_000 });
      pool.on('error', () => {});
      return pool;
    });
    this.replicas = urls.map((url) => ({
      url,
      database: describeUrl(url),
      received: [],
      factory: new PrismaPg(
        {
          connectionString: url,
          connectionTimeoutMillis: 2000,
          maxLifetimeSeconds: CONNECTION_LIFETIME_SECONDS,
          // A replica cut off without a reset would hold a read until the socket gives up: bound it on this side too.
          ...(options.statementTimeout ? { statement_timeout: options.statementTimeout, query_timeout: options.statementTimeout + 2000 } : {}),
        },
        { onPoolError: () => {}, statementNameGenerator: statementName },
      ),
      health: { role: 'replica', database: describeUrl(url), status: 'unchecked', inRotation: false },
    }));
  }

  inRotation(index: number): boolean {
    return this.replicas[index]?.health.inRotation === true;
  }

  /** The replica the current read goes to, or undefined for the primary. */
  route(sql: string): number | undefined {
    const scope = currentScope();
    if (!scope || scope.reads !== 'replica' || !isReadStatement(sql)) return undefined;
    if (scope.replica !== undefined) {
      if (this.inRotation(scope.replica)) return scope.replica;
      // The replica this request read from left: the primary is at least as far along as it was.
      scope.reads = 'primary';
      return undefined;
    }
    const healthy = this.replicas.flatMap((_, i) => (this.inRotation(i) ? [i] : []));
    if (healthy.length === 0) return undefined;
    scope.replica = healthy[Math.floor(Math.random() * healthy.length)];
    return scope.replica;
  }

  adapter(index: number): Promise<SqlDriverAdapter> {
    const replica = this.replicas[index]!;
    replica.adapter ??= replica.factory.connect();
    return replica.adapter;
  }

  /** Takes a replica out of rotation after a failed read; the next good check brings it back. */
  markDown(index: number, error: unknown): void {
    const replica = this.replicas[index]!;
    if (replica.health.inRotation) console.error(`replica ${replica.database} left rotation: ${shortError(error)}`);
    replica.health = { ...replica.health, status: 'unreachable', inRotation: false, error: shortError(error) };
  }

  /** One health check of every replica (concurrent calls share it). */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #check(): Promise<void> {
    await Promise.all(this.replicas.map((replica, i) => this.#checkReplica(replica, this.#checks[i]!)));
  }

  async #checkReplica(replica: Replica, pool: pg.Pool): Promise<void> {
    const was = replica.health.inRotation;
    const base = { role: 'replica' as const, database: replica.database };
    let health: DatabaseHealth;
    try {
      const { rows } = await pool.query<{ standby: boolean; receiver: string | null; received: string | null; replayed: string | null; sinceReplay: number | null }>(
        replicaState,
      );
      const { standby, receiver, received, replayed, sinceReplay } = rows[0]!;
      if (!standby || replayed === null) {
        replica.received = [];
        health = { ...base, status: 'not a standby', inRotation: false, error: 'the server is not in recovery: not a streaming replica' };
      } else {
        const streaming = (receiver === 'streaming' || receiver === 'hidden') && received !== null;
        const lagSeconds = streaming ? this.#replayLag(replica, BigInt(received), BigInt(replayed)) : (sinceReplay ?? Infinity);
        const lagging = lagSeconds > this.options.maxLagSeconds;
        health = {
          ...base,
          status: lagging ? 'lagging' : 'ok',
          lagSeconds: Number.isFinite(lagSeconds) ? Math.round(lagSeconds * 1000) / 1000 : undefined,
          inRotation: !lagging,
          ...(streaming ? {} : { error: `not streaming from the primary (WAL receiver: ${receiver ?? 'none'})` }),
        };
      }
    } catch (error) {
      replica.received = [];
      health = { ...base, status: 'unreachable', inRotation: false, error: shortError(error) };
    }
    replica.health = health;
    if (was !== health.inRotation) {
      console.error(`replica ${replica.database} ${health.inRotation ? 'is in rotation' : `left rotation: ${health.status}`}`);
    }
  }

  /**
   * How long ago the replica received WAL it has still not replayed (0 when it has replayed all it received). While it
   * streams, what the primary writes arrives within moments, so this is its lag. The time of commits it replayed
   * would not do: a long load streams WAL for minutes before its one commit, and an idle primary writes none.
   * Without streaming it cannot know what it misses, and the age of its last replayed transaction is its lag.
   */
  #replayLag(replica: Replica, received: bigint, replayed: bigint): number {
    const now = Date.now();
    const last = replica.received.at(-1);
    if (!last || received > last.lsn) replica.received.push({ at: now, lsn: received });
    replica.received = replica.received.filter((sample) => sample.lsn > replayed).slice(-1000);
    const oldest = replica.received[0];
    return oldest ? (now - oldest.at) / 1000 : 0;
  }

  /** Checks at once and then every `checkEveryMs`, without keeping the process alive. */
  async start(): Promise<void> {
    await this.check();
    this.#timer ??= setInterval(() => void this.check(), this.options.checkEveryMs ?? 2000);
    this.#timer.unref();
  }

  health(): DatabaseHealth[] {
    return this.replicas.map((replica) => ({ ...replica.health }));
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#checking?.catch(() => {});
    await Promise.all([
      ...this.#checks.map((pool) => pool.end()),
      ...this.replicas.map(async (replica) => (await replica.adapter?.catch(() => undefined))?.dispose()),
    ]);
  }
}

function shortError(error: unknown): string {
  if (error instanceof DriverAdapterError) return error.cause.kind === 'postgres' ? `${error.cause.originalCode ?? ''} ${error.cause.originalMessage ?? ''}`.trim() : error.cause.kind;
  return ((error as Error)?.message ?? String(error)).slice(0, 200);
}

/** A connection that sends plain reads of read-only requests to a replica and everything else to the primary. */
class RoutingAdapter extends WrappedAdapter {
  constructor(
    primary: SqlDriverAdapter,
    private readonly replicas: ReplicaSet,
  ) {
    super(primary);
    this.getConnectionInfo = () => primary.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  override async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    const index = this.replicas.route(query.sql);
    if (index === undefined) return this.inner.queryRaw(query);
    try {
      return await (await this.replicas.adapter(index)).queryRaw(query);
    } catch (error) {
      if (!replicaFailure(error)) throw error;
      this.replicas.markDown(index, error);
      const scope = currentScope();
      if (scope) scope.reads = 'primary';
      return this.inner.queryRaw(query);
    }
  }
}

/** The primary's adapter factory, with reads of read-only requests routed to the replicas. */
export class RoutingAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;

  constructor(
    private readonly primary: SqlMigrationAwareDriverAdapterFactory,
    readonly replicas: ReplicaSet,
  ) {
    this.adapterName = primary.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return new RoutingAdapter(await this.primary.connect(), this.replicas);
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.primary.connectToShadowDb();
  }
}
