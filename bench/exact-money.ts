/**
 * What exact money costs on the hot paths, against the float way it replaced (no database: the code alone):
 * writing a 10,000-cell babbage aggregate page, and turning 1,000,000 measure cells into JSONB number text at
 * load time. Prints medians of `--runs` runs (default 7) in ms.
 *
 *   npx tsx bench/exact-money.ts [--runs 7]
 */
import { measureText } from '../src/cubes/ingest/cube-writer.js';
import { ExactNumber, exactJson } from '../src/shared/exact.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7;

function median(work: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 10) / 10;
}

const amount = (i: number) => `${(i * 7919) % 100_000_000}.${String(i % 100).padStart(2, '0')}`;
const cells = Array.from({ length: 10_000 }, (_, i) => ({
  'region.code': `R${i % 50}`,
  'category.label': `Category ${i}`,
  _count: i % 300,
  'amount.sum': amount(i),
  'quantity.sum': String(i * 3),
}));
const floatCells = cells.map((cell) => ({ ...cell, 'amount.sum': Number(cell['amount.sum']), 'quantity.sum': Number(cell['quantity.sum']) }));
const exactCells = cells.map((cell) => ({
  ...cell,
  _count: new ExactNumber(String(cell._count)),
  'amount.sum': new ExactNumber(cell['amount.sum']),
  'quantity.sum': new ExactNumber(cell['quantity.sum']),
}));
const row = { file: 'bench.csv', line: 1, values: {} };
const measureCells = Array.from({ length: 1_000_000 }, (_, i) => amount(i));

console.log('| work | float (before) | exact | ');
console.log('|---|---:|---:|');
console.log(
  `| 10,000 aggregate cells to JSON | ${median(() => JSON.stringify({ cells: floatCells }))} | ${median(() => exactJson({ cells: exactCells }))} |`,
);
console.log(
  `| 1,000,000 measure cells to JSONB text | ${median(() => measureCells.map((text) => JSON.stringify(Number(text))))} | ${median(() => measureCells.map((text) => measureText(text, 1, row, 'amount')))} |`,
);
console.log(
  `| same, with a factor of 1000 | ${median(() => measureCells.map((text) => JSON.stringify(Number((Number(text) * 1000).toPrecision(15)))))} | ${median(() => measureCells.map((text) => measureText(text, 1000, row, 'amount')))} |`,
);
