/**
 * The filter kernel shared by every family: one tree, whatever dialect it arrived in (GraphQL inputs, babbage cuts,
 * USAspending v1 `filters`, the ODS query language). Each family compiles it for its storage.
 */
import type { Operator } from './operators.js';

/** Where a node came from in the request, e.g. ["filter", "and", 2, "totalObligation", "gt"], for error messages. */
export type InputPath = (string | number)[];

/** An inclusive range; either end may be open (null). */
export interface RangeValue<V = unknown> {
  from: V | null;
  to: V | null;
}

/** The range a rangeIntersect condition tests against: from/to, or a fiscal year. */
export interface IntersectValue<V = unknown> {
  from: V | null;
  to: V | null;
  fy: number | null;
}

/**
 * One condition: `fields` holds one field reference, two for rangeIntersect (start, end) and one or more for search.
 * The value's shape follows the operator (see `operators`): a scalar, a list, a RangeValue, a boolean, a list of
 * fiscal years or an IntersectValue. Field references are family-specific: attribute refs, field paths, field names.
 */
export interface Condition<F = string> {
  kind: 'cond';
  op: Operator;
  fields: F[];
  value: unknown;
  at?: InputPath;
}

/**
 * A condition of a dialect that no kernel operator expresses (the ODS query language's full-text and geographic
 * forms): only its family's compiler knows it. Families without such conditions leave `N` at `never`, which removes
 * this kind from their trees.
 */
export interface NativeCondition<N> {
  kind: 'native';
  native: N;
  at?: InputPath;
}

export type FilterNode<F = string, N = never> =
  | { kind: 'and' | 'or'; children: FilterNode<F, N>[]; at?: InputPath }
  | { kind: 'not'; child: FilterNode<F, N>; at?: InputPath }
  | Condition<F>
  | ([N] extends [never] ? never : NativeCondition<N>);

/** `a.b[2].c`, the way error messages name an input node. */
export function pathText(path: InputPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text;
}

/** AND of the given nodes, dropping empty ones: null when none is left, the node itself when one is. */
export function allOf<F>(nodes: (FilterNode<F> | null | undefined)[], at?: InputPath): FilterNode<F> | null {
  const present = nodes.filter((node): node is FilterNode<F> => !!node);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!;
  return { kind: 'and', children: present, at };
}

/** The tree without error locations: a stable form to hash or store. */
export function stripLocations<F>(node: FilterNode<F> | null): FilterNode<F> | null {
  if (!node) return null;
  if (node.kind === 'cond') {
    const { at: _at, ...rest } = node;
    return rest;
  }
  if (node.kind === 'not') return { kind: 'not', child: stripLocations(node.child)! };
  return { kind: node.kind, children: node.children.map((child) => stripLocations(child)!) };
}

/** Visits every condition of the tree (for collecting the fields a filter reads, say). */
export function* conditionsOf<F>(node: FilterNode<F> | null): Generator<Condition<F>> {
  if (!node) return;
  if (node.kind === 'cond') yield node;
  else if (node.kind === 'not') yield* conditionsOf(node.child);
  else for (const child of node.children) yield* conditionsOf(child);
}
