import { createReadStream } from 'node:fs';

/** Streams the elements of a top-level JSON array, parsing one element at a time. */
export async function* readJsonArray(file: string): AsyncGenerator<unknown> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  let buffer = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = chunk as string;
    let from = 0;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i];
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
          if (ch !== '[') throw new Error('the file is not a JSON array');
          started = true;
          from = i + 1;
        }
      } else if (ch === ']' || ch === '}') {
        depth -= 1;
        if (depth === 0) {
          const last = (buffer + text.slice(from, i)).trim();
          buffer = '';
          if (last !== '') yield JSON.parse(last) as unknown;
          return;
        }
      } else if (ch === ',' && depth === 1) {
        const element = (buffer + text.slice(from, i)).trim();
        buffer = '';
        from = i + 1;
        yield JSON.parse(element) as unknown;
      }
    }
    if (started) buffer += text.slice(from);
  }
  if (!started || depth !== 0) throw new Error('unexpected end of JSON array');
}
