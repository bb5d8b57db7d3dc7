import { visibleDatasets } from '../../access/principal.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { db } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { cardinalities } from '../query/cardinality.js';
import {
  cubeModel,
  primeCubes,
  type CubeAttribute as CubeAttributeShape,
  type CubeDimension,
  type CubeHead,
  type CubeHierarchy as CubeHierarchyShape,
  type CubeMeasure as CubeMeasureShape,
  type CubeModel,
} from '../query/model.js';

export const CubeAttributeType = builder.enumType('CubeAttributeType', {
  description: 'Type of an attribute’s values.',
  values: {
    STRING: { value: 'string', description: 'Text.' },
    INTEGER: { value: 'integer', description: 'Whole numbers.' },
    NUMBER: { value: 'number', description: 'Decimal numbers.' },
    DATE: { value: 'date', description: 'Calendar dates, written YYYY-MM-DD.' },
    BOOLEAN: { value: 'boolean', description: 'true or false.' },
  } as const,
});

export const CubeAttribute = builder.objectRef<CubeAttributeShape>('CubeAttribute').implement({
  description: 'An attribute of a dimension: one column of the facts.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name within its dimension.' }),
    ref: t.exposeString('ref', {
      description: 'The ref used in cuts, filters, drilldowns, orderBy and fact fields: "<dimension>.<attribute>".',
    }),
    label: t.exposeString('label', { nullable: true, description: 'Human-readable name, when the model has one.' }),
    type: t.field({ type: CubeAttributeType, description: 'Type of the values.', resolve: (attribute) => attribute.type }),
  }),
});

/** The cube rows of the given part ids the caller may see; their models then load without another lookup. */
async function visibleParts(
  ctx: Context,
  ids: string[],
  find: (ids: number[], visible: Prisma.DatasetWhereInput) => Promise<{ id: number; dataset: CubeHead }[]>,
): Promise<Map<number, CubeModel>> {
  const keys = ids.filter((id) => /^\d{1,9}$/.test(id)).map(Number);
  const rows = keys.length ? await find(keys, { AND: [{ family: 'CUBE' }, visibleDatasets(ctx.principal)] }) : [];
  primeCubes(ctx, rows.map((row) => row.dataset));
  const models = await Promise.all(rows.map((row) => cubeModel(ctx, row.dataset.name)));
  return new Map(rows.map((row, i) => [row.id, models[i]!]));
}

const headSelect = { select: { id: true, name: true, updatedAt: true } } as const;

export const Dimension = builder.node(builder.objectRef<CubeDimension>('Dimension'), {
  description: 'A dimension of a cube: a way to slice its facts, with one or more attributes.',
  id: { resolve: (dimension) => dimension.id },
  // Not `loadMany`: Pothos caches what that loads for the request, and a second `node`/`nodes` field asking for the
  // same id got the first one's object before Pothos had tagged it with its type, so `Node` could not resolve it (an
  // internal error). Uncached, each field loads and tags its own.
  loadManyWithoutCache: async (ids, ctx) => {
    const models = await visibleParts(ctx, ids, (keys, visible) =>
      db.dimension.findMany({ where: { id: { in: keys }, dataset: visible }, select: { id: true, dataset: headSelect } }),
    );
    return ids.map((id) => models.get(Number(id))?.dimensions.find((d) => d.id === Number(id)) ?? null);
  },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name of the dimension, unique in its cube; its ref.' }),
    label: t.exposeString('label', { nullable: true, description: 'Human-readable name, when the model has one.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the dimension describes.' }),
    dimensionType: t.exposeString('dimensionType', {
      nullable: true,
      description: 'Fiscal Data Package dimension type (classification, datetime, entity, ...).',
    }),
    attributes: t.field({
      type: [CubeAttribute],
      description: 'All attributes: the key attribute first, then the others in model order.',
      resolve: (dimension) => dimension.attributes,
    }),
    keyAttribute: t.string({
      description:
        'Name of the attribute identifying a member; the dimension name in a ref means this attribute. A composite ' +
        'primaryKey has a synthetic key attribute joining its parts with "/" (e.g. "1/25").',
      resolve: (dimension) => dimension.keyAttribute.name,
    }),
    labelAttribute: t.string({
      description: 'Name of the attribute to show as a member’s label (the key attribute when the model has none).',
      resolve: (dimension) => dimension.labelAttribute.name,
    }),
    hierarchy: t.exposeString('hierarchy', { nullable: true, description: 'The hierarchy this dimension is a level of, if any.' }),
    cardinality: t.int({
      description: 'Number of distinct key values among the facts (counted once per cube version, for every cube asked at once).',
      resolve: async (dimension, _args, ctx) => (await cardinalities(ctx, await cubeModel(ctx, dimension.cube))).get(dimension.name) ?? 0,
    }),
  }),
});

export const CubeMeasure = builder.node(builder.objectRef<CubeMeasureShape>('CubeMeasure'), {
  description: 'A numeric column of the facts that can be aggregated.',
  id: { resolve: (measure) => measure.id },
  // Not `loadMany`: see Dimension.
  loadManyWithoutCache: async (ids, ctx) => {
    const models = await visibleParts(ctx, ids, (keys, visible) =>
      db.measure.findMany({ where: { id: { in: keys }, dataset: visible }, select: { id: true, dataset: headSelect } }),
    );
    return ids.map((id) => models.get(Number(id))?.measures.find((m) => m.id === Number(id)) ?? null);
  },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name of the measure, unique in its cube; also its ref.' }),
    label: t.exposeString('label', { nullable: true, description: 'Human-readable name, when the model has one.' }),
    currency: t.exposeString('currency', { nullable: true, description: 'ISO 4217 code when the measure is money.' }),
  }),
});

export const CubeHierarchy = builder.objectRef<CubeHierarchyShape>('CubeHierarchy').implement({
  description: 'Levels from coarse to fine (cofog1 > cofog2 > cofog3): dimensions, or the attributes of a Fiscal Data Package `parent` chain.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Drilling down by this name returns the next level below the cut.' }),
    label: t.exposeString('label', { nullable: true, description: 'Human-readable name, when the model has one.' }),
    levels: t.exposeStringList('levels', {
      description: 'Top level first: dimension names, or attribute refs ("<dimension>.<attribute>") for the levels of a parent chain.',
    }),
  }),
});
