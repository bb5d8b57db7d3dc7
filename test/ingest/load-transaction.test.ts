import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { createAdapter } from '../../src/db/adapter.js';
import { bulkSql } from '../../src/db/driver-transaction.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { replaceDatasetWith } from '../../src/shared/ingest/store.js';
import { IngestError } from '../../src/shared/ingest/types.js';

const work = mkdtempSync(join(tmpdir(), 'spendgraph-load-tx-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const replace = replaceDatasetWith(db);
const meta = (name: string) => ({ name, family: 'RECORDS' as const, title: name, loader: 'test' });

/** Writes one record_field row of the dataset through the load's bulk statements. */
const writeField = (tx: Parameters<typeof bulkSql>[0], datasetId: number, name: string) =>
  bulkSql(tx).execute(
    `INSERT INTO record_field (dataset_id, name, label, type, annotations, position)
     SELECT $1::int, f.name, f.name, 'text', '{}'::jsonb, 0 FROM jsonb_to_recordset($2::jsonb) AS f(name text)`,
    [datasetId, JSON.stringify([{ name }])],
  );

const fieldsOf = async (name: string) =>
  (await db.recordField.findMany({ where: { dataset: { name } }, select: { name: true } })).map((f) => f.name);

describe('the rows of a load', () => {
  it('go to the load transaction’s own driver connection, past Prisma, and commit with it', async () => {
    const result = await replace(meta('load-tx-direct'), async (tx, datasetId) => {
      expect(bulkSql(tx).direct).toBe(true);
      expect(await writeField(tx, datasetId, 'amount')).toBe(1);
      // Prisma's statements in the same transaction see the row: one connection, one transaction.
      expect(await tx.recordField.count({ where: { datasetId } })).toBe(1);
      return 1;
    });
    expect(result.rows).toBe(1);
    expect(await fieldsOf('load-tx-direct')).toEqual(['amount']);
  });

  it('are rolled back with the load when it fails after writing them, leaving the previous version', async () => {
    const first = await replace(meta('load-tx-fails'), async (tx, datasetId) => writeField(tx, datasetId, 'kept'));
    let attempted: number | undefined;
    const failing = replace(meta('load-tx-fails'), async (tx, datasetId) => {
      attempted = datasetId;
      await writeField(tx, datasetId, 'lost');
      throw new IngestError('a later row is bad');
    });
    await expect(failing).rejects.toThrow('a later row is bad');
    expect(attempted).toBeDefined();
    expect(await db.recordField.count({ where: { datasetId: attempted! } })).toBe(0);
    expect(await db.dataset.findUniqueOrThrow({ where: { name: 'load-tx-fails' } })).toMatchObject({ id: first.datasetId });
    expect(await fieldsOf('load-tx-fails')).toEqual(['kept']);
  });

  it('go through Prisma in a transaction that is no load', async () => {
    const dataset = await db.dataset.create({ data: { name: 'load-tx-plain', family: 'RECORDS', title: 'plain', loader: 'test' } });
    await db.$transaction(async (tx) => {
      expect(bulkSql(tx).direct).toBe(false);
      expect(await writeField(tx, dataset.id, 'through-prisma')).toBe(1);
    });
    expect(await fieldsOf('load-tx-plain')).toEqual(['through-prisma']);
    await db.dataset.delete({ where: { id: dataset.id } });
  });

  it('report a duplicate record id the database refuses by its value, and keep the previous version', async () => {
    const file = join(work, 'places.csv');
    writeFileSync(`${file}.records.json`, JSON.stringify({ idColumn: 'id' }));
    writeFileSync(file, 'id,city\na1,Lyon\na2,Paris\n');
    await ingest(db, { path: file, name: 'load-tx-duplicate' });
    writeFileSync(file, 'id,city\nb1,Lyon\nb2,Paris\nb1,Nantes\n');
    const failure = ingest(db, { path: file, name: 'load-tx-duplicate' });
    await expect(failure).rejects.toBeInstanceOf(IngestError);
    await expect(failure).rejects.toThrow('duplicate record id "b1"');
    const ids = await db.record.findMany({ where: { dataset: { name: 'load-tx-duplicate' } }, select: { recordId: true }, orderBy: { recordId: 'asc' } });
    expect(ids.map((r) => r.recordId)).toEqual(['a1', 'a2']);
  });
});

describe('a new embedded data directory', () => {
  it('is created by a child process, so this process holds only the database it opens', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(work, 'data-'));
    const before = process.memoryUsage().external;
    const adapter = createAdapter({ dataDir });
    try {
      const connection = await adapter.factory.connect();
      const result = await connection.queryRaw({ sql: 'SELECT 41 + 1 AS answer', args: [], argTypes: [] });
      expect(result.rows).toEqual([[42]]);
      expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
      // PGlite's initdb in this process would leave about 630 MB of WebAssembly memory; an opened database ~200 MB.
      expect((process.memoryUsage().external - before) / 2 ** 20).toBeLessThan(400);
    } finally {
      await adapter.close();
    }
  });
});
