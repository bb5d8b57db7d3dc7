import { db } from '../../db.js';
import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { filterConditions, whereSql, type RecordsFilter } from '../query/filter.js';
import { loadModel } from '../query/model.js';
import { checkFields, hitOf, type RecordHit } from '../query/search.js';

export type DownloadFormat = 'csv' | 'json' | 'geojson';

export interface DownloadQuery extends RecordsFilter {
  dataset: string;
  format?: DownloadFormat | null;
  fields?: string[] | null;
  csvSeparator?: string | null;
}

const BATCH = 2000;

interface Row {
  id: bigint;
  record_id: string;
  fields: Record<string, unknown>;
  geometry: unknown;
  timestamp: Date;
}

interface TextRow {
  id: bigint;
  record_id: string;
  fields: string;
  geometry: string | null;
  timestamp: Date;
}

/** Pages through the matching records by primary key, so memory stays flat whatever the result size. */
async function* matching(where: Prisma.Sql): AsyncGenerator<Row[]> {
  let after: bigint = -1n;
  for (;;) {
    // JSON travels as text and is parsed here: the driver's own JSON decoding costs far more memory and time.
    const raw = await db.$queryRaw<TextRow[]>(
      Prisma.sql`SELECT r.id, r.record_id, r.fields::text AS fields, r.geometry::text AS geometry, r.timestamp FROM record r WHERE ${where} AND r.id > ${after} ORDER BY r.id LIMIT ${BATCH}`,
    );
    const rows: Row[] = raw.map((r) => ({
      ...r,
      fields: JSON.parse(r.fields) as Record<string, unknown>,
      geometry: r.geometry === null ? null : (JSON.parse(r.geometry) as unknown),
    }));
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < BATCH) return;
    after = BigInt(rows[rows.length - 1]!.id);
  }
}

/** The batches, with the first one already requested (`first` settles once it is read). */
function prefetched(batches: AsyncGenerator<Row[]>): { first: Promise<unknown>; all: AsyncGenerator<Row[]> } {
  const first = batches.next();
  async function* all(): AsyncGenerator<Row[]> {
    const head = await first;
    if (head.done) return;
    yield head.value;
    yield* batches;
  }
  return { first, all: all() };
}

function csvCell(value: unknown, separator: string): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) text = `${value[0]}, ${value[1]}`;
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The export, as chunks of text: CSV (ODS layout, field names as header), a JSON array or a GeoJSON collection. */
export async function* downloadRecords(query: DownloadQuery): AsyncGenerator<string> {
  const model = await loadModel(query.dataset, query.principal);
  const only = checkFields(model, query.fields);
  const format = query.format ?? 'csv';
  if (!['csv', 'json', 'geojson'].includes(format)) throw badInput('format: csv, json or geojson', ['format']);
  const separator = query.csvSeparator ?? ';';
  if (separator.length !== 1 || /["\r\n]/.test(separator)) throw badInput('csv_separator: a single character other than a quote or line break', ['csv_separator']);
  const batches = prefetched(matching(whereSql(filterConditions(model, query))));
  // The first batch is read before the first chunk, so whatever the database refuses is still a 4xx, not a cut stream.
  await batches.first;
  if (format === 'csv') {
    const names = only ?? model.fields.map((f) => f.name);
    yield `${names.map((n) => csvCell(n, separator)).join(separator)}\r\n`;
    for await (const rows of batches.all) {
      yield rows.map((row) => `${names.map((n) => csvCell(row.fields[n], separator)).join(separator)}\r\n`).join('');
    }
    return;
  }
  const render =
    format === 'json'
      ? (hit: RecordHit) => JSON.stringify(hit)
      : (hit: RecordHit) =>
          JSON.stringify({
            type: 'Feature',
            geometry: hit.geometry,
            properties: { ...hit.fields, recordid: hit.recordid, record_timestamp: hit.record_timestamp },
          });
  yield format === 'json' ? '[' : '{"type":"FeatureCollection","features":[';
  let first = true;
  for await (const rows of batches.all) {
    let chunk = '';
    for (const row of rows) {
      chunk += (first ? '' : ',') + render(hitOf(model.name, row, only));
      first = false;
    }
    yield chunk;
  }
  yield format === 'json' ? ']' : ']}';
}
