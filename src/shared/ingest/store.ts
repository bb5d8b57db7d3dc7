import type { Db, Tx } from '../../db.js';
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

export function replaceDatasetWith(db: Db): LoadContext['replaceDataset'] {
  return async (meta, fill) =>
    db.$transaction(
      async (tx): Promise<LoadResult> => {
        await lockDatasetName(tx, meta.name);
        await tx.dataset.deleteMany({ where: { name: meta.name } });
        const dataset = await tx.dataset.create({ data: datasetRow(meta) });
        const rows = await fill(tx, dataset.id);
        return { datasetId: dataset.id, name: dataset.name, family: dataset.family, rows };
      },
      { timeout: LOAD_TIMEOUT_MS, maxWait: 60_000 },
    );
}
