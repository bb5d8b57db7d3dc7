import type { Context } from '../../../context.js';
import { db } from '../../../db.js';
import { notFound } from '../../../errors.js';
import type { Record as RecordRow } from '../../../generated/prisma/client.js';
import { Prisma } from '../../../generated/prisma/client.js';
import { datasetNamed } from '../../../catalog/query/scope.js';
import { modelOf, type RecordsModel } from '../../query/model.js';
import { loaderOf } from '../../../shared/loaders.js';

type Ctx = Pick<Context, 'loaders' | 'principal'>;

/** The columns of a Record node. search_text is internal to full-text matching and not loaded: no field reads it. */
export const RECORD_NODE_COLUMNS = Prisma.sql`r.id, r.dataset_id AS "datasetId", r.record_id AS "recordId", r.fields, r.lat, r.lon, r.geometry, r.timestamp`;

export type RecordNode = RecordRow;

const models = new WeakMap<object, RecordsModel>();

/** The records dataset named `name` as the caller may see it, through the request's dataset loader; NOT_FOUND else. */
export async function recordsModel(ctx: Ctx, name: string, argName = 'dataset'): Promise<RecordsModel> {
  const scoped = await datasetNamed(ctx, name);
  if (!scoped || scoped.dataset.family !== 'RECORDS') throw notFound(`${argName}: no records dataset named "${name}"`);
  let model = models.get(scoped);
  if (!model) {
    model = modelOf(scoped.dataset.id, scoped.dataset.name, scoped.fields);
    models.set(scoped, model);
  }
  return model;
}

interface RecordKey {
  datasetId: number;
  recordId: string;
}

/** A record by its dataset's primary key and its own id; lookups of one request share one statement. */
export function recordByKey(ctx: Ctx, key: RecordKey): Promise<RecordNode | null> {
  const loader = loaderOf<RecordKey, RecordNode | null, string>(
    ctx,
    'records:byKey',
    async (keys) => {
      const rows = await db.$queryRaw<RecordNode[]>(
        Prisma.sql`SELECT ${RECORD_NODE_COLUMNS} FROM record r
          JOIN unnest(${keys.map((k) => k.datasetId)}::int[], ${keys.map((k) => k.recordId)}::text[]) AS k(dataset_id, record_id)
            ON r.dataset_id = k.dataset_id AND r.record_id = k.record_id`,
      );
      const found = new Map(rows.map((row) => [`${row.datasetId}:${row.recordId}`, row]));
      return keys.map((k) => found.get(`${k.datasetId}:${k.recordId}`) ?? null);
    },
    { cacheKeyFn: (k) => `${k.datasetId}:${k.recordId}` },
  );
  return loader.load(key);
}
