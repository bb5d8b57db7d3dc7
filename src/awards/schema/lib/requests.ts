import type { GraphQLResolveInfo } from 'graphql';
import { queryFromInfo } from '@pothos/plugin-prisma';
import { visibleDatasets } from '../../../access/principal.js';
import { plainCount, plainFindMany } from '../../../db/plain-reads.js';
import type { Context } from '../../../context.js';
import { stripLocations } from '../../../shared/filter/ast.js';
import { resolveConnection, type ConnectionArgs, type ConnectionResult } from '../../../shared/connection.js';
import { requestMemo } from '../../../shared/loaders.js';
import { buildWhere, compileOrder, delegate, loadStrategy, requestScope, type ListRequest, type Scope } from '../../query/queries.js';
import { loadRequest, saveRequest } from '../../query/saved.js';
import { filterOf } from '../inputs/filter.js';
import { orderEntries, type RootModel } from '../inputs/fields.js';

/** The caller's dataset scope, made once per request so its dataset ids are resolved once (see datasetIds). */
export function scopeOf(ctx: Context): Promise<Scope> {
  return requestMemo(ctx, 'awards:scope', async () => requestScope(visibleDatasets(ctx.principal)));
}

export interface ListArgs extends ConnectionArgs {
  filter?: Record<string, unknown> | null;
  orderBy?: { field: string; direction: 'asc' | 'desc' }[] | null;
  dataset?: string | null;
  req?: string | null;
}

/** GraphQL list arguments as the stored request, or the stored request behind `req`. */
export async function listRequestOf(root: RootModel, endpoint: string, args: ListArgs): Promise<ListRequest> {
  if (args.req) {
    const stored = await loadRequest<ListRequest>(endpoint, args.req);
    return { filter: stored.filter ?? null, dialect: stored.dialect ?? 'rest', order: stored.order ?? [], dataset: stored.dataset ?? null };
  }
  return { filter: filterOf(root, args.filter), dialect: 'graphql', order: orderEntries(args.orderBy), dataset: args.dataset ?? null };
}

export function storable(request: ListRequest): ListRequest {
  return { filter: stripLocations(request.filter), dialect: request.dialect, order: request.order, dataset: request.dataset ?? null };
}

/** What an awards or transactions connection resolves to: its rows plus what `req` stores. */
export type ListConnection<T> = ConnectionResult<T> & { endpoint: string; request: ListRequest };

export const listLimits = { defaultSize: 100, maxSize: 500 };

/**
 * One page of awards or transactions with everything the selection asks below `edges.node` and `nodes` folded
 * into the one findMany (so statements do not grow with the page size or the depth of to-one relations).
 */
export async function resolveList<T>(root: RootModel, endpoint: string, args: ListArgs, ctx: Context, info: GraphQLResolveInfo): Promise<ListConnection<T>> {
  const request = await listRequestOf(root, endpoint, args);
  const orderBy = compileOrder(root, request.order, args.req ? ['req'] : ['orderBy'], true);
  const where = await buildWhere(root, request.filter, request.dataset, await scopeOf(ctx), request.dialect);
  const query = queryFromInfo({ context: ctx, info, typeName: root, paths: [['edges', 'node'], ['nodes']] });
  const connection = await resolveConnection(
    args,
    listLimits,
    (window) => {
      const page = { ...query, relationLoadStrategy: loadStrategy(window.offset), where, orderBy, skip: window.offset, take: window.limit };
      return plainFindMany<T>(root, page) ?? (delegate(root).findMany(page as never) as Promise<T[]>);
    },
    () => plainCount(root, where) ?? delegate(root).count({ where }),
    info,
  );
  return { ...connection, endpoint, request };
}

export function reqOf(connection: { endpoint: string; request: ListRequest }): Promise<string> {
  return saveRequest(connection.endpoint, storable(connection.request));
}
