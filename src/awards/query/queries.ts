import { db } from '../../db.js';
import { catalogMemo } from '../../db/catalog-events.js';
import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { FilterNode } from '../../shared/filter/ast.js';
import { compileFilter, likePattern, materializeWhere, type Dialect, type Where } from './filter/compile.js';
import { jsonField, jsonText, transactionField, type JsonField } from './filter/extended.js';
import { fmtPath, models, relationKey, resolvePath, type ModelName, type ResolvedPath } from './registry.js';

/** Models the v1 routes list, total and autocomplete. */
export type RootModel = 'Award' | 'Transaction' | 'TreasuryAccount' | 'FederalAccount' | 'AccountBalance' | 'CategoryBalance' | 'AwardAccount';

/** A list request in its stored, dialect-free form (what a `req` checksum stands for). */
export interface ListRequest {
  filter: FilterNode | null;
  /** How the filter reads (see Dialect); REST's stored requests leave it out. */
  dialect?: Dialect;
  /** Field paths, "-" in front for descending. */
  order: string[];
  dataset?: string | null;
}

export interface PageRequest {
  page: number;
  limit: number;
}

export const MAX_LIMIT = 500;

/** Upstream paging: page defaults to 1 (min 1), limit to 100, clamped to 1..500. */
export function clampPage(page: unknown, limit: unknown): PageRequest {
  const p = Number(page ?? 1);
  const l = Number(limit ?? 100);
  return {
    page: Number.isFinite(p) ? Math.min(Math.max(Math.trunc(p), 1), 1_000_000) : 1,
    limit: Number.isFinite(l) ? Math.min(Math.max(Math.trunc(l), 1), MAX_LIMIT) : 100,
  };
}

/** Which datasets the caller may see (from the access layer's `visibleDatasets`); public ones only by default. */
export type Scope = Prisma.DatasetWhereInput;
export const publicScope: Scope = { private: false, retiredAt: null };

function datasetFilter(scope: Scope, dataset: string | null | undefined): Prisma.DatasetWhereInput {
  return dataset ? { AND: [scope, { name: dataset }] } : scope;
}


const idsByScope = new WeakMap<Scope, Map<string, Promise<number[]>>>();

/** Marks a scope made for one request (see `scopeOf`): its dataset ids are then resolved once per dataset. */
export function requestScope(scope: Scope): Scope {
  idsByScope.set(scope, new Map());
  return scope;
}

/** Memoised across requests while the catalog is unchanged (see CatalogMemo): most requests then send no lookup. */
function findDatasetIds(scope: Scope, dataset?: string | null): Promise<number[]> {
  return catalogMemo.get(`awards:ids:${JSON.stringify(scope)}:${dataset ?? ''}`, () =>
    db.dataset
      .findMany({ where: { AND: [datasetFilter(scope, dataset), { family: 'AWARDS' }] }, select: { id: true }, orderBy: { id: 'asc' } })
      .then((rows) => rows.map((row) => row.id)),
  );
}

/** Ids of the datasets in scope, for raw SQL. */
export function datasetIds(scope: Scope, dataset?: string | null): Promise<number[]> {
  const memo = idsByScope.get(scope);
  if (!memo) return findDatasetIds(scope, dataset);
  const key = dataset ?? '';
  let ids = memo.get(key);
  if (!ids) memo.set(key, (ids = findDatasetIds(scope, dataset)));
  return ids;
}

async function rawIdQuery(sql: Prisma.Sql): Promise<{ id: number }[]> {
  return db.$queryRaw<{ id: number }[]>(sql);
}

/**
 * Filter + dataset scope as a ready Prisma where (array conditions already resolved to ids). The scope is resolved
 * to dataset ids first: `dataset_id IN (...)` lets the planner use the award indexes, where a join on the dataset
 * table made it hash-join every award row.
 */
