import type { Prisma } from '../../../generated/prisma/client.js';

/**
 * An award's own rows (transactions, financial accounts) as the relation its page query selects. A page of awards
 * reads them in its own statement: with relation joins the rows of each award arrive as one JSON array beside it,
 * so a page with its awards' children is one statement whatever its size and depth. They are paged in memory per
 * award: an award has few of them.
 */
export const awardChildren = {
  transactions: {
    typeName: 'Transaction',
    orderBy: [{ actionDate: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }] satisfies Prisma.TransactionOrderByWithRelationInput[],
  },
  awardAccounts: {
    typeName: 'AwardAccount',
    orderBy: [{ id: 'asc' }] satisfies Prisma.AwardAccountOrderByWithRelationInput[],
  },
} as const;

export type AwardChildRelation = keyof typeof awardChildren;

/** Where a connection's rows are in its selection: `nodes` and `edges { node }`. */
export const connectionNodePaths = [[{ name: 'nodes' }], [{ name: 'edges' }, { name: 'node' }]];
