import { describe, expect, it } from 'vitest';
import { createAdapter } from '../src/db/adapter.js';
import { pendingSchemaChanges } from '../src/db/schema-engine.js';
import { adapter, db } from '../src/db.js';

describe('migrations', () => {
  it('agree with schema.prisma (run `npm run db:migration -- <name>` after changing the schema)', async () => {
    const scratch = createAdapter({});
    try {
      expect(await pendingSchemaChanges(scratch.factory)).toBe('');
    } finally {
      await scratch.close();
    }
  });

  it('are recorded in _prisma_migrations like `prisma migrate deploy` records them', async () => {
    const rows = await db.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
      SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
    expect(rows[0]!.migration_name).toMatch(/^\d{14}_init$/);
    expect(['pglite', 'postgres']).toContain(adapter.kind);
  });
});