export async function buildWhere(
  root: RootModel,
  filter: FilterNode | null,
  dataset: string | null | undefined,
  scope: Scope,
  dialect: Dialect = 'rest',
): Promise<Where> {
  const compiled = compileFilter(root, filter, dialect);
  const [where, ids] = await Promise.all([materializeWhere(compiled, rawIdQuery), datasetIds(scope, dataset)]);
  const inScope: Where = { datasetId: { in: ids } };
  return Object.keys(where).length ? { AND: [inScope, where] } : inScope;
}

/**
 * Order entries ("recipient__location__state_code", "-total_obligation") as a Prisma orderBy, id last for stable
 * pages. Rows without a value sort first when descending in the v1 dialect (PostgreSQL's default); GraphQL sorts
 * them last in both directions (`nullsLast`).
 */
export function compileOrder(root: RootModel, order: unknown, at: (string | number)[] = ['order'], nullsLast = false): Record<string, unknown>[] {
  const entries = order === undefined || order === null ? [] : Array.isArray(order) ? order : [order];
  if (entries.length > 10) throw badInput(`${fmtPath(at)}: at most 10 order fields`, at);
  const out = entries.map((entry, i) => {
    if (typeof entry !== 'string') throw badInput(`${fmtPath([...at, i])}: order entries are field names`, [...at, i]);
    const desc = entry.startsWith('-');
    const path = relationKey(resolvePath(root, desc ? entry.slice(1) : entry, [...at, i]));
    if (!path.scalar || path.scalar.type === 'stringArray') {
      throw badInput(`${fmtPath([...at, i])}: cannot order by "${entry}"`, [...at, i]);
    }
    const direction = desc ? 'desc' : 'asc';
    const inner: Record<string, unknown> = { [path.scalar.name]: path.scalar.required ? direction : { sort: direction, nulls: desc && !nullsLast ? 'first' : 'last' } };
    return path.relations.reduceRight<Record<string, unknown>>((acc, relation) => ({ [relation.name]: acc }), inner);
  });
  out.push({ id: 'asc' });
  return out;
}

interface Delegate {
  findMany(args: object): Promise<Record<string, unknown>[]>;
  findFirst(args: object): Promise<Record<string, unknown> | null>;
  count(args: object): Promise<number>;
}

const delegates: Record<RootModel, () => unknown> = {
  Award: () => db.award,
  Transaction: () => db.transaction,
  TreasuryAccount: () => db.treasuryAccount,
  FederalAccount: () => db.federalAccount,
  AccountBalance: () => db.accountBalance,
  CategoryBalance: () => db.categoryBalance,
  AwardAccount: () => db.awardAccount,
};

export function delegate(root: RootModel): Delegate {
  return delegates[root]() as Delegate;
}

export interface PreparedList {
  root: RootModel;
  where: Where;
  orderBy: Record<string, unknown>[];
  skip: number;
  take: number;
  page: number;
  limit: number;
}

export async function prepareList(root: RootModel, request: ListRequest, paging: PageRequest, scope: Scope): Promise<PreparedList> {
  const orderBy = compileOrder(root, request.order);
  const where = await buildWhere(root, request.filter, request.dataset, scope, request.dialect);
  return { root, where, orderBy, skip: (paging.page - 1) * paging.limit, take: paging.limit, page: paging.page, limit: paging.limit };
}

const agencyInclude = { include: { toptierAgency: true, subtierAgency: true } } as const;
export const awardInclude = {
  awardingAgency: agencyInclude,
  fundingAgency: agencyInclude,
  recipient: { include: { location: true } },
  placeOfPerformance: true,
} as const;
export const transactionInclude = { ...awardInclude, award: true } as const;

/**
 * How a page loads the relations below it: joined into the page's one statement (lateral subqueries), except on
 * deep pages, where the planner evaluates the joins for every skipped row as well, so past 2,000 rows a statement per
 * relation level is cheaper. (With Prisma's relationJoins on, joining is its default: every page states its choice.)
 */
export function loadStrategy(offset: number): 'join' | 'query' {
  return offset > 2000 ? 'query' : 'join';
}

