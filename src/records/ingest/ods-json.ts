import { basename } from 'node:path';
import { FieldSurvey, readSidecar, writeFields, writeRecords, type RecordInput } from './ingest.js';
import { readJsonArray } from './json-stream.js';
import { IngestError, type Loader } from '../../shared/ingest/types.js';
import { fileStem, readHead, recordsMeta } from './records-shared.js';

interface OdsRecord {
  datasetid?: unknown;
  recordid?: unknown;
  fields?: unknown;
  geometry?: unknown;
  record_timestamp?: unknown;
}

function checked(element: unknown, file: string, index: number): OdsRecord & { recordid: string; fields: Record<string, unknown> } {
  const record = element as OdsRecord;
  if (typeof record !== 'object' || record === null || typeof record.recordid !== 'string') {
    throw new IngestError(`record ${index}: "recordid" is missing`, file);
  }
  if (typeof record.fields !== 'object' || record.fields === null || Array.isArray(record.fields)) {
    throw new IngestError(`record ${index}: "fields" must be an object`, file);
  }
  return record as OdsRecord & { recordid: string; fields: Record<string, unknown> };
}

/** OpenDataSoft v1 JSON export: an array of {datasetid, recordid, fields, geometry, record_timestamp}. */
export const odsJsonLoader: Loader = {
  id: 'ods-json',
  family: 'RECORDS',
  description: 'OpenDataSoft v1 JSON export (array of records with datasetid, recordid, fields, geometry)',
  lookedFor: 'an ODS .json export (records with "recordid" and "fields")',
  async detect(path) {
    if (!path.toLowerCase().endsWith('.json')) return false;
    const head = await readHead(path);
    return /^\s*\[\s*\{/.test(head) && head.includes('"recordid"') && head.includes('"fields"');
  },
  async load(request, context) {
    const file = request.path;
    const sidecar = readSidecar(file) ?? {};
    const survey = new FieldSurvey(false);
    let datasetid: string | undefined;
    let index = 0;
    context.progress.start(`${basename(file)} (types)`);
    for await (const element of readJsonArray(file)) {
      const record = checked(element, file, index);
      index += 1;
      if (datasetid === undefined && typeof record.datasetid === 'string') datasetid = record.datasetid;
      survey.add(record.fields);
      if (index % 1000 === 0) context.progress.update(index, index);
    }
    context.progress.stop();
    const fields = survey.fields(sidecar);
    const name = request.name ?? sidecar.name ?? datasetid ?? fileStem(file);

    async function* records(): AsyncGenerator<RecordInput> {
      let i = 0;
      for await (const element of readJsonArray(file)) {
        const record = checked(element, file, i);
        i += 1;
        const stamp = typeof record.record_timestamp === 'string' ? new Date(record.record_timestamp) : undefined;
        yield {
          recordid: record.recordid,
          fields: record.fields,
          geometry: record.geometry ?? undefined,
          timestamp: stamp && !Number.isNaN(stamp.getTime()) ? stamp : undefined,
        };
      }
    }

    return context.replaceDataset(
      recordsMeta(name, sidecar, { file: basename(file), datasetid: datasetid ?? null }),
      async (tx, datasetId) => {
        await writeFields(tx, datasetId, fields);
        context.progress.start(basename(file), index);
        const rows = await writeRecords(tx, datasetId, fields, records(), (n) => context.progress.update(n, n));
        context.progress.stop();
        return rows;
      },
    );
  },
};
