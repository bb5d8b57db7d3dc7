import type { GraphQLResolveInfo } from 'graphql';
import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Context } from '../../../context.js';
import { db } from '../../../db.js';
import { arrayConnection, type ConnectionArgs } from '../../../shared/connection.js';
import { loaderOf } from '../../../shared/loaders.js';
import { canonicalJson } from '../../query/saved.js';

const limits = { defaultSize: 100, maxSize: 500 };

/**
 * The transactions of one award as a connection. The awards of a list load theirs in one query (per selection),
 * each then paged in memory: an award has few transactions, and this keeps statements independent of the page size.
 */
export async function transactionsOf(awardId: number, args: ConnectionArgs, ctx: Context, info: GraphQLResolveInfo) {
  const query = queryFromInfo({ context: ctx, info, typeName: 'Transaction', paths: [['edges', 'node'], ['nodes']] });
  const loader = loaderOf<number, unknown[]>(ctx, `awards:transactionsOf:${canonicalJson(query)}`, async (ids) => {
    const rows = await db.transaction.findMany({
      ...query,
      where: { awardId: { in: [...ids] } },
      orderBy: [{ actionDate: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    });
    const byAward = new Map<number, unknown[]>(ids.map((id) => [id, []]));
    for (const row of rows) byAward.get(row.awardId!)?.push(row);
    return ids.map((id) => byAward.get(id)!);
  });
  return arrayConnection(await loader.load(awardId), args, limits);
}
