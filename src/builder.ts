import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import LoadedColumnsPlugin from './shared/loaded-columns-plugin.js';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import { BigIntResolver, DateResolver, DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Context } from './context.js';
import { db } from './db.js';
import type PrismaTypes from './generated/pothos-types.js';
import { complexityError, fieldComplexity } from './graphql-limits.js';
import { getDatamodel } from './generated/pothos-types.js';
import { DecimalScalar } from './shared/scalars.js';
import { decodeNodeId, encodeNodeId } from './shared/node-id.js';
import type { ConnectionResult } from './shared/connection.js';

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount: ConnectionResult<unknown>['totalCount'] };
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
  // LoadedColumns first: its wrapper is the outermost, around plugin-prisma's (src/shared/loaded-columns-plugin.ts).
  plugins: [LoadedColumnsPlugin, ComplexityPlugin, RelayPlugin, PrismaPlugin],
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesOnConnection: { description: 'The rows of this page (the nodes of `edges`, without their cursors).' },
    encodeGlobalID: encodeNodeId,
    decodeGlobalID: decodeNodeId,
    nodeTypeOptions: {
      description: 'An object with a global id: refetch it with `node(id)`; clients cache it under `__typename` and `id`.',
    },
    idFieldOptions: { description: 'Global id of this object (opaque; unique across every type and dataset).' },
    nodeQueryOptions: {
      description: 'Any object by its global id; null when there is none or the caller may not see it.',
      args: { id: { description: 'A global id, as read from an `id` field.' } },
    },
    nodesQueryOptions: {
      description: 'Objects by their global ids, in the same order; null for each one missing.',
      args: { ids: { description: 'Global ids, as read from `id` fields.' } },
    },
    pageInfoTypeOptions: { description: 'Where a page sits in its list.' },
    cursorFieldOptions: { description: 'Pass as `after` (or `before`) to continue from this row.' },
    nodeFieldOptions: { nullable: false, description: 'The row.' },
    edgesFieldOptions: { nullable: false, description: 'The rows of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Cursors and whether more rows come before or after this page.' },
    hasNextPageFieldOptions: { description: 'More rows follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Rows come before this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first row of this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last row of this page.' },
    firstArgOptions: { description: 'Rows to return from the start (after `after`, skipping `offset`).' },
    lastArgOptions: { description: 'Rows to return from the end (before `before`).' },
    afterArgOptions: { description: 'Start after the row with this cursor.' },
    beforeArgOptions: { description: 'Stop before the row with this cursor.' },
  },
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

builder.queryType({ description: 'Everything Spendgraph answers: the catalog and the three families of datasets.' });
builder.mutationType({ description: 'Changes to datasets; each needs an API key with write permission.' });

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'Rows in the whole list (every page), counted only when asked for.',
    resolve: (connection) => connection.totalCount(),
  }),
);
