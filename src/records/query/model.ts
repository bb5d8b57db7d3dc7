import { anonymous, can, visibleDatasets, type Principal } from '../../access/principal.js';
import { db } from '../../db.js';
import { catalogMemo } from '../../db/catalog-events.js';
import { badInput, notFound } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { FieldDef } from './fields.js';

/** A records dataset with its fields: every field name reaching SQL is checked against it first. */
export interface RecordsModel {
  id: number;
  name: string;
  fields: FieldDef[];
  byName: Map<string, FieldDef>;
  /** The field lat/lon come from, when there is one. */
  geoField: FieldDef | undefined;
  /** Overrides the dataset condition (the catalog searches datasets as if they were records). */
  scope?: Prisma.Sql;
}

export const TIMESTAMP_FIELD: FieldDef = { name: 'record_timestamp', label: 'Record timestamp', type: 'datetime', annotations: {} };

/** SQL condition on `dataset d`: public datasets, plus the private ones the caller may read; never a retired version. */
export function visibleSql(principal: Principal | undefined): Prisma.Sql {
  return Prisma.sql`(d.retired_at IS NULL AND ${readableSql(principal)})`;
}

function readableSql(principal: Principal | undefined): Prisma.Sql {
  if (!principal || principal.kind === 'anonymous') return Prisma.sql`NOT d.private`;
  if (can(principal, '*', 'read')) return Prisma.sql`TRUE`;
  const readable = Object.keys(principal.grants).filter((name) => can(principal, name, 'read'));
  return readable.length === 0 ? Prisma.sql`NOT d.private` : Prisma.sql`(NOT d.private OR d.name = ANY(${readable}::text[]))`;
}

export async function loadModel(dataset: string, principal?: Principal, argName = 'dataset'): Promise<RecordsModel> {
  if (!dataset) throw badInput(`${argName}: a dataset is required`, [argName]);
  // One round trip for the dataset and its fields, memoised across requests while the catalog is unchanged (see
  // CatalogMemo; a push that adds fields changes its dataset row in the same transaction).
  const rows = await catalogMemo.get(`records:model:${JSON.stringify(visibleDatasets(principal ?? anonymous))}:${dataset}`, () =>
    db.$queryRaw<{ id: number; name: string; fields: string }[]>(
      Prisma.sql`SELECT d.id, d.name, coalesce((SELECT json_agg(json_build_object('name', f.name, 'label', f.label, 'type', f.type, 'annotations', f.annotations) ORDER BY f.position)
          FROM record_field f WHERE f.dataset_id = d.id), '[]'::json)::text AS fields
        FROM dataset d WHERE d.name = ${dataset} AND d.family = 'RECORDS' AND ${visibleSql(principal)}`,
    ),
  );
  const row = rows[0];
  if (!row) throw notFound(`${argName}: no records dataset named "${dataset}"`);
  const fields = (JSON.parse(row.fields) as FieldDef[]).map((f) => ({ ...f, annotations: f.annotations ?? {} }));
  return modelOf(row.id, row.name, fields);
}

/** The model of a records dataset from its id, name and fields. */
export function modelOf(id: number, name: string, fields: FieldDef[]): RecordsModel {
  return {
    id,
    name,
    fields,
    byName: new Map(fields.map((f) => [f.name, f])),
    geoField: fields.find((f) => f.type === 'geo_point_2d') ?? fields.find((f) => f.type === 'geo_shape'),
  };
}

export function fieldOf(model: RecordsModel, name: string, where: string): FieldDef {
  if (name === TIMESTAMP_FIELD.name) return TIMESTAMP_FIELD;
  const field = model.byName.get(name);
  if (!field) throw badInput(`${where}: unknown field "${name}" in dataset "${model.name}"`);
  return field;
}

/** The SQL value of a field of record alias `r`, typed by the field. */
export function valueSql(field: FieldDef): Prisma.Sql {
  if (field === TIMESTAMP_FIELD) return Prisma.sql`r.timestamp`;
  const raw = Prisma.sql`(r.fields ->> ${field.name})`;
  switch (field.type) {
    case 'int':
    case 'double':
      return Prisma.sql`${raw}::float8`;
    case 'date':
      return Prisma.sql`${raw}::date`;
    case 'datetime':
      return Prisma.sql`${raw}::timestamptz`;
    default:
      return raw;
  }
}

export function isDateType(field: FieldDef): boolean {
  return field.type === 'date' || field.type === 'datetime';
}

export function isNumberType(field: FieldDef): boolean {
  return field.type === 'int' || field.type === 'double';
}

export function isGeoType(field: FieldDef): boolean {
  return field.type === 'geo_point_2d' || field.type === 'geo_shape';
}
