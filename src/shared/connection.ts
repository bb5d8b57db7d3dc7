/**
 * The one paging convention of the GraphQL API: Relay connections (`first/after`, `last/before`, plus `offset` for
 * page-number UIs) with `edges { cursor node }`, `nodes`, `pageInfo` and `totalCount`. Cursors are opaque offsets,
 * so every list pages the same way whatever its storage. Sizes out of range are a BAD_USER_INPUT error, never a
 * silent clamp.
 */
import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type FragmentSpreadNode,
  type GraphQLResolveInfo,
  type InlineFragmentNode,
  type SelectionNode,
} from 'graphql';
import { cursorToOffset, offsetToCursor } from '@pothos/plugin-relay';
import { badInput } from '../errors.js';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  offset?: number | null;
}

export interface PageWindow {
  /** Rows to skip. */
  offset: number;
  /** Rows to return. */
  limit: number;
}

export interface SizeLimits {
  /** Rows when neither first nor last is given. */
  defaultSize: number;
  /** Largest first/last accepted. */
  maxSize: number;
}

/** What a connection field resolves to: the plugin's shape plus a lazily counted total. */
export interface ConnectionResult<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number> | number;
}

function size(name: 'first' | 'last', value: number, { maxSize }: SizeLimits): number {
  if (!Number.isInteger(value) || value < 0 || value > maxSize) {
    throw badInput(`${name} must be between 0 and ${maxSize}, got ${value}`, [name]);
  }
  return value;
}

function cursor(name: 'after' | 'before', value: string): number {
  let offset: number;
  try {
    offset = cursorToOffset(value);
  } catch {
    offset = Number.NaN;
  }
  if (!Number.isInteger(offset) || offset < 0) throw badInput(`${name} is not a cursor of this list: "${value.slice(0, 60)}"`, [name]);
  return offset;
}

/**
 * The rows a connection request asks for. `last` without `before` counts from the end and needs the total, which
 * `count` supplies only then. Without a count to wait for, the window is there at once (a list in memory answers
 * without a promise, so graphql-js completes its nodes synchronously).
 */
export function connectionWindow(
  args: ConnectionArgs,
  limits: SizeLimits,
  count?: () => Promise<number> | number,
): PageWindow | Promise<PageWindow> {
  if (args.first != null && args.last != null) throw badInput('give first or last, not both', ['last']);
  if (args.offset != null && (!Number.isInteger(args.offset) || args.offset < 0)) {
    throw badInput(`offset must be 0 or more, got ${args.offset}`, ['offset']);
  }
  const after = args.after != null ? cursor('after', args.after) + 1 : 0;
  const start = after + (args.offset ?? 0);
  const end = args.before != null ? cursor('before', args.before) : null;
  if (args.last != null) {
    const last = size('last', args.last, limits);
    const fromEnd = (stop: number): PageWindow => {
      const from = Math.max(start, stop - last);
      return { offset: from, limit: Math.max(0, stop - from) };
    };
    if (end !== null) return fromEnd(end);
    if (!count) throw badInput('last needs before on this list', ['last']);
    const total = count();
    return typeof total === 'number' ? fromEnd(total) : total.then(fromEnd);
  }
  const first = args.first != null ? size('first', args.first, limits) : limits.defaultSize;
  const limit = end === null ? first : Math.max(0, Math.min(first, end - start));
  return { offset: start, limit };
}

/**
 * Builds the connection from the rows of a window. Fetch `limit + 1` rows when you can: the extra row tells
 * hasNextPage without counting. Otherwise pass `count` and it is used.
 */
export function connectionOf<T>(rows: T[], window: PageWindow, count: () => Promise<number> | number): ConnectionResult<T> {
  const page = rows.slice(0, window.limit);
  const edges = page.map((node, i) => ({ cursor: offsetToCursor(window.offset + i), node }));
  let total: Promise<number> | number | undefined;
  const totalCount = () => (total ??= count());
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > window.limit,
      hasPreviousPage: window.offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** A connection over a list in memory (the children of an award, read with it), built without a promise. */
export function arrayConnection<T>(items: T[], args: ConnectionArgs, limits: SizeLimits): ConnectionResult<T> {
  const window = connectionWindow(args, limits, () => items.length) as PageWindow;
  return connectionOf(items.slice(window.offset, window.offset + window.limit + 1), window, () => items.length);
}

/**
 * One connection field's fetch: `rows(offset, limit)` loads up to `limit` rows (asked for one more than the page),
 * `count()` counts them all (only run when totalCount or `last` needs it). Given the field's `info`, a selection
 * that asks for totalCount starts the count beside the rows instead of after them: two statements in flight at once,
 * so the page answers in the time of the slower one rather than of both.
 */
export async function resolveConnection<T>(
  args: ConnectionArgs,
  limits: SizeLimits,
  rows: (window: PageWindow) => Promise<T[]>,
  count: () => Promise<number>,
  info?: GraphQLResolveInfo,
): Promise<ConnectionResult<T>> {
  let counted: Promise<number> | undefined;
  const total = () => (counted ??= count());
  // Its failure is the totalCount field's to report; the handler only keeps a failed page from leaving it unheard.
  if (info && selectsField(info, 'totalCount')) total().catch(() => undefined);
  const window = await connectionWindow(args, limits, total);
  const fetched = window.limit === 0 ? [] : await rows({ offset: window.offset, limit: window.limit + 1 });
  return connectionOf(fetched, window, total);
}

/** Whether the selection of the field being resolved asks for `name` (in fragments too; @skip and @include honoured). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const included = (node: FieldNode | InlineFragmentNode | FragmentSpreadNode) =>
    getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
  const visited = new Set<string>();
  const search = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      if (!included(selection)) return false;
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet.selections);
      const fragment = info.fragments[selection.name.value];
      if (!fragment || visited.has(fragment.name.value)) return false;
      visited.add(fragment.name.value);
      return search(fragment.selectionSet.selections);
    });
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && search(node.selectionSet.selections));
}
