import { describe, expect, it } from 'vitest';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { loadConfig } from '../../src/config.js';
import { replicaFailure } from '../../src/db/replicas.js';
import { currentScope, isReadStatement, keepScope, onPrimary, readOnly, useThePrimary } from '../../src/db/routing.js';
import { startEntry } from '../processes.js';

describe('read routing', () => {
  it('sends only plain reads to a replica', () => {
    expect(isReadStatement('SELECT "public"."dataset"."id" FROM "public"."dataset" WHERE 1=1')).toBe(true);
    expect(isReadStatement('  WITH t AS (SELECT 1) SELECT * FROM t')).toBe(true);
    expect(isReadStatement('(SELECT 1) UNION ALL (SELECT 2)')).toBe(true);
    expect(isReadStatement('SELECT updated_at FROM dataset')).toBe(true);
    for (const write of [
      'INSERT INTO "public"."api_key" ("name") VALUES ($1) RETURNING "id"',
      'UPDATE "public"."saved_request" SET "last_used_at" = $1 WHERE "id" = $2',
      'DELETE FROM saved_request WHERE id IN (SELECT id FROM saved_request)',
      'WITH gone AS (DELETE FROM fact WHERE dataset_id = 1 RETURNING id) SELECT count(*) FROM gone',
      'WITH moved AS (UPDATE dataset SET name = $1 RETURNING id) SELECT * FROM moved',
      'SELECT * FROM dataset WHERE id = 1 FOR UPDATE',
      'SELECT pg_try_advisory_xact_lock(1, hashtext($1)) AS locked',
      "SELECT nextval('dataset_id_seq')",
      'CREATE TABLE x (id int)',
    ]) {
      expect(isReadStatement(write), write).toBe(false);
    }
  });

  it('keeps one scope per request: read-only until a mutation moves it to the primary, and onPrimary always primary', async () => {
    expect(currentScope()).toBeUndefined();
    await readOnly(async () => {
      expect(currentScope()?.reads).toBe('replica');
      expect(await onPrimary(() => currentScope()?.reads)).toBe('primary');
      await Promise.resolve();
      useThePrimary();
      expect(currentScope()?.reads).toBe('primary');
    });
  });

  it('keeps a request’s scope for work pulled after the handler returned (streamed pages)', async () => {
    let later: (() => string | undefined) | undefined;
    await readOnly(() => {
      later = keepScope(() => currentScope()?.reads);
    });
    expect(currentScope()).toBeUndefined();
    expect(later!()).toBe('replica');
  });

  it('retries on the primary after connection failures and standby refusals, not after the request’s own errors', () => {
    expect(replicaFailure(new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 }))).toBe(true);
    expect(replicaFailure(new DriverAdapterError({ kind: 'ConnectionClosed' }))).toBe(true);
    const postgres = (code: string) =>
      new DriverAdapterError({ kind: 'postgres', code, severity: 'ERROR', message: 'x', detail: undefined, column: undefined, hint: undefined, originalCode: code });
    expect(replicaFailure(postgres('57P01'))).toBe(true);
    expect(replicaFailure(postgres('25006'))).toBe(true);
    expect(replicaFailure(postgres('08006'))).toBe(true);
    expect(replicaFailure(postgres('22003'))).toBe(false);
    expect(replicaFailure(postgres('57014'))).toBe(false);
    expect(replicaFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(replicaFailure(new Error('Query read timeout'))).toBe(true);
    expect(replicaFailure(new Error('division by zero'))).toBe(false);
  });
});

describe('scale-out configuration', () => {
  it('reads replica URLs, the lag bound and the worker count, refusing what cannot work', () => {
    const primary = 'postgresql://u@127.0.0.1:5432/sg';
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: ' postgresql://u@10.0.0.2/sg, postgres://u@10.0.0.3/sg ' })).toMatchObject({
      replicaUrls: ['postgresql://u@10.0.0.2/sg', 'postgres://u@10.0.0.3/sg'],
      maxReplicaLag: 10,
      workers: 1,
    });
    expect(loadConfig({ DATABASE_URL: primary, SPENDGRAPH_MAX_REPLICA_LAG: '2.5', SPENDGRAPH_WORKERS: '4' })).toMatchObject({ replicaUrls: [], maxReplicaLag: 2.5, workers: 4 });
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgresql://u@10.0.0.2/sg' })).toThrow('DATABASE_REPLICA_URLS needs DATABASE_URL');
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: 'mysql://u:secret@h/sg' })).toThrow(
      'DATABASE_REPLICA_URLS: "mysql://…@h/sg" is not a postgresql:// URL',
    );
    expect(() => loadConfig({ SPENDGRAPH_MAX_REPLICA_LAG: '-1' })).toThrow('SPENDGRAPH_MAX_REPLICA_LAG must be a positive number, got "-1"');
    expect(() => loadConfig({ SPENDGRAPH_WORKERS: '1.5' })).toThrow('SPENDGRAPH_WORKERS must be a positive whole number, got "1.5"');
  });

  it('refuses workers on the embedded database, which one process at a time may open', async () => {
    const run = await startEntry('src/server.ts', [], { SPENDGRAPH_WORKERS: '2', DATABASE_URL: '', SPENDGRAPH_DATA_DIR: 'memory://' }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SPENDGRAPH_WORKERS needs DATABASE_URL');
  });
});
