import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { FieldSurvey, readSidecar, sidecarPath, writeFields, writeRecords, type RecordInput } from './ingest.js';
import { readJsonArray } from './json-stream.js';
import { IngestError, type Loader } from '../../shared/ingest/types.js';
import { csvRecord, fileStem, loadCsvRecords, recordsMeta } from './records-shared.js';

/**
 * Any CSV or JSON array of flat objects, as records. Needs a `<file>.records.json` sidecar naming at least the
 * options it wants (idColumn, latColumn, lonColumn, delimiter, name, facets, types); `{}` takes every default.
 */
export const genericRecordsLoader: Loader = {
  id: 'records',
  family: 'RECORDS',
  description: 'Generic CSV or JSON records with a <file>.records.json sidecar (id, lat/lon columns, facets)',
  lookedFor: 'a .csv or .json beside a <file>.records.json sidecar',
  async detect(path) {
    return /\.(csv|json)$/i.test(path) && existsSync(sidecarPath(path));
  },
  async load(request, context) {
    const sidecar = readSidecar(request.path) ?? {};
    if (request.path.toLowerCase().endsWith('.csv')) {
      return loadCsvRecords(request, context, {
        delimiter: sidecar.delimiter,
        sidecar,
        defaultName: fileStem(request.path),
      });
    }
    const file = request.path;
    const name = request.name ?? sidecar.name ?? fileStem(file);
    const survey = new FieldSurvey(false);
    const flat = (element: unknown, index: number): Record<string, unknown> => {
      if (typeof element !== 'object' || element === null || Array.isArray(element)) {
        throw new IngestError(`element ${index} is not an object`, file);
      }
      return element as Record<string, unknown>;
    };
    let index = 0;
    for await (const element of readJsonArray(file)) survey.add(flat(element, index++));
    const fields = survey.fields(sidecar);
    async function* records(): AsyncGenerator<RecordInput> {
      let i = 0;
      for await (const element of readJsonArray(file)) {
        const values = flat(element, i++);
        yield csvRecord(name, values, [JSON.stringify(values)], {
          idField: sidecar.idColumn,
          latField: sidecar.latColumn,
          lonField: sidecar.lonColumn,
        });
      }
    }
    return context.replaceDataset(
      recordsMeta(name, sidecar, { file: basename(file), ...sidecar }),
      async (tx, datasetId) => {
        await writeFields(tx, datasetId, fields);
        return writeRecords(tx, datasetId, fields, records());
      },
    );
  },
};
