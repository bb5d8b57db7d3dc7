export const operations = [
  'equals',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'in',
  'range',
  'contains',
  'containedBy',
  'overlap',
  'lengthGreaterThan',
  'lengthLessThan',
  'isNull',
  'search',
  'fy',
  'rangeIntersect',
] as const;

export type Operation = (typeof operations)[number];

export type InputPath = (string | number)[];

/** The v1 filter language, independent of the dialect it arrived in. `at` names the node for error messages. */
export type FilterNode =
  | { kind: 'and' | 'or'; children: FilterNode[]; at?: InputPath }
  | { kind: 'not'; child: FilterNode; at?: InputPath }
  | {
      kind: 'cond';
      op: Operation;
      /** One path, or several for search and exactly two for rangeIntersect. */
      fields: string[];
      value: unknown;
      valueFormat?: string;
      at?: InputPath;
    };

/** Snake-case REST operation names to the canonical ones. */
export const restOperations: Record<string, Operation> = {
  equals: 'equals',
  less_than: 'lessThan',
  less_than_or_equal: 'lessThanOrEqual',
  greater_than: 'greaterThan',
  greater_than_or_equal: 'greaterThanOrEqual',
  in: 'in',
  range: 'range',
  contains: 'contains',
  contained_by: 'containedBy',
  overlap: 'overlap',
  length_greater_than: 'lengthGreaterThan',
  length_less_than: 'lengthLessThan',
  is_null: 'isNull',
  search: 'search',
  fy: 'fy',
  range_intersect: 'rangeIntersect',
};

/** The node without its error locations: the stable form stored behind a `req` checksum. */
export function stripLocations(node: FilterNode | null): FilterNode | null {
  if (!node) return null;
  if (node.kind === 'cond') {
    const { at: _at, ...rest } = node;
    return rest;
  }
  if (node.kind === 'not') return { kind: 'not', child: stripLocations(node.child)! };
  return { kind: node.kind, children: node.children.map((child) => stripLocations(child)!) };
}
