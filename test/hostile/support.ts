import { expect } from 'vitest';
import { app } from '../../src/app.js';

export const RECORDS = 'geonames-all-cities-with-a-population-1000';

/** Driver, ORM and runtime text that must never reach a client. */
const leaks = /prisma|invocation|Raw query failed|\bCode: `|\bat [\w.<>]+ \(|node_modules|\bstack\b|RangeError|TypeError|SyntaxError: Unexpected|bind message|\b(?:22021|22003|22012|22P02)\b|Maximum call stack/i;

export interface Answer {
  status: number;
  text: string;
  ms: number;
}

export async function send(path: string, init?: RequestInit): Promise<Answer> {
  const started = performance.now();
  const response = await app.request(path, init);
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

export function post(path: string, body: unknown, type = 'application/json'): Promise<Answer> {
  return send(path, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A 2xx or 4xx, with no driver or stack text in the body. */
export function expectClean(answer: Answer, what = ''): void {
  expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.text, what).not.toMatch(leaks);
}

/** A 400 whose body says `pattern`. */
export function expectRefused(answer: Answer, pattern: RegExp): void {
  expect(answer.status, answer.text.slice(0, 300)).toBe(400);
  expect(answer.text).toMatch(pattern);
  expect(answer.text).not.toMatch(leaks);
}
