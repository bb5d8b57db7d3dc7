import { visibleDatasets } from '../../access/principal.js';
import { builder } from '../../builder.js';
import { db } from '../../db.js';
import { isExactNumber } from '../../shared/exact.js';
import type { CubeAggregate as CubeAggregateShape } from '../query/model.js';
import { cubeModel, primeCubes } from '../query/model.js';
import { allFactFields, projectFact, type FactRow } from '../query/facts.js';
import type { Row } from '../query/scope.js';
import { entryId } from '../query/v2.js';

export const CubeAggregate = builder.objectRef<CubeAggregateShape>('CubeAggregate').implement({
  description: 'An aggregate a cube offers: `_count` or `<measure>.<function>`.',
  fields: (t) => ({
    ref: t.exposeString('ref', { description: 'The ref to ask for in `aggregate(aggregates:)` and to sort cells by.' }),
    label: t.exposeString('label', { description: 'Human-readable name.' }),
    function: t.exposeString('function', { description: 'count, sum, avg, min or max.' }),
    measure: t.string({
      nullable: true,
      description: 'Name of the measure aggregated; null for `_count`.',
      resolve: (a) => a.measure?.name ?? null,
    }),
  }),
});

function factKey(id: string): bigint | null {
  return /^\d{1,19}$/.test(id) ? BigInt(id) : null;
}

export const Fact = builder.node(builder.objectRef<FactRow>('Fact'), {
  description: 'One row of a cube.',
  id: { resolve: (fact) => String(fact.id) },
  // Not `loadMany`: see Dimension (src/cubes/schema/dimension.ts).
  loadManyWithoutCache: async (ids, ctx) => {
    const keys = ids.map(factKey).filter((key): key is bigint => key !== null);
    const rows = keys.length
      ? await db.fact.findMany({
          where: { id: { in: keys }, dataset: { AND: [{ family: 'CUBE' }, visibleDatasets(ctx.principal)] } },
          select: { id: true, rowNumber: true, dataset: { select: { id: true, name: true, updatedAt: true } } },
        })
      : [];
    primeCubes(ctx, rows.map((row) => row.dataset));
    // Numbers come as PostgreSQL's text too: Prisma's Json value went through JSON.parse, which bends large measures.
    const stored = rows.length
      ? new Map(
          (
            await db.$queryRaw<{ id: bigint | number; data: Record<string, unknown>; numbers: Record<string, string> | null }[]>`
              SELECT f.id, f.data, (SELECT jsonb_object_agg(e.key, e.value #>> '{}') FROM jsonb_each(f.data) e
                                    WHERE jsonb_typeof(e.value) = 'number') AS numbers
              FROM fact f WHERE f.id = ANY(${rows.map((row) => row.id)}::bigint[])`
          ).map((row) => [BigInt(row.id), row]),
        )
      : new Map();
    const facts = new Map<bigint, FactRow>();
    for (const row of rows) {
      const model = await cubeModel(ctx, row.dataset.name);
      const fact = stored.get(row.id);
      facts.set(row.id, { id: row.id, cube: model.name, rowNumber: row.rowNumber, data: projectFact(allFactFields(model), fact?.data ?? {}, fact?.numbers ?? {}) });
    }
    return ids.map((id) => facts.get(factKey(id) ?? -1n) ?? null);
  },
  fields: (t) => ({
    rowNumber: t.exposeInt('rowNumber', { description: 'Position of the row in its source, from 1.' }),
    entryId: t.string({
      description: 'OpenSpending v2’s id of this entry (40 hex characters, stable across reloads of the same file): `/{cube}/entries/{entryId}.json`.',
      resolve: (fact) => entryId(fact.cube, fact.rowNumber),
    }),
    data: t.field({
      type: 'JSON',
      description:
        'The requested fields (every field when fetched by id) keyed by ref ("dimension.attribute", measure name); ' +
        'measure values are exact decimal text ("9007199254740993", "1.50"), as aggregate values are.',
      resolve: (fact) => Object.fromEntries(Object.entries(fact.data).map(([ref, value]) => [ref, isExactNumber(value) ? value.value : value])),
    }),
  }),
});

export interface MemberShape {
  key: unknown;
  label: unknown;
  attributes: Row;
}

export const CubeMember = builder.objectRef<MemberShape>('CubeMember').implement({
  description: 'A distinct member of a dimension (or of one attribute) among the selected facts.',
  fields: (t) => ({
    key: t.field({ type: 'JSON', nullable: true, description: 'Value of the key attribute.', resolve: (m) => m.key }),
    label: t.field({ type: 'JSON', nullable: true, description: 'Value of the label attribute.', resolve: (m) => m.label }),
    attributes: t.field({ type: 'JSON', description: 'Every attribute of the member keyed by ref, key first.', resolve: (m) => m.attributes }),
  }),
});

export interface CellShape {
  key: Row;
  values: Row;
}

export const CubeCell = builder.objectRef<CellShape>('CubeCell').implement({
  description: 'One group of the drilldown with its aggregates.',
  fields: (t) => ({
    key: t.field({ type: 'JSON', description: 'Drilldown attribute refs and their values.', resolve: (c) => c.key }),
    values: t.field({
      type: 'JSON',
      description: 'Aggregate refs and their values: counts as numbers, sums, averages, minima and maxima as exact decimal text.',
      resolve: (c) => c.values,
    }),
  }),
});
