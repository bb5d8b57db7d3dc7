/**
 * The datasets a request may see, loaded once per request: every GraphQL door that names a dataset (records,
 * record, analyze, geocluster, Record.dataset, dataset) resolves it here, with the caller's read permission applied
 * in the same statement, so a private dataset the caller may not read is exactly like a missing one.
 */
import type { Context } from '../../context.js';
import { db } from '../../db.js';
import { catalogMemo } from '../../db/catalog-events.js';
import type { Dataset } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { FieldDef } from '../../records/query/fields.js';
import { visibleSql } from '../../records/query/model.js';
import { loaderOf } from '../../shared/loaders.js';

/** A visible dataset with its record fields (empty for cubes and awards). */
export interface ScopedDataset {
  dataset: Dataset;
  fields: FieldDef[];
}

type Ctx = Pick<Context, 'loaders' | 'principal'>;

/**
 * Memoised across requests while the catalog is unchanged (see CatalogMemo), keyed by the statement itself (the
 * caller's visibility included): record fields change only with their dataset row.
 */
function load(ctx: Ctx, where: Prisma.Sql): Promise<ScopedDataset[]> {
  const statement = Prisma.sql`SELECT d.id, d.name, d.family::text AS family, d.title, d.description, d.publisher, d.license,
        d.license_url AS "licenseUrl", d.themes, d.keywords, d.language, d.modified, d.private, d.source, d.loader,
        d.created_at AS "createdAt", d.updated_at AS "updatedAt",
        coalesce((SELECT json_agg(json_build_object('name', f.name, 'label', f.label, 'type', f.type, 'annotations', f.annotations) ORDER BY f.position)
          FROM record_field f WHERE f.dataset_id = d.id), '[]'::json)::text AS "fieldList"
      FROM dataset d WHERE ${where} AND ${visibleSql(ctx.principal)}`;
  return catalogMemo.get(`catalog:scoped:${statement.sql}:${JSON.stringify(statement.values)}`, () => read(statement));
}

async function read(statement: Prisma.Sql): Promise<ScopedDataset[]> {
  const rows = await db.$queryRaw<(Dataset & { fieldList: string })[]>(statement);
  return rows.map(({ fieldList, ...dataset }) => ({
    dataset,
    fields: (JSON.parse(fieldList) as FieldDef[]).map((f) => ({ ...f, annotations: f.annotations ?? {} })),
  }));
}

function byName(ctx: Ctx) {
  return loaderOf<string, ScopedDataset | null>(ctx, 'catalog:datasetByName', async (names) => {
    const found = await load(ctx, Prisma.sql`d.name = ANY(${[...names]}::text[])`);
    for (const scoped of found) byId(ctx).prime(scoped.dataset.id, scoped);
    return names.map((name) => found.find((s) => s.dataset.name === name) ?? null);
  });
}

function byId(ctx: Ctx) {
  return loaderOf<number, ScopedDataset | null>(ctx, 'catalog:datasetById', async (ids) => {
    const found = await load(ctx, Prisma.sql`d.id = ANY(${[...ids]}::int[])`);
    for (const scoped of found) byName(ctx).prime(scoped.dataset.name, scoped);
    return ids.map((id) => found.find((s) => s.dataset.id === id) ?? null);
  });
}

/** The dataset named `name` if the caller may see it, else null. */
export function datasetNamed(ctx: Ctx, name: string): Promise<ScopedDataset | null> {
  return byName(ctx).load(name);
}

/** The dataset with primary key `id` if the caller may see it, else null. */
export function datasetWithId(ctx: Ctx, id: number): Promise<ScopedDataset | null> {
  return byId(ctx).load(id);
}
