import { createReadStream } from 'node:fs';
import { parseJson } from '../../shared/ingest/json.js';
import { IngestError } from '../../shared/ingest/types.js';

/** Streams the elements of a top-level JSON array (see readJsonElements). */
export async function* readJsonArray(file: string): AsyncGenerator<unknown> {
  for await (const { value } of readJsonElements(file)) yield value;
}

/**
 * Streams the elements of a top-level JSON array with the line each starts on, parsing one element at a time.
 * Invalid JSON raises an IngestError naming the file, line and column.
 */
export async function* readJsonElements(file: string): AsyncGenerator<{ value: unknown; line: number }> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  let buffer = '';
  let line = 1;
  let column = 0;
  // Where the element being buffered starts, for error positions.
  let start = { line: 1, column: 1 };
  const element = (text: string) => {
    const skipped = /^\s*/.exec(text)![0];
    const lines = skipped.split('\n').length - 1;
    return { value: parseJson(text, file, start), line: start.line + lines };
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = chunk as string;
    let from = 0;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i];
      if (ch === '\n') {
        line += 1;
        column = 0;
      } else {
        column += 1;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') {
        inString = true;
      } else if (ch === '[' || ch === '{') {
        depth += 1;
        if (depth === 1) {
          if (ch !== '[') throw new IngestError('the file is not a JSON array', file, line);
          started = true;
          from = i + 1;
          start = { line, column: column + 1 };
        }
      } else if (ch === ']' || ch === '}') {
        depth -= 1;
        if (depth === 0) {
          const last = buffer + text.slice(from, i);
          buffer = '';
          if (last.trim() !== '') yield element(last);
          return;
        }
      } else if (ch === ',' && depth === 1) {
        const value = buffer + text.slice(from, i);
        buffer = '';
        from = i + 1;
        yield element(value);
        start = { line, column: column + 1 };
      } else if (depth === 0 && !/\s/.test(ch!)) {
        throw new IngestError(`invalid JSON at column ${column}: the file is not a JSON array`, file, line);
      }
    }
    if (started) buffer += text.slice(from);
  }
  if (!started || depth !== 0) throw new IngestError('invalid JSON: the file ends inside the array', file, line);
}
