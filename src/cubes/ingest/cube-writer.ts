import type { Tx } from '../../db.js';
import { bulkSql, type BulkSql } from '../../db/driver-transaction.js';
import { jsonNumberText } from '../../shared/exact.js';
import { IngestError } from '../../shared/ingest/types.js';

export type AttributeType = 'string' | 'integer' | 'number' | 'date' | 'boolean';

export interface AttributeSpec {
  name: string;
  label?: string | null;
  type: AttributeType;
  /** Reads the raw text of this attribute for one source row. */
  read(row: SourceRow): string | undefined;
  /** Name of the source column, for error messages. */
  sourceName: string;
  /** The attribute of the same dimension this one labels (FDP `labelfor`). */
  labelFor?: string | null;
  /** Set on the synthetic key of a composite primaryKey: the attributes it joins, in key order (see compositeKey). */
  keyParts?: string[];
}

export interface DimensionSpec {
  name: string;
  label?: string | null;
  description?: string | null;
  keyAttribute: string;
  labelAttribute?: string | null;
  dimensionType?: string | null;
  attributes: AttributeSpec[];
}

export interface MeasureSpec {
  name: string;
  label?: string | null;
  currency?: string | null;
  type: AttributeType;
  /** Source values are in units of `factor` (FDP): the stored value is value × factor. */
  factor: number;
  read(row: SourceRow): string | undefined;
  sourceName: string;
}

export interface HierarchySpec {
  name: string;
  label?: string | null;
  /** Top level first: dimension names (their key attribute) or attribute refs `<dimension>.<attribute>`. */
  levels: string[];
}

export interface CubeSpec {
  dimensions: DimensionSpec[];
  measures: MeasureSpec[];
  hierarchies: HierarchySpec[];
}

export interface SourceRow {
  file: string;
  line: number;
  values: Record<string, string>;
}

const BATCH = 1000;

/** Attribute values live in Fact.data under "<dimension>.<attribute>", measures under their name. */
export function attributeRef(dimension: string, attribute: string): string {
  return `${dimension}.${attribute}`;
}

/**
 * The member key of a composite primaryKey: its parts' stored values joined by "/", a missing part left empty, and
 * "\" and "/" inside a part escaped with a backslash (so `Central/101/0101///010`); null when every part is missing.
 */
export function compositeKey(parts: readonly unknown[]): string | null {
  if (parts.every((part) => part === null || part === undefined)) return null;
  return parts.map((part) => (part === null || part === undefined ? '' : String(part).replace(/[\\/]/g, '\\$&'))).join('/');
}

function levelExists(spec: CubeSpec, level: string): boolean {
  const dot = level.indexOf('.');
  if (dot < 0) return spec.dimensions.some((d) => d.name === level);
  const dimension = spec.dimensions.find((d) => d.name === level.slice(0, dot));
  return !!dimension?.attributes.some((a) => a.name === level.slice(dot + 1));
}

export function checkCubeSpec(spec: CubeSpec, file: string): void {
  const names = new Set<string>();
  for (const dimension of spec.dimensions) {
    if (names.has(dimension.name)) throw new IngestError(`dimension "${dimension.name}" is defined twice`, file);
    names.add(dimension.name);
    const attributes = new Set(dimension.attributes.map((a) => a.name));
    if (!attributes.has(dimension.keyAttribute)) {
      throw new IngestError(
        `dimension "${dimension.name}": key attribute "${dimension.keyAttribute}" is not one of its attributes`,
        file,
      );
    }
    if (dimension.labelAttribute && !attributes.has(dimension.labelAttribute)) {
      throw new IngestError(
        `dimension "${dimension.name}": label attribute "${dimension.labelAttribute}" is not one of its attributes`,
        file,
      );
    }
  }
  for (const measure of spec.measures) {
    if (names.has(measure.name)) throw new IngestError(`"${measure.name}" names both a measure and a dimension`, file);
    names.add(measure.name);
  }
  if (spec.measures.length === 0) throw new IngestError('the model defines no measure', file);
  for (const hierarchy of spec.hierarchies) {
    for (const level of hierarchy.levels) {
      if (!levelExists(spec, level)) {
        throw new IngestError(`hierarchy "${hierarchy.name}": level "${level}" is not a dimension or attribute`, file);
      }
    }
  }
}

