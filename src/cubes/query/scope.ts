import { inBackground } from '../../shared/background.js';
import { Prisma } from '../../generated/prisma/client.js';
import { allOf, type FilterNode } from '../../shared/filter/ast.js';
import { dimensionCardinalities } from './cardinality.js';
import { cutFilter, filterSql, legacyCutFilter, resolveFilter, type CubeFilterNode } from './filter.js';
import { parseCuts, type ParsedCut, type ParsedOrder } from './grammar.js';
import type { FiscalYearStart } from '../../shared/fiscal.js';
import { fiscalYearStartArg, type CubeModel, type FieldRef } from './model.js';

export const maxPageSize = 10_000;

/** Which facts a query covers: babbage cut string, v2 cut string and/or a kernel filter, all ANDed. */
export interface Selection {
  cut?: string | null;
  /** The /api/2 cut dialect: same syntax, values converted to the attribute type, same ref ORed. */
  legacyCut?: string | null;
  /** The GraphQL filter as the kernel tree (see `fromFieldRefFilter`). */
  filter?: FilterNode<string> | null;
  /** `MM-DD`; defaults to the package's fiscalPeriod start, else January 1. */
  fiscalYearStart?: string | null;
}

/** Sort terms, and the argument that named them (`order` in babbage, `orderBy` in GraphQL) for error paths. */
export interface Ordering {
  order?: ParsedOrder[] | null;
  orderArg?: string;
}

export interface CutEcho {
  ref: string;
  operator: string;
  value: unknown[];
}

export interface Scope {
  model: CubeModel;
  filter: CubeFilterNode | null;
  where: Prisma.Sql;
  cell: CutEcho[];
  fiscal: FiscalYearStart;
}

export type Row = Record<string, unknown>;

function scalarValue(scalar: { type: string; value: string }): unknown {
  return scalar.type === 'integer' ? Number(scalar.value) : scalar.value;
}

function cutEcho(cuts: ParsedCut[]): CutEcho[] {
  return cuts.map((cut) => {
    const prefix = cut.negated ? '!' : '';
    if (cut.kind === 'set') return { ref: cut.ref, operator: `${prefix}:`, value: cut.values.map((v) => scalarValue(v)) };
    if (cut.kind === 'compare') return { ref: cut.ref, operator: `${prefix}:${cut.op}`, value: [scalarValue(cut.values[0])] };
    return {
      ref: cut.ref,
      operator: `${prefix}:range`,
      value: [cut.from ? scalarValue(cut.from) : null, cut.to ? scalarValue(cut.to) : null],
    };
  });
}

/** Dimensions with at most this many members have values too common for an index lookup to beat a scan. */
const scanCardinality = 20;

/**
 * PostgreSQL's estimate for jsonb containment is a fixed guess, so it always takes the GIN index; for an attribute
 * with few distinct values (a fifth of the facts each) a scan is faster. Until the cardinalities of a model version are
 * known (computed once in the background) equality uses the index.
 */
function indexChoice(model: CubeModel): (field: FieldRef) => boolean {
  const counts = model.cardinalities;
  if (!counts) {
    inBackground(`cube cardinalities of ${model.name} (dataset ${model.datasetId})`, () => dimensionCardinalities(model));
    return () => true;
  }
  return (field) => field.kind === 'measure' || (counts.get(field.attribute.dimension) ?? Infinity) > scanCardinality;
}

/** The facts a selection covers: cuts and filter parsed into one kernel tree, checked, and compiled once. */
export function buildScope(model: CubeModel, selection: Selection): Scope {
  const nodes: FilterNode<string>[] = [];
  let cell: CutEcho[] = [];
  if (selection.cut) {
    const cuts = parseCuts(selection.cut);
    nodes.push(...cutFilter(model, cuts, false));
    cell = cutEcho(cuts);
  }
  if (selection.legacyCut) {
    nodes.push(...legacyCutFilter(model, selection.legacyCut));
    cell = [...cell, ...cutEcho(parseCuts(selection.legacyCut))];
  }
  const filter = resolveFilter(model, allOf([...nodes, selection.filter]));
  const fiscal = selection.fiscalYearStart ? fiscalYearStartArg(selection.fiscalYearStart, 'fiscalYearStart') : model.fiscalYearStart;
  const where = filter
    ? Prisma.sql`f.dataset_id = ${model.datasetId} AND ${filterSql(filter, fiscal, indexChoice(model))}`
    : Prisma.sql`f.dataset_id = ${model.datasetId}`;
  return { model, filter, where, cell, fiscal };
}

/** Converts what the driver returns (Decimal, bigint, Date) to plain JSON values. */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && typeof (value as { toFixed?: unknown }).toFixed === 'function') {
    return Number((value as { toString(): string }).toString());
  }
  return value;
}
