import { builder } from '../../builder.js';
import { loadCubeCached } from '../query/model.js';
import { dimensionCardinalities } from '../query/query.js';

export const CubeAttributeType = builder.enumType('CubeAttributeType', {
  description: 'Type of an attribute’s values.',
  values: {
    STRING: { value: 'string' },
    INTEGER: { value: 'integer' },
    NUMBER: { value: 'number' },
    DATE: { value: 'date' },
    BOOLEAN: { value: 'boolean' },
  } as const,
});

export const CubeAttribute = builder.prismaObject('Attribute', {
  name: 'CubeAttribute',
  description: 'An attribute of a dimension: one column of the facts.',
  fields: (t) => ({
    name: t.exposeString('name'),
    ref: t.string({
      description: 'The ref used in cuts, filters, drilldowns and fact fields: "<dimension>.<attribute>".',
      select: { name: true, dimension: { select: { name: true } } },
      resolve: (attribute) => `${attribute.dimension.name}.${attribute.name}`,
    }),
    label: t.exposeString('label', { nullable: true }),
    type: t.field({
      type: CubeAttributeType,
      select: { type: true },
      resolve: (attribute) => attribute.type as 'string',
    }),
  }),
});

export const Dimension = builder.prismaObject('Dimension', {
  description: 'A dimension of a cube: a way to slice its facts, with one or more attributes.',
  fields: (t) => ({
    name: t.exposeString('name'),
    label: t.exposeString('label', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    dimensionType: t.exposeString('dimensionType', {
      nullable: true,
      description: 'Fiscal Data Package dimension type (classification, datetime, entity, ...).',
    }),
    attributes: t.relation('attributes', {
      description: 'All attributes, in model order.',
      query: { orderBy: { position: 'asc' } },
    }),
    keyAttribute: t.string({
      description: 'Name of the attribute identifying a member; the dimension name in a ref means this attribute.',
      select: { keyAttribute: true },
      resolve: (dimension) => dimension.keyAttribute,
    }),
    labelAttribute: t.string({
      description: 'Name of the attribute to show as a member’s label (the key attribute when the model has none).',
      select: { keyAttribute: true, labelAttribute: true },
      resolve: (dimension) => dimension.labelAttribute ?? dimension.keyAttribute,
    }),
    hierarchy: t.string({
      nullable: true,
      description: 'The hierarchy this dimension is a level of, if any.',
      select: { name: true, dataset: { select: { hierarchies: { select: { name: true, levels: true } } } } },
      resolve: (dimension) =>
        dimension.dataset.hierarchies.find((h) => h.levels.includes(dimension.name))?.name ?? null,
    }),
    cardinality: t.int({
      description: 'Number of distinct key values among the facts.',
      select: { name: true, dataset: { select: { name: true } } },
      resolve: async (dimension, _args, ctx) => {
        const model = await loadCubeCached(ctx, dimension.dataset.name);
        return (await dimensionCardinalities(model)).get(dimension.name) ?? 0;
      },
    }),
  }),
});

export const CubeMeasure = builder.prismaObject('Measure', {
  name: 'CubeMeasure',
  description: 'A numeric column of the facts that can be aggregated.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Also the measure’s ref.' }),
    label: t.exposeString('label', { nullable: true }),
    currency: t.exposeString('currency', { nullable: true, description: 'ISO 4217 code when the measure is money.' }),
  }),
});

export const CubeHierarchy = builder.prismaObject('Hierarchy', {
  name: 'CubeHierarchy',
  description: 'Dimensions forming levels from coarse to fine (cofog1 > cofog2 > cofog3).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Drilling down by this name returns the next level below the cut.' }),
    label: t.exposeString('label', { nullable: true }),
    levels: t.exposeStringList('levels', { description: 'Dimension names, top level first.' }),
  }),
});