export async function writeCubeModel(tx: Tx, datasetId: number, spec: CubeSpec): Promise<void> {
  for (const [position, dimension] of spec.dimensions.entries()) {
    await tx.dimension.create({
      data: {
        datasetId,
        name: dimension.name,
        label: dimension.label ?? null,
        description: dimension.description ?? null,
        keyAttribute: dimension.keyAttribute,
        labelAttribute: dimension.labelAttribute ?? null,
        dimensionType: dimension.dimensionType ?? null,
        position,
        attributes: {
          create: dimension.attributes.map((attribute, index) => ({
            name: attribute.name,
            label: attribute.label ?? null,
            column: attributeRef(dimension.name, attribute.name),
            type: attribute.type,
            position: index,
            labelFor: attribute.labelFor ?? null,
            keyParts: attribute.keyParts ?? [],
          })),
        },
      },
    });
  }
  await tx.measure.createMany({
    data: spec.measures.map((measure, position) => ({
      datasetId,
      name: measure.name,
      label: measure.label ?? null,
      column: measure.name,
      currency: measure.currency ?? null,
      position,
    })),
  });
  if (spec.hierarchies.length > 0) {
    await tx.hierarchy.createMany({
      data: spec.hierarchies.map((h) => ({ datasetId, name: h.name, label: h.label ?? null, levels: h.levels })),
    });
  }
}

/**
 * Streams source rows into Fact rows in batches; returns the number of facts written. A batch goes to the database as
 * one JSON text parameter on the load transaction's driver connection: createMany's per-row objects, and the copies
 * of each batch Prisma's debug modules keep for their last hundred queries, made memory grow with the file.
 */
