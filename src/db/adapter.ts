import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

export interface DatabaseTarget {
  /** A PostgreSQL URL; the embedded PGlite database is used when absent. */
  url?: string;
  /** Directory of the embedded database, or "memory://"; in memory when absent. */
  dataDir?: string;
  /** Milliseconds a statement may run on PostgreSQL connections (0 or absent: no limit). PGlite cannot interrupt one. */
  statementTimeout?: number;
}

export interface Adapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  kind: 'postgres' | 'pglite';
  /** Human-readable description of where the data lives (never includes credentials). */
  describe: string;
  close(): Promise<void>;
}

export function createAdapter(target: DatabaseTarget): Adapter {
  if (target.url) {
    const factory = new PrismaPg({ connectionString: target.url, ...(target.statementTimeout ? { statement_timeout: target.statementTimeout } : {}) });
    const url = new URL(target.url);
    return {
      factory,
      kind: 'postgres',
      describe: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: async () => {},
    };
  }
  let dir = 'memory://';
  if (target.dataDir && target.dataDir !== 'memory://') {
    mkdirSync(target.dataDir, { recursive: true });
    dir = join(target.dataDir, 'pglite');
  }
  const pglite = new PGlite(dir);
  return {
    factory: new PrismaPGlite(pglite),
    kind: 'pglite',
    describe: dir === 'memory://' ? 'embedded PGlite in memory' : `embedded PGlite in ${dir}`,
    close: () => pglite.close(),
  };
}
