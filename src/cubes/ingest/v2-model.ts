import type { Db } from '../../db.js';
import { readCsv } from '../../shared/ingest/csv.js';
import { replaceDatasetWith } from '../../shared/ingest/store.js';
import { IngestError, type LoadResult } from '../../shared/ingest/types.js';
import { languageLabel, territoryLabel, v2Categories } from '../query/v2.js';
import { checkCubeSpec, normaliseType, writeCubeModel, writeFacts, type AttributeSpec, type CubeSpec, type DimensionSpec, type SourceRow } from './cube-writer.js';

/**
 * OpenSpending v2's model ("metadata" of the loading API): `dataset` (name, label, description, currency, category,
 * languages, territories) and `mapping` (how CSV columns become measures, dates, attributes and compound dimensions),
 * validated as upstream's validator did and loaded as a cube.
 */

export interface V2Model {
  dataset: Record<string, unknown>;
  mapping: Record<string, V2Spec>;
  views?: unknown[];
}

interface V2Attribute {
  column?: string;
  datatype?: string;
  default_value?: string;
  constant?: string;
}

interface V2Spec extends V2Attribute {
  type: string;
  label: string;
  description?: string;
  key?: boolean;
  facet?: boolean;
  format?: string;
  attributes?: Record<string, V2Attribute>;
}

const reservedNames = new Set(['entries', 'entry', 'datasets', 'dataset', 'dimensions', 'dimension', 'model', 'api', 'views', 'search', 'new', 'graphql', 'healthz', 'distinct', 'editor']);
const attributeDatatypes = new Set(['id', 'string', 'float', 'constant', 'date', 'url']);
const currencies = new Set(Intl.supportedValuesOf('currency'));

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function kindOf(name: string, spec: V2Spec): 'measure' | 'date' | 'attribute' | 'compound' {
  if (name === 'amount' || spec.type === 'measure') return 'measure';
  if ((name === 'time' && spec.datatype === 'date') || spec.type === 'date') return 'date';
  if (spec.type === 'attribute' || spec.type === 'value') return 'attribute';
  return 'compound';
}

/** Every way the model breaks upstream's rules; empty when it is well formed. */
export function validateV2Model(model: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(model)) return ['the model is not a JSON object'];
  const { dataset, mapping } = model;
  if (!isObject(dataset)) errors.push('dataset: missing');
  else {
    const name = typeof dataset.name === 'string' ? dataset.name.trim().toLowerCase() : '';
    if (!/^[a-z0-9_-]{1,30}$/.test(name) || name.includes('__') || reservedNames.has(name)) {
      errors.push(`dataset.name: "${String(dataset.name)}" must be 1 to 30 letters, digits, "-" or "_" (no "__", not a reserved word)`);
    }
    for (const key of ['label', 'description']) if (typeof dataset[key] !== 'string') errors.push(`dataset.${key}: missing`);
    if (typeof dataset.currency !== 'string' || !currencies.has(dataset.currency.toUpperCase())) errors.push(`dataset.currency: "${String(dataset.currency)}" is not an ISO 4217 code`);
    if (!(v2Categories as readonly unknown[]).includes(dataset.category)) errors.push(`dataset.category: must be one of ${v2Categories.join(', ')}`);
    for (const code of Array.isArray(dataset.languages) ? dataset.languages : []) {
      if (typeof code !== 'string' || !languageLabel(code.toLowerCase())) errors.push(`dataset.languages: "${String(code)}" is not a language code`);
    }
    for (const code of Array.isArray(dataset.territories) ? dataset.territories : []) {
      if (typeof code !== 'string' || !territoryLabel(code.toUpperCase())) errors.push(`dataset.territories: "${String(code)}" is not an ISO 3166 country code`);
    }
  }
  if (!isObject(mapping) || Object.keys(mapping).length === 0) return [...errors, 'mapping: missing'];
  let keys = 0;
  for (const [name, raw] of Object.entries(mapping)) {
    const at = `mapping.${name}`;
    if (!isObject(raw)) {
      errors.push(`${at}: not an object`);
      continue;
    }
    const spec = raw as unknown as V2Spec;
    if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name) || reservedNames.has(name) || name.startsWith('entry_')) errors.push(`${at}: not a usable name`);
    if (name.endsWith('_id') && name.slice(0, -3) in mapping) errors.push(`${at}: "${name.slice(0, -3)}" and "${name}" cannot both exist`);
    if (!nonEmpty(spec.label)) errors.push(`${at}.label: missing`);
    if (!nonEmpty(spec.type)) errors.push(`${at}.type: missing`);
    if (spec.key === true) keys += 1;
    const kind = kindOf(name, spec);
    if (kind === 'compound') {
      const attributes = spec.attributes;
      if (!isObject(attributes)) {
        errors.push(`${at}.attributes: missing`);
        continue;
      }
      if (attributes.name?.datatype !== 'id') errors.push(`${at}.attributes.name: a compound dimension needs a "name" attribute of datatype "id"`);
      if (attributes.label?.datatype !== 'string') errors.push(`${at}.attributes.label: a compound dimension needs a "label" attribute of datatype "string"`);
      for (const [attribute, a] of Object.entries(attributes)) {
        if (!isObject(a) || !attributeDatatypes.has(String(a.datatype))) errors.push(`${at}.attributes.${attribute}.datatype: one of ${[...attributeDatatypes].join(', ')}`);
        else if (a.datatype !== 'constant' && !nonEmpty(a.column)) errors.push(`${at}.attributes.${attribute}.column: missing`);
      }
    } else {
      if (spec.datatype !== 'constant' && !nonEmpty(spec.column)) errors.push(`${at}.column: missing`);
      if (kind === 'measure' && spec.datatype !== undefined && spec.datatype !== 'float') errors.push(`${at}.datatype: a measure is a float`);
      if (kind === 'attribute' && !attributeDatatypes.has(String(spec.datatype))) errors.push(`${at}.datatype: one of ${[...attributeDatatypes].join(', ')}`);
    }
  }
  if (!isObject(mapping.time) || mapping.time.datatype !== 'date') errors.push('mapping.time: a "time" entry of datatype "date" is required');
  if (!isObject(mapping.amount) || mapping.amount.datatype !== 'float') errors.push('mapping.amount: an "amount" entry of datatype "float" is required');
  if (keys === 0) errors.push('mapping: at least one entry must have "key": true');
  for (const name of ['from', 'to']) {
    if (isObject(mapping[name]) && kindOf(name, mapping[name] as unknown as V2Spec) !== 'compound') errors.push(`mapping.${name}: must be a compound dimension`);
  }
  return errors;
}

