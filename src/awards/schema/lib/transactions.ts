import type { GraphQLResolveInfo } from 'graphql';
import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Context } from '../../../context.js';
import { db } from '../../../db.js';
import { arrayConnection, type ConnectionArgs } from '../../../shared/connection.js';
import { loaderOf } from '../../../shared/loaders.js';
import { canonicalJson } from '../../query/saved.js';

const limits = { defaultSize: 100, maxSize: 500 };

type Child = { awardId: number | null };
type Find = (query: object, awardIds: number[]) => Promise<Child[]>;

/**
 * Rows of one award as a connection. The awards of a list load theirs in one query (per selection, with the
 * relations selected below them joined in), each then paged in memory: an award has few of them, and this keeps
 * statements independent of the page size and of the depth below.
 */
async function childrenOf(typeName: 'Transaction' | 'AwardAccount', find: Find, awardId: number, args: ConnectionArgs, ctx: Context, info: GraphQLResolveInfo) {
  const query = queryFromInfo({ context: ctx, info, typeName, paths: [['edges', 'node'], ['nodes']] });
  const loader = loaderOf<number, unknown[]>(ctx, `awards:${typeName}Of:${canonicalJson(query)}`, async (ids) => {
    const rows = await find(query, [...ids]);
    const byAward = new Map<number, unknown[]>(ids.map((id) => [id, []]));
    for (const row of rows) byAward.get(row.awardId!)?.push(row);
    return ids.map((id) => byAward.get(id)!);
  });
  return arrayConnection(await loader.load(awardId), args, limits);
}

/** The transactions of one award, latest action first. */
export function transactionsOf(awardId: number, args: ConnectionArgs, ctx: Context, info: GraphQLResolveInfo) {
  const find: Find = (query, ids) =>
    db.transaction.findMany({
      ...query,
      relationLoadStrategy: 'join',
      where: { awardId: { in: ids } },
      orderBy: [{ actionDate: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    } as never);
  return childrenOf('Transaction', find, awardId, args, ctx, info);
}

/** The financial accounts of one award, in id order. */
export function awardAccountsOf(awardId: number, args: ConnectionArgs, ctx: Context, info: GraphQLResolveInfo) {
  const find: Find = (query, ids) =>
    db.awardAccount.findMany({ ...query, relationLoadStrategy: 'join', where: { awardId: { in: ids } }, orderBy: { id: 'asc' } } as never);
  return childrenOf('AwardAccount', find, awardId, args, ctx, info);
}
