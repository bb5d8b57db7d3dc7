/**
 * Issue 13's bounded-work measurements: the heaviest requests the limits still let through, and requests past the
 * limits, each sent with a cheap request alongside; prints how long each took and how long the cheap one waited.
 *
 *   DATABASE_URL=postgresql://… npx tsx bench/hostile.ts      (or without DATABASE_URL: an in-memory PGlite)
 */
import { app } from '../src/app.js';
import { closeDb } from '../src/db.js';
import { loadSamples, prepare } from '../src/startup.js';

const RECORDS = 'geonames-all-cities-with-a-population-1000';

async function timed(path: string, init?: RequestInit): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await app.request(path, init);
  await response.arrayBuffer();
  return { status: response.status, ms: Math.round(performance.now() - started) };
}

const form = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const terms = (n: number, join: string) => Array.from({ length: n }, (_, i) => `t${i}`).join(join);

const heavy: [string, () => Promise<{ status: number; ms: number }>][] = [
  ['q of 500 terms (the limit)', () => timed('/api/records/1.0/search', form(`dataset=${RECORDS}&q=${encodeURIComponent(terms(500, ' '))}`))],
  ['q of 250 terms joined by OR', () => timed('/api/records/1.0/search', form(`dataset=${RECORDS}&q=${encodeURIComponent(terms(250, ' OR '))}`))],
  ['10 MB q (refused)', () => timed(`/api/records/1.0/search?dataset=${RECORDS}&q=${'a'.repeat(10_000_000)}`)],
  ['2 MB query string (refused)', () => timed(`/api/records/1.0/search?dataset=${RECORDS}&q=${'a'.repeat(2_000_000)}`)],
  ['cube in of 1,000 values (the limit)', () => timed('/graphql', json({ query: 'query($v: [JSON!]!) { cube(name: "cra") { facts(filter: { field: "cofog1.name", in: $v }, first: 1) { totalCount } } }', variables: { v: Array.from({ length: 1_000 }, (_, i) => `v${i}`) } }))],
  ['cube in of 200,000 values (refused)', () => timed('/graphql', json({ query: 'query($v: [JSON!]!) { cube(name: "cra") { facts(filter: { field: "cofog1.name", in: $v }, first: 1) { totalCount } } }', variables: { v: Array.from({ length: 200_000 }, (_, i) => `v${i}`) } }))],
  ['polygon of 1,000 points (the limit)', () => timed('/api/records/1.0/search', form(`dataset=${RECORDS}&geofilter.polygon=${Array.from({ length: 1000 }, (_, i) => `(${50 + (i % 90) / 100},${19 + (i % 70) / 100})`).join(',')}`))],
];

await prepare({ samples: false });
await loadSamples();
await timed('/api/2/permissions?dataset=cra');
console.log('| request | status | ms | cheap request alongside, ms |');
console.log('|---|---|---|---|');
for (const [name, run] of heavy) {
  const slow = run();
  const cheap = await timed('/api/2/permissions?dataset=cra');
  const done = await slow;
  console.log(`| ${name} | ${done.status} | ${done.ms} | ${cheap.ms} |`);
}
await closeDb();
process.exit(0);
