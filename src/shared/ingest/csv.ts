import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import { IngestError } from './types.js';
import type { Progress } from './progress.js';

export interface CsvRow {
  /** Line number in the file where the record starts (1-based, header included). */
  line: number;
  values: Record<string, string>;
}

/** A Frictionless CSV dialect (the members csv-parse can honour). */
export interface CsvDialect {
  delimiter?: string;
  quoteChar?: string;
  doubleQuote?: boolean;
  escapeChar?: string;
  header?: boolean;
  skipInitialSpace?: boolean;
  lineTerminator?: string;
}

export interface CsvOptions {
  dialect?: CsvDialect;
  /** Any label TextDecoder knows (utf-8, ISO-8859-1, windows-1252 …); UTF-8 when absent. */
  encoding?: string;
  /** Column names of a file without a header row (`dialect.header: false`). */
  columns?: string[];
  progress?: Progress;
  label?: string;
  /** Called once the whole file has been read, with what the reader decided and skipped. */
  onEnd?: (summary: CsvSummary) => void;
}

export interface CsvSummary {
  file: string;
  delimiter: string;
  /** Whether the delimiter was detected from the header line rather than declared. */
  sniffed: boolean;
  /** As declared (TextDecoder reads ISO-8859-1 as its superset windows-1252). */
  encoding: string;
  columns: string[];
  rows: number;
  blankLines: number;
}

const SNIFFED = [',', ';', '\t', '|'];

export function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : JSON.stringify(delimiter);
}

/** One line for a load summary: how a CSV was read and what was skipped. */
export function describeCsv(summary: CsvSummary): string {
  const parts = [`delimiter ${delimiterName(summary.delimiter)}${summary.sniffed ? ' (detected from the header line)' : ''}`];
  if (!/^utf-?8$/i.test(summary.encoding)) parts.push(`encoding ${summary.encoding}`);
  if (summary.blankLines > 0) parts.push(`${summary.blankLines} blank line${summary.blankLines === 1 ? '' : 's'} skipped`);
  return `${basename(summary.file)}: ${parts.join(', ')}`;
}

/** What a missing-column error needs to say: the delimiter used and the columns found. */
export function describeHeader(header: CsvHeader): string {
  return `read with delimiter ${delimiterName(header.delimiter)}${header.sniffed ? ' (detected)' : ''}, columns found: ${header.columns.map((c) => JSON.stringify(c)).join(', ')}`;
}

function decoderFor(encoding: string | undefined, file: string): TextDecoder {
  try {
    return new TextDecoder(encoding ?? 'utf-8');
  } catch {
    throw new IngestError(`unknown encoding "${encoding}"`, file);
  }
}

function decodeStream(decoder: TextDecoder): Transform {
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      const rest = decoder.decode();
      done(null, rest === '' ? undefined : rest);
    },
  });
}

/** The first line of the file (quoted line breaks included), decoded. */
async function headLine(file: string, decoder: TextDecoder): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 16);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = decoder.decode(buffer.subarray(0, bytesRead));
    let quoted = false;
    for (let i = 0; i < text.length; i += 1) {
      if (text[i] === '"') quoted = !quoted;
      else if (!quoted && (text[i] === '\n' || text[i] === '\r')) return text.slice(0, i);
    }
    return text;
  } finally {
    await handle.close();
  }
}

