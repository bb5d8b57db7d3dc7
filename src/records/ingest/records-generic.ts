import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { FieldSurvey, readSidecar, sidecarPath, writeFields, writeRecords, type RecordInput, type RecordsSidecar } from './ingest.js';
import { readJsonArray, readJsonElements } from './json-stream.js';
import { IngestError, type Loader } from '../../shared/ingest/types.js';
import { csvRecord, fileStem, loadCsvRecords, recordsMeta, strictCoerce } from './records-shared.js';

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
    for await (const { value, line } of readJsonElements(file)) survey.add(checkDeclared(flat(value, index++), sidecar, file, line));
    const fields = survey.fields(sidecar);
    async function* records(): AsyncGenerator<RecordInput> {
      let i = 0;
      for await (const element of readJsonArray(file)) {
        const values = checkDeclared(flat(element, i++), sidecar, file, 0);
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

/**
 * The values of a JSON element with the types its sidecar declares: text that is a number of a declared numeric
 * field becomes that number; anything that does not fit stops the load with the file and line.
 */
function checkDeclared(values: Record<string, unknown>, sidecar: RecordsSidecar, file: string, line: number): Record<string, unknown> {
  if (!sidecar.types) return values;
  const out = { ...values };
  for (const [name, type] of Object.entries(sidecar.types)) {
    const value = values[name];
    if (value === undefined || value === null || type === 'text') continue;
    const fail = (expected: string): never => {
      throw new IngestError(`field "${name}": ${JSON.stringify(value)} is not ${expected}`, file, line || undefined);
    };
    if (typeof value === 'string') out[name] = strictCoerce(value, type, fail);
    else if (typeof value === 'number' && type === 'int' && !Number.isSafeInteger(value)) fail('an integer');
    else if (typeof value === 'number' && type !== 'int' && type !== 'double') fail(`a ${type}`);
    else if (typeof value === 'object' && type !== 'geo_shape' && type !== 'geo_point_2d') fail(`a ${type}`);
    else if (typeof value === 'boolean') fail(`a ${type}`);
  }
  return out;
}
