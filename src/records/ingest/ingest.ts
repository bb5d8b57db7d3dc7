import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readJsonFile } from '../../shared/ingest/json.js';
import type { Tx } from '../../db.js';
import { bulkSql, type BulkSql } from '../../db/driver-transaction.js';
import { sqlState } from '../../shared/database-errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { IngestError } from '../../shared/ingest/types.js';
import { FIELD_TYPES, TypeGuess, type FieldDef, type FieldType } from '../query/fields.js';
import { searchTextOf } from '../query/text.js';

/** A record ready to store. */
export interface RecordInput {
  recordid: string;
  fields: Record<string, unknown>;
  geometry?: unknown;
  timestamp?: Date;
}

/** Options from a `<file>.records.json` sidecar. */
export interface RecordsSidecar {
  name?: string;
  title?: string;
  description?: string;
  publisher?: string;
  license?: string;
  licenseUrl?: string;
  delimiter?: string;
  /** Character encoding of a CSV: any label TextDecoder knows (ISO-8859-1, windows-1252 …); UTF-8 when absent. */
  encoding?: string;
  /** Column holding the record id; without it ids are hashes of the row. */
  idColumn?: string;
  latColumn?: string;
  lonColumn?: string;
  /** Column label -> field name. */
  fieldNames?: Record<string, string>;
  /** Field name -> type, overriding inference. */
  types?: Record<string, FieldType>;
  /** Fields annotated as facets; without it low-cardinality text and date fields are. */
  facets?: string[];
}

export function sidecarPath(file: string): string {
  return `${file}.records.json`;
}

export function readSidecar(file: string): RecordsSidecar | undefined {
  const path = sidecarPath(file);
  if (!existsSync(path)) return undefined;
  const value = readJsonFile(path) as RecordsSidecar;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IngestError('bad sidecar: expected a JSON object', path);
  for (const [field, type] of Object.entries(value.types ?? {})) {
    if (!FIELD_TYPES.includes(type)) throw new IngestError(`bad sidecar: types.${field}: unknown type "${type}"`, path);
  }
  return value;
}

/** Learns field order, types and facet candidates from a first pass over the records. */
export class FieldSurvey {
  private readonly guesses = new Map<string, { guess: TypeGuess; distinct: Set<string>; label: string | null }>();

  constructor(private readonly fromCsv: boolean) {}

  add(fields: Record<string, unknown>, labels?: Record<string, string>): void {
    for (const [name, value] of Object.entries(fields)) {
      let entry = this.guesses.get(name);
      if (!entry) {
        entry = { guess: new TypeGuess(this.fromCsv), distinct: new Set(), label: labels?.[name] ?? null };
        this.guesses.set(name, entry);
      }
      entry.guess.add(value);
      if (entry.distinct.size <= 100 && (typeof value === 'string' || typeof value === 'number') && value !== '') {
        entry.distinct.add(String(value));
      }
    }
  }

  fields(options: Pick<RecordsSidecar, 'types' | 'facets'> = {}): FieldDef[] {
    return [...this.guesses.entries()].map(([name, { guess, distinct, label }]) => {
      const type = options.types?.[name] ?? guess.type();
      const facet = options.facets
        ? options.facets.includes(name)
        : type === 'date' || type === 'datetime' || (type === 'text' && distinct.size > 0 && distinct.size <= 100);
      const annotations: Record<string, unknown> = {};
      if (facet) annotations.facet = true;
      if (facet && (type === 'date' || type === 'datetime')) annotations.hierarchical = true;
      return { name, label: label ?? name, type, annotations };
    });
  }
}

export function hashId(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('hex');
}

/** The centre of the bounding box of a GeoJSON geometry's coordinates, or null. */
function centreOf(geometry: { coordinates?: unknown; geometries?: unknown }): { lat: number; lon: number } | null {
  let minLat = Infinity;
  let maxLat = -Infinity;
  let minLon = Infinity;
  let maxLon = -Infinity;
  const visit = (node: unknown): void => {
    if (!Array.isArray(node)) return;
    if (node.length >= 2 && typeof node[0] === 'number' && typeof node[1] === 'number') {
      const [lon, lat] = node as number[];
      minLat = Math.min(minLat, lat!);
      maxLat = Math.max(maxLat, lat!);
      minLon = Math.min(minLon, lon!);
      maxLon = Math.max(maxLon, lon!);
      return;
    }
    for (const child of node) visit(child);
  };
  visit(geometry.coordinates);
  if (Array.isArray(geometry.geometries)) for (const part of geometry.geometries) visit((part as { coordinates?: unknown })?.coordinates);
  return Number.isFinite(minLat) && Number.isFinite(minLon) ? { lat: (minLat + maxLat) / 2, lon: (minLon + maxLon) / 2 } : null;
}

