import { readFileSync } from 'node:fs';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { IngestError } from './types.js';

/** Line and column (1-based) of a character offset in a text. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text[i] === '\n') {
      line += 1;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Where JSON.parse failed: jsonc-parser reports the offset and kind of the first error, in any Node version. */
function jsonProblem(text: string): { offset: number; problem: string } {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return { offset: 0, problem: 'not JSON' };
  const problem = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return { offset: first.offset, problem };
}

/**
 * Parses JSON text; invalid JSON raises an IngestError naming the file, line and column of the error. `base` places
 * the text inside a larger file (for one element of a streamed array).
 */
export function parseJson(text: string, file: string, base = { line: 1, column: 1 }): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const { offset, problem } = jsonProblem(text);
    const here = lineAndColumn(text, offset);
    const line = base.line + here.line - 1;
    const column = here.line === 1 ? base.column + here.column - 1 : here.column;
    throw new IngestError(`invalid JSON at column ${column}: ${problem}`, file, line);
  }
}

export function readJsonFile(file: string): unknown {
  return parseJson(readFileSync(file, 'utf8'), file);
}
