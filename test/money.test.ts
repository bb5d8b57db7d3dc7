// Money exact end to end: the amounts of issue 13 (12345678901234567.89, 9999999999999999.99, 1.005,
// 9007199254740993 …) loaded from a USAspending CSV and a Fiscal Data Package, read back through every route family.
// Expected values come from exact decimal arithmetic here; answers are compared as text (JSON parsed without floats).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { Decimal } from 'decimal.js';
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db.js';
import { parseRelationJson } from '../src/db/exact-relations.js';
import { ingest } from '../src/shared/ingest/index.js';
import { graphql } from './gql/index.js';
import { app, execute } from './helpers.js';

const fixtures = new URL('./fixtures/money/', import.meta.url).pathname;
const AWARDS = 'money-awards';
const CUBE = 'money-cube';
const name = `money-${process.pid}`;

const Exact = Decimal.clone({ precision: 200 });
const cents = (text: string) => new Exact(text).toFixed(2, Decimal.ROUND_HALF_UP).replace(/^-0\.00$/, '0.00');
const sum = (texts: string[], scale?: number) => {
  const total = texts.reduce((acc, text) => acc.plus(text), new Exact(0));
  return scale === undefined ? total : total.toFixed(scale);
};

/** The money CSV's rows, by award (piid), with each amount as written. */
const csvRows = parseCsv(readFileSync(join(fixtures, 'awards/money_contracts.csv')), { columns: true }) as Record<string, string>[];
const amountsOf = (piid: string) => csvRows.filter((row) => row.piid === piid).map((row) => row.dollarsobligated!);
const factRows = parseCsv(readFileSync(join(fixtures, 'cube/data.csv')), { columns: true }) as Record<string, string>[];

/** A REST answer parsed without bending numbers: every JSON number is a LosslessNumber holding its text. */
async function exactBody(path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const response = await app.request(
    path,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const text = await response.text();
  return { status: response.status, text, json: parseLossless(text) };
}

/** The text of a JSON number from an exact parse; a string or a JS number here would mean the route wrote no number. */
function numberText(value: unknown): string {
  if (!isLosslessNumber(value)) throw new Error(`expected a JSON number, got ${JSON.stringify(value)}`);
  return value.value;
}

const equalNumber = (actual: unknown, expected: string | Decimal) => expect(new Exact(numberText(actual)).equals(expected)).toBe(true);

beforeAll(async () => {
  await ingest(db, { path: join(fixtures, 'awards/money_contracts.csv'), name: AWARDS });
  await ingest(db, { path: join(fixtures, 'cube'), name: CUBE });
});

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name: { in: [name, AWARDS, CUBE] } } });
});

describe('money through the driver adapter', () => {
  it('keeps every cent of Decimal(20,2) values, in Prisma reads and in raw SQL sums', async () => {
    const dataset = await db.dataset.create({ data: { name, family: 'AWARDS', title: 'money', loader: 'test' } });
    const amounts = ['954392.01', '123456789012345678.57', '-0.10', '0.20'];
    for (const totalObligation of amounts) {
      await db.award.create({ data: { datasetId: dataset.id, totalObligation } });
    }
    const awards = await db.award.findMany({ where: { datasetId: dataset.id }, orderBy: { id: 'asc' } });
    expect(awards.map((award) => award.totalObligation?.toFixed(2))).toEqual(amounts);
    const [row] = await db.$queryRaw<{ total: { toFixed(digits: number): string } }[]>`
      SELECT sum(total_obligation) AS total FROM award WHERE dataset_id = ${dataset.id}`;
    expect(row!.total.toFixed(2)).toBe(sum(amounts, 2));
  });
});

