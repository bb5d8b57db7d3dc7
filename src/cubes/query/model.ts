import { anonymous, visibleDatasets, type Principal } from '../../access/principal.js';
import type { Context } from '../../context.js';
import { db } from '../../db.js';
import { catalogMemo } from '../../db/catalog-events.js';
import { badInput, notFound } from '../../errors.js';
import type { Dataset, Prisma } from '../../generated/prisma/client.js';
import { calendarYear, parseFiscalYearStart, type FiscalYearStart } from '../../shared/fiscal.js';
import { loaderOf } from '../../shared/loaders.js';

export type AttributeType = 'string' | 'integer' | 'number' | 'date' | 'boolean';
export type AggregateFunction = 'sum' | 'count' | 'avg' | 'min' | 'max';
export const aggregateFunctions: AggregateFunction[] = ['sum', 'count', 'avg', 'min', 'max'];

export interface CubeAttribute {
  name: string;
  /** `<dimension>.<attribute>` */
  ref: string;
  label: string | null;
  /** Key of the value inside Fact.data. */
  column: string;
  type: AttributeType;
  dimension: string;
  /** Name of the attribute of the same dimension this one labels. */
  labelFor: string | null;
  /** Names of the key attributes a synthetic composite key joins, in key order (empty for every other attribute). */
  keyParts: string[];
}

export interface CubeDimension {
  /** Row id of the dimension (its global id's key). */
  id: number;
  /** Name of the cube it belongs to. */
  cube: string;
  name: string;
  label: string | null;
  description: string | null;
  dimensionType: string | null;
  position: number;
  keyAttribute: CubeAttribute;
  labelAttribute: CubeAttribute;
  /** Key attribute first, then the others in model order. */
  attributes: CubeAttribute[];
  hierarchy: string | null;
}

export interface CubeMeasure {
  /** Row id of the measure (its global id's key). */
  id: number;
  /** Name of the cube it belongs to. */
  cube: string;
  name: string;
  ref: string;
  label: string | null;
  column: string;
  currency: string | null;
}

export interface CubeAggregate {
  ref: string;
  label: string;
  function: AggregateFunction;
  measure: CubeMeasure | null;
}

export interface CubeHierarchy {
  name: string;
  label: string | null;
  /** As the model names them: dimension names or attribute refs, top level first. */
  levels: string[];
  /** Each level's key attribute (a dimension's key, or the attribute itself) and the attribute labelling it. */
  resolved: { key: CubeAttribute; label: CubeAttribute }[];
}

export interface CubeModel {
  datasetId: number;
  name: string;
  title: string;
  description: string | null;
  updatedAt: Date;
  source: Record<string, unknown>;
  dimensions: CubeDimension[];
  measures: CubeMeasure[];
  hierarchies: CubeHierarchy[];
  /** The default aggregates: `_count` and each measure's sum. Any of count/sum/avg/min/max may be requested. */
  aggregates: CubeAggregate[];
  fiscalYearStart: FiscalYearStart;
  fiscalPeriod: { start: string | null; end: string | null } | null;
  attributesByRef: Map<string, CubeAttribute>;
  dimensionsByName: Map<string, CubeDimension>;
  measuresByName: Map<string, CubeMeasure>;
  hierarchiesByName: Map<string, CubeHierarchy>;
  /** Distinct keys per dimension once computed (see cardinality.ts); steers index use. */
  cardinalities?: Map<string, number>;
}

/** What identifies one version of a cube: a model cached for it is valid while id and updatedAt match. */
export interface CubeHead {
  id: number;
  name: string;
  updatedAt: Date;
}

const attributeTypes = new Set<string>(['string', 'integer', 'number', 'date', 'boolean']);

const cache = new Map<string, CubeModel>();
const cacheLimit = 200;

/** `MM-DD`, or the month and day of a `YYYY-MM-DD` date; days past the 28th are refused, as babbage clients know. */
function fiscalStartOf(value: unknown): FiscalYearStart | undefined {
  if (typeof value !== 'string') return undefined;
  const start = parseFiscalYearStart(/^\d{4}-(\d{2}-\d{2})$/.exec(value)?.[1] ?? value);
  return start && start.day <= 28 ? start : undefined;
}