/** One page of rows with their agencies, recipient and locations (a fixed number of queries whatever the page size). */
export async function listRows(list: PreparedList, extra: object = {}) {
  const include = list.root === 'Award' ? awardInclude : list.root === 'Transaction' ? transactionInclude : null;
  const rows = await delegate(list.root).findMany({
    where: list.where,
    orderBy: list.orderBy,
    skip: list.skip,
    take: list.take + 1,
    relationLoadStrategy: loadStrategy(list.skip),
    ...(include ? { include } : {}),
    ...extra,
  } as never);
  return { rows: rows.slice(0, list.take), hasNextPage: rows.length > list.take, hasPreviousPage: list.page > 1 };
}

export function countRows(list: PreparedList): Promise<number> {
  return delegate(list.root).count({ where: list.where });
}

// ---------------------------------------------------------------- totals

export const aggregates = ['sum', 'avg', 'count', 'min', 'max'] as const;
export type Aggregate = (typeof aggregates)[number];
export const dateParts = ['year', 'quarter', 'month', 'day', 'fiscalYear'] as const;
export type DatePart = (typeof dateParts)[number];

export interface TotalsRequest {
  field: string | null;
  aggregate: Aggregate;
  group: string[];
  /** Applies to every date group; upstream allowed it with a single (date) group only. */
  datePart: DatePart | null;
  showNullGroups: boolean;
  showNullAggregates: boolean;
  filter: FilterNode | null;
  dialect?: Dialect;
  /** "item", "aggregate" or a group path, "-" in front for descending. */
  order: string[];
  dataset?: string | null;
}

export interface TotalsRow {
  item: string | null;
  groups: Record<string, string | null>;
  /** The value of `request.aggregate`. */
  aggregate: string | null;
  /** Every aggregate computed (the request's and any `also` asked for). */
  values: Partial<Record<Aggregate, string | null>>;
}

/** Rows of a totals request to return: skip `offset`, at most `limit`. */
export interface TotalsWindow {
  offset: number;
  limit: number;
}

function datePartSql(part: DatePart, column: Prisma.Sql): Prisma.Sql {
  switch (part) {
    case 'year':
      return Prisma.sql`EXTRACT(YEAR FROM ${column})::int`;
    case 'quarter':
      return Prisma.sql`EXTRACT(QUARTER FROM ${column})::int`;
    case 'month':
      return Prisma.sql`EXTRACT(MONTH FROM ${column})::int`;
    case 'day':
      return Prisma.sql`EXTRACT(DAY FROM ${column})::int`;
    case 'fiscalYear':
      return Prisma.sql`(EXTRACT(YEAR FROM ${column})::int + CASE WHEN EXTRACT(MONTH FROM ${column}) > 9 THEN 1 ELSE 0 END)`;
  }
}

/** LEFT JOINs from the root table `t0` along the relations of the paths asked for, one alias per relation path. */
function joinsOf() {
  const joins: Prisma.Sql[] = [];
  const aliases = new Map<string, string>();
  const aliasFor = (path: ResolvedPath): string => {
    let alias = 't0';
    let key = '';
    for (const relation of path.relations) {
      key = key ? `${key}.${relation.name}` : relation.name;
      let next = aliases.get(key);
      if (!next) {
        next = `t${aliases.size + 1}`;
        aliases.set(key, next);
        const target = models[relation.target];
        joins.push(Prisma.raw(`LEFT JOIN "${target.table}" ${next} ON ${next}.id = ${alias}."${relation.fk}"`));
      }
      alias = next;
    }
    return alias;
  };
  return { joins, aliasFor };
}

