import type { FilterNode } from '../../query/filter/ast.js';
import { stripLocations } from '../../query/filter/ast.js';
import { fromGraphqlFilter, type FilterInput } from '../../query/filter/graphql.js';
import { clampPage, type ListRequest, type PageRequest } from '../../query/queries.js';
import { loadRequest } from '../../query/saved.js';

export interface ListArgs {
  filter?: FilterInput | null;
  order?: string[] | null;
  dataset?: string | null;
  req?: string | null;
  page?: number | null;
  limit?: number | null;
}

/** GraphQL list arguments as the stored request (or the stored request behind `req`) plus live paging. */
export async function listRequestOf(endpoint: string, args: ListArgs): Promise<{ request: ListRequest; paging: PageRequest }> {
  const paging = clampPage(args.page, args.limit);
  if (args.req) {
    const stored = await loadRequest<ListRequest>(endpoint, args.req);
    return { request: { filter: stored.filter ?? null, order: stored.order ?? [], dataset: stored.dataset ?? null }, paging };
  }
  const filter: FilterNode | null = fromGraphqlFilter(args.filter);
  return { request: { filter, order: args.order ?? [], dataset: args.dataset ?? null }, paging };
}

export function storable(request: ListRequest): ListRequest {
  return { filter: stripLocations(request.filter), order: request.order, dataset: request.dataset ?? null };
}
