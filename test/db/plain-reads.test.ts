import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { plainColumns, plainCount, plainFindMany } from '../../src/db/plain-reads.js';
import { preparedName } from '../../src/db/statement-names.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { models } from '../../src/awards/query/registry.js';
import { loadAwardSamples } from '../awards/samples.js';

const schema = readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
const bodyOf = (model: string) => new RegExp(`^model ${model} \\{([\\s\\S]*?)^\\}`, 'm').exec(schema)![1]!;

/** Each field's column as prisma/schema.prisma maps it, for `model`. */
function mappedColumns(model: string): Record<string, string> {
  const body = bodyOf(model);
  const out: Record<string, string> = {};
  for (const line of body.split('\n')) {
    const field = /^\s+(\w+)\s+\w+(?:\[\])?\??(?:\s|$)/.exec(line);
    if (field) out[field[1]!] = /@map\("(\w+)"\)/.exec(line)?.[1] ?? field[1]!;
  }
  return out;
}

const awardFields = {
  id: true, type: true, description: true, totalObligation: true, totalOutlay: true, dateSigned: true,
  periodOfPerformanceStartDate: true, periodOfPerformanceCurrentEndDate: true, createDate: true, updateDate: true,
  awardingAgencyId: true, recipientId: true, piid: true, fain: true, uri: true, category: true,
} as const;

let datasetIds: number[] = [];
let someType = '';
let aDate = new Date(0);

beforeAll(async () => {
  await loadAwardSamples();
  datasetIds = (await db.dataset.findMany({ where: { family: 'AWARDS' }, select: { id: true } })).map((row) => row.id);
  const sample = await db.award.findFirst({ where: { type: { not: null }, dateSigned: { not: null } }, orderBy: { id: 'asc' } });
  someType = sample!.type!;
  aDate = sample!.dateSigned!;
});

