import { countRows, prepareList, type PreparedList, type ListRequest, type Scope } from '../../../awards/queries.js';
import { saveRequest } from '../../../awards/saved.js';
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
