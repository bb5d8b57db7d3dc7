import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeCsv, readCsv, readCsvHeader, type CsvSummary } from '../../shared/ingest/csv.js';
import type { Progress } from '../../shared/ingest/progress.js';
import { readJsonFile } from '../../shared/ingest/json.js';
import { IngestError, type Loader } from '../../shared/ingest/types.js';
import {
  checkCubeSpec,
  normaliseType,
  writeCubeModel,
  writeFacts,
  type CubeSpec,
  type SourceRow,
} from './cube-writer.js';

interface BabbageAttribute {
  column: string;
  label?: string;
  type?: string;
}

interface BabbageDimension {
  attributes: Record<string, BabbageAttribute>;
  key_attribute: string;
  label_attribute?: string;
  label?: string;
  description?: string;
  join_column?: string | [string, string];
}

interface BabbageModel {
  fact_table: string;
  label?: string;
  description?: string;
  dimensions: Record<string, BabbageDimension>;
  measures: Record<string, { column: string; label?: string; type?: string; currency?: string }>;
  hierarchies?: Record<string, { label?: string; levels: string[] }>;
}

function modelPath(path: string): string {
  return statSync(path).isDirectory() ? join(path, 'model.json') : path;
}

function readModel(file: string): BabbageModel {
  const model = readJsonFile(file) as BabbageModel;
  if (typeof model !== 'object' || model === null || typeof model.fact_table !== 'string' || typeof model.dimensions !== 'object' || typeof model.measures !== 'object') {
    throw new IngestError('a babbage model needs "fact_table", "dimensions" and "measures"', file);
  }
  return model;
}

/** Strips babbage's `name:type` header suffix (`amount:integer`). */
const headerName = (header: string) => header.replace(/:[a-z]+$/, '');

/**
 * Column types come from the CSV headers (`amount:integer`; untyped columns are text), as when babbage's tables are
 * loaded: the model's declared attribute types are kept in the served model but do not always match the data
 * (cra declares cofog3.name an integer while its values are "04.5.3").
 */
async function headerTypes(file: string): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  for (const header of (await readCsvHeader(file)).columns) {
    const match = /^(.*):([a-z]+)$/.exec(header);
    types.set(match ? match[1]! : header, match ? match[2]! : 'string');
  }
  return types;
}

async function* rowsOf(file: string, progress?: Progress, note?: (text: string) => void): AsyncGenerator<SourceRow> {
  const onEnd = note && ((summary: CsvSummary) => note(describeCsv(summary)));
  for await (const row of readCsv(file, { progress, onEnd })) {
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(row.values)) values[headerName(key)] = value;
    yield { file, line: row.line, values };
  }
}

/**
 * A babbage model.json beside star-schema CSV tables: `<fact_table>.csv` plus one CSV per joined dimension table.
 * Joins happen at load time, so every fact carries all of its attributes.
 */
export const babbageLoader: Loader = {
  id: 'babbage',
  family: 'CUBE',
  description: 'babbage model.json with <fact_table>.csv and dimension table CSVs',
  lookedFor: 'model.json',
  // Any model.json is taken as a babbage model, so that invalid JSON is reported as such.
  async detect(path) {
    const file = modelPath(path);
    return basename(file) === 'model.json' && existsSync(file);
  },
  async load(request, context) {
    const file = modelPath(request.path);
    const dir = dirname(file);
    const model = readModel(file);
    const factFile = join(dir, `${model.fact_table}.csv`);
    if (!existsSync(factFile)) throw new IngestError(`fact table ${model.fact_table}.csv is missing`, file);

    const joined = new Map<string, Map<string, Record<string, string>>>();
    const types = new Map<string, Map<string, string>>();
    const typeOf = async (table: string, column: string) => {
      if (!types.has(table)) {
        const csv = join(dir, `${table}.csv`);
        if (!existsSync(csv)) throw new IngestError(`table ${table}.csv is missing`, file);
        types.set(table, await headerTypes(csv));
      }
      const type = types.get(table)!.get(column);
      if (type === undefined) throw new IngestError(`column "${column}" is not in ${table}.csv`, file);
      return normaliseType(type);
    };
    const spec: CubeSpec = { dimensions: [], measures: [], hierarchies: [] };
    for (const [name, dimension] of Object.entries(model.dimensions)) {
      const attributes = Object.entries(dimension.attributes ?? {});
      if (attributes.length === 0) throw new IngestError(`dimension "${name}" has no attributes`, file);
      const readers = [];
      for (const [attributeName, attribute] of attributes) {
        const [table, column] = attribute.column.includes('.')
          ? (attribute.column.split('.', 2) as [string, string])
          : [model.fact_table, attribute.column];
        let read: (row: SourceRow) => string | undefined;
        if (table === model.fact_table) {
          read = (row) => row.values[column];
        } else {
          const [factColumn, tableKey] = joinColumns(name, dimension, table, file);
          const rows = await indexTable(join(dir, `${table}.csv`), tableKey, joined);
          read = (row) => rows.get(row.values[factColumn] ?? '')?.[column];
        }
        readers.push({
          name: attributeName,
          label: attribute.label ?? null,
          type: await typeOf(table, column),
          read,
          sourceName: attribute.column,
        });
      }
      spec.dimensions.push({
        name,
        label: dimension.label ?? null,
        description: dimension.description ?? null,
        keyAttribute: dimension.key_attribute,
        labelAttribute: dimension.label_attribute ?? null,
        attributes: readers,
      });
    }
    for (const [name, measure] of Object.entries(model.measures)) {
      spec.measures.push({
        name,
        label: measure.label ?? null,
        currency: measure.currency ?? null,
        type: await typeOf(model.fact_table, measure.column),
        factor: 1,
        read: (row) => row.values[measure.column],
        sourceName: measure.column,
      });
    }
    for (const [name, hierarchy] of Object.entries(model.hierarchies ?? {})) {
      spec.hierarchies.push({ name, label: hierarchy.label ?? null, levels: hierarchy.levels });
    }
    checkCubeSpec(spec, file);

    const name = request.name ?? model.fact_table;
    return context.replaceDataset(
      {
        name,
        family: 'CUBE',
        title: model.label ?? name,
        description: model.description ?? null,
        source: { model, datapackage: null, fiscalPeriod: null },
      },
      async (tx, datasetId) => {
        await writeCubeModel(tx, datasetId, spec);
        return writeFacts(tx, datasetId, spec, rowsOf(factFile, context.progress, context.note));
      },
    );
  },
};

function joinColumns(name: string, dimension: BabbageDimension, table: string, file: string): [string, string] {
  const join = dimension.join_column;
  if (Array.isArray(join) && join.length === 2) return [join[0], join[1]];
  if (typeof join === 'string') {
    const key = dimension.attributes[dimension.key_attribute]?.column.split('.').pop();
    if (key) return [join, key];
  }
  throw new IngestError(`dimension "${name}" reads table "${table}" but has no usable join_column`, file);
}

async function indexTable(
  file: string,
  key: string,
  cache: Map<string, Map<string, Record<string, string>>>,
): Promise<Map<string, Record<string, string>>> {
  const cacheKey = `${file}#${key}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  if (!existsSync(file)) throw new IngestError('dimension table is missing', file);
  const rows = new Map<string, Record<string, string>>();
  for await (const row of rowsOf(file)) {
    const value = row.values[key];
    if (value === undefined) throw new IngestError(`join column "${key}" is not in the header`, file, 1);
    rows.set(value, row.values);
  }
  cache.set(cacheKey, rows);
  return rows;
}
