import type { Context } from '../../context.js';
import { db } from '../../db.js';
import { statisticsQuery } from '../../db/statistics.js';
import { Prisma } from '../../generated/prisma/client.js';
import { loaderOf } from '../../shared/loaders.js';
import { fieldTextSql } from './filter.js';
import type { CubeModel } from './model.js';

const computed = new WeakMap<CubeModel, Promise<Map<string, number>>>();

/**
 * Distinct key values per dimension of several cubes, in one statement (one scan of each cube's facts), under the
 * statistics time budget: on a large cube it takes longer than a request's statement may.
 */
async function countKeys(models: CubeModel[]): Promise<Map<string, number>[]> {
  const selects = models.map((model, i) => {
    const counts = model.dimensions.map((d) => Prisma.sql`count(DISTINCT ${fieldTextSql({ kind: 'attribute', attribute: d.keyAttribute })})`);
    return Prisma.sql`(SELECT ${i}::int AS i, jsonb_build_array(${counts.length ? Prisma.join(counts) : Prisma.empty}) AS counts
      FROM fact f WHERE f.dataset_id = ${model.datasetId})`;
  });
  const rows = await statisticsQuery<{ i: number; counts: unknown }[]>(db, Prisma.sql`${Prisma.join(selects, ' UNION ALL ')}`);
  const byIndex = new Map(rows.map((row) => [Number(row.i), (typeof row.counts === 'string' ? JSON.parse(row.counts) : row.counts) as number[]]));
  return models.map((model, i) => new Map(model.dimensions.map((d, j) => [d.name, Number(byIndex.get(i)?.[j] ?? 0)])));
}

/**
 * Distinct key values per dimension, computed once per loaded model version (a reload makes a new model): the
 * models not yet counted are counted together.
 */
export function cardinalitiesOf(models: readonly CubeModel[]): Promise<Map<string, number>>[] {
  const missing = [...new Set(models)].filter((model) => !computed.has(model));
  if (missing.length > 0) {
    const counted = countKeys(missing);
    missing.forEach((model, i) => {
      const one = counted.then((all) => (model.cardinalities = all[i]!));
      one.catch(() => computed.delete(model));
      computed.set(model, one);
    });
  }
  return models.map((model) => computed.get(model)!);
}

export function dimensionCardinalities(model: CubeModel): Promise<Map<string, number>> {
  return cardinalitiesOf([model])[0]!;
}

/** Cardinalities of the cubes a request asks for, batched into one statement. */
export function cardinalities(ctx: Pick<Context, 'loaders'>, model: CubeModel): Promise<Map<string, number>> {
  return loaderOf<CubeModel, Map<string, number>>(ctx, 'cubes:cardinality', (models) => Promise.all(cardinalitiesOf(models))).load(model);
}
