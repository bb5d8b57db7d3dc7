import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { readCsv } from '../../shared/ingest/csv.js';
import { coerce, fieldNameOf } from '../query/fields.js';
import { FieldSurvey, hashId, writeFields, writeRecords, type RecordInput, type RecordsSidecar } from './ingest.js';
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
  delimiter: string;
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
  const survey = new FieldSurvey(true);
  for await (const row of readCsv(request.path, { delimiter, progress: context.progress, label: `${basename(request.path)} (types)` })) {
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
    for await (const row of readCsv(request.path, { delimiter, progress: context.progress })) {
      const values: Record<string, unknown> = {};
      for (const [label, raw] of Object.entries(row.values)) {
        const field = nameOf(label);
        const value = coerce(raw, types.get(field) ?? 'text');
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
