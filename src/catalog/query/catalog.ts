import type { Principal } from '../../access/principal.js';
import { db } from '../../db.js';
import { notFound } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { FieldDef } from '../../records/query/fields.js';
import type { FacetValue } from '../../records/query/filter.js';
import { visibleSql, type RecordsModel } from '../../records/query/model.js';
import { orderSql, prepareSearch, runSearch, type FacetGroup, type PreparedSearch } from '../../records/query/search.js';
import { wordsSql } from '../../records/query/text.js';

export interface CatalogSearch {
  /** The caller: private datasets it may read are listed too. */
  principal?: Principal;
  q?: string | null;
  facets?: string[] | null;
  refine?: FacetValue[] | null;
  exclude?: FacetValue[] | null;
  disjunctive?: string[] | null;
  sort?: string[] | null;
  rows?: number | null;
  start?: number | null;
}

/** A dataset as the ODS v1 catalog shows it. */
export interface CatalogDataset {
  datasetid: string;
  metas: Record<string, unknown>;
  fields: { name: string; label: string | null; type: string; annotations: { name: string; args?: unknown }[] }[];
  has_records: boolean;
}

export interface CatalogResult {
  nhits: number;
  datasets: CatalogDataset[];
  facetGroups: FacetGroup[];
}

const meta = (name: string, type: FieldDef['type'], annotations: Record<string, unknown> = {}): FieldDef => ({ name, label: name, type, annotations });

/** The metadata fields the catalog query language, facets and sort know. */
const CATALOG_FIELDS: FieldDef[] = [
  meta('datasetid', 'text'),
  meta('title', 'text'),
  meta('description', 'text'),
  meta('publisher', 'text', { facet: true }),
  meta('license', 'text', { facet: true }),
  meta('language', 'text', { facet: true }),
  meta('family', 'text', { facet: true }),
  meta('modified', 'datetime', { facet: true, hierarchical: true }),
  meta('theme', 'text', { facet: true, multivalued: true }),
  meta('keyword', 'text', { facet: true, multivalued: true }),
  meta('records_count', 'int'),
];

const catalogModel: RecordsModel = {
  id: 0,
  name: 'catalog',
  fields: CATALOG_FIELDS,
  byName: new Map(CATALOG_FIELDS.map((f) => [f.name, f])),
  geoField: undefined,
  scope: Prisma.sql`TRUE`,
};

// Public datasets shaped like records, so the records query language, facets and sort apply to the catalog.
function catalogRows(principal: Principal | undefined): Prisma.Sql {
  return Prisma.sql`(
  SELECT d.id, d.name AS record_id,
    jsonb_strip_nulls(jsonb_build_object(
      'datasetid', d.name, 'title', d.title, 'description', d.description, 'publisher', d.publisher,
      'license', d.license, 'language', d.language, 'family', d.family::text,
      'modified', to_char(coalesce(d.modified, d.updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
      'theme', to_jsonb(d.themes), 'keyword', to_jsonb(d.keywords),
      'records_count', (SELECT count(*) FROM record x WHERE x.dataset_id = d.id))) AS fields,
    ${wordsSql(Prisma.sql`concat_ws(' ', d.name, d.title, d.description, d.publisher, array_to_string(d.keywords, ' '), array_to_string(d.themes, ' '))`)} AS search_text,
    NULL::float8 AS lat, NULL::float8 AS lon, NULL::jsonb AS geometry, d.updated_at AS timestamp
  FROM dataset d WHERE ${visibleSql(principal)}) r`;
}

async function fieldsOf(ids: string[]): Promise<Map<string, CatalogDataset['fields']>> {
  const rows = await db.recordField.findMany({
    where: { dataset: { name: { in: ids } } },
    orderBy: [{ datasetId: 'asc' }, { position: 'asc' }],
    select: { name: true, label: true, type: true, annotations: true, dataset: { select: { name: true } } },
  });
  const byDataset = new Map<string, CatalogDataset['fields']>();
  for (const row of rows) {
    const list = byDataset.get(row.dataset.name) ?? [];
    const annotations = Object.entries((row.annotations ?? {}) as Record<string, unknown>)
      .filter(([, v]) => v !== false)
      .map(([name, v]) => (v === true ? { name } : { name, args: v }));
    list.push({ name: row.name, label: row.label, type: row.type, annotations });
    byDataset.set(row.dataset.name, list);
  }
  return byDataset;
}

function toDataset(row: { record_id: string; fields: Record<string, unknown> }, fields: CatalogDataset['fields'] | undefined): CatalogDataset {
  const { datasetid: _id, ...metas } = row.fields;
  return { datasetid: row.record_id, metas, fields: fields ?? [], has_records: Number(row.fields.records_count ?? 0) > 0 };
}

/** Catalog search: the ODS v1 dataset search over every public dataset, with the records query language. */
export async function searchCatalog(search: CatalogSearch): Promise<CatalogResult> {
  const { nhits, rows, facetGroups } = await runSearch(catalogModel, catalogRows(search.principal), search);
  const fields = await fieldsOf(rows.map((r) => r.record_id));
  return { nhits, datasets: rows.map((row) => toDataset(row, fields.get(row.record_id))), facetGroups };
}

/** Catalog search whose count, rows (`r.record_id` is the dataset name) and facets run only when called. */
export function prepareCatalogSearch(search: Omit<CatalogSearch, 'rows' | 'start'>): PreparedSearch {
  return prepareSearch(catalogModel, catalogRows(search.principal), search, () => orderSql(catalogModel, search.sort));
}

/** One public dataset in the catalog layout. */
export async function catalogDataset(datasetid: string, principal?: Principal): Promise<CatalogDataset> {
  const { rows } = await runSearch(catalogModel, catalogRows(principal), { q: `datasetid == "${datasetid.replace(/["\\]/g, '\\$&')}"`, rows: 1 });
  const row = rows[0];
  if (!row) throw notFound(`no dataset named "${datasetid}"`);
  return toDataset(row, (await fieldsOf([row.record_id])).get(row.record_id));
}