/** The rows of the filter and scope, as a SQL condition on `t0` (the filter's ids are read first when there is one). */
async function scopeSql(root: RootModel, request: { filter: FilterNode | null; dataset?: string | null; dialect?: Dialect }, scope: Scope): Promise<Prisma.Sql[]> {
  const { filter, dataset } = request;
  const conditions: Prisma.Sql[] = [Prisma.sql`t0.dataset_id = ANY(${await datasetIds(scope, dataset)}::int[])`];
  if (filter) {
    const where = await buildWhere(root, filter, dataset, scope, request.dialect);
    const ids = (await delegate(root).findMany({ where, select: { id: true } })).map((row) => row.id as number);
    conditions.push(Prisma.sql`t0.id = ANY(${ids}::int[])`);
  }
  return conditions;
}

/** Validates a totals request against the registry; returns the resolved paths. */
export function checkTotals(root: RootModel, request: TotalsRequest) {
  const model = models[root];
  let field: ResolvedPath | null = null;
  if (request.field === null || request.field === '') {
    if (request.aggregate !== 'count') throw badInput('Request is missing the name of the field to aggregate', ['field']);
  } else {
    const scalar = model.scalars.find((s) => s.name === request.field || s.column === request.field);
    if (!scalar) {
      throw badInput(`Field ${request.field} not found in model ${root}. Please specify a valid field in the request.`, ['field']);
    }
    if (scalar.type !== 'decimal' && scalar.type !== 'int') {
      throw badInput(`Aggregate field ${request.field} is not a numeric type (e.g., integer, decimal)`, ['field']);
    }
    field = { path: scalar.name, relations: [], scalar, model, root };
  }
  if (request.group.length > 5) throw badInput('at most 5 group fields', ['group']);
  const groups = request.group.map((g, i): ResolvedPath & { json?: JsonField } => {
    const json = jsonField(root, g);
    if (json) {
      if (!json.keys.length) throw badInput(`cannot group by "${g}": name one of its keys, such as ${g}__naics`, ['group', i]);
      return { path: g, relations: [], scalar: { name: g, column: json.column, type: 'string' }, model: models[root], root, json };
    }
    const path = relationKey(resolvePath(root, g, ['group', i]));
    if (!path.scalar || path.scalar.type === 'stringArray') throw badInput(`cannot group by "${g}"`, ['group', i]);
    return path;
  });
  const isDate = (path: ResolvedPath) => path.scalar!.type === 'date' || path.scalar!.type === 'datetime';
  if (request.datePart && !groups.some(isDate)) {
    throw badInput(`Group by date part (${request.datePart}) requested for a non-date group by (${request.group.join(', ')})`, ['datePart']);
  }
  return { field, groups, isDate };
}

function aggregateSql(aggregate: Aggregate, field: ResolvedPath | null): Prisma.Sql {
  if (!field) return Prisma.sql`count(*)`;
  const column = Prisma.raw(`t0."${field.scalar!.column}"`);
  switch (aggregate) {
    case 'sum':
      return Prisma.sql`sum(${column})`;
    case 'avg':
      return field.scalar!.type === 'decimal' ? Prisma.sql`round(avg(${column}), 2)` : Prisma.sql`avg(${column})`;
    case 'count':
      return Prisma.sql`count(${column})`;
    case 'min':
      return Prisma.sql`min(${column})`;
    case 'max':
      return Prisma.sql`max(${column})`;
  }
}

export interface TotalsOptions {
  /** Further aggregates computed in the same statement; order entries may name them as `@sum`, `@avg`… */
  also?: readonly Aggregate[];
  /** Rows without a value sort last in both directions (GraphQL); v1 puts them first when descending. */
  nullsLast?: boolean;
}