/** The candidate delimiter that occurs most often outside quotes in the header line; "," when none does. */
export function sniffDelimiter(line: string): string {
  const counts = new Map(SNIFFED.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

async function resolveDelimiter(file: string, options: CsvOptions): Promise<{ delimiter: string; sniffed: boolean }> {
  const declared = options.dialect?.delimiter;
  if (declared) return { delimiter: declared, sniffed: false };
  return { delimiter: sniffDelimiter(await headLine(file, decoderFor(options.encoding, file))), sniffed: true };
}

function parserOptions(delimiter: string, dialect: CsvDialect = {}): Options {
  const options: Options = {
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
    info: true,
    quote: dialect.quoteChar ?? '"',
    ltrim: dialect.skipInitialSpace ?? false,
  };
  if (dialect.doubleQuote === false) options.escape = dialect.escapeChar ?? '\\';
  else if (dialect.escapeChar) options.escape = dialect.escapeChar;
  if (dialect.lineTerminator && !['\n', '\r\n', '\r'].includes(dialect.lineTerminator)) {
    options.record_delimiter = dialect.lineTerminator;
  }
  return options;
}

const isBlank = (fields: string[]) => fields.every((field) => field.trim() === '');

/**
 * Streams the records of a CSV file, never holding the whole file. The encoding and dialect are honoured; without
 * a declared delimiter it is detected from the header line. Lines with no values are skipped and counted; a line
 * with more or fewer fields than the header, and any other malformed input, raise an IngestError naming the file and
 * line.
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<CsvRow> {
  const size = statSync(file).size;
  const decoder = decoderFor(options.encoding, file);
  const { delimiter, sniffed } = await resolveDelimiter(file, options);
  const input = createReadStream(file);
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parser = input.pipe(decodeStream(decoder)).pipe(parse(parserOptions(delimiter, options.dialect)));
  const label = options.label ?? basename(file);
  options.progress?.start(label, size);
  const hasHeader = options.dialect?.header !== false;
  let columns: string[] | undefined = hasHeader ? undefined : options.columns;
  let rows = 0;
  let blankLines = 0;
  // csv-parse reports the line a record ends on; a quoted field may span lines, so the record starts after the
  // previous one ended.
  let previousEnd = 0;
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = previousEnd + 1;
      previousEnd = record.info.lines;
      const fields = record.record;
      if (!columns) {
        columns = fields.map((name) => name.replace(/^\uFEFF/, '').trim());
        continue;
      }
      if (isBlank(fields)) {
        blankLines += 1;
        continue;
      }
      if (fields.length !== columns.length) {
        throw new IngestError(
          `${fields.length} fields where the header has ${columns.length} (delimiter ${delimiterName(delimiter)})`,
          file,
          line,
        );
      }
      rows += 1;
      if (rows % 1000 === 0) options.progress?.update(bytes, rows);
      const values: Record<string, string> = {};
      for (let i = 0; i < columns.length; i += 1) values[columns[i]!] = fields[i]!;
      yield { line, values };
    }
    options.onEnd?.({ file, delimiter, sniffed, encoding: options.encoding ?? decoder.encoding, columns: columns ?? [], rows, blankLines });
  } catch (error) {
    throw csvError(error, file, previousEnd + 1);
  } finally {
    options.progress?.update(bytes, rows);
    options.progress?.stop();
    input.destroy();
  }
}

function csvError(error: unknown, file: string, recordStart: number): Error {
  if (error instanceof IngestError) return error;
  const e = error as { message?: string; lines?: number; code?: string };
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new IngestError('a quoted field opened on this line is never closed', file, recordStart);
  }
  return new IngestError((e.message ?? String(error)).replace(/ at line \d+/, ''), file, e.lines);
}

export interface CsvHeader {
  columns: string[];
  delimiter: string;
  sniffed: boolean;
}

/** Reads only the header row (the declared column names when the dialect says there is none). */
export async function readCsvHeader(file: string, options: Omit<CsvOptions, 'progress' | 'onEnd'> = {}): Promise<CsvHeader> {
  const { delimiter, sniffed } = await resolveDelimiter(file, options);
  if (options.dialect?.header === false) return { columns: options.columns ?? [], delimiter, sniffed };
  const line = await headLine(file, decoderFor(options.encoding, file));
  const parser = parse(line, { ...parserOptions(delimiter, options.dialect), info: false, to_line: 1 });
  for await (const row of parser as AsyncIterable<string[]>) {
    return { columns: row.map((name) => name.replace(/^\uFEFF/, '').trim()), delimiter, sniffed };
  }
  throw new IngestError('the file is empty: a header row is required', file, 1);
}