/** "Dept of Tests" -> "dept-of-tests": upstream's `id` datatype. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[\s!"#$%&'()*\-/<=>?@[\\\]^_`{|},.]+/)
    .filter(Boolean)
    .join('-');
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A date read with a strptime `format` (%Y %m %d %y and literals), else the first of YYYY-MM-DDZ, YYYY-MM-DD, YYYY-MM, YYYY. */
function parseDate(text: string, format: string | undefined): { year: number; month: number; day: number } | null {
  const value = text.trim();
  if (format) {
    let pattern = '';
    const parts: string[] = [];
    for (let i = 0; i < format.length; i += 1) {
      const c = format[i]!;
      if (c === '%' && i + 1 < format.length) {
        const code = format[++i]!;
        const width = { Y: '(\\d{4})', m: '(\\d{1,2})', d: '(\\d{1,2})', y: '(\\d{2})' }[code];
        if (!width) return null;
        pattern += width;
        parts.push(code);
      } else pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    const match = new RegExp(`^${pattern}$`).exec(value);
    if (!match) return null;
    const get = (code: string) => {
      const i = parts.indexOf(code);
      return i < 0 ? undefined : Number(match[i + 1]);
    };
    const year = get('Y') ?? (get('y') !== undefined ? 2000 + get('y')! : undefined);
    return year === undefined ? null : checked(year, get('m') ?? 1, get('d') ?? 1);
  }
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2})Z?)?)?$/.exec(value);
  return match ? checked(Number(match[1]), Number(match[2] ?? 1), Number(match[3] ?? 1)) : null;
}