/** Aggregates of a field per group, one page of groups; every computed aggregate comes in `values`. */
export async function totals(root: RootModel, request: TotalsRequest, window: TotalsWindow, scope: Scope, { also = [], nullsLast = false }: TotalsOptions = {}) {
  const { field, groups, isDate } = checkTotals(root, request);
  const computed = [...new Set([request.aggregate, ...also])];
  const model = models[root];
  const { joins, aliasFor } = joinsOf();
  const groupExprs = groups.map((path) => {
    if (path.json) return jsonText(aliasFor(path), path.json);
    const column = Prisma.raw(`${aliasFor(path)}."${path.scalar!.column}"`);
    return request.datePart && isDate(path) ? datePartSql(request.datePart, column) : column;
  });
  const fieldColumn = field ? Prisma.raw(`t0."${field.scalar!.column}"`) : null;
  const aggregateExprs = computed.map((aggregate, i) => Prisma.sql`${aggregateSql(aggregate, field)} AS ${Prisma.raw(`a${i}`)}`);

  const conditions = await scopeSql(root, request, scope);
  if (fieldColumn && !request.showNullAggregates) conditions.push(Prisma.sql`${fieldColumn} IS NOT NULL`);
  if (groupExprs.length && !request.showNullGroups) {
    conditions.push(Prisma.sql`NOT (${Prisma.join(groupExprs.map((g) => Prisma.sql`${g} IS NULL`), ' AND ')})`);
  }

  const orderEntries = request.order.length ? request.order : groupExprs.map((_, i) => request.group[i]!);
  if (orderEntries.length > 10) throw badInput('at most 10 order entries', ['order']);
  const orderSql = orderEntries.map((entry, i) => {
    if (typeof entry !== 'string') throw badInput('order entries are strings', ['order', i]);
    const desc = entry.startsWith('-');
    const name = desc ? entry.slice(1) : entry;
    const direction = Prisma.raw(desc ? (nullsLast ? 'DESC NULLS LAST' : 'DESC NULLS FIRST') : 'ASC NULLS LAST');
    if (name === 'aggregate') return Prisma.sql`s.a0 ${direction}`;
    const extra = name.startsWith('@') && also.length ? computed.indexOf(name.slice(1) as Aggregate) : -1;
    if (extra >= 0) return Prisma.sql`${Prisma.raw(`s.a${extra}`)} ${direction}`;
    const index = name === 'item' ? 0 : request.group.indexOf(name);
    if (index < 0 || index >= groupExprs.length) {
      if (name === 'item' && groupExprs.length === 0) return Prisma.sql`1`;
      throw badInput(`cannot order totals by "${entry}": use item, aggregate or a group field`, ['order', i]);
    }
    return Prisma.sql`${Prisma.raw(`s.g${index}`)} ${direction}`;
  });

  // The grouping runs in a fenced subquery (OFFSET 0) so the planner hashes the groups instead of sorting every row
  // to feed ORDER BY ... LIMIT.
  const inner = Prisma.sql`SELECT ${Prisma.join([...groupExprs.map((g, i) => Prisma.sql`${g} AS ${Prisma.raw(`g${i}`)}`), ...aggregateExprs], ', ')}
    FROM ${Prisma.raw(`"${model.table}"`)} t0 ${joins.length ? Prisma.join(joins, ' ') : Prisma.empty}
    WHERE ${Prisma.join(conditions, ' AND ')}
    ${groupExprs.length ? Prisma.sql`GROUP BY ${Prisma.join(groupExprs, ', ')}` : Prisma.empty}
    OFFSET 0`;
  const select = [
    ...groupExprs.map((_, i) => Prisma.raw(`s.g${i}::text AS g${i}`)),
    ...computed.map((_, i) => Prisma.raw(`s.a${i}::text AS a${i}`)),
    Prisma.sql`count(*) OVER () AS total`,
  ];
  const skip = window.offset;
  const sql = Prisma.sql`SELECT ${Prisma.join(select, ', ')} FROM (${inner}) s
    ${orderSql.length ? Prisma.sql`ORDER BY ${Prisma.join(orderSql, ', ')}` : Prisma.empty}
    LIMIT ${window.limit + 1} OFFSET ${skip}`;
  const raw = await db.$queryRaw<Record<string, unknown>[]>(sql);
  const rows: TotalsRow[] = raw.slice(0, window.limit).map((row) => {
    const groupValues: Record<string, string | null> = {};
    request.group.forEach((g, i) => {
      groupValues[g] = (row[`g${i}`] as string | null) ?? null;
    });
    return {
      item: groups.length ? ((row.g0 as string | null) ?? null) : null,
      groups: groupValues,
      aggregate: (row.a0 as string | null) ?? null,
      values: Object.fromEntries(computed.map((aggregate, i) => [aggregate, (row[`a${i}`] as string | null) ?? null])),
    };
  });
  const total = raw.length ? Number(raw[0]!.total) : skip > 0 ? await countGroups() : 0;
  async function countGroups(): Promise<number> {
    const counted = await db.$queryRaw<{ n: bigint | number }[]>(Prisma.sql`SELECT count(*) AS n FROM (${inner}) s`);
    return Number(counted[0]?.n ?? 0);
  }
  return { rows, totalCount: total, hasNextPage: raw.length > window.limit, hasPreviousPage: skip > 0 };
}

