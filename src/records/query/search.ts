import type { Principal } from '../../access/principal.js';
import { db } from '../../db.js';
import { badInput, notFound } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { OrderTerm } from '../../shared/order.js';
import { filterField } from './compile.js';
import type { FieldDef } from './fields.js';
import { filterConditions, whereSql, type RecordsFilter } from './filter.js';
import { fieldOf, isDateType, isGeoType, loadModel, valueSql, type RecordsModel } from './model.js';

export const MAX_ROWS = 10_000;

export interface RecordsSearch extends RecordsFilter {
  dataset: string;
  facets?: string[] | null;
  fields?: string[] | null;
  sort?: string[] | null;
  rows?: number | null;
  start?: number | null;
}

/** A record as the ODS v1 API shows it. */
export interface RecordHit {
  datasetid: string;
  recordid: string;
  fields: Record<string, unknown>;
  geometry: unknown;
  record_timestamp: string;
}

export type FacetState = 'displayed' | 'refined' | 'excluded';

export interface Facet {
  name: string;
  path: string;
  count: number;
  state: FacetState;
  facets?: Facet[];
}

export interface FacetGroup {
  name: string;
  count: number;
  facets: Facet[];
}

export interface RecordsResult {
  nhits: number;
  records: RecordHit[];
  facetGroups: FacetGroup[];
}

const FACET_LIMIT = 1000;

export function pageOf(rows: number | null | undefined, start: number | null | undefined): { rows: number; start: number } {
  const r = rows ?? 10;
  const s = start ?? 0;
  if (!Number.isInteger(r) || r < 0 || r > MAX_ROWS) throw badInput(`rows: must be between 0 and ${MAX_ROWS}`, ['rows']);
  if (!Number.isInteger(s) || s < 0) throw badInput('start: must be 0 or more', ['start']);
  if (s + r > MAX_ROWS) throw badInput(`start + rows: must not exceed ${MAX_ROWS}`, ['start']);
  return { rows: r, start: s };
}