export async function writeFacts(
  tx: Tx,
  datasetId: number,
  spec: CubeSpec,
  rows: AsyncIterable<SourceRow>,
): Promise<number> {
  const bulk = bulkSql(tx);
  let batch: string[] = [];
  let count = 0;
  const measureKeys = spec.measures.map((measure) => JSON.stringify(measure.name));
  for await (const row of rows) {
    const data: Record<string, string | number | boolean | null> = {};
    for (const dimension of spec.dimensions) {
      for (const attribute of dimension.attributes) {
        if (attribute.keyParts) continue;
        data[attributeRef(dimension.name, attribute.name)] = convert(
          attribute.read(row),
          attribute.type,
          row,
          attribute.sourceName,
        );
      }
      for (const attribute of dimension.attributes) {
        if (!attribute.keyParts) continue;
        data[attributeRef(dimension.name, attribute.name)] = compositeKey(
          attribute.keyParts.map((part) => data[attributeRef(dimension.name, part)]),
        );
      }
    }
    // Measures are written into the JSON text as number literals with every digit of their source text (JSONB keeps
    // numbers as numeric), never through a JS number. Declared-integer measures in real packages carry decimals too:
    // every measure is read as a number.
    const measures = spec.measures.map((measure, i) => `${measureKeys[i]}:${measureText(measure.read(row), measure.factor, row, measure.sourceName) ?? 'null'}`);
    const attributes = JSON.stringify(data);
    count += 1;
    batch.push(`{"row_number":${count},"data":${attributes === '{}' ? '{' : `${attributes.slice(0, -1)},`}${measures.join(',')}}}`);
    if (batch.length >= BATCH) {
      await insertFacts(bulk, datasetId, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await insertFacts(bulk, datasetId, batch);
  return count;
}

/**
 * The full-text document of the fact row aliased `f`: every value it holds, as English words (stemmed, stop words
 * dropped) for the OpenSpending v2 search; the migration that added the column fills old rows the same way.
 */
const factSearchVectorSql = `to_tsvector('english', coalesce((SELECT string_agg(e.value, ' ') FROM jsonb_each_text(f.data) AS e), ''))`;

/** One batch of facts as one JSON parameter, on the load transaction's driver connection (see bulkSql). */
async function insertFacts(bulk: BulkSql, datasetId: number, batch: string[]): Promise<void> {
  await bulk.execute(
    `INSERT INTO "fact" ("dataset_id", "row_number", "data", "search")
    SELECT $1::int, f.row_number, f.data, ${factSearchVectorSql}
    FROM jsonb_to_recordset($2::jsonb) AS f(row_number integer, data jsonb)`,
    [datasetId, `[${batch.join(',')}]`],
  );
}

const numberPattern = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const groupedPattern = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/;

/**
 * Markers that public-finance tables use for "no value" in numeric columns: Table Schema's default (the empty
 * string) plus dashes, "n/a", ".." and "nfp" ("not for publication", as in the Australian budget papers).
 */
export const missingMarkers = new Set(['', '-', '–', '—', '..', 'n/a', 'na', 'nfp', 'null', 'none', 'nan']);

function failure(raw: string, row: SourceRow, column: string): (expected: string) => never {
  return (expected) => {
    throw new IngestError(`column "${column}": ${JSON.stringify(raw)} is not ${expected}`, row.file, row.line);
  };
}

export function convert(
  raw: string | undefined,
  type: AttributeType,
  row: SourceRow,
  column: string,
): string | number | boolean | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  if (text === '') return null;
  const fail = failure(raw, row, column);
  switch (type) {
    case 'string':
      return raw;
    case 'integer': {
      if (missingMarkers.has(text.toLowerCase())) return null;
      if (!/^[-+]?\d+$/.test(text)) fail('an integer');
      const value = Number(text);
      if (!Number.isSafeInteger(value)) fail('an integer within ±2^53');
      return value;
    }
    case 'number': {
      const number = numberText(text, fail);
      return number === null ? null : Number(number);
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (['true', 't', 'yes', 'y', '1'].includes(lower)) return true;
      if (['false', 'f', 'no', 'n', '0'].includes(lower)) return false;
      return fail('a boolean');
    }
    case 'date': {
      const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$/.exec(text);
      if (!match) return fail('a date (YYYY-MM-DD)');
      const [, year, month = '01', day = '01'] = match;
      const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(day)) fail('a valid date');
      return `${year}-${month}-${day}`;
    }
  }
}

/** The number a numeric cell holds, as decimal text without grouping; null for a "no value" marker. */
function numberText(text: string, fail: (expected: string) => never): string | null {
  if (missingMarkers.has(text.toLowerCase())) return null;
  if (groupedPattern.test(text)) return text.replace(/,/g, '');
  if (!numberPattern.test(text)) fail('a number');
  return text;
}

/** A measure cell as a JSON number literal (times the measure's factor, exactly); null when empty or "no value". */
export function measureText(raw: string | undefined, factor: number, row: SourceRow, column: string): string | null {
  const text = raw?.trim();
  if (!text) return null;
  const fail = failure(raw!, row, column);
  const number = numberText(text, fail);
  if (number === null) return null;
  return jsonNumberText(number, factor) ?? fail('a number PostgreSQL can hold');
}

export function normaliseType(type: string | undefined): AttributeType {
  switch ((type ?? 'string').toLowerCase()) {
    case 'integer':
    case 'int':
    case 'year':
      return 'integer';
    case 'number':
    case 'float':
    case 'decimal':
      return 'number';
    case 'date':
    case 'datetime':
      return 'date';
    case 'boolean':
    case 'bool':
      return 'boolean';
    default:
      return 'string';
  }
}