function checked(year: number, month: number, day: number) {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? { year, month, day } : null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A source cell: an empty one takes the spec's default value; a column the CSV lacks is an error. */
function cell(row: SourceRow, spec: V2Attribute): string | undefined {
  if (spec.datatype === 'constant') return spec.constant ?? spec.default_value;
  const column = spec.column!;
  if (!(column in row.values)) throw new IngestError(`column "${column}" is not in the CSV header`, row.file, row.line);
  const value = row.values[column]!;
  return value.trim() === '' ? (spec.default_value ?? undefined) : value;
}

function attributeOf(name: string, spec: V2Attribute, label: string | null): AttributeSpec {
  const datatype = spec.datatype ?? 'string';
  return {
    name,
    label,
    type: datatype === 'float' ? 'number' : datatype === 'date' ? 'date' : 'string',
    sourceName: spec.column ?? name,
    read: (row) => {
      const value = cell(row, spec);
      if (value === undefined) return undefined;
      if (datatype === 'id') return slug(value);
      if (datatype === 'float') return value.replace(/,/g, '');
      if (datatype === 'date') {
        const date = parseDate(value, undefined);
        if (!date) throw new IngestError(`column "${spec.column}": "${value}" is not a date`, row.file, row.line);
        return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
      }
      return value;
    },
  };
}

function dateDimension(name: string, spec: V2Spec): DimensionSpec {
  const read = (row: SourceRow) => {
    const value = cell(row, spec);
    if (value === undefined) return null;
    const date = parseDate(value, spec.format);
    if (!date) throw new IngestError(`column "${spec.column}": "${value}" is not a date${spec.format ? ` of format ${spec.format}` : ''}`, row.file, row.line);
    return date;
  };
  const part = (attribute: string, type: AttributeSpec['type'], value: (d: { year: number; month: number; day: number }) => string): AttributeSpec => ({
    name: attribute,
    label: attribute,
    type,
    sourceName: spec.column ?? name,
    read: (row) => {
      const date = read(row);
      return date ? value(date) : undefined;
    },
  });
  const week = (d: { year: number; month: number; day: number }) => {
    const date = new Date(Date.UTC(d.year, d.month - 1, d.day));
    const thursday = new Date(date.getTime() + (3 - ((date.getUTCDay() + 6) % 7)) * 86_400_000);
    const first = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
    return String(1 + Math.round((thursday.getTime() - first.getTime()) / 604_800_000 - (3 - ((first.getUTCDay() + 6) % 7)) / 7));
  };
  return {
    name,
    label: spec.label,
    description: spec.description ?? null,
    keyAttribute: 'name',
    labelAttribute: 'label',
    dimensionType: 'datetime',
    attributes: [
      part('name', 'date', (d) => `${d.year}-${pad(d.month)}-${pad(d.day)}`),
      part('label', 'string', (d) => `${pad(d.day)}. ${monthNames[d.month - 1]} ${d.year}`),
      part('year', 'string', (d) => String(d.year)),
      part('quarter', 'string', (d) => String(Math.ceil(d.month / 3))),
      part('month', 'string', (d) => pad(d.month)),
      part('week', 'string', week),
      part('day', 'string', (d) => pad(d.day)),
      part('yearmonth', 'string', (d) => `${d.year}${pad(d.month)}`),
    ],
  };
}

/** The cube a well-formed v2 model describes. */
export function cubeSpecOfV2(model: V2Model): CubeSpec {
  const spec: CubeSpec = { dimensions: [], measures: [], hierarchies: [] };
  const currency = typeof model.dataset.currency === 'string' ? model.dataset.currency.toUpperCase() : null;
  for (const [name, entry] of Object.entries(model.mapping)) {
    const kind = kindOf(name, entry);
    if (kind === 'measure') {
      spec.measures.push({
        name,
        label: entry.label,
        currency,
        type: normaliseType('number'),
        factor: 1,
        sourceName: entry.column!,
        read: (row) => cell(row, entry)?.replace(/,/g, ''),
      });
    } else if (kind === 'date') {
      spec.dimensions.push(dateDimension(name, entry));
    } else if (kind === 'attribute') {
      spec.dimensions.push({ name, label: entry.label, description: entry.description ?? null, keyAttribute: name, attributes: [attributeOf(name, entry, entry.label)] });
    } else {
      const attributes = Object.entries(entry.attributes!).map(([attribute, a]) => attributeOf(attribute, a, attribute));
      spec.dimensions.push({ name, label: entry.label, description: entry.description ?? null, keyAttribute: 'name', labelAttribute: 'label', attributes });
    }
  }
  return spec;
}

/** Loads a CSV file as the cube of a validated v2 model: the dataset is replaced atomically, the model kept in `source.v2`. */
export async function loadV2Cube(db: Db, model: V2Model, csvFiles: string[], options: { private: boolean; csvUrl: string; loader: string }): Promise<LoadResult> {
  const spec = cubeSpecOfV2(model);
  checkCubeSpec(spec, 'metadata');
  const name = String(model.dataset.name).trim().toLowerCase();
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const languages = Array.isArray(model.dataset.languages) ? model.dataset.languages.map((l) => String(l).toLowerCase()) : [];
  const territories = Array.isArray(model.dataset.territories) ? model.dataset.territories.map((t) => String(t).toUpperCase()) : [];
  return replaceDatasetWith(db)(
    {
      name,
      family: 'CUBE',
      title: text(model.dataset.label) ?? name,
      description: text(model.dataset.description),
      language: languages[0] ?? null,
      themes: territories,
      private: options.private,
      loader: options.loader,
      source: {
        v2: { dataset: { ...model.dataset, name, languages, territories }, mapping: model.mapping, views: model.views ?? [] },
        csv_file: options.csvUrl,
        datapackage: null,
        fiscalPeriod: null,
      },
    },
    async (tx, datasetId) => {
      await writeCubeModel(tx, datasetId, spec);
      return writeFacts(tx, datasetId, spec, rowsOf(csvFiles));
    },
  );
}

async function* rowsOf(files: string[]): AsyncGenerator<SourceRow> {
  for (const [i, file] of files.entries()) {
    const label = files.length > 1 ? `csv_file ${i + 1}` : 'csv_file';
    for await (const row of readCsv(file, { label })) yield { file: label, line: row.line, values: row.values };
  }
}