// ---------------------------------------------------------------- autocomplete

export interface AutocompleteRequest {
  fields: string[];
  value: string;
  mode: 'contains' | 'startswith';
  limit: number;
  filter: FilterNode | null;
  dialect?: Dialect;
  dataset?: string | null;
}

export interface AutocompleteMatches {
  results: Record<string, string[]>;
  counts: Record<string, number>;
  /** Per field, the ids of the first `limit` matching rows (in id order). */
  ids: Record<string, number[]>;
}

/**
 * Per field: distinct values among the first `limit` rows whose field matches the value (case-insensitive). One
 * statement answers every field: a UNION ALL of one bounded select per field.
 */
export async function autocomplete(root: RootModel, request: AutocompleteRequest, scope: Scope): Promise<AutocompleteMatches> {
  if (!Array.isArray(request.fields) || request.fields.length === 0) {
    throw badInput('Invalid field, autocomplete fields value must be a list', ['fields']);
  }
  if (request.fields.length > 10) throw badInput('at most 10 autocomplete fields', ['fields']);
  const paths = request.fields.map((field, i) => {
    const through = transactionField(root, field);
    const path = through === null ? resolvePath(root, field, ['fields', i]) : resolvePath('Transaction', through, ['fields', i]);
    if (path.scalar?.type !== 'string') throw badInput(`autocomplete field "${field}" must be a text field`, ['fields', i]);
    if (through !== null && path.relations.length) throw badInput(`autocomplete field "${field}": name a text field of the transaction itself`, ['fields', i]);
    return { path, through: through !== null };
  });
  const value = request.value;
  if (typeof value !== 'string' || value.includes('\u0000') || value.length > 1000) {
    throw badInput("Invalid request, autocomplete requests need parameters 'fields' and 'value'", ['value']);
  }
  const conditions = await scopeSql(root, request, scope);
  const pattern = likePattern(value, request.mode);
  const selects = paths.map(({ path, through }, i) => {
    const { joins, aliasFor } = joinsOf();
    // An award's transactions: the award matches when one of its transactions does.
    if (through) joins.push(Prisma.raw('JOIN "transaction" tx ON tx.award_id = t0.id'));
    const column = Prisma.raw(`${through ? 'tx' : aliasFor(path)}."${path.scalar!.column}"`);
    return Prisma.sql`(SELECT ${i}::int AS k, t0.id, ${column} AS v FROM ${Prisma.raw(`"${models[root].table}"`)} t0
      ${joins.length ? Prisma.join(joins, ' ') : Prisma.empty}
      WHERE ${Prisma.join(conditions, ' AND ')} AND ${column} ILIKE ${pattern}
      ORDER BY t0.id LIMIT ${request.limit})`;
  });
  const rows = await db.$queryRaw<{ k: number; id: number; v: string }[]>(Prisma.join(selects, ' UNION ALL '));
  const out: AutocompleteMatches = { results: {}, counts: {}, ids: {} };
  request.fields.forEach((key, i) => {
    const hits = rows.filter((row) => Number(row.k) === i).sort((a, b) => a.id - b.id);
    const values = [...new Set(hits.map((row) => row.v))].sort();
    out.results[key] = values;
    out.counts[key] = values.length;
    out.ids[key] = [...new Set(hits.map((row) => Number(row.id)))];
  });
  return out;
}

