import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { describeCsv, describeHeader, readCsv, readCsvHeader, type CsvHeader, type CsvSummary } from '../../shared/ingest/csv.js';
import { IngestError } from '../../shared/ingest/types.js';
import { coerce, fieldNameOf, type FieldType } from '../query/fields.js';
import { FieldSurvey, hashId, sidecarPath, writeFields, writeRecords, type RecordInput, type RecordsSidecar } from './ingest.js';
import type { DatasetMeta, LoadContext, LoadRequest, LoadResult } from '../../shared/ingest/types.js';

export async function readHead(path: string, bytes = 4096): Promise<string> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return '';
  } finally {
    await handle.close();
  }
}

export function fileStem(path: string): string {
  return basename(path, extname(path));
}

interface CsvRecordsOptions {
  /** Detected from the header line when absent. */
  delimiter?: string;
  sidecar: RecordsSidecar;
  defaultName: string;
}

/** Loads a CSV of records in two streamed passes: one to learn the field types, one to write. */
export async function loadCsvRecords(
  request: LoadRequest,
  context: LoadContext,
  { delimiter, sidecar, defaultName }: CsvRecordsOptions,
): Promise<LoadResult> {
  const name = request.name ?? sidecar.name ?? defaultName;
  const names = new Map<string, string>();
  const nameOf = (label: string): string => {
    let field = names.get(label);
    if (!field) {
      field = sidecar.fieldNames?.[label] ?? fieldNameOf(label);
      names.set(label, field);
    }
    return field;
  };
  const csv = { dialect: { delimiter }, encoding: sidecar.encoding };
  checkSidecarColumns(request.path, sidecar, await readCsvHeader(request.path, csv), nameOf);
  const survey = new FieldSurvey(true);
  for await (const row of readCsv(request.path, { ...csv, progress: context.progress, label: `${basename(request.path)} (types)` })) {
    const fields: Record<string, unknown> = {};
    const labels: Record<string, string> = {};
    for (const [label, value] of Object.entries(row.values)) {
      fields[nameOf(label)] = value;
      labels[nameOf(label)] = label;
    }
    survey.add(fields, labels);
  }
  const fields = survey.fields(sidecar);
  const types = new Map(fields.map((f) => [f.name, f.type]));
  const idField = sidecar.idColumn ? nameOf(sidecar.idColumn) : undefined;
  const latField = sidecar.latColumn ? nameOf(sidecar.latColumn) : undefined;
  const lonField = sidecar.lonColumn ? nameOf(sidecar.lonColumn) : undefined;

  async function* records(): AsyncGenerator<RecordInput> {
    const onEnd = (summary: CsvSummary) => context.note(describeCsv(summary));
    for await (const row of readCsv(request.path, { ...csv, progress: context.progress, onEnd })) {
      const values: Record<string, unknown> = {};
      for (const [label, raw] of Object.entries(row.values)) {
        const field = nameOf(label);
        const value = strictCoerce(raw, types.get(field) ?? 'text', (expected) => {
          throw new IngestError(`column "${label}": ${JSON.stringify(raw)} is not ${expected}`, request.path, row.line);
        });
        if (value !== undefined) values[field] = value;
      }
      yield csvRecord(name, values, Object.values(row.values), { idField, latField, lonField });
    }
  }

  return context.replaceDataset(
    recordsMeta(name, sidecar, { file: basename(request.path), ...sidecar }),
    async (tx, datasetId) => {
      await writeFields(tx, datasetId, fields);
      return writeRecords(tx, datasetId, fields, records());
    },
  );
}

/** The columns a sidecar names must be in the file: a typo must not silently give hashed ids or untyped fields. */
function checkSidecarColumns(file: string, sidecar: RecordsSidecar, header: CsvHeader, nameOf: (label: string) => string): void {
  const labels = new Set(header.columns);
  const fields = new Set(header.columns.map(nameOf));
  const missing = (what: string, column: string) =>
    new IngestError(`${what} names column "${column}", which ${basename(file)} does not have (${describeHeader(header)})`, sidecarPath(file));
  for (const key of ['idColumn', 'latColumn', 'lonColumn'] as const) {
    const column = sidecar[key];
    if (column !== undefined && !labels.has(column)) throw missing(key, column);
  }
  for (const field of Object.keys(sidecar.types ?? {})) {
    if (!fields.has(field)) throw missing(`types.${field}`, field);
  }
}

export function csvRecord(
  dataset: string,
  values: Record<string, unknown>,
  raw: string[],
  columns: { idField?: string; latField?: string; lonField?: string },
): RecordInput {
  const id = columns.idField ? values[columns.idField] : undefined;
  const recordid = id !== undefined && id !== '' ? String(id) : hashId(dataset, ...raw);
  let geometry: unknown;
  if (columns.latField && columns.lonField) {
    const lat = Number(values[columns.latField]);
    const lon = Number(values[columns.lonField]);
    if (values[columns.latField] !== undefined && values[columns.lonField] !== undefined && Number.isFinite(lat) && Number.isFinite(lon)) {
      geometry = { type: 'Point', coordinates: [lon, lat] };
    }
  }
  // Else a geo_shape field's GeoJSON (the only object values a CSV gives besides geo_point_2d pairs).
  geometry ??= Object.values(values).find((value) => value !== null && typeof value === 'object' && !Array.isArray(value));
  return { recordid, fields: values, geometry };
}


/** Catalog metadata of a records dataset: the sidecar's title, description, publisher and licence. */
export function recordsMeta(name: string, sidecar: RecordsSidecar, source: Record<string, unknown>): DatasetMeta {
  return {
    name,
    family: 'RECORDS',
    title: sidecar.title ?? name,
    description: sidecar.description ?? null,
    publisher: sidecar.publisher ?? null,
    license: sidecar.license ?? null,
    licenseUrl: sidecar.licenseUrl ?? null,
    source,
  };
}

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A CSV cell as the JSON value stored for a field of the declared or inferred type; a cell that is not of that type
 * calls `fail` with what was expected, so a load never stores a silent null.
 */
export function strictCoerce(raw: string, type: FieldType, fail: (expected: string) => never): unknown {
  const text = raw.trim();
  if (text === '') return undefined;
  switch (type) {
    case 'int':
      if (!INTEGER.test(text) || !Number.isSafeInteger(Number(text))) fail('an integer');
      return Number(text);
    case 'double':
      if (!NUMBER.test(text)) fail('a number');
      return Number(text);
    case 'date':
      if (!DATE.test(text) || Number.isNaN(Date.parse(text))) fail('a date (YYYY-MM-DD)');
      return text;
    case 'datetime':
      if (!DATETIME.test(text) || Number.isNaN(Date.parse(text))) fail('a date-time (ISO 8601)');
      return text;
    case 'geo_point_2d': {
      const value = coerce(text, type);
      if (value === undefined) fail('a "latitude, longitude" point');
      return value;
    }
    case 'geo_shape': {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        fail('a GeoJSON geometry');
      }
      if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') fail('a GeoJSON geometry');
      return value;
    }
    default:
      return raw;
  }
}
