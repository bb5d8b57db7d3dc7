import type { Principal } from '../../access/principal.js';
import { db } from '../../db.js';
import { requireWrite } from './access.js';
import { badInput } from '../../errors.js';
import type { FieldDef } from '../query/fields.js';
import { hashId, recordRow, type RecordInput } from './ingest.js';
import { loadModel } from '../query/model.js';

export const MAX_PUSH = 10_000;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function checkValue(field: FieldDef, value: unknown, where: string): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  const fail = (what: string) => badInput(`${where}: expected ${what} for ${field.type} field "${field.name}"`);
  switch (field.type) {
    case 'int':
    case 'double': {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || (field.type === 'int' && !Number.isInteger(n))) throw fail(field.type === 'int' ? 'an integer' : 'a number');
      return n;
    }
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw fail('a YYYY-MM-DD date');
      return value;
    case 'datetime':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) throw fail('an ISO 8601 date-time');
      return value;
    case 'geo_point_2d': {
      const point = typeof value === 'string' ? value.split(',').map((v) => Number(v.trim())) : value;
      if (!Array.isArray(point) || point.length !== 2 || !point.every((v) => typeof v === 'number' && Number.isFinite(v)) || Math.abs(point[0]) > 90 || Math.abs(point[1]) > 180) {
        throw fail('[latitude, longitude] or "latitude, longitude"');
      }
      return point;
    }
    case 'geo_shape':
      if (typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') throw fail('a GeoJSON geometry');
      return value;
    default:
      if (typeof value === 'object') throw fail('a string');
      return String(value);
  }
}

export interface PushResult {
  count: number;
  recordids: string[];
}

/**
 * Adds records to a dataset in real time. Fields are checked against the dataset's fields; a record's id is the
 * hash of its content, so pushing the same record twice keeps one copy (with the newer timestamp).
 */
export async function pushRecords(principal: Principal, dataset: string, input: unknown): Promise<PushResult> {
  requireWrite(principal, dataset);
  const model = await loadModel(dataset, principal);
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0) throw badInput('records: at least one record is required', ['records']);
  if (list.length > MAX_PUSH) throw badInput(`records: at most ${MAX_PUSH} records per push`, ['records']);
  const now = new Date();
  const records: RecordInput[] = list.map((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badInput(`records[${i}]: expected an object of field values`, ['records', i]);
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw)) {
      const field = model.byName.get(name);
      if (!field) throw badInput(`records[${i}].${name}: unknown field in dataset "${dataset}"`, ['records', i, name]);
      const checked = checkValue(field, value, `records[${i}].${name}`);
      if (checked !== undefined) fields[name] = checked;
    }
    return { recordid: hashId(model.name, canonical(fields)), fields, timestamp: now };
  });
  const unique = [...new Map(records.map((r) => [r.recordid, r])).values()];
  await db.$transaction(async (tx) => {
    await tx.record.deleteMany({ where: { datasetId: model.id, recordId: { in: unique.map((r) => r.recordid) } } });
    for (let i = 0; i < unique.length; i += 1000) {
      await tx.record.createMany({ data: unique.slice(i, i + 1000).map((r) => recordRow(model.id, r, model.fields)) });
    }
    await tx.dataset.update({ where: { id: model.id }, data: { modified: now } });
  });
  return { count: unique.length, recordids: unique.map((r) => r.recordid) };
}