/**
 * lat/lon of a record: its first geo_point_2d field, else a GeoJSON Point geometry, else the centre of its shape's
 * bounding box (so distance and polygon filters reach records that only have a geo_shape).
 */
export function pointOf(record: RecordInput, fields: FieldDef[]): { lat: number | null; lon: number | null } {
  for (const field of fields) {
    if (field.type !== 'geo_point_2d') continue;
    const value = record.fields[field.name];
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number') {
      return { lat: value[0], lon: value[1] };
    }
  }
  const geometry = record.geometry as { type?: string; coordinates?: unknown } | null | undefined;
  if (geometry?.type === 'Point' && Array.isArray(geometry.coordinates)) {
    const [lon, lat] = geometry.coordinates as number[];
    if (typeof lat === 'number' && typeof lon === 'number') return { lat, lon };
  }
  const centre = geometry && typeof geometry === 'object' ? centreOf(geometry) : null;
  return centre ?? { lat: null, lon: null };
}

export function recordRow(datasetId: number, record: RecordInput, fields: FieldDef[]): Prisma.RecordCreateManyInput {
  const { lat, lon } = pointOf(record, fields);
  const geometry = record.geometry ?? (lat !== null && lon !== null ? { type: 'Point', coordinates: [lon, lat] } : null);
  return {
    datasetId,
    recordId: record.recordid,
    fields: record.fields as Prisma.InputJsonValue,
    lat,
    lon,
    geometry: (geometry ?? undefined) as Prisma.InputJsonValue | undefined,
    timestamp: record.timestamp ?? new Date(),
    searchText: searchTextOf(record.fields),
  };
}

export async function writeFields(tx: Tx, datasetId: number, fields: FieldDef[]): Promise<void> {
  await tx.recordField.createMany({
    data: fields.map((field, position) => ({
      datasetId,
      name: field.name,
      label: field.label,
      type: field.type,
      annotations: field.annotations as Prisma.InputJsonValue,
      position,
    })),
  });
}

const BATCH = 1000;

/**
 * Writes records in batches of 1000; returns how many were written. Each batch goes to the database as one JSON
 * text parameter, on the load transaction's driver connection (bulkSql): Prisma's createMany builds objects per
 * row, and its debug modules keep the arguments of their last hundred queries, which made a load's memory grow with
 * the file. Duplicate ids are caught by the unique index rather than by a set of every id seen.
 */
export async function writeRecords(
  tx: Tx,
  datasetId: number,
  fields: FieldDef[],
  records: AsyncIterable<RecordInput>,
  onBatch?: (rows: number) => void,
): Promise<number> {
  const bulk = bulkSql(tx);
  let batch: string[] = [];
  let rows = 0;
  const flush = async () => {
    try {
      await insertRecords(bulk, datasetId, `[${batch.join(',')}]`);
    } catch (error) {
      if (sqlState(error) === '23505' || /record_dataset_id_record_id_key|Unique constraint/.test(String((error as Error).message))) {
        const duplicate = /Key \(dataset_id, record_id\)=\(\d+, (.*)\) already exists/s.exec(`${(error as { detail?: string }).detail ?? ''} ${(error as Error).message ?? ''}`);
        throw new IngestError(`duplicate record id${duplicate ? ` "${duplicate[1]}"` : ` in rows ${rows + 1}-${rows + batch.length}`}`);
      }
      throw error;
    }
    rows += batch.length;
    batch = [];
    onBatch?.(rows);
  };
  for await (const record of records) {
    batch.push(JSON.stringify(recordJson(record, fields)));
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return rows;
}

function recordJson(record: RecordInput, fields: FieldDef[]): Record<string, unknown> {
  const row = recordRow(0, record, fields);
  return {
    record_id: row.recordId,
    fields: row.fields,
    lat: row.lat,
    lon: row.lon,
    geometry: row.geometry ?? null,
    timestamp: (row.timestamp as Date).toISOString(),
    search_text: row.searchText,
  };
}

async function insertRecords(bulk: BulkSql, datasetId: number, json: string): Promise<void> {
  await bulk.execute(
    `INSERT INTO "record" ("dataset_id", "record_id", "fields", "lat", "lon", "geometry", "timestamp", "search_text")
    SELECT $1::int, r.record_id, r.fields, r.lat, r.lon, NULLIF(r.geometry, 'null'::jsonb), r."timestamp", r.search_text
    FROM jsonb_to_recordset($2::jsonb) AS r(record_id text, fields jsonb, lat double precision,
      lon double precision, geometry jsonb, "timestamp" timestamp(3), search_text text)`,
    [datasetId, json],
  );
}
