import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

export interface DatabaseTarget {
  /** A PostgreSQL URL; the embedded PGlite database is used when absent. */
  url?: string;
  /** Directory of the embedded database; in memory when absent. */
  dataDir?: string;
}

export interface Adapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export async function createAdapter(target: DatabaseTarget): Promise<Adapter> {
  if (target.url) {
    const factory = new PrismaPg({ connectionString: target.url });
    return { factory, kind: 'postgres', close: async () => {} };
  }
  let dir: string | undefined;
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true });
    dir = join(target.dataDir, 'pglite');
  }
  const pglite = await PGlite.create(dir ? { dataDir: dir } : {});
  return { factory: new PrismaPGlite(pglite), kind: 'pglite', close: () => pglite.close() };
}
