import { createHash } from 'node:crypto';
import { db } from '../../db.js';
import { Prisma, type Dataset } from '../../generated/prisma/client.js';
import type { CubeDimension, CubeModel } from './model.js';
import type { Row } from './scope.js';
import { ExactNumber, exactNumberOf } from '../../shared/exact.js';

/**
 * The objects of OpenSpending's v2 API (datasets, dimensions, members, entries) built from the cube store, shared by
 * its REST resources and its full-text search.
 */

export const v2Categories = ['budget', 'spending', 'other'] as const;
export type V2Category = (typeof v2Categories)[number];

/**
 * OpenSpending's entry id: 40 hex characters, a hash of the dataset name and the fact's row in its source, so the
 * same file reloaded gives the same ids. `entryIdSql` computes the same in SQL for lookups.
 */
export function entryId(dataset: string, rowNumber: number): string {
  return createHash('sha256').update(`${dataset}\u001f${rowNumber}`).digest('hex').slice(0, 40);
}

export function entryIdSql(dataset: string): Prisma.Sql {
  return Prisma.sql`left(encode(sha256(convert_to(${`${dataset}\u001f`} || f.row_number::text, 'UTF8')), 'hex'), 40)`;
}

/** How v2 names a dimension's kind: a date, a plain value on the entry, or a compound member with attributes. */
export function dimensionKind(dimension: CubeDimension): 'date' | 'attribute' | 'compound' {
  if (dimension.dimensionType === 'datetime' || dimension.name === 'time') return 'date';
  return dimension.attributes.length === 1 ? 'attribute' : 'compound';
}

const datatypes: Record<string, string> = { string: 'string', integer: 'float', number: 'float', date: 'date', boolean: 'string' };

type Source = Record<string, unknown>;

const sourceOf = (dataset: Pick<Dataset, 'source'>): Source =>
  dataset.source && typeof dataset.source === 'object' && !Array.isArray(dataset.source) ? (dataset.source as Source) : {};

/** The v2 metadata (`dataset` of a loaded v2 model, or the data package's own fields). */
function metadataOf(dataset: Pick<Dataset, 'source'>): Source {
  const source = sourceOf(dataset);
  const v2 = source.v2 as { dataset?: Source } | undefined;
  if (v2?.dataset && typeof v2.dataset === 'object') return v2.dataset;
  const datapackage = source.datapackage;
  return datapackage && typeof datapackage === 'object' ? (datapackage as Source) : source;
}

const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

export function territoriesOf(dataset: Pick<Dataset, 'source'>): string[] {
  const meta = metadataOf(dataset);
  return [...new Set([...strings(meta.territories), ...strings(meta.countryCode)].map((code) => code.toUpperCase()))];
}

export function languagesOf(dataset: Pick<Dataset, 'source' | 'language'>): string[] {
  const meta = metadataOf(dataset);
  const listed = strings(meta.languages);
  return [...new Set((listed.length ? listed : dataset.language ? [dataset.language] : []).map((code) => code.toLowerCase()))];
}

/** budget, spending or other: the v2 model's category, else a data package's, else other. */
export function categoryOf(dataset: Pick<Dataset, 'source'>): V2Category {
  const category = metadataOf(dataset).category;
  return (v2Categories as readonly unknown[]).includes(category) ? (category as V2Category) : 'other';
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** The English name of an ISO 3166 alpha-2 code, or undefined for a code that is not one. */
export function territoryLabel(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  const name = regionNames.of(code);
  return name && name !== code ? name : undefined;
}

/** The English name of an ISO 639 language code, or undefined. */
export function languageLabel(code: string): string | undefined {
  if (!/^[a-z]{2,3}$/.test(code)) return undefined;
  const name = languageNames.of(code);
  return name && name !== code ? name : undefined;
}

export type DatasetWithCurrency = Dataset & { measures: { currency: string | null }[] };

/** What to select with a dataset row for its v2 object. */
export const datasetSelect = { measures: { select: { currency: true }, orderBy: { position: 'asc' }, take: 1 } } as const satisfies Prisma.DatasetInclude;

/** The v2 dataset object. `base` is the origin resource URLs are written against. */
export function datasetObject(dataset: DatasetWithCurrency, base: string): Row {
  const meta = metadataOf(dataset);
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    name: dataset.name,
    label: dataset.title,
    description: dataset.description ?? '',
    currency: text(meta.currency) ?? dataset.measures[0]?.currency ?? null,
    category: categoryOf(dataset),
    default_time: text(meta.default_time),
    schema_version: text(meta.schema_version),
    serp_title: text(meta.serp_title),
    serp_teaser: text(meta.serp_teaser),
    timestamps: { created: dataset.createdAt.toISOString(), last_modified: dataset.updatedAt.toISOString() },
    languages: languagesOf(dataset),
    territories: territoriesOf(dataset),
    badges: [],
    html_url: `${base}/${encodeURIComponent(dataset.name)}`,
  };
}

