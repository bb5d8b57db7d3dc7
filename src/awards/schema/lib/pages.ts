import { countRows, prepareList, type PreparedList, type ListRequest, type Scope } from '../../query/queries.js';
import { saveRequest } from '../../query/saved.js';
import type { builder } from '../../../builder.js';
import { storable } from './requests.js';

export interface PageSource {
  list: PreparedList;
  request: ListRequest;
  endpoint: string;
  count?: Promise<number>;
}

export async function pageSource(endpoint: string, root: 'Award' | 'Transaction', request: ListRequest, paging: { page: number; limit: number }, scope: Scope): Promise<PageSource> {
  return { list: await prepareList(root, request, paging, scope), request, endpoint };
}

export function countOf(source: PageSource): Promise<number> {
  source.count ??= countRows(source.list);
  return source.count;
}

export async function hasNext(source: PageSource): Promise<boolean> {
  return source.list.skip + source.list.take < (await countOf(source));
}

export function reqOf(source: PageSource): Promise<string> {
  return saveRequest(source.endpoint, storable(source.request));
}

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The paging fields shared by AwardPage and TransactionPage; `noun` names the rows in descriptions. */
export function pageInfoFields(t: PothosSchemaTypes.ObjectFieldBuilder<Types, PageSource>, noun: string) {
  return {
    totalCount: t.int({ description: `${noun} matching the filter, over all pages.`, resolve: countOf }),
    page: t.int({ resolve: (s) => s.list.page }),
    limit: t.int({ description: 'Rows per page (1 to 500).', resolve: (s) => s.list.limit }),
    hasNextPage: t.boolean({ resolve: hasNext }),
    hasPreviousPage: t.boolean({ resolve: (s) => s.list.page > 1 }),
    req: t.string({ description: 'Pass as `req` (GraphQL or REST) to re-run this request with any page.', resolve: reqOf }),
  };
}
