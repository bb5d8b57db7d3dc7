import { anonymous, visibleDatasets, type Principal } from '../../access/principal.js';
import { db } from '../../db.js';
import { badInput, notFound } from '../../errors.js';

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
}

export interface CubeDimension {
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
  levels: string[];
}

export interface FiscalYearStart {
  month: number;
  day: number;
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
  /** Distinct keys per dimension once computed (see dimensionCardinalities); steers index use. */
  cardinalities?: Map<string, number>;
}

const attributeTypes = new Set<string>(['string', 'integer', 'number', 'date', 'boolean']);

interface CacheEntry {
  id: number;
  updatedAt: number;
  model: CubeModel;
}

const cache = new Map<string, CacheEntry>();
const cacheLimit = 200;

function parseFiscalStart(start: unknown): FiscalYearStart | null {
  if (typeof start !== 'string') return null;
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(start) ?? /^(\d{2})-(\d{2})$/.exec(start);
  if (!match) return null;
  const month = Number(match[1]);
  const day = Number(match[2]);
  if (month < 1 || month > 12 || day < 1 || day > 28) return null;
  return { month, day };
}

/** Parses a fiscal year start given as `MM-DD` (or a full date); days past the 28th are rejected. */
export function fiscalYearStartArg(value: string, inputName: string): FiscalYearStart {
  const parsed = parseFiscalStart(value);
  if (!parsed) throw badInput(`${inputName}: expected MM-DD with a day from 01 to 28, got "${value}"`, [inputName]);
  return parsed;
}

/**
 * The model of the cube called `name`. Cached per process and revalidated against the dataset's id and updatedAt
 * with one indexed lookup, so a reloaded cube is never served with a stale model.
 */
export async function loadCube(name: string, principal: Principal = anonymous): Promise<CubeModel> {
  const head = await db.dataset.findFirst({
    where: { AND: [{ name, family: 'CUBE' }, visibleDatasets(principal)] },
    select: { id: true, updatedAt: true },
  });
  if (!head) throw notFound(`no cube named "${name}"`);
  const cached = cache.get(name);
  if (cached && cached.id === head.id && cached.updatedAt === head.updatedAt.getTime()) return cached.model;
  const model = await readModel(head.id);
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
  cache.set(name, { id: head.id, updatedAt: model.updatedAt.getTime(), model });
  return model;
}

/** loadCube memoised for one request, so resolving many dimensions of one cube checks the model once. */
export function loadCubeCached(ctx: { loaders: Map<string, unknown>; principal: Principal }, name: string): Promise<CubeModel> {
  const key = `cubes:model:${name}`;
  let model = ctx.loaders.get(key) as Promise<CubeModel> | undefined;
  if (!model) {
    model = loadCube(name, ctx.principal);
    ctx.loaders.set(key, model);
  }
  return model;
}

async function readModel(datasetId: number): Promise<CubeModel> {
  const dataset = await db.dataset.findUniqueOrThrow({
    where: { id: datasetId },
    include: {
      dimensions: { include: { attributes: { orderBy: { position: 'asc' } } }, orderBy: { position: 'asc' } },
      measures: { orderBy: { position: 'asc' } },
      hierarchies: { orderBy: { name: 'asc' } },
    },
  });
  const hierarchies: CubeHierarchy[] = dataset.hierarchies.map((h) => ({ name: h.name, label: h.label, levels: h.levels }));
  const hierarchyOf = new Map<string, string>();
  for (const h of hierarchies) for (const level of h.levels) if (!hierarchyOf.has(level)) hierarchyOf.set(level, h.name);

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
    }));
    const key = attributes.find((a) => a.name === row.keyAttribute) ?? attributes[0];
    if (!key) continue;
    const label = attributes.find((a) => a.name === row.labelAttribute) ?? key;
    for (const attribute of attributes) attributesByRef.set(attribute.ref, attribute);
    dimensions.push({
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
  const measures = dataset.measures.map<CubeMeasure>((m) => ({
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
    fiscalYearStart: parseFiscalStart(period?.start) ?? { month: 1, day: 1 },
    fiscalPeriod:
      period && typeof period === 'object'
        ? { start: typeof period.start === 'string' ? period.start : null, end: typeof period.end === 'string' ? period.end : null }
        : null,
    attributesByRef,
    dimensionsByName: new Map(dimensions.map((d) => [d.name, d])),
    measuresByName: new Map(measures.map((m) => [m.name, m])),
    hierarchiesByName: new Map(hierarchies.map((h) => [h.name, h])),
  };
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

/** An attribute, a dimension (its key attribute) or a measure. */
export function resolveField(model: CubeModel, ref: string, what: string, inputPath: (string | number)[]): FieldRef {
  const measure = model.measuresByName.get(ref);
  if (measure) return { kind: 'measure', measure };
  const dimension = model.dimensionsByName.get(ref);
  if (dimension) return { kind: 'attribute', attribute: dimension.keyAttribute };
  const attribute = model.attributesByRef.get(ref);
  if (attribute) return { kind: 'attribute', attribute };
  throw badInput(
    `${what}: unknown field "${ref}" in cube "${model.name}"; valid: ${listing([
      ...model.dimensionsByName.keys(),
      ...attributeRefs(model),
      ...model.measuresByName.keys(),
    ])}`,
    inputPath,
  );
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