describe('plain reads', () => {
  it('map every model, field and relation to the table and columns prisma/schema.prisma gives them', () => {
    for (const model of Object.keys(models)) {
      const plain = plainColumns(model)!;
      const body = bodyOf(model);
      expect([model, plain.table]).toEqual([model, /@@map\("(\w+)"\)/.exec(body)?.[1]]);
      const mapped = mappedColumns(model);
      expect(Object.keys(plain.columns).length).toBeGreaterThan(2);
      for (const [field, column] of Object.entries(plain.columns)) expect([model, field, column]).toEqual([model, field, mapped[field]]);
      // Joins are written on the target's id.
      for (const relation of body.matchAll(/@relation\([^)]*fields:[^)]*\)/g)) expect(relation[0]).toContain('references: [id]');
    }
  });

  const filters: [string, () => Prisma.AwardWhereInput][] = [
    ['no filter', () => ({})],
    ['dataset scope', () => ({ datasetId: { in: datasetIds } })],
    ['and/or/not as the bench sends', () => ({
      AND: [{ datasetId: { in: datasetIds } }, {
        type: { in: ['a', 'B', 'c', 'D', someType.toLowerCase()], mode: 'insensitive' },
        OR: [{ totalObligation: { gte: '1000', lte: '2000000' } }, { dateSigned: { gte: aDate } }],
        NOT: { type: { equals: 'C', mode: 'insensitive' } },
      }],
    })],
    ['null tests', () => ({ totalOutlay: null, OR: [{ dateSigned: { equals: null } }, { dateSigned: { not: null } }] })],
    ['date range', () => ({ dateSigned: { gte: new Date('2016-10-01T00:00:00Z'), lt: new Date('2017-10-01T00:00:00Z') } })],
    ['decimal comparisons', () => ({ totalObligation: { gt: new Prisma.Decimal('0.5'), lte: '100000000' } })],
    ['insensitive contains and startsWith', () => ({ OR: [{ description: { contains: 'a', mode: 'insensitive' } }, { piid: { startsWith: 'A', mode: 'insensitive' } }] })],
    ['case-sensitive contains', () => ({ description: { contains: 'e' } })],
    ['empty list matches nothing', () => ({ id: { in: [] } })],
    ['id list', () => ({ id: { in: [1, 2, 3, 5, 8, 13, 21] } })],
    ['NOT list', () => ({ NOT: [{ type: { equals: someType } }, { totalObligation: { lt: '0' } }] })],
    ['empty AND', () => ({ AND: [] })],
    ['timestamps', () => ({ createDate: { lt: new Date('2100-01-01T00:00:00Z') } })],
    ['ints', () => ({ awardingAgencyId: { gte: 1 }, recipientId: { not: null } })],
    ['ILIKE equality', () => ({ type: { equals: someType.toLowerCase(), mode: 'insensitive' } })],
    // Lists travel as one array parameter: items an array literal must quote (commas, braces, quotes, backslashes, the
    // word NULL, spaces) still compare as the text they are.
    ['list items an array literal quotes', () => ({
      OR: [
        { type: { in: ['a,b', '{c}', 'd"e', 'f\\g', 'NULL', ' h ', someType.toLowerCase()], mode: 'insensitive' } },
        { piid: { in: ['x,y', 'NULL', '"'] } },
      ],
    })],
    ['case-sensitive text list', () => ({ type: { in: [someType, someType.toLowerCase(), 'zz'] } })],
    ['decimal list', () => ({ OR: [{ totalObligation: { in: ['0', '1000.5', new Prisma.Decimal('-2.25')] } }, { id: { in: [2, 4] } }] })],
  ];
  const orders: Prisma.AwardOrderByWithRelationInput[][] = [
    [{ id: 'asc' }],
    [{ totalObligation: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }],
    [{ dateSigned: { sort: 'asc', nulls: 'first' } }, { type: 'desc' }, { id: 'asc' }],
  ];

  it.each(filters)('give the rows, types and counts Prisma gives: %s', async (_name, where) => {
    for (const [i, orderBy] of orders.entries()) {
      for (const [skip, take] of [[0, 7], [3, 500]]) {
        await same('Award', { select: awardFields, where: where(), orderBy, skip, take }, `order ${i}, skip ${skip}`);
      }
    }
    expect(await plainCount('Award', where() as Record<string, unknown>)).toBe(await db.award.count({ where: where() }));
  });

  const nested = {
    ...awardFields,
    awardingAgency: { select: { id: true, toptierAgency: { select: { id: true, name: true } }, subtierAgency: { select: { name: true } } } },
    fundingAgency: { select: { toptierAgency: { select: { name: true, abbreviation: true } } } },
    recipient: { select: { id: true, recipientName: true, location: { select: { id: true, stateCode: true, cityName: true } } } },
    placeOfPerformance: true,
    transactions: {
      orderBy: [{ actionDate: { sort: 'desc' as const, nulls: 'last' as const } }, { id: 'desc' as const }],
      select: { id: true, awardId: true, federalActionObligation: true, actionDate: true, awardingAgency: { select: { id: true, toptierAgency: { select: { name: true } } } } },
    },
  };
  const relationFilters: [string, () => Prisma.AwardWhereInput][] = [
    ['to-one, two levels', () => ({ recipient: { is: { location: { is: { stateCode: { in: ['CA', 'va', 'TX'], mode: 'insensitive' } } } } } })],
    ['isNot', () => ({ awardingAgency: { isNot: { toptierAgency: { is: { name: { contains: 'treasury', mode: 'insensitive' } } } } } })],
    ['is null and isNot null', () => ({ OR: [{ fundingAgency: { is: null } }, { awardingAgency: { isNot: null }, totalObligation: { gt: '100000' } }] })],
    ['negated relation filter', () => ({ NOT: { recipient: { is: { recipientName: { startsWith: 'a', mode: 'insensitive' } } } } })],
    // Some recipients are abroad, without a state: the condition on their state is null, and so is its negation.
    ['negated relation filter over null columns', () => ({ NOT: { recipient: { is: { location: { is: { stateCode: { startsWith: 'c', mode: 'insensitive' } } } } } } })],
    ['some and none transactions', () => ({ transactions: { some: { federalActionObligation: { gt: '0' } } }, NOT: { transactions: { none: {} } } })],
    ['none with a condition', () => ({ transactions: { none: { actionDate: { lt: aDate } } } })],
  ];
  it.each(relationFilters)('read relations and relation filters as Prisma does: %s', async (_name, where) => {
    await same('Award', { select: nested, where: where(), orderBy: [{ id: 'asc' }], take: 40 }, 'nested');
    await same('Award', { select: { id: true }, where: where(), orderBy: [{ recipient: { recipientName: { sort: 'asc', nulls: 'last' } } }, { id: 'desc' }] }, 'ordered by a relation');
    const count = await db.award.count({ where: where() });
    expect(await plainCount('Award', where() as Record<string, unknown>)).toBe(count);
    // Each filter keeps some awards and leaves others out, so a wrong reading of it would show.
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(await db.award.count());
  });

  it('have awards whose related rows hold nulls, where a relation filter reads as SQL does', async () => {
    expect(await db.award.count({ where: { recipient: { is: { location: { is: { stateCode: null } } } } } })).toBeGreaterThan(0);
  });

  it('read a page with its children in two statements, however deep its to-one relations', async () => {
    const expected = await db.award.findMany({ select: nested, orderBy: [{ id: 'asc' }] });
    expect(expected.some((award) => award.transactions.length > 1 && award.recipient?.location)).toBe(true);
    expect(expected.some((award) => award.transactions.length === 0 || award.fundingAgency === null)).toBe(true);
    await same('Award', { select: nested, orderBy: [{ id: 'asc' }] }, 'all awards');
  });

  it('have rows to compare: the filters select some and not all', async () => {
    const total = await db.award.count();
    expect(total).toBeGreaterThan(20);
    const selective = await plainCount('Award', filters[2]![1]() as Record<string, unknown>);
    expect(selective).toBeGreaterThan(0);
    expect(selective).toBeLessThan(total);
  });

  it('read transactions with their own types', async () => {
    const args = {
      select: { id: true, actionDate: true, federalActionObligation: true, fiscalYear: true, modificationNumber: true, awardId: true, award: { select: { id: true, piid: true } } },
      where: { fiscalYear: { gte: 2000 }, federalActionObligation: { not: null } },
      orderBy: [{ actionDate: { sort: 'desc' as const, nulls: 'last' as const } }, { id: 'asc' as const }],
      skip: 1,
      take: 50,
    };
    await same('Transaction', args, 'transactions');
    expect(await plainCount('Transaction', args.where)).toBe(await db.transaction.count({ where: args.where }));
  });

  it('page the children of each award as Prisma does', async () => {
    const transactions = { select: { federalActionObligation: true, actionDate: true }, orderBy: [{ id: 'desc' as const }], skip: 1, take: 2 };
    await same('Award', { select: { id: true, transactions }, orderBy: [{ id: 'asc' }] }, 'children paged');
    await same('Award', { select: { transactions: { select: { id: true }, where: { federalActionObligation: { gt: '0' } }, orderBy: [{ id: 'asc' as const }] } } }, 'children filtered, parent key not selected');
  });

  it('read a recurring page, prepared and then planned once for all values, as Prisma does for each value', async () => {
    // The same statement text with other values each time: after a few executions on a connection PostgreSQL keeps a
    // generic plan of the prepared statement, which must answer for every value as a fresh plan would.
    // Lists of other lengths too: a list is one array parameter, so they share the statement.
    const states = ['CA', 'tx', 'VA', 'ny', 'MD', 'wa'];
    const amounts = ['0', '500', '2500', '10000', '50000', '250000', '1000000', '5000000', '-1', '100'];
    for (const [i, amount] of amounts.entries()) {
      const where = { totalObligation: { gt: amount }, recipient: { is: { location: { is: { stateCode: { in: states.slice(i % 3, (i % 3) + 1 + (i % 4)), mode: 'insensitive' } } } } } };
      await same('Award', { select: nested, where, orderBy: [{ id: 'asc' }], take: 7 }, `amount > ${amount}`);
      expect(await plainCount('Award', where as Record<string, unknown>)).toBe(await db.award.count({ where: where as Prisma.AwardWhereInput }));
    }
  });

  it('prepare a statement the second time its text comes, and forget texts that stop coming', () => {
    const text = `SELECT 1 /* ${Math.random()} */`;
    expect(preparedName(text)).toBeUndefined();
    const name = preparedName(text);
    expect(name).toMatch(/^sg_[0-9a-f]{40}$/);
    expect(preparedName(text)).toBe(name);
    expect(preparedName(`${text} `)).toBeUndefined();
    for (let i = 0; i < 300; i += 1) preparedName(`SELECT ${i} /* other */`);
    expect(preparedName(text)).toBeUndefined();
  });

  it('leave to Prisma what they do not write: cursors, not-value, counts, children of children, Json, other models', () => {
    const select = { id: true };
    expect(plainFindMany('Award', { include: { recipient: true } })).toBeUndefined();
    expect(plainFindMany('Award', { select: { id: true, _count: { select: { transactions: true } } } })).toBeUndefined();
    expect(plainFindMany('Award', { select: { transactions: { select: { award: { select: { transactions: { select } } } } } } })).toBeUndefined();
    expect(plainFindMany('Award', { select: { transactions: { select, cursor: { id: 1 } } } })).toBeUndefined();
    expect(plainFindMany('Award', { select, where: { recipient: { recipientName: 'x' } } })).toBeUndefined();
    expect(plainFindMany('Award', { select, where: { transactions: { every: {} } } })).toBeUndefined();
    expect(plainFindMany('Award', { select, cursor: { id: 1 } })).toBeUndefined();
    expect(plainFindMany('Award', { select, where: { type: { not: 'A' } } })).toBeUndefined();
    expect(plainFindMany('Award', { select, where: { OR: [] } })).toBeUndefined();
    expect(plainFindMany('Transaction', { select: { id: true, contractData: true } })).toBeUndefined();
    expect(plainFindMany('Dataset', { select })).toBeUndefined();
    expect(plainCount('Award', { awardingAgency: { every: {} } })).toBeUndefined();
  });
});

