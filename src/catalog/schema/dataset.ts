import { can, isVisible, visibleDatasets, type Principal } from '../../access/principal.js';
import { builder } from '../../builder.js';
import { db } from '../../db.js';
import { notFound, UserError } from '../../errors.js';
import { DatasetFamily } from '../../generated/prisma/enums.js';
import { Prisma, type Dataset } from '../../generated/prisma/client.js';
import type { FacetValue } from '../../records/query/filter.js';
import type { FacetGroup } from '../../records/query/search.js';
import { FacetGroupRef } from '../../records/schema/facets.js';
import { RecordFieldRef } from '../../records/schema/fields.js';
import { FacetValueInput } from '../../records/schema/inputs/filter.js';
import { connectionOf, connectionWindow, resolveConnection, type ConnectionArgs, type ConnectionResult } from '../../shared/connection.js';
import { operators } from '../../shared/filter/operators.js';
import { orderInput, type Direction } from '../../shared/order.js';
import { prepareCatalogSearch } from '../query/catalog.js';
import { datasetNamed, datasetWithId } from '../query/scope.js';
import { escapeLike } from '../../shared/like.js';
import { loaderOf } from '../../shared/loaders.js';

export const DatasetFamilyEnum = builder.enumType('DatasetFamily', {
  description: 'Which of the three source families a dataset comes from.',
  values: {
    CUBE: { value: DatasetFamily.CUBE, description: 'OpenSpending fiscal cubes: dimensions, measures and facts.' },
    AWARDS: { value: DatasetFamily.AWARDS, description: 'USAspending awards and transactions.' },
    RECORDS: { value: DatasetFamily.RECORDS, description: 'OpenDataSoft-style records.' },
  } as const,
});

const idOf = (id: string) => (/^\d{1,9}$/.test(id) ? Number(id) : -1);

export const DatasetRef = builder.prismaNode('Dataset', {
  description: 'A dataset of any family as listed in the catalog.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: idOf(id), AND: [visibleDatasets(ctx.principal)] }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique name used in every API (the cube, dataset or source id).' }),
    family: t.expose('family', { type: DatasetFamilyEnum, description: 'The source family.' }),
    title: t.exposeString('title', { description: 'Title.' }),
    description: t.exposeString('description', { nullable: true, description: 'Description, as the source gives it.' }),
    publisher: t.exposeString('publisher', { nullable: true, description: 'Who publishes the data.' }),
    license: t.exposeString('license', { nullable: true, description: 'Licence name or identifier.' }),
    licenseUrl: t.exposeString('licenseUrl', { nullable: true, description: 'Where the licence is published.' }),
    themes: t.exposeStringList('themes', { description: 'Themes, as the source names them.' }),
    keywords: t.exposeStringList('keywords', { description: 'Keywords.' }),
    language: t.exposeString('language', { nullable: true, description: 'Language of the data, e.g. "en".' }),
    modified: t.expose('modified', { type: 'DateTime', nullable: true, description: 'When the source last changed the data.' }),
    loader: t.exposeString('loader', { description: 'The loader that produced this dataset.' }),
    source: t.expose('source', {
      type: 'JSON',
      nullable: true,
      description: "The source's own metadata as loaded (datapackage, model or dataset description).",
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the dataset was first loaded.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the dataset was last loaded or changed.' }),
    size: t.int({
      description: 'How many rows the dataset holds: facts of a cube, awards of an awards dataset, records of a records dataset.',
      resolve: (dataset, _args, ctx) => loaderOf(ctx, 'datasetSize', datasetSizes).load(dataset.id),
    }),
    recordFields: t.field({
      type: [RecordFieldRef],
      description: 'The fields of a records dataset (what its filters, sorts and facets name); empty for other families.',
      resolve: async (dataset, _args, ctx) => (dataset.family === 'RECORDS' ? ((await datasetWithId(ctx, dataset.id))?.fields ?? []) : []),
    }),
  }),
});

/** Row counts of the datasets with these ids, in key order: one statement for a whole page of the catalog. */
async function datasetSizes(ids: readonly number[]): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number; size: bigint }[]>`
    SELECT d.id, CASE d.family
      WHEN 'CUBE' THEN (SELECT count(*) FROM fact x WHERE x.dataset_id = d.id)
      WHEN 'AWARDS' THEN (SELECT count(*) FROM award x WHERE x.dataset_id = d.id)
      ELSE (SELECT count(*) FROM record x WHERE x.dataset_id = d.id) END AS size
    FROM dataset d WHERE d.id = ANY(${[...ids]}::int[])`;
  const byId = new Map(rows.map((row) => [row.id, Number(row.size)]));
  return ids.map((id) => byId.get(id) ?? 0);
}

