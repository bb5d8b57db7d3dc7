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

  it('index the text that filters and autocomplete match ignoring case (ILIKE) with pg_trgm', async () => {
    const plans = await db.$transaction(async (tx) => {
      // The bundled samples are small enough that a sequential scan wins; forbid it to see what the indexes serve.
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      const plan = async (sql: string) =>
        (await tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`)).map((row) => row['QUERY PLAN']).join('\n');
      return {
        equals: await plan(`SELECT id FROM location WHERE state_code ILIKE 'ca'`),
        contains: await plan(`SELECT id FROM recipient WHERE recipient_name ILIKE '%univers%'`),
        city: await plan(`SELECT id FROM location WHERE city_name ILIKE 'spring%'`),
      };
    });
    expect(plans.equals).toContain('location_state_code_trgm_idx');
    expect(plans.contains).toContain('recipient_name_trgm_idx');
    expect(plans.city).toContain('location_city_name_trgm_idx');
  });
});
