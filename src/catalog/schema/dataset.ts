import { can, isVisible, visibleDatasets, type Principal } from '../../access/principal.js';
import { builder } from '../../builder.js';
import { db } from '../../db.js';
import { notFound, UserError } from '../../errors.js';
import { DatasetFamily } from '../../generated/prisma/enums.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { searchCatalog } from '../query/catalog.js';
import type { FacetGroup } from '../../records/query/search.js';
import { pageArgs, pageWindow } from '../../shared/paging.js';
import { FacetValueInput } from '../../records/schema/inputs/filter.js';
import { FacetGroupRef } from '../../records/schema/record.js';

export const DatasetFamilyEnum = builder.enumType(DatasetFamily, {
  name: 'DatasetFamily',
  description: 'Which of the three source families a dataset comes from.',
});

export const DatasetRef = builder.prismaObject('Dataset', {
  description: 'A dataset of any family as listed in the catalog.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique name used in every API (the cube, dataset or source id).' }),
    family: t.expose('family', { type: DatasetFamilyEnum }),
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    publisher: t.exposeString('publisher', { nullable: true }),
    license: t.exposeString('license', { nullable: true }),
    licenseUrl: t.exposeString('licenseUrl', { nullable: true }),
    themes: t.exposeStringList('themes'),
    keywords: t.exposeStringList('keywords'),
    language: t.exposeString('language', { nullable: true }),
    modified: t.expose('modified', { type: 'DateTime', nullable: true }),
    loader: t.exposeString('loader', { description: 'The loader that produced this dataset.' }),
    source: t.expose('source', {
      type: 'JSON',
      nullable: true,
      description: "The source's own metadata as loaded (datapackage, model or dataset description).",
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const DatasetFilter = builder.inputType('DatasetFilter', {
  description: 'Narrows the catalog. All given conditions must hold.',
  fields: (t) => ({
    family: t.field({ type: DatasetFamilyEnum, required: false }),
    text: t.string({
      required: false,
      description: 'Case-insensitive text found in the name, title, description, publisher or keywords.',
    }),
  }),
});

export function datasetWhere(
  principal: Principal,
  filter: typeof DatasetFilter.$inferInput | null | undefined,
): Prisma.DatasetWhereInput {
  const where: Prisma.DatasetWhereInput[] = [visibleDatasets(principal)];
  if (filter?.family) where.push({ family: filter.family });
  const text = filter?.text?.trim();
  if (text) {
    where.push({
      OR: [
        { name: { contains: text, mode: 'insensitive' } },
        { title: { contains: text, mode: 'insensitive' } },
        { description: { contains: text, mode: 'insensitive' } },
        { publisher: { contains: text, mode: 'insensitive' } },
        { keywords: { has: text.toLowerCase() } },
      ],
    });
  }
  return { AND: where };
}

interface DatasetPageShape {
  where: Prisma.DatasetWhereInput;
  skip: number;
  take: number;
  page: number;
  /** Set when the page comes from catalog search: the page's names in order, the hits and the facets. */
  search?: { names: string[]; nhits: number; facetGroups: FacetGroup[] };
}

const DatasetPage = builder.objectRef<DatasetPageShape>('DatasetPage').implement({
  description: 'One page of the catalog with the total number of matching datasets and any requested facets.',
  fields: (t) => ({
    totalCount: t.int({ resolve: ({ where, search }) => search?.nhits ?? db.dataset.count({ where }) }),
    page: t.int({ resolve: ({ page }) => page }),
    pageSize: t.int({ resolve: ({ take }) => take }),
    facetGroups: t.field({
      type: [FacetGroupRef],
      description: 'Counts of the facets asked for with `facets`, over every matching dataset.',
      resolve: ({ search }) => search?.facetGroups ?? [],
    }),
    nodes: t.prismaField({
      type: ['Dataset'],
      // The parent's pageSize already multiplies this page's cost.
      complexity: { field: 1, multiplier: 1 },
      resolve: async (query, { where, skip, take, search }) => {
        if (!search) return db.dataset.findMany({ ...query, where, skip, take, orderBy: [{ name: 'asc' }] });
        const rows = await db.dataset.findMany({ ...query, where: { AND: [where, { name: { in: search.names } }] } });
        const byName = new Map(rows.map((row) => [row.name, row]));
        return search.names.flatMap((name) => byName.get(name) ?? []);
      },
    }),
  }),
});

builder.queryFields((t) => ({
  datasets: t.field({
    type: DatasetPage,
    description: 'The catalog of public datasets, by name.',
    args: {
      filter: t.arg({ type: DatasetFilter, required: false }),
      q: t.arg.string({
        required: false,
        description: 'Catalog search in the records query language over datasetid, title, description, publisher, license, language, family, modified, theme, keyword.',
      }),
      facets: t.arg.stringList({
        required: false,
        description: 'Facets to count: publisher, license, language, family, modified, theme, keyword.',
      }),
      refine: t.arg({ type: [FacetValueInput], required: false }),
      exclude: t.arg({ type: [FacetValueInput], required: false }),
      sort: t.arg.stringList({ required: false, description: 'Fields to sort by, descending as in OpenDataSoft; "-field" sorts ascending.' }),
      ...pageArgs(t, 20, 1000),
    },
    resolve: async (_root, args, ctx) => {
      const { page, skip, take } = pageWindow(args.page, args.pageSize, 1000);
      const where = datasetWhere(ctx.principal, args.filter);
      const searching = args.q || args.facets?.length || args.refine?.length || args.exclude?.length || args.sort?.length;
      if (!searching) return { where, skip, take, page };
      const refine = [...(args.refine ?? []), ...(args.filter?.family ? [{ field: 'family', value: args.filter.family }] : [])];
      const q = [args.q, args.filter?.text && `"${args.filter.text.replaceAll('"', ' ')}"`].filter(Boolean).join(' AND ');
      const result = await searchCatalog({
        principal: ctx.principal,
        q: q || null,
        facets: args.facets,
        refine,
        exclude: args.exclude,
        sort: args.sort,
        rows: take,
        start: skip,
      });
      return {
        where,
        skip,
        take,
        page,
        search: { names: result.datasets.map((d) => d.datasetid), nhits: result.nhits, facetGroups: result.facetGroups },
      };
    },
  }),
  dataset: t.prismaField({
    type: 'Dataset',
    description: 'One dataset by name; a NOT_FOUND error when there is none.',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (query, _root, { name }, ctx) => {
      const dataset = await db.dataset.findFirst({ ...query, where: { AND: [{ name }, visibleDatasets(ctx.principal)] } });
      if (!dataset) throw notFound(`no dataset named "${name}"`);
      return dataset;
    },
  }),
}));

const DeleteDatasetInput = builder.inputType('DeleteDatasetInput', {
  fields: (t) => ({ name: t.string({ required: true, description: 'Name of the dataset to delete.' }) }),
});

const DeleteDatasetPayload = builder.objectRef<{ name: string; family: string }>('DeleteDatasetPayload').implement({
  description: 'The dataset that was deleted, with every row of it.',
  fields: (t) => ({
    name: t.exposeString('name'),
    family: t.field({ type: DatasetFamilyEnum, resolve: (p) => p.family as DatasetFamily }),
  }),
});

builder.mutationField('deleteDataset', (t) =>
  t.field({
    type: DeleteDatasetPayload,
    description: 'Deletes a dataset and all its rows. Needs an API key with write permission on it.',
    args: { input: t.arg({ type: DeleteDatasetInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const dataset = await db.dataset.findUnique({ where: { name: input.name } });
      if (!dataset || !isVisible(ctx.principal, dataset)) throw notFound(`no dataset named "${input.name}"`);
      if (!can(ctx.principal, dataset.name, 'write')) {
        throw new UserError(
          ctx.principal.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
          `deleting dataset "${dataset.name}" needs an API key with write permission on it`,
        );
      }
      await db.dataset.delete({ where: { id: dataset.id } });
      return { name: dataset.name, family: dataset.family };
    },
  }),
);