/** ORDER BY for ODS sort keys: descending by default, "-field" ascending. */
export function orderSql(model: RecordsModel, sort: string[] | null | undefined): Prisma.Sql {
  const keys = (sort ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const parts = keys.map((key, i) => {
    const ascending = key.startsWith('-');
    const field = fieldOf(model, ascending ? key.slice(1) : key, `sort[${i}]`);
    if (isGeoType(field)) throw badInput(`sort[${i}]: cannot sort on geographic field "${field.name}"`, ['sort', i]);
    return ascending ? Prisma.sql`${valueSql(field)} ASC NULLS LAST` : Prisma.sql`${valueSql(field)} DESC NULLS LAST`;
  });
  parts.push(Prisma.sql`r.id ASC`);
  return Prisma.join(parts, ', ');
}

export function checkFields(model: RecordsModel, fields: string[] | null | undefined): string[] | undefined {
  const names = (fields ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()).filter((f) => f !== '');
  names.forEach((name, i) => fieldOf(model, name, `fields[${i}]`));
  return names.length > 0 ? names : undefined;
}

export interface RecordRow {
  record_id: string;
  fields: Record<string, unknown>;
  geometry: unknown;
  timestamp: Date;
}

export function hitOf(dataset: string, row: RecordRow, only?: string[]): RecordHit {
  let fields = row.fields;
  if (only) fields = Object.fromEntries(only.filter((name) => name in row.fields).map((name) => [name, row.fields[name]]));
  return {
    datasetid: dataset,
    recordid: row.record_id,
    fields,
    geometry: row.geometry ?? null,
    record_timestamp: new Date(row.timestamp).toISOString(),
  };
}

/** Record search: the page of records, the number of hits and the requested facets, all in SQL. */
export async function searchRecords(search: RecordsSearch): Promise<RecordsResult> {
  const model = await loadModel(search.dataset, search.principal);
  const { nhits, rows, facetGroups } = await runSearch(model, Prisma.sql`record r`, search);
  const only = checkFields(model, search.fields);
  return { nhits, records: rows.map((row) => hitOf(model.name, row, only)), facetGroups };
}

const RECORD_COLUMNS = Prisma.sql`r.record_id, r.fields, r.geometry, r.timestamp`;

/** Search over any row source aliased `r` with `fields`, `search_text`, `lat`, `lon`, `geometry`, `timestamp`. */
export async function runSearch(
  model: RecordsModel,
  from: Prisma.Sql,
  search: Omit<RecordsSearch, 'dataset'>,
): Promise<{ nhits: number; rows: RecordRow[]; facetGroups: FacetGroup[] }> {
  const { rows, start } = pageOf(search.rows, search.start);
  const prepared = prepareSearch(model, from, search, () => orderSql(model, search.sort));
  const [nhits, page, facetGroups] = await Promise.all([prepared.count(), prepared.rows<RecordRow>(RECORD_COLUMNS, rows, start), prepared.facetGroups()]);
  return { nhits, rows: page, facetGroups };
}

/** A checked search whose parts run only when called: the count, a page of rows, the facet groups. */
export interface PreparedSearch {
  count(): Promise<number>;
  rows<T>(columns: Prisma.Sql, limit: number, offset: number): Promise<T[]>;
  facetGroups(): Promise<FacetGroup[]>;
}

/** Checks a search (fields, filters, order, facets, in that order) and returns its parts to run. */
export function prepareSearch(
  model: RecordsModel,
  from: Prisma.Sql,
  search: Omit<RecordsSearch, 'dataset' | 'rows' | 'start' | 'sort'>,
  orderOf: () => Prisma.Sql,
): PreparedSearch {
  checkFields(model, search.fields);
  const where = whereSql(filterConditions(model, search));
  const order = orderOf();
  const facetNames = [...new Set(search.facets ?? [])];
  facetNames.forEach((name, i) => {
    const field = fieldOf(model, name, `facets[${i}]`);
    if (isGeoType(field)) throw badInput(`facets[${i}]: field "${name}" is geographic and has no facet values`, ['facets', i]);
  });
  return {
    count: async () => (await db.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM ${from} WHERE ${where}`))[0]?.n ?? 0,
    rows: <T>(columns: Prisma.Sql, limit: number, offset: number) =>
      limit === 0
        ? Promise.resolve([] as T[])
        : db.$queryRaw<T[]>(Prisma.sql`SELECT ${columns} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`),
    facetGroups: async () => {
      const groups = await Promise.all(facetNames.map((name) => facetGroup(model, from, search, fieldOf(model, name, 'facets'))));
      return groups.filter((g) => g.facets.length > 0);
    },
  };
}

/** ORDER BY for GraphQL's orderBy terms (field names of the dataset), then load order. */
export function orderTermsSql(model: RecordsModel, terms: OrderTerm[] | null | undefined): Prisma.Sql {
  const parts = (terms ?? []).map(({ field: name, direction }, i) => {
    const at = ['orderBy', i, 'field'];
    const field = filterField(model, name, at);
    if (isGeoType(field)) throw badInput(`orderBy[${i}].field: cannot sort on geographic field "${field.name}"`, at);
    return direction === 'desc' ? Prisma.sql`${valueSql(field)} DESC NULLS LAST` : Prisma.sql`${valueSql(field)} ASC NULLS LAST`;
  });
  parts.push(Prisma.sql`r.id ASC`);
  return Prisma.join(parts, ', ');
}

function stateOf(path: string, refined: string[], excluded: string[], hierarchical: boolean): FacetState {
  if (excluded.includes(path)) return 'excluded';
  if (refined.some((r) => r === path || (hierarchical && r.startsWith(`${path}/`)))) return 'refined';
  return 'displayed';
}

async function facetGroup(model: RecordsModel, from: Prisma.Sql, filter: RecordsFilter, field: FieldDef): Promise<FacetGroup> {
  const where = whereSql(filterConditions(model, filter, field.name));
  const refined = (filter.refine ?? []).filter((r) => r.field === field.name).map((r) => r.value);
  const excluded = (filter.exclude ?? []).filter((r) => r.field === field.name).map((r) => r.value);
  if (isDateType(field)) {
    const rows = await db.$queryRaw<{ value: string; count: number }[]>(
      Prisma.sql`SELECT to_char(${valueSql(field)}, 'YYYY/MM/DD') AS value, count(*)::int AS count FROM ${from} WHERE ${where} AND ${valueSql(field)} IS NOT NULL GROUP BY 1`,
    );
    const facets = dateTree(rows, refined, excluded);
    return { name: field.name, count: facets.reduce((n, f) => n + f.count, 0), facets };
  }
  const multi = field.annotations.multivalued === true;
  const value = multi ? Prisma.sql`v.value` : Prisma.sql`(r.fields ->> ${field.name})`;
  const source = multi ? Prisma.sql`${from} CROSS JOIN LATERAL jsonb_array_elements_text(r.fields -> ${field.name}) v(value)` : from;
  const rows = await db.$queryRaw<{ value: string; count: number }[]>(
    Prisma.sql`SELECT ${value} AS value, count(*)::int AS count FROM ${source} WHERE ${where} AND ${value} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 ASC LIMIT ${FACET_LIMIT}`,
  );
  const facets = rows.map((row) => ({ name: row.value, path: row.value, count: row.count, state: stateOf(row.value, refined, excluded, false) }));
  return { name: field.name, count: facets.reduce((n, f) => n + f.count, 0), facets };
}

/** Years, with months under refined years and days under refined months. */
export function dateTree(days: { value: string; count: number }[], refined: string[], excluded: string[]): Facet[] {
  const build = (level: number, prefix: string): Facet[] => {
    const counts = new Map<string, number>();
    for (const day of days) {
      if (prefix && !day.value.startsWith(`${prefix}/`)) continue;
      const path = day.value.split('/').slice(0, level + 1).join('/');
      counts.set(path, (counts.get(path) ?? 0) + day.count);
    }
    return [...counts.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([path, count]) => {
        const facet: Facet = { name: path.split('/')[level]!, path, count, state: stateOf(path, refined, excluded, true) };
        if (level < 2 && facet.state === 'refined') facet.facets = build(level + 1, path);
        return facet;
      });
  };
  return build(0, '');
}

/** One record by its id. */
export async function getRecord(dataset: string, recordid: string, principal?: Principal): Promise<RecordHit> {
  const model = await loadModel(dataset, principal);
  const row = await db.record.findUnique({
    where: { datasetId_recordId: { datasetId: model.id, recordId: recordid } },
    select: { recordId: true, fields: true, geometry: true, timestamp: true },
  });
  if (!row) throw notFound(`no record "${recordid}" in dataset "${dataset}"`);
  return hitOf(model.name, {
    record_id: row.recordId,
    fields: row.fields as Record<string, unknown>,
    geometry: row.geometry,
    timestamp: row.timestamp,
  });
}