/** Parses a fiscal year start argument given as `MM-DD` (or a full date). */
export function fiscalYearStartArg(value: string, inputName: string): FiscalYearStart {
  const parsed = fiscalStartOf(value);
  if (!parsed) throw badInput(`${inputName}: expected MM-DD with a day from 01 to 28, got "${value}"`, [inputName]);
  return parsed;
}

type Caller = Pick<Context, 'loaders' | 'principal'>;

function headLoader(ctx: Caller) {
  return loaderOf<string, CubeHead | null>(ctx, 'cubes:head', async (names) => {
    // Memoised across requests while the catalog is unchanged (see CatalogMemo): most requests send no lookup.
    const scope = visibleDatasets(ctx.principal);
    const rows = await catalogMemo.get(`cubes:heads:${JSON.stringify(scope)}:${JSON.stringify(names)}`, () =>
      db.dataset.findMany({
        where: { AND: [{ name: { in: [...names] }, family: 'CUBE' }, scope] },
        select: { id: true, name: true, updatedAt: true },
      }),
    );
    const byName = new Map(rows.map((row) => [row.name, row]));
    return names.map((name) => byName.get(name) ?? null);
  });
}

/** The catalog row of the cube called `name` as the caller may see it, or null; lookups of one request are batched. */
export function cubeRow(ctx: Caller, name: string): Promise<Dataset | null> {
  return loaderOf<string, Dataset | null>(ctx, 'cubes:row', async (names) => {
    // Memoised across requests like the heads: the row only changes with the catalog.
    const scope = visibleDatasets(ctx.principal);
    const rows = await catalogMemo.get(`cubes:rows:${JSON.stringify(scope)}:${JSON.stringify(names)}`, () =>
      db.dataset.findMany({ where: { AND: [{ name: { in: [...names] }, family: 'CUBE' }, scope] } }),
    );
    primeCubes(ctx, rows);
    const byName = new Map(rows.map((row) => [row.name, row]));
    return names.map((one) => byName.get(one) ?? null);
  }).load(name);
}

/** Cube rows a resolver has already read under the caller's visibility: their models load without another lookup. */
export function primeCubes(ctx: Caller, rows: readonly Partial<CubeHead>[]): void {
  const loader = headLoader(ctx);
  for (const { id, name, updatedAt } of rows) {
    if (id !== undefined && name !== undefined && updatedAt instanceof Date) loader.prime(name, { id, name, updatedAt });
  }
}

function modelLoader(ctx: Caller) {
  return loaderOf<string, CubeModel | null>(ctx, 'cubes:model', async (names) => {
    const heads = (await headLoader(ctx).loadMany(names)).map((head) => {
      if (head instanceof Error) throw head;
      return head;
    });
    const fresh = (head: CubeHead) => {
      const cached = cache.get(head.name);
      return cached && cached.datasetId === head.id && cached.updatedAt.getTime() === head.updatedAt.getTime() ? cached : null;
    };
    const stale = heads.filter((head): head is CubeHead => !!head && !fresh(head));
    const read = new Map((stale.length ? await readModels(stale.map((head) => head.id)) : []).map((m) => [m.datasetId, m]));
    return heads.map((head) => {
      if (!head) return null;
      const model = fresh(head) ?? read.get(head.id) ?? null;
      if (model && cache.get(head.name) !== model) {
        if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
        cache.set(head.name, model);
      }
      return model;
    });
  });
}

/**
 * The model of the cube called `name` as the caller may see it: once per request (batched across cubes), and cached
 * per process while the dataset's id and updatedAt stay the same, so a reloaded cube is never served stale.
 */
export async function cubeModel(ctx: Caller, name: string): Promise<CubeModel> {
  const model = await modelLoader(ctx).load(name);
  if (!model) throw notFound(`no cube named "${name}"`);
  return model;
}

/** The model of a cube row a resolver has read (see primeCubes). */
export function cubeModelOf(ctx: Caller, row: Partial<CubeHead> & { name: string }): Promise<CubeModel> {
  primeCubes(ctx, [row]);
  return cubeModel(ctx, row.name);
}

/** cubeModel outside GraphQL (REST routes, scripts): its own one-call cache. */
export function loadCube(name: string, principal: Principal = anonymous): Promise<CubeModel> {
  return cubeModel({ loaders: new Map(), principal }, name);
}

