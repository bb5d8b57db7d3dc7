import type { Db } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { DatasetMeta, LoadContext, LoadResult } from './types.js';

const LOAD_TIMEOUT_MS = 60 * 60 * 1000;

export function replaceDatasetWith(db: Db): LoadContext['replaceDataset'] {
  return async (meta, fill) =>
    db.$transaction(
      async (tx): Promise<LoadResult> => {
        // A load is no request: SPENDGRAPH_STATEMENT_TIMEOUT does not apply, LOAD_TIMEOUT_MS does.
        await tx.$executeRaw`SET LOCAL statement_timeout = 0`;
        await tx.dataset.deleteMany({ where: { name: meta.name } });
        const dataset = await tx.dataset.create({
          data: {
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
          },
        });
        const rows = await fill(tx, dataset.id);
        return { datasetId: dataset.id, name: dataset.name, family: dataset.family, rows };
      },
      { timeout: LOAD_TIMEOUT_MS, maxWait: 60_000 },
    );
}
