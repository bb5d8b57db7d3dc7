import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import { BigIntResolver, DateResolver, DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Context } from './context.js';
import { db } from './db.js';
import type PrismaTypes from './generated/pothos-types.js';
import { complexityError, fieldComplexity } from './graphql-limits.js';
import { getDatamodel } from './generated/pothos-types.js';
import { DecimalScalar } from './shared/scalars.js';

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    ID: { Input: string; Output: number | string };
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    Decimal: { Input: string; Output: string | number | { toFixed(): string } };
    BigInt: { Input: bigint; Output: bigint | number };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ComplexityPlugin, PrismaPlugin],
  complexity: {
    fieldComplexity,
    complexityError,
    limit: (ctx) => ctx.complexityLimit,
  },
  prisma: {
    client: db,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('Date', DateResolver);
builder.addScalarType('JSON', JSONResolver);
builder.addScalarType('Decimal', DecimalScalar);
builder.addScalarType('BigInt', BigIntResolver);

builder.queryType({});
builder.mutationType({});
