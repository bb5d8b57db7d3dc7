import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { db } from '../../db.js';
import type { FilterNode } from '../../shared/filter/ast.js';
import { awardInclude, buildWhere, datasetIds, type Scope } from '../query/queries.js';
import { awardJson, type Json } from './serialize.js';
import type { Dialect } from '../query/filter/compile.js';
import { UserError } from '../../errors.js';
import { databaseUserError } from '../../shared/database-errors.js';

type DownloadRequest = { filter: FilterNode | null; dataset: string | null; dialect?: Dialect };

const dir = join(process.env.SPENDGRAPH_DOWNLOAD_DIR ?? join(tmpdir(), 'spendgraph-downloads'));
const running = new Map<string, Promise<void>>();
const failed = new Map<string, string>();
const BATCH = 1000;

const columns: [string, (row: Record<string, Json>) => Json][] = [
  ['id', (r) => r.id!],
  ['type', (r) => r.type!],
  ['type_description', (r) => r.type_description!],
  ['category', (r) => r.category!],
  ['piid', (r) => r.piid!],
  ['fain', (r) => r.fain!],
  ['uri', (r) => r.uri!],
  ['total_obligation', (r) => r.total_obligation!],
  ['date_signed', (r) => r.date_signed!],
  ['description', (r) => r.description!],
  ['period_of_performance_start_date', (r) => r.period_of_performance_start_date!],
  ['period_of_performance_current_end_date', (r) => r.period_of_performance_current_end_date!],
  ['awarding_agency_name', (r) => nested(r, 'awarding_agency', 'toptier_agency', 'name')],
  ['awarding_subtier_agency_name', (r) => nested(r, 'awarding_agency', 'subtier_agency', 'name')],
  ['funding_agency_name', (r) => nested(r, 'funding_agency', 'toptier_agency', 'name')],
  ['recipient_name', (r) => nested(r, 'recipient', 'recipient_name')],
  ['recipient_unique_id', (r) => nested(r, 'recipient', 'recipient_unique_id')],
  ['recipient_state_code', (r) => nested(r, 'recipient', 'location', 'state_code')],
  ['place_of_performance_state_code', (r) => nested(r, 'place_of_performance', 'state_code')],
  ['place_of_performance_country_code', (r) => nested(r, 'place_of_performance', 'location_country_code')],
];

function nested(row: Json, ...keys: string[]): Json {
  let current: Json = row;
  for (const key of keys) current = current && typeof current === 'object' && !Array.isArray(current) ? (current[key] ?? null) : null;
  return current;
}

function cell(value: Json): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The file for a request as seen by a caller: the checksum plus a digest of the datasets the caller may see, so a
 * file holding private awards is never handed to someone who may not read them.
 */
export async function downloadFileName(checksum: string, scope: Scope): Promise<string> {
  const ids = await datasetIds(scope);
  const digest = createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 12);
  return `v1_awards_${checksum}_${digest}.csv`;
}

const namePattern = /^v1_awards_([0-9a-f]{1,64})_([0-9a-f]{12})\.csv$/;

export type DownloadState = { status: 'ready' } | { status: 'queued' } | { status: 'failed'; message: string };

/** Where the CSV `file` stands; starts generating it in the background when nothing is there yet. */
export function ensureDownload(file: string, request: DownloadRequest, scope: Scope): DownloadState {
  if (!namePattern.test(file)) throw new Error(`not a download file name: ${file}`);
  if (existsSync(join(dir, file))) return { status: 'ready' };
  const failure = failed.get(file);
  if (failure) {
    failed.delete(file);
    return { status: 'failed', message: failure };
  }
  if (!running.has(file)) {
    const job = generate(file, request, scope)
      .catch((error: unknown) => {
        // The client hears a request-caused cause or nothing; the server log keeps the rest.
        const refused = error instanceof UserError ? error : databaseUserError(error);
        if (!refused) console.error('USAspending download failed', error);
        failed.set(file, refused?.message ?? 'internal error');
      })
      .finally(() => running.delete(file));
    running.set(file, job);
  }
  return { status: 'queued' };
}

/** Resolves when every background job has finished. */
export async function waitForDownloads(): Promise<void> {
  await Promise.all(running.values());
}

/**
 * Streams pages of 1000 awards (keyset on id) into a temporary file, renamed into place when complete. The pipeline
 * owns the file's stream: a failed read destroys it with its writes still queued, and the error rejects this
 * promise instead of reaching the process as an unhandled stream error.
 */
const csvLine = (json: Record<string, Json>) => `${columns.map(([, get]) => cell(get(json))).join(',')}\n`;

async function generate(file: string, request: DownloadRequest, scope: Scope): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const target = join(dir, file);
  const part = `${target}.${process.pid}.part`;
  async function* csv(): AsyncGenerator<string> {
    const where = await buildWhere('Award', request.filter, request.dataset, scope, request.dialect);
    yield `${columns.map(([name]) => name).join(',')}\n`;
    let after = 0;
    for (;;) {
      const rows = await db.award.findMany({ where: { AND: [where, { id: { gt: after } }] }, orderBy: { id: 'asc' }, take: BATCH, include: awardInclude });
      if (rows.length > 0) yield rows.map((row) => csvLine(awardJson(row))).join('');
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.id;
    }
  }
  try {
    await pipeline(Readable.from(csv()), createWriteStream(part));
    renameSync(part, target);
  } catch (error) {
    rmSync(part, { force: true });
    throw error;
  }
}

/** The finished CSV as a web stream, or null when it does not exist or was made for another set of datasets. */
export async function openDownload(name: string, scope: Scope): Promise<ReadableStream | null> {
  const match = namePattern.exec(name);
  if (!match || (await downloadFileName(match[1]!, scope)) !== name || !existsSync(join(dir, name))) return null;
  return Readable.toWeb(createReadStream(join(dir, name))) as ReadableStream;
}
