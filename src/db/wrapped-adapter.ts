import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';

/** A driver adapter that passes everything to the one it wraps; subclasses change what they need to. */
export class WrappedAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  getConnectionInfo?: SqlDriverAdapter['getConnectionInfo'];

  constructor(protected readonly inner: SqlDriverAdapter) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    if (inner.getConnectionInfo) this.getConnectionInfo = () => inner.getConnectionInfo!();
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  executeScript(script: string): Promise<void> {
    return this.inner.executeScript(script);
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.inner.startTransaction(isolationLevel);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/** A factory whose connections are `wrap`ped; migrations' shadow databases are not. */
export function wrapFactory(factory: SqlMigrationAwareDriverAdapterFactory, wrap: (adapter: SqlDriverAdapter) => SqlDriverAdapter): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrap(await factory.connect()),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

/** Runs one read: the wrapped adapter's, or a transaction's, `queryRaw`. */
export type ReadRunner = (query: SqlQuery) => Promise<SqlResultSet>;

/** An adapter whose reads, in and out of transactions, go through `read` (which may change the query and the result). */
class ReadMappingAdapter extends WrappedAdapter {
  constructor(
    inner: SqlDriverAdapter,
    private readonly read: (query: SqlQuery, run: ReadRunner) => Promise<SqlResultSet>,
  ) {
    super(inner);
  }

  override queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.read(query, (mapped) => this.inner.queryRaw(mapped));
  }

  override async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const transaction = await this.inner.startTransaction(isolationLevel);
    // The driver's transaction object itself, so what it carries (its connection, see driver-transaction.ts) stays.
    const queryRaw = transaction.queryRaw.bind(transaction);
    transaction.queryRaw = (query) => this.read(query, queryRaw);
    return transaction;
  }
}

/** A factory whose connections pass every read through `read`. */
export function mapReads(
  factory: SqlMigrationAwareDriverAdapterFactory,
  read: (query: SqlQuery, run: ReadRunner) => Promise<SqlResultSet>,
): SqlMigrationAwareDriverAdapterFactory {
  return wrapFactory(factory, (adapter) => new ReadMappingAdapter(adapter, read));
}

/**
 * A factory that connects once and hands every caller that one adapter, so that statements sent beside Prisma's
 * client (plain reads) share its pool, its replica routing and its timeouts. Disposing it (Prisma's `$disconnect`)
 * or a failed connect lets the next call connect again.
 */
export interface SharedConnection extends SqlMigrationAwareDriverAdapterFactory {
  /** The adapter the factory connected, connecting it if no one has yet. */
  connected(): Promise<SqlDriverAdapter>;
}

export function sharedConnection(factory: SqlMigrationAwareDriverAdapterFactory): SharedConnection {
  let current: Promise<SqlDriverAdapter> | undefined;
  const connected = () => {
    if (!current) {
      const attempt: Promise<SqlDriverAdapter> = factory.connect().then((adapter) => {
        const dispose = adapter.dispose.bind(adapter);
        adapter.dispose = () => {
          if (current === attempt) current = undefined;
          return dispose();
        };
        return adapter;
      });
      current = attempt;
      attempt.catch(() => {
        if (current === attempt) current = undefined;
      });
    }
    return current;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: connected,
    connected,
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}