describe('USAspending CSV amounts: decimal text in, numeric in the database, exact text out', () => {
  const big = amountsOf('MONEYBIG01');

  it('stores each amount rounded to cents half away from zero, and sums award totals in the database', async () => {
    const rows = await db.$queryRaw<{ piid: string; total: string; obligations: string[] }[]>`
      SELECT a.piid, a.total_obligation::text AS total,
             array_agg(t.federal_action_obligation::text ORDER BY t.id) AS obligations
      FROM award a JOIN dataset d ON d.id = a.dataset_id JOIN "transaction" t ON t.award_id = a.id
      WHERE d.name = ${AWARDS} GROUP BY a.piid, a.total_obligation ORDER BY a.piid`;
    const byPiid = Object.fromEntries(rows.map((row) => [row.piid, row]));
    expect(Object.keys(byPiid)).toEqual(['MONEYBIG01', 'MONEYHALF1', 'MONEYONE01']);
    for (const [piid, row] of Object.entries(byPiid)) {
      const expected = amountsOf(piid).map(cents);
      expect(row.obligations).toEqual(expected);
      expect(row.total).toBe(sum(expected, 2));
    }
    // The figures of the issue: a float sum gave 22345678901234572.04 and 1.005 became 1.00.
    expect(byPiid.MONEYBIG01!.total).toBe('22345678901234571.94');
    expect(byPiid.MONEYBIG01!.obligations).toEqual(['12345678901234567.89', '9999999999999999.99', '1.01', '3.05']);
    expect(byPiid.MONEYHALF1!.obligations).toEqual(['2.68', '-1.01']);
  });

  it('stops the load at an amount that is not plain decimal text or needs more than 18 digits before the point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spendgraph-money-'));
    try {
      const lines = readFileSync(join(fixtures, 'awards/money_contracts.csv'), 'utf8').trim().split('\n');
      for (const [amount, problem] of [
        ['1e5', 'is not an amount'],
        ['12x', 'is not an amount'],
        ['1234567890123456789.00', 'is too large for an amount (at most 18 digits before the point)'],
      ]) {
        const file = join(dir, 'bad_contracts.csv');
        writeFileSync(file, [...lines.slice(0, 2), lines[2]!.replace('"9999999999999999.99"', `"${amount}"`)].join('\n'));
        await expect(ingest(db, { path: file, name: 'money-bad' })).rejects.toThrow(
          `bad_contracts.csv:3: column "dollarsobligated": "${amount}" ${problem}`,
        );
      }
      expect(await db.dataset.count({ where: { name: 'money-bad' } })).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('/api/v1/awards/ and /api/v1/transactions/ write every digit, with cents ("1.00")', async () => {
    const awards = await exactBody('/api/v1/awards/', { dataset: AWARDS, order: ['piid'] });
    expect(awards.status).toBe(200);
    const byPiid = Object.fromEntries(awards.json.results.map((r: any) => [r.piid, r]));
    expect(byPiid.MONEYBIG01.total_obligation).toBe(sum(big.map(cents), 2));
    expect(byPiid.MONEYBIG01.potential_total_value_of_award).toBe('12345678901234567.89');
    expect(byPiid.MONEYONE01.total_obligation).toBe('1.00');
    expect(byPiid.MONEYONE01.potential_total_value_of_award).toBe('1.00');
    expect(byPiid.MONEYHALF1.total_obligation).toBe(sum(amountsOf('MONEYHALF1').map(cents), 2));

    const transactions = await exactBody('/api/v1/transactions/', { dataset: AWARDS, order: ['id'], limit: 100 });
    expect(transactions.status).toBe(200);
    const written = transactions.json.results.map((r: any) => r.federal_action_obligation);
    expect(written).toEqual(csvRows.map((row) => cents(row.dollarsobligated!)));
    expect(transactions.text).not.toMatch(/2234567890123457\d|1234567890123456[89]\.00/);
  });

  it('/api/v1/awards/total/ and /api/v1/transactions/total/ sum exactly', async () => {
    const awardTotal = await exactBody('/api/v1/awards/total/', { dataset: AWARDS, field: 'total_obligation', group: 'type', aggregate: 'sum' });
    expect(awardTotal.status).toBe(200);
    const byType = Object.fromEntries(awardTotal.json.results.map((r: any) => [r.item, r.aggregate]));
    expect(byType).toEqual({
      D: sum(big.map(cents), 2),
      B: sum([...amountsOf('MONEYONE01'), ...amountsOf('MONEYHALF1')].map(cents), 2),
    });
    const byAward = await exactBody('/api/v1/transactions/total/', {
      dataset: AWARDS,
      field: 'federal_action_obligation',
      group: 'award__piid',
      aggregate: 'sum',
    });
    expect(byAward.status).toBe(200);
    const totals = Object.fromEntries(byAward.json.results.map((r: any) => [r.item, r.aggregate]));
    expect(totals.MONEYBIG01).toBe(sum(big.map(cents), 2));
    expect(totals.MONEYONE01).toBe('1.00');
  });

  it('GraphQL awards, transactions and awardTotals answer Decimal strings with the column scale', async () => {
    const result = await execute(
      graphql(`
        query MoneyAwards($dataset: String) {
          awards(dataset: $dataset, orderBy: [{ field: PIID }]) {
            nodes { piid totalObligation potentialTotalValueOfAward transactions { nodes { federalActionObligation } } }
          }
          awardTotals(field: TOTAL_OBLIGATION, aggregates: [SUM, MAX, MIN], groupBy: [PIID], dataset: $dataset) {
            nodes { item sum max min }
          }
        }
      `),
      { dataset: AWARDS },
    );
    expect(result.errors).toBeUndefined();
    const awards = result.data!.awards.nodes;
    expect(awards.map((a) => [a.piid, a.totalObligation])).toEqual(
      ['MONEYBIG01', 'MONEYHALF1', 'MONEYONE01'].map((piid) => [piid, sum(amountsOf(piid).map(cents), 2)]),
    );
    expect(awards.find((a) => a.piid === 'MONEYONE01')!.totalObligation).toBe('1.00');
    expect(awards.find((a) => a.piid === 'MONEYONE01')!.potentialTotalValueOfAward).toBe('1.00');
    expect(awards[0]!.transactions.nodes.map((t) => t.federalActionObligation).sort()).toEqual(big.map(cents).sort());
    const totals = Object.fromEntries(result.data!.awardTotals.nodes.map((n) => [n.item, n]));
    expect(totals.MONEYBIG01).toMatchObject({ sum: sum(big.map(cents), 2), max: sum(big.map(cents), 2) });
    expect(totals.MONEYONE01).toMatchObject({ sum: '1.00', min: '1.00' });
  });
  it('GraphQL money read through a joined relation keeps every digit', async () => {
    // A page's relations arrive inside its own statement as JSON: amounts in it must not pass through a float.
    const result = await execute(
      graphql(`
        query MoneyJoined($dataset: String) {
          awards(dataset: $dataset, orderBy: [{ field: PIID }]) { nodes { piid latestTransaction { federalActionObligation } } }
          transactions(dataset: $dataset, first: 100) { nodes { federalActionObligation award { piid potentialTotalValueOfAward } } }
        }
      `),
      { dataset: AWARDS },
    );
    expect(result.errors).toBeUndefined();
    const transactions = result.data!.transactions.nodes;
    expect(transactions.map((t) => t.federalActionObligation).sort()).toEqual(csvRows.map((row) => cents(row.dollarsobligated!)).sort());
    const potential = transactions.find((t) => t.award?.piid === 'MONEYBIG01')!.award!.potentialTotalValueOfAward;
    expect(potential).toBe('12345678901234567.89');
    const latest = result.data!.awards.nodes.map((a) => a.latestTransaction?.federalActionObligation);
    for (const amount of latest) expect(csvRows.map((row) => cents(row.dollarsobligated!))).toContain(amount);
  });
});

