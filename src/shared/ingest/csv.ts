import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse, type Options } from 'csv-parse';
import { IngestError } from './types.js';
import type { Progress } from './progress.js';

export interface CsvRow {
  /** Line number in the file where the record starts (1-based, header included). */
  line: number;
  values: Record<string, string>;
}

export interface CsvOptions {
  delimiter?: string;
  progress?: Progress;
  label?: string;
}

/**
 * Streams the records of a CSV file with a header row, never holding the whole file. Malformed input raises an
 * IngestError naming the file and line.
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<CsvRow> {
  const size = statSync(file).size;
  const input = createReadStream(file);
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parserOptions: Options = {
    columns: (header: string[]) => header.map((name) => name.replace(/^\uFEFF/, '').trim()),
    bom: true,
    delimiter: options.delimiter ?? ',',
    relax_column_count: false,
    skip_empty_lines: true,
    info: true,
  };
  const parser = input.pipe(parse(parserOptions));
  const label = options.label ?? basename(file);
  options.progress?.start(label, size);
  let rows = 0;
  // csv-parse reports the line a record ends on; a quoted field may span lines, so the record starts after the
  // previous one ended (the header takes line 1).
  let previousEnd = 1;
  try {
    for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      rows += 1;
      if (rows % 1000 === 0) options.progress?.update(bytes, rows);
      const line = previousEnd + 1;
      previousEnd = record.info.lines;
      yield { line, values: record.record };
    }
  } catch (error) {
    if (error instanceof IngestError) throw error;
    const e = error as { message?: string; lines?: number; code?: string };
    throw new IngestError(cleanCsvMessage(e.message ?? String(error)), file, e.lines);
  } finally {
    options.progress?.update(bytes, rows);
    options.progress?.stop();
    input.destroy();
  }
}

function cleanCsvMessage(message: string): string {
  return message.replace(/^Invalid (Record|Opening Quote|Closing Quote)[^:]*: /, (m) => m).replace(/ at line \d+/, '');
}

/** Reads only the header row. */
export async function readCsvHeader(file: string, delimiter = ','): Promise<string[]> {
  const parser = createReadStream(file).pipe(
    parse({ delimiter, bom: true, to_line: 1, relax_column_count: true }),
  );
  for await (const row of parser as AsyncIterable<string[]>) {
    parser.destroy();
    return row.map((name) => name.trim());
  }
  throw new IngestError('the file is empty: a header row is required', file, 1);
}
