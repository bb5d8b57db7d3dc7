import { badInput } from '../../../errors.js';
import { fmtPath } from '../registry.js';
import type { FilterNode, InputPath, Operation } from './ast.js';

/** The GraphQL filter input as resolvers receive it. */
export interface FilterInput {
  and?: FilterInput[] | null;
  or?: FilterInput[] | null;
  not?: FilterInput | null;
  field?: string | null;
  fields?: string[] | null;
  equals?: string | null;
  lessThan?: string | null;
  lessThanOrEqual?: string | null;
  greaterThan?: string | null;
  greaterThanOrEqual?: string | null;
  in?: string[] | null;
  range?: string[] | null;
  contains?: string[] | null;
  containedBy?: string[] | null;
  overlap?: string[] | null;
  lengthGreaterThan?: number | null;
  lengthLessThan?: number | null;
  isNull?: boolean | null;
  search?: string | null;
  fy?: number | null;
  rangeIntersect?: { from?: string | null; to?: string | null; fy?: number | null } | null;
}

export const valueOperations = [
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
] as const satisfies readonly Operation[];

function fail(message: string, at: InputPath): never {
  throw badInput(`${fmtPath(at)}: ${message}`, at);
}

/** Turns the typed GraphQL filter into the dialect-free tree. Each node holds exactly one of and/or/not/an operation. */
export function fromGraphqlFilter(input: FilterInput | null | undefined, at: InputPath = ['filter']): FilterNode | null {
  if (!input) return null;
  return convert(input, at, 0);
}

function convert(input: FilterInput, at: InputPath, depth: number): FilterNode {
  if (depth > 100) fail('filter is nested too deeply (at most 100 levels)', at);
  const present = (Object.keys(input) as (keyof FilterInput)[]).filter(
    (key) => input[key] !== undefined && input[key] !== null && key !== 'field' && key !== 'fields',
  );
  if (present.length !== 1) {
    fail(
      present.length === 0
        ? 'give one of and, or, not or an operation (equals, in, range, ...)'
        : `give exactly one of and, or, not or an operation, not ${present.join(' and ')}`,
      at,
    );
  }
  const key = present[0]!;
  if (key === 'and' || key === 'or') {
    return { kind: key, children: input[key]!.map((child, i) => convert(child, [...at, key, i], depth + 1)), at };
  }
  if (key === 'not') return { kind: 'not', child: convert(input.not!, [...at, 'not'], depth + 1), at };
  const op = key as Operation;
  const fields = input.fields?.length ? input.fields : input.field ? [input.field] : [];
  if (fields.length === 0) fail(`operation '${op}' needs field (or fields)`, [...at, 'field']);
  if (input.field && input.fields?.length) fail('give field or fields, not both', [...at, 'fields']);
  const errorAt = at;
  if (op === 'rangeIntersect') {
    const range = input.rangeIntersect!;
    if (range.fy !== undefined && range.fy !== null) {
      if (range.from != null || range.to != null) fail('rangeIntersect takes from and to, or fy', [...at, 'rangeIntersect']);
      return { kind: 'cond', op, fields, value: range.fy, valueFormat: 'fy', at: errorAt };
    }
    if (range.from == null || range.to == null) fail('rangeIntersect needs both from and to, or fy', [...at, 'rangeIntersect']);
    return { kind: 'cond', op, fields, value: [range.from, range.to], at: errorAt };
  }
  return { kind: 'cond', op, fields, value: input[key], at: errorAt };
}
