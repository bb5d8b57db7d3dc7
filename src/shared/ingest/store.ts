import type { Db, Tx } from '../../db.js';
import { withDriverTransaction } from '../../db/driver-transaction.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { IngestError, type DatasetMeta, type LoadContext, type LoadResult } from './types.js';

const LOAD_TIMEOUT_MS = 60 * 60 * 1000;
/** First key of the two-key advisory locks that guard dataset names ("sg" + "dn"), apart from Prisma's own. */
const DATASET_LOCK_CLASS = 0x7367_646e;

/** Another transaction is loading the same dataset: this load changed nothing. */
export class DatasetBusyError extends IngestError {
  constructor(readonly dataset: string) {
    super(`dataset "${dataset}" is being loaded by another process; nothing was changed, try again when it is done`);
  }
}

/**
 * Takes the transaction-scoped lock on a dataset name, or throws DatasetBusyError at once when another transaction
 * holds it, so two loads of one name never race to the unique index on `dataset.name`.
 */
async function lockDatasetName(tx: Tx, name: string): Promise<void> {
  const [row] = await tx.$queryRaw<{ locked: boolean }[]>`
    SELECT pg_try_advisory_xact_lock(${DATASET_LOCK_CLASS}::int4, hashtext(${name})) AS locked`;
  if (!row?.locked) throw new DatasetBusyError(name);
}

function datasetRow(meta: DatasetMeta): Prisma.DatasetCreateInput {
  return {
    name: meta.name,
    family: meta.family,
    title: meta.title,
    description: meta.description ?? null,
    publisher: meta.publisher ?? null,
    license: meta.license ?? null,
    licenseUrl: meta.licenseUrl ?? null,
    themes: meta.themes ?? [],
    keywords: meta.keywords ?? [],
    language: meta.language ?? null,
    modified: meta.modified ?? null,
    private: meta.private ?? false,
    source: (meta.source ?? undefined) as Prisma.InputJsonValue | undefined,
    loader: meta.loader ?? 'unknown',
  };
}

/** How long a version replaced by a reload stays readable (by its id) for the requests that resolved it before. */
export function retiredGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SPENDGRAPH_RETIRED_GRACE_SECONDS;
  const seconds = raw === undefined || raw === '' ? 60 : Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`SPENDGRAPH_RETIRED_GRACE_SECONDS must be 0 or more seconds, got "${raw}"`);
  return seconds * 1000;
}

/**
 * Hides the current version of a dataset instead of deleting it: renamed "<name>~retired~<id>" (no dataset name
 * can contain "~") and marked retired, so every lookup by name or visibility skips it, while a request that
 * resolved its id a moment before the new version committed still reads all of its rows.
 */
export async function retireDataset(tx: Tx, name: string): Promise<number> {
  return tx.$executeRaw`UPDATE dataset SET name = name || '~retired~' || id, retired_at = now()
    WHERE name = ${name} AND retired_at IS NULL`;
}

/** Deletes the versions retired longer ago than the grace period (all of them with 0), with all their rows. */
export async function purgeRetired(db: Db | Tx, graceMs = retiredGraceMs()): Promise<number> {
  return db.$executeRaw`DELETE FROM dataset
    WHERE retired_at IS NOT NULL AND retired_at < now() - make_interval(secs => ${graceMs / 1000}::float8)`;
}

/** Deletes the retired versions of one dataset now (loaders that keep their source's row ids need them gone). */
export async function purgeRetiredVersions(tx: Tx, name: string): Promise<void> {
  await tx.$executeRaw`DELETE FROM dataset WHERE retired_at IS NOT NULL AND starts_with(name, ${`${name}~retired~`})`;
}

function schedulePurge(db: Db, graceMs: number): void {
  const timer = setTimeout(() => {
    purgeRetired(db, graceMs).catch((error: unknown) => console.error('purging retired dataset versions failed:', error));
  }, graceMs + 1000);
  timer.unref();
}

export function replaceDatasetWith(db: Db): LoadContext['replaceDataset'] {
  return async (meta, fill) => {
    const graceMs = retiredGraceMs();
    await purgeRetired(db, graceMs);
    // The rows go through the transaction's driver connection (bulkSql), past Prisma's query path.
    let retired = 0;
    const result = await withDriverTransaction((attach) =>
      db.$transaction(
        async (tx): Promise<LoadResult> => {
          attach(tx);
          // A load is no request: SPENDGRAPH_STATEMENT_TIMEOUT does not apply, LOAD_TIMEOUT_MS does.
          await tx.$executeRaw`SET LOCAL statement_timeout = 0`;
          await lockDatasetName(tx, meta.name);
          retired = await retireDataset(tx, meta.name);
          const dataset = await tx.dataset.create({ data: datasetRow(meta) });
          const rows = await fill(tx, dataset.id);
          return { datasetId: dataset.id, name: dataset.name, family: dataset.family, rows };
        },
        { timeout: LOAD_TIMEOUT_MS, maxWait: 60_000 },
      ),
    );
    // Only a reload leaves a version to delete later (a first load has nothing to purge).
    if (retired > 0) schedulePurge(db, graceMs);
    return result;
  };
}