const DatasetFamilyFilter = builder.inputType('DatasetFamilyFilter', {
  description: 'Conditions on a dataset family. Every operator given must hold.',
  fields: (t) => ({
    equals: t.field({ type: DatasetFamilyEnum, required: false, description: operators.equals.description }),
    in: t.field({ type: [DatasetFamilyEnum], required: false, description: operators.in.description }),
  }),
});

const DatasetSearch = builder.inputType('DatasetSearch', {
  description: 'Words to find in the name, title, description, publisher or keywords.',
  fields: (t) => ({
    text: t.string({ required: true, description: 'Case-insensitive text that must appear in one of those fields.' }),
  }),
});

const DatasetFilter = builder.inputType('DatasetFilter', {
  description: 'Narrows the catalog. Every key given must hold.',
  fields: (t) => ({
    family: t.field({ type: DatasetFamilyFilter, required: false, description: 'Conditions on the family.' }),
    search: t.field({ type: DatasetSearch, required: false, description: operators.search.description }),
  }),
});

type DatasetFilterInput = typeof DatasetFilter.$inferInput;

/** The families a filter allows: null for any. */
function familiesOf(filter: DatasetFilterInput | null | undefined): DatasetFamily[] | null {
  const { equals, in: among } = filter?.family ?? {};
  let families: DatasetFamily[] | null = among ? [...among] : null;
  if (equals) families = families ? families.filter((family) => family === equals) : [equals];
  return families;
}

export function datasetWhere(
  principal: Principal,
  filter: DatasetFilterInput | null | undefined,
): Prisma.DatasetWhereInput {
  const where: Prisma.DatasetWhereInput[] = [visibleDatasets(principal)];
  const families = familiesOf(filter);
  if (families) where.push({ family: { in: families } });
  const text = filter?.search?.text.trim();
  if (text) {
    where.push({
      OR: [
        { name: { contains: escapeLike(text), mode: 'insensitive' } },
        { title: { contains: escapeLike(text), mode: 'insensitive' } },
        { description: { contains: escapeLike(text), mode: 'insensitive' } },
        { publisher: { contains: escapeLike(text), mode: 'insensitive' } },
        { keywords: { has: text.toLowerCase() } },
      ],
    });
  }
  return { AND: where };
}

const DatasetOrderField = builder.enumType('DatasetOrderField', {
  description: 'What the catalog can be sorted by.',
  values: {
    NAME: { value: 'datasetid', description: 'Dataset name.' },
    TITLE: { value: 'title', description: 'Title.' },
    MODIFIED: { value: 'modified', description: 'Last modification (of the data, else of the dataset).' },
    PUBLISHER: { value: 'publisher', description: 'Publisher.' },
    LICENSE: { value: 'license', description: 'Licence.' },
    LANGUAGE: { value: 'language', description: 'Language.' },
    FAMILY: { value: 'family', description: 'Family.' },
    RECORDS: { value: 'records_count', description: 'Number of records (records datasets; 0 for others).' },
  } as const,
});

const DatasetOrderBy = orderInput('DatasetOrderBy', DatasetOrderField, 'Field to sort by.');

const catalogLimits = { defaultSize: 20, maxSize: 1000 };

type DatasetConnectionShape = ConnectionResult<Dataset> & { facetGroups: () => Promise<FacetGroup[]> };

const noFacets = async (): Promise<FacetGroup[]> => [];