describe('cube measures: JSON number text in the fact store, summed as numeric, written with every digit', () => {
  const amounts = factRows.map((row) => row.amount!);
  const planned = factRows.map((row) => new Exact(row.planned!).times(1000).toFixed());
  const byCode = (code: string, column: 'amount' | 'planned') =>
    factRows.flatMap((row, i) => (row.code === code ? [column === 'amount' ? amounts[i]! : planned[i]!] : []));

  it('stores 9007199254740993 as a JSONB number that PostgreSQL reads exactly', async () => {
    const rows = await db.$queryRaw<{ amount: string; planned: string }[]>`
      SELECT f.data ->> 'amount' AS amount, f.data ->> 'planned' AS planned
      FROM fact f JOIN dataset d ON d.id = f.dataset_id WHERE d.name = ${CUBE} ORDER BY f.row_number`;
    expect(rows.map((row) => row.amount)).toEqual(amounts);
    expect(rows.map((row) => new Exact(row.planned).toFixed())).toEqual(planned);
    expect(rows[0]!.amount).toBe('9007199254740993');
  });

  it('/api/3 aggregate and facts write exact JSON numbers', async () => {
    const aggregate = await exactBody(`/api/3/cubes/${CUBE}/aggregate?drilldown=programme.code&order=programme.code`);
    expect(aggregate.status).toBe(200);
    equalNumber(aggregate.json.summary['amount.sum'], sum(amounts) as Decimal);
    expect(numberText(aggregate.json.summary['amount.sum'])).toBe('21352878155975561.965');
    equalNumber(aggregate.json.summary['planned.sum'], sum(planned) as Decimal);
    expect(numberText(aggregate.json.summary._count)).toBe(String(factRows.length));
    for (const cell of aggregate.json.cells) {
      equalNumber(cell['amount.sum'], sum(byCode(cell['programme.code'], 'amount')) as Decimal);
      equalNumber(cell['planned.sum'], sum(byCode(cell['programme.code'], 'planned')) as Decimal);
    }
    const max = await exactBody(`/api/3/cubes/${CUBE}/aggregate?aggregates=amount.max|amount.min`);
    expect(numberText(max.json.summary['amount.max'])).toBe('12345678901234567.89');
    expect(numberText(max.json.summary['amount.min'])).toBe('0.07');

    const facts = await exactBody(`/api/3/cubes/${CUBE}/facts`);
    expect(facts.status).toBe(200);
    expect(facts.json.data.map((fact: any) => numberText(fact.amount))).toEqual(amounts);
    expect(facts.json.data.map((fact: any) => new Exact(numberText(fact.planned)).toFixed())).toEqual(planned);
    expect(facts.text).toContain('"amount":9007199254740993');
    const csv = await app.request(`/api/3/cubes/${CUBE}/facts?format=csv&fields=amount`);
    expect((await csv.text()).trim().split('\r\n').slice(1)).toEqual(amounts);
    const jsonp = await app.request(`/api/3/cubes/${CUBE}/aggregate?callback=cb`);
    expect(await jsonp.text()).toContain('"amount.sum":21352878155975561.965');
  });

  it('/api/2/aggregate writes exact JSON numbers', async () => {
    const result = await exactBody(`/api/2/aggregate?dataset=${CUBE}&drilldown=programme&measure=amount|planned`);
    expect(result.status).toBe(200);
    equalNumber(result.json.summary.amount, sum(amounts) as Decimal);
    equalNumber(result.json.summary.planned, sum(planned) as Decimal);
    for (const cell of result.json.drilldown) {
      equalNumber(cell.amount, sum(byCode(cell.programme.name, 'amount')) as Decimal);
    }
    const csv = await app.request(`/api/2/aggregate?dataset=${CUBE}&format=csv`);
    expect(await csv.text()).toContain('21352878155975561.965');
  });

  it('GraphQL cube aggregate and facts answer exact decimal strings', async () => {
    const result = await execute(
      graphql(`
        query MoneyCube($name: String!) {
          cube(name: $name) {
            aggregate(drilldown: ["programme.code"]) { summary nodes { key values } }
            facts { nodes { id data } }
          }
        }
      `),
      { name: CUBE },
    );
    expect(result.errors).toBeUndefined();
    type Values = Record<string, string>;
    const cube = result.data!.cube!;
    const summary = cube.aggregate.summary as Values;
    expect(summary['amount.sum']).toBe((sum(amounts) as Decimal).toFixed());
    expect(summary['amount.sum']).toBe('21352878155975561.965');
    for (const cell of cube.aggregate.nodes) {
      const planned = (cell.values as Values)['planned.sum']!;
      expect(new Exact(planned).equals(sum(byCode((cell.key as Values)['programme.code']!, 'planned')))).toBe(true);
    }
    const data = cube.facts.nodes.map((fact) => fact.data as Record<string, unknown>);
    expect(data.map((fact) => fact.amount)).toEqual(amounts);
    expect(data.map((fact) => fact['year.year'])).toEqual(factRows.map((row) => Number(row.year)));
    const node = await execute(
      graphql(`
        query MoneyFactNode($id: ID!) {
          node(id: $id) { ... on Fact { data } }
        }
      `),
      { id: cube.facts.nodes[0]!.id },
    );
    expect(node.errors).toBeUndefined();
    expect((node.data!.node as { data: Record<string, unknown> }).data.amount).toBe('9007199254740993');
  });
});

describe('relation JSON read by joins', () => {
  it('keeps the text of every number a double cannot hold exactly, and parses the others', () => {
    expect(parseRelationJson('{"a":12345678901234567.89,"b":1.5,"c":"x","d":[1234567890123456.7,123456789012345.6]}')).toEqual({
      a: '12345678901234567.89',
      b: 1.5,
      c: 'x',
      d: ['1234567890123456.7', 123456789012345.6],
    });
    expect(parseRelationJson('[{"id":120006,"amount":5522.86,"date":"2017-06-01"}]')).toEqual([{ id: 120006, amount: 5522.86, date: '2017-06-01' }]);
  });
});