const modelInclude = {
  dimensions: { include: { attributes: { orderBy: { position: 'asc' } } }, orderBy: { position: 'asc' } },
  measures: { orderBy: { position: 'asc' } },
  hierarchies: { orderBy: { name: 'asc' } },
} as const satisfies Prisma.DatasetInclude;

async function readModels(datasetIds: number[]): Promise<CubeModel[]> {
  const datasets = await db.dataset.findMany({ where: { id: { in: datasetIds } }, include: modelInclude });
  return datasets.map(buildModel);
}

function buildModel(dataset: Prisma.DatasetGetPayload<{ include: typeof modelInclude }>): CubeModel {
  const hierarchyOf = new Map<string, string>();
  for (const h of dataset.hierarchies) {
    for (const level of h.levels) {
      const dimension = level.split('.')[0]!;
      if (!hierarchyOf.has(dimension)) hierarchyOf.set(dimension, h.name);
    }
  }

  const attributesByRef = new Map<string, CubeAttribute>();
  const dimensions: CubeDimension[] = [];
  for (const row of dataset.dimensions) {
    const attributes = row.attributes.map<CubeAttribute>((a) => ({
      name: a.name,
      ref: `${row.name}.${a.name}`,
      label: a.label,
      column: a.column,
      type: (attributeTypes.has(a.type) ? a.type : 'string') as AttributeType,
      dimension: row.name,
      labelFor: a.labelFor,
      keyParts: a.keyParts,
    }));
    const key = attributes.find((a) => a.name === row.keyAttribute) ?? attributes[0];
    if (!key) continue;
    const label = attributes.find((a) => a.name === row.labelAttribute) ?? key;
    for (const attribute of attributes) attributesByRef.set(attribute.ref, attribute);
    dimensions.push({
      id: row.id,
      cube: dataset.name,
      name: row.name,
      label: row.label,
      description: row.description,
      dimensionType: row.dimensionType,
      position: row.position,
      keyAttribute: key,
      labelAttribute: label,
      attributes: [key, ...attributes.filter((a) => a !== key)],
      hierarchy: hierarchyOf.get(row.name) ?? null,
    });
  }
  const dimensionsByName = new Map(dimensions.map((d) => [d.name, d]));
  const hierarchies = dataset.hierarchies.flatMap<CubeHierarchy>((h) => {
    const resolved = h.levels.map((level) => levelOf(level, dimensionsByName, attributesByRef));
    if (resolved.some((level) => !level)) return [];
    return [{ name: h.name, label: h.label, levels: h.levels, resolved: resolved as CubeHierarchy['resolved'] }];
  });
  const measures = dataset.measures.map<CubeMeasure>((m) => ({
    id: m.id,
    cube: dataset.name,
    name: m.name,
    ref: m.name,
    label: m.label,
    column: m.column,
    currency: m.currency,
  }));
  const aggregates: CubeAggregate[] = [
    { ref: '_count', label: 'Facts', function: 'count', measure: null },
    ...measures.map<CubeAggregate>((m) => ({ ref: `${m.name}.sum`, label: `${m.label ?? m.name} (sum)`, function: 'sum', measure: m })),
  ];
  const source = (dataset.source && typeof dataset.source === 'object' ? dataset.source : {}) as Record<string, unknown>;
  const period = source.fiscalPeriod as { start?: unknown; end?: unknown } | null | undefined;
  return {
    datasetId: dataset.id,
    name: dataset.name,
    title: dataset.title,
    description: dataset.description,
    updatedAt: dataset.updatedAt,
    source,
    dimensions,
    measures,
    hierarchies,
    aggregates,
    fiscalYearStart: fiscalStartOf(period?.start) ?? calendarYear,
    fiscalPeriod:
      period && typeof period === 'object'
        ? { start: typeof period.start === 'string' ? period.start : null, end: typeof period.end === 'string' ? period.end : null }
        : null,
    attributesByRef,
    dimensionsByName,
    measuresByName: new Map(measures.map((m) => [m.name, m])),
    hierarchiesByName: new Map(hierarchies.map((h) => [h.name, h])),
  };
}