builder.queryFields((t) => ({
  datasets: t.connection(
    {
      type: DatasetRef,
      description: 'The catalog: every dataset the caller may see, by name unless `orderBy` says otherwise.',
      args: {
        filter: t.arg({ type: DatasetFilter, required: false, description: 'Family and text conditions.' }),
        q: t.arg.string({
          required: false,
          description: 'Catalog search in the records query language over datasetid, title, description, publisher, license, language, family, modified, theme, keyword, records_count.',
        }),
        facets: t.arg.stringList({
          required: false,
          description: 'Facets to count (see `facetGroups`): publisher, license, language, family, modified, theme, keyword.',
        }),
        refine: t.arg({ type: [FacetValueInput], required: false, description: 'Keep datasets having these facet values.' }),
        exclude: t.arg({ type: [FacetValueInput], required: false, description: 'Drop datasets having these facet values.' }),
        orderBy: t.arg({ type: [DatasetOrderBy], required: false, description: 'Sort keys in order of precedence (default: NAME ASC).' }),
        offset: t.arg.int({ required: false, description: 'Rows to skip (after `after`): for page-number UIs.' }),
      },
      resolve: async (_root, args, ctx, info): Promise<DatasetConnectionShape> => {
        const where = datasetWhere(ctx.principal, args.filter);
        const searching = args.q || args.facets?.length || args.refine?.length || args.exclude?.length || args.orderBy?.length;
        if (!searching) {
          const connection = await resolveConnection(
            args,
            catalogLimits,
            ({ offset, limit }) => db.dataset.findMany({ where, skip: offset, take: limit, orderBy: [{ name: 'asc' }] }),
            () => db.dataset.count({ where }),
            info,
          );
          return { ...connection, facetGroups: noFacets };
        }
        return searchedDatasets(ctx.principal, where, args as CatalogArgs);
      },
    },
    {
      name: 'DatasetConnection',
      description: 'A page of the catalog.',
      fields: (c) => ({
        facetGroups: c.field({
          type: [FacetGroupRef],
          description: 'Counts of the facets asked for with `facets`, over every matching dataset.',
          resolve: (connection) => connection.facetGroups(),
        }),
      }),
    },
    { name: 'DatasetEdge', description: 'A dataset of the page with its cursor.' },
  ),
  dataset: t.field({
    type: DatasetRef,
    nullable: true,
    description: 'One dataset by name; null and a NOT_FOUND error when there is none the caller may see.',
    args: { name: t.arg.string({ required: true, description: 'Dataset name.' }) },
    resolve: async (_root, { name }, ctx) => {
      const scoped = await datasetNamed(ctx, name);
      if (!scoped) throw notFound(`no dataset named "${name}"`);
      return scoped.dataset;
    },
  }),
}));

interface CatalogArgs extends ConnectionArgs {
  filter?: DatasetFilterInput | null;
  q?: string | null;
  facets?: string[] | null;
  refine?: FacetValue[] | null;
  exclude?: FacetValue[] | null;
  orderBy?: { field: string; direction: Direction }[] | null;
}

/** The catalog through catalog search: q, facets and sort; the page's datasets are then loaded by name. */
async function searchedDatasets(principal: Principal, where: Prisma.DatasetWhereInput, args: CatalogArgs): Promise<DatasetConnectionShape> {
  const families = familiesOf(args.filter);
  const text = args.filter?.search?.text.trim();
  const q = [
    args.q && `(${args.q})`,
    families && `(${families.length ? families.map((family) => `family:"${family}"`).join(' OR ') : 'family:"none"'})`,
    text && `"${text.replaceAll('"', ' ')}"`,
  ]
    .filter(Boolean)
    .join(' AND ');
  const refine = args.refine ?? [];
  const terms = args.orderBy?.length ? args.orderBy : [{ field: 'datasetid', direction: 'asc' as const }];
  const prepared = prepareCatalogSearch({
    principal,
    q: q || null,
    facets: args.facets,
    refine,
    exclude: args.exclude,
    sort: terms.map(({ field, direction }) => (direction === 'asc' ? `-${field}` : field)),
  });
  let counted: Promise<number> | undefined;
  const total = () => (counted ??= prepared.count());
  const window = await connectionWindow(args, catalogLimits, total);
  const names = (await prepared.rows<{ record_id: string }>(Prisma.sql`r.record_id`, window.limit === 0 ? 0 : window.limit + 1, window.offset)).map((r) => r.record_id);
  const rows = names.length ? await db.dataset.findMany({ where: { AND: [where, { name: { in: names } }] } }) : [];
  const byName = new Map(rows.map((row) => [row.name, row]));
  let facets: Promise<FacetGroup[]> | undefined;
  return {
    ...connectionOf(
      names.flatMap((name) => byName.get(name) ?? []),
      window,
      total,
    ),
    facetGroups: () => (facets ??= prepared.facetGroups()),
  };
}

const DeleteDatasetInput = builder.inputType('DeleteDatasetInput', {
  description: 'Which dataset to delete.',
  fields: (t) => ({ name: t.string({ required: true, description: 'Name of the dataset to delete.' }) }),
});

const DeleteDatasetPayload = builder.objectRef<{ name: string; family: string }>('DeleteDatasetPayload').implement({
  description: 'The dataset that was deleted, with every row of it.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name of the deleted dataset.' }),
    family: t.field({ type: DatasetFamilyEnum, description: 'Its family.', resolve: (p) => p.family as DatasetFamily }),
  }),
});

builder.mutationField('deleteDataset', (t) =>
  t.field({
    type: DeleteDatasetPayload,
    description: 'Deletes a dataset and all its rows. Needs an API key with write permission on it.',
    args: { input: t.arg({ type: DeleteDatasetInput, required: true, description: 'The dataset to delete.' }) },
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