/** `findMany(args)` read plainly gives what Prisma gives: the same rows, values of the same classes, exact amounts. */
async function same(model: 'Award' | 'Transaction', args: Record<string, unknown>, label: string): Promise<void> {
  const plain = plainFindMany<Record<string, unknown>>(model, args);
  expect(plain, `${label}: a plain read`).toBeDefined();
  const expected = await (model === 'Award' ? db.award.findMany(args as never) : db.transaction.findMany(args as never));
  const got = await plain!;
  expect(got.length, label).toBe(expected.length);
  sameClasses(got, expected, label);
}

/** The same rows and values as Prisma's, of the same classes, except that a Decimal arrives as the column's text. */
function sameClasses(got: unknown, want: unknown, at: string): void {
  if (Prisma.Decimal.isDecimal(want)) {
    // numeric(p, 2): PostgreSQL's text has both digits of the scale, where a Decimal's drops trailing zeros.
    expect(got, at).toBe((want as Prisma.Decimal).toFixed(2));
    return;
  }
  expect(got?.constructor, at).toBe(want?.constructor);
  if (want === null || typeof want !== 'object') expect(got, at).toBe(want);
  else if (want instanceof Date) expect((got as Date).toISOString(), at).toBe(want.toISOString());
  else if (Array.isArray(want)) {
    expect((got as unknown[]).length, at).toBe(want.length);
    want.forEach((item, i) => sameClasses((got as unknown[])[i], item, `${at}[${i}]`));
  } else {
    expect(Object.keys(got as object).sort(), at).toEqual(Object.keys(want).sort());
    for (const [key, value] of Object.entries(want)) sameClasses((got as Record<string, unknown>)[key], value, `${at}.${key}`);
  }
}