/** A hierarchy level: a dimension (its key and label) or an attribute ref (with the attribute labelling it, if any). */
function levelOf(
  level: string,
  dimensions: Map<string, CubeDimension>,
  attributes: Map<string, CubeAttribute>,
): CubeHierarchy['resolved'][number] | null {
  const dimension = dimensions.get(level);
  if (dimension) return { key: dimension.keyAttribute, label: dimension.labelAttribute };
  const key = attributes.get(level);
  if (!key) return null;
  const owner = dimensions.get(key.dimension)!;
  return { key, label: owner.attributes.find((a) => a.labelFor === key.name) ?? key };
}

function listing(values: string[], limit = 40): string {
  const shown = values.slice(0, limit).join(', ');
  return values.length > limit ? `${shown}, ... (${values.length} in all)` : shown;
}

export function attributeRefs(model: CubeModel): string[] {
  return [...model.attributesByRef.keys()];
}

/** A dimension (meaning its key attribute) or `dimension.attribute`. */
export function resolveAttribute(model: CubeModel, ref: string, what: string, inputPath: (string | number)[]): CubeAttribute {
  const dimension = model.dimensionsByName.get(ref);
  if (dimension) return dimension.keyAttribute;
  const attribute = model.attributesByRef.get(ref);
  if (attribute) return attribute;
  throw badInput(
    `${what}: unknown attribute "${ref}" in cube "${model.name}"; valid: ${listing([...model.dimensionsByName.keys(), ...attributeRefs(model)])}`,
    inputPath,
  );
}

export type FieldRef = { kind: 'attribute'; attribute: CubeAttribute } | { kind: 'measure'; measure: CubeMeasure };

/**
 * An attribute, a dimension (its key attribute) or a measure. `shown` caps the valid refs the error lists (the
 * babbage routes keep their 40).
 */
export function resolveField(model: CubeModel, ref: string, what: string, inputPath: (string | number)[], shown = 40): FieldRef {
  const measure = model.measuresByName.get(ref);
  if (measure) return { kind: 'measure', measure };
  const dimension = model.dimensionsByName.get(ref);
  if (dimension) return { kind: 'attribute', attribute: dimension.keyAttribute };
  const attribute = model.attributesByRef.get(ref);
  if (attribute) return { kind: 'attribute', attribute };
  const valid = [...model.dimensionsByName.keys(), ...attributeRefs(model), ...model.measuresByName.keys()];
  throw badInput(`${what}: unknown field "${ref}" in cube "${model.name}"; valid: ${listing(valid, shown)}`, inputPath);
}

/** `_count`, `<measure>` (its sum) or `<measure>.<sum|count|avg|min|max>`. */
export function resolveAggregate(model: CubeModel, ref: string, what: string, inputPath: (string | number)[]): CubeAggregate {
  if (ref === '_count') return model.aggregates[0]!;
  const dot = ref.lastIndexOf('.');
  const measureName = dot < 0 ? ref : ref.slice(0, dot);
  const fn = dot < 0 ? 'sum' : ref.slice(dot + 1);
  const measure = model.measuresByName.get(measureName);
  if (measure && (aggregateFunctions as string[]).includes(fn)) {
    return {
      ref: `${measure.name}.${fn}`,
      label: `${measure.label ?? measure.name} (${fn})`,
      function: fn as AggregateFunction,
      measure,
    };
  }
  const valid = ['_count', ...model.measures.flatMap((m) => aggregateFunctions.map((f) => `${m.name}.${f}`))];
  throw badInput(`${what}: unknown aggregate "${ref}" in cube "${model.name}"; valid: ${listing(valid)}`, inputPath);
}

export function resolveDimension(model: CubeModel, ref: string, what: string, inputPath: (string | number)[]): CubeDimension {
  const dimension = model.dimensionsByName.get(ref);
  if (dimension) return dimension;
  throw badInput(
    `${what}: unknown dimension "${ref}" in cube "${model.name}"; valid: ${listing([...model.dimensionsByName.keys()])}`,
    inputPath,
  );
}

export function cardinalityClass(count: number): 'high' | 'medium' | 'low' | 'tiny' {
  if (count > 1000) return 'high';
  if (count > 50) return 'medium';
  if (count > 7) return 'low';
  return 'tiny';
}