/** The v2 dimension object: type, label, description and attributes with their column and datatype. */
export function dimensionObject(model: CubeModel, dimension: CubeDimension, base: string): Row {
  const kind = dimensionKind(dimension);
  const stored = ((model.source.v2 as { mapping?: Record<string, Row> } | undefined)?.mapping ?? {})[dimension.name];
  const out: Row = {
    ...(stored ?? {}),
    type: kind,
    label: dimension.label ?? dimension.name,
    description: dimension.description ?? '',
  };
  if (kind === 'attribute') {
    out.column = dimension.keyAttribute.column;
    out.datatype = datatypes[dimension.keyAttribute.type] ?? 'string';
  } else {
    out.attributes = Object.fromEntries(
      dimension.attributes.map((a) => [a.name, { column: a.column, datatype: datatypes[a.type] ?? 'string', label: a.label ?? a.name }]),
    );
  }
  return { ...out, name: dimension.name, key: dimension.name, html_url: `${base}/${encodeURIComponent(model.name)}/${encodeURIComponent(dimension.name)}` };
}

/** A member as v2 shows it inside an entry (or as a facet value): name, label, its attributes and taxonomy. */
export function memberObject(model: CubeModel, dimension: CubeDimension, data: Row, base: string): Row {
  const member: Row = {};
  for (const a of dimension.attributes) member[a.name] = data[a.column] ?? null;
  const name = data[dimension.keyAttribute.column] ?? null;
  member.name = name === null ? null : String(name);
  member.label = data[dimension.labelAttribute.column] ?? member.name;
  member.taxonomy = dimension.name;
  if (name !== null) {
    member.html_url = `${base}/${encodeURIComponent(model.name)}/${encodeURIComponent(dimension.name)}/${encodeURIComponent(String(name))}`;
  }
  return member;
}

/**
 * One entry, fully denormalised: its id, every measure as an exact number, attribute dimensions as plain values,
 * compound and date dimensions as members. `texts` holds the fact's values as text (measures are read from it).
 */
export function entryObject(model: CubeModel, fact: { rowNumber: number; data: Row; texts: Record<string, string> }, base: string): Row {
  const id = entryId(model.name, fact.rowNumber);
  const entry: Row = { id };
  for (const dimension of model.dimensions) {
    entry[dimension.name] =
      dimensionKind(dimension) === 'attribute' ? (fact.data[dimension.keyAttribute.column] ?? null) : memberObject(model, dimension, fact.data, base);
  }
  for (const measure of model.measures) entry[measure.name] = exactNumberOf(fact.texts[measure.column]);
  entry.html_url = `${base}/${encodeURIComponent(model.name)}/entries/${id}`;
  return entry;
}

/** Every value of the fact row aliased `f` as text, keyed by column: measures keep every digit this way. */
export const factTextsSql = Prisma.sql`(SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each_text(f.data) AS e)`;

/**
 * The integer ids v2 gives members: each key's position among the dimension's distinct keys (in byte order, from 1),
 * stable while the dataset's data is.
 */
export async function memberIds(model: CubeModel, dimension: CubeDimension, keys: string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const column = dimension.keyAttribute.column;
  const rows = await db.$queryRaw<{ key: string; id: bigint | number }[]>`
    SELECT k.key, k.id FROM (
      SELECT d.key, row_number() OVER (ORDER BY d.key COLLATE "C") AS id
      FROM (SELECT DISTINCT f.data ->> ${column} AS key FROM fact f WHERE f.dataset_id = ${model.datasetId} AND f.data ->> ${column} IS NOT NULL) d
    ) k WHERE k.key IN (${Prisma.join(keys)})`;
  return new Map(rows.map((row) => [row.key, Number(row.id)]));
}

/** Flattens an object for CSV the v2 way: nested keys joined with ".", lists dropped, columns sorted by name. */
export function flatten(value: Row, prefix = '', out: Row = {}): Row {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(v)) continue;
    if (v instanceof ExactNumber) out[name] = v.value;
    else if (v && typeof v === 'object') flatten(v as Row, name, out);
    else out[name] = v;
  }
  return out;
}

/** Rows flattened for CSV, with the union of their columns in name order. */
export function csvTable(rows: Row[]): { columns: string[]; rows: Row[] } {
  const flat = rows.map((row) => flatten(row));
  const columns = [...new Set(flat.flatMap((row) => Object.keys(row)))].sort();
  return { columns, rows: flat };
}

/** The first fact's values of each given member key of a dimension (what a member's attributes are read from). */
export async function membersByKey(model: CubeModel, dimension: CubeDimension, keys: string[]): Promise<Map<string, Row>> {
  if (keys.length === 0) return new Map();
  const column = dimension.keyAttribute.column;
  const rows = await db.$queryRaw<{ key: string; data: Row }[]>`
    SELECT DISTINCT ON (k.key) k.key, k.data FROM (
      SELECT f.data ->> ${column} AS key, f.data, f.row_number FROM fact f
      WHERE f.dataset_id = ${model.datasetId} AND f.data ->> ${column} IN (${Prisma.join(keys)})
    ) k ORDER BY k.key, k.row_number`;
  return new Map(rows.map((row) => [row.key, row.data]));
}

/** Members as v2's member resource and expanded facets show them: the member object with its integer id first. */
export async function membersWithIds(model: CubeModel, dimension: CubeDimension, keys: string[], base: string): Promise<Map<string, Row>> {
  const [data, ids] = await Promise.all([membersByKey(model, dimension, keys), memberIds(model, dimension, keys)]);
  const out = new Map<string, Row>();
  for (const [key, row] of data) out.set(key, { id: ids.get(key) ?? null, ...memberObject(model, dimension, row, base) });
  return out;
}
