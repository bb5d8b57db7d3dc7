import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import { graphql } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import type PrismaTypes from '../../src/generated/pothos-types.js';
import { getDatamodel } from '../../src/generated/pothos-types.js';
import LoadedColumnsPlugin, { plainColumns } from '../../src/shared/loaded-columns-plugin.js';

// The plugin on a schema of its own, over the real database: which Prisma operations a query sends shows whether a
// field read its columns off the row or had plugin-prisma load them.
const operations: string[] = [];
const client = db.$extends({
  query: {
    $allOperations({ model, operation, args, query }) {
      operations.push(`${model}.${operation}`);
      return query(args);
    },
  },
});

function schemaWith(plugins: (typeof LoadedColumnsPlugin | typeof PrismaPlugin)[]) {
  const builder = new SchemaBuilder<{ PrismaTypes: PrismaTypes }>({
    plugins,
    prisma: { client: client as never, dmmf: getDatamodel() },
  });
  const Award = builder.prismaObject('Award', {
    select: { id: true },
    fields: (t) => ({
      rowId: t.exposeInt('id'),
      type: t.exposeString('type', { nullable: true }),
      total: t.string({ nullable: true, select: { totalObligation: true }, resolve: (award) => award.totalObligation?.toFixed(2) ?? null }),
      recipientName: t.string({ nullable: true, select: { recipient: { select: { recipientName: true } } }, resolve: (award) => award.recipient?.recipientName ?? null }),
    }),
  });
  builder.queryType({
    fields: (t) => ({
      // Loads what the selection plans.
      planned: t.prismaField({ type: Award, nullable: true, args: { id: t.arg.int({ required: true }) }, resolve: (query, _root, { id }) => client.award.findUnique({ ...query, where: { id } }) as never }),
      // An award from outside plugin-prisma's plan (a plain field): the id alone, every other column missing.
      idOnly: t.field({ type: Award, nullable: true, args: { id: t.arg.int({ required: true }) }, resolve: (_root, { id }) => client.award.findUnique({ select: { id: true }, where: { id } }) as never }),
    }),
  });
  return builder.toSchema();
}

const withPlugin = schemaWith([LoadedColumnsPlugin, PrismaPlugin]);
const prismaAlone = schemaWith([PrismaPlugin]);

async function run(schema: ReturnType<typeof schemaWith>, source: string, id: number) {
  operations.length = 0;
  const result = await graphql({ schema, source, variableValues: { id }, contextValue: {} });
  expect(result.errors).toBeUndefined();
  return { data: result.data as Record<string, Record<string, unknown> | null>, operations: [...operations] };
}

let award: { id: number; type: string | null; total: string | null; recipientName: string | null };

beforeAll(async () => {
  const row = await db.award.findFirstOrThrow({
    where: { totalObligation: { not: null }, recipient: { recipientName: { not: null } } },
    select: { id: true, type: true, totalObligation: true, recipient: { select: { recipientName: true } } },
    orderBy: { id: 'asc' },
  });
  award = { id: row.id, type: row.type, total: row.totalObligation!.toFixed(2), recipientName: row.recipient!.recipientName };
});

describe('loaded columns', () => {
  const fields = '{ rowId type total recipientName }';

  it('answers from the row the planned query loaded, in one statement, as plugin-prisma does', async () => {
    const source = `query ($id: Int!) { planned(id: $id) ${fields} }`;
    const fast = await run(withPlugin, source, award.id);
    const plain = await run(prismaAlone, source, award.id);
    expect(fast.data.planned).toEqual({ rowId: award.id, type: award.type, total: award.total, recipientName: award.recipientName });
    expect(fast).toEqual(plain);
    expect(fast.operations).toEqual(['Award.findUnique']);
  });

  it('still loads a column the row lacks, through plugin-prisma', async () => {
    const source = `query ($id: Int!) { idOnly(id: $id) ${fields} }`;
    const fast = await run(withPlugin, source, award.id);
    expect(fast.data.idOnly).toEqual({ rowId: award.id, type: award.type, total: award.total, recipientName: award.recipientName });
    expect(fast.operations.length).toBeGreaterThan(1);
    expect(fast.operations.slice(1).every((operation) => operation.startsWith('Award.'))).toBe(true);
  });

  it('reads a column that is on the row without loading it again', async () => {
    const source = `query ($id: Int!) { idOnly(id: $id) { rowId } }`;
    const fast = await run(withPlugin, source, award.id);
    const plain = await run(prismaAlone, source, award.id);
    expect(fast.data.idOnly).toEqual({ rowId: award.id });
    expect(plain.data.idOnly).toEqual({ rowId: award.id });
    expect(fast.operations).toEqual(['Award.findUnique']);
    // plugin-prisma alone cannot tell the row holds the id, and loads it again.
    expect(plain.operations.length).toBeGreaterThan(1);
  });

  it('takes only selects of plain columns of the model', () => {
    expect(plainColumns('Award', { totalObligation: true })).toEqual(['totalObligation']);
    expect(plainColumns('Award', { id: true, dateSigned: true })).toEqual(['id', 'dateSigned']);
    expect(plainColumns('Award', { recipient: true })).toBeUndefined();
    expect(plainColumns('Award', { recipient: { select: { recipientName: true } } })).toBeUndefined();
    expect(plainColumns('Award', { notAColumn: true })).toBeUndefined();
    expect(plainColumns('Award', () => ({ id: true }))).toBeUndefined();
    expect(plainColumns('Award', {})).toBeUndefined();
    expect(plainColumns(undefined, { id: true })).toBeUndefined();
  });
});