// ---------------------------------------------------------------- location autocomplete

export interface LocationAutocompleteRequest {
  value: string;
  mode: 'contains' | 'startswith';
  scope: 'domestic' | 'foreign' | 'all';
  usage: 'recipient' | 'placeOfPerformance' | 'all';
  limit: number;
}

export interface PlaceMatch {
  place: string;
  placeType: string;
  parent: string | null;
  matchedIds: number[];
}

const placeColumns: [column: string, type: string, parent: string][] = [
  ['country_name', 'COUNTRY', 'country_code'],
  ['state_code', 'STATE', 'country_name'],
  ['state_name', 'STATE', 'country_name'],
  ['city_name', 'CITY', 'state_name'],
  ['county_name', 'COUNTY', 'state_name'],
  ['zip5', 'ZIP', 'state_name'],
  ['foreign_postal_code', 'POSTAL CODE', 'country_name'],
  ['foreign_province', 'PROVINCE', 'country_name'],
  ['foreign_city_name', 'CITY', 'country_name'],
];


/** Places (country, state, city, county, zip, postal code, province, congressional district) matching a value. */
export async function locationAutocomplete(request: LocationAutocompleteRequest, scope: Scope): Promise<PlaceMatch[]> {
  const value = request.value;
  if (typeof value !== 'string' || value.includes('\u0000') || value.length > 200) throw badInput('value must be a text', ['value']);
  const limit = Math.min(Math.max(Math.trunc(request.limit) || 10, 1), 500);
  const conditions: Prisma.Sql[] = [Prisma.sql`dataset_id = ANY(${await datasetIds(scope)}::int[])`];
  if (request.scope === 'domestic') conditions.push(Prisma.sql`country_code = 'USA'`);
  if (request.scope === 'foreign') conditions.push(Prisma.sql`country_code IS DISTINCT FROM 'USA'`);
  if (request.usage === 'recipient') conditions.push(Prisma.sql`recipient_flag`);
  if (request.usage === 'placeOfPerformance') conditions.push(Prisma.sql`place_of_performance_flag`);
  const where = Prisma.join(conditions, ' AND ');
  const out: PlaceMatch[] = [];
  const district = /^([A-Za-z]{2})-(\d{0,2})$/.exec(value.trim());
  if (district) {
    const rows = await db.$queryRaw<{ state_code: string; code: string; parent: string | null; ids: number[] }[]>(Prisma.sql`
      SELECT upper(state_code) AS state_code, congressional_code AS code, max(state_name) AS parent, array_agg(id ORDER BY id) AS ids
      FROM location WHERE ${where} AND upper(state_code) = ${district[1]!.toUpperCase()}
        AND congressional_code ILIKE ${likePattern(district[2]!, 'startswith')}
      GROUP BY 1, 2 ORDER BY 2 LIMIT ${limit}`);
    for (const row of rows) {
      out.push({ place: `${row.state_code}-${row.code}`, placeType: 'CONGRESSIONAL DISTRICT', parent: row.parent, matchedIds: row.ids.map(Number) });
    }
  }
  const pattern = likePattern(value, request.mode);
  for (const [column, placeType, parent] of placeColumns) {
    if (out.length >= limit) break;
    const rows = await db.$queryRaw<{ place: string; parent: string | null; ids: number[] }[]>(Prisma.sql`
      SELECT ${Prisma.raw(column)} AS place, ${Prisma.raw(parent)} AS parent, array_agg(id ORDER BY id) AS ids
      FROM location WHERE ${where} AND ${Prisma.raw(column)} ILIKE ${pattern}
      GROUP BY 1, 2 ORDER BY 1, 2 LIMIT ${limit - out.length}`);
    for (const row of rows) out.push({ place: row.place, placeType, parent: row.parent, matchedIds: row.ids.map(Number) });
  }
  return out.slice(0, limit);
}
