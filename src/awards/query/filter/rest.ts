import { badInput } from '../../../errors.js';
import type { FilterNode, InputPath } from '../../../shared/filter/ast.js';
import type { Operator } from '../../../shared/filter/operators.js';
import { fmtPath } from '../registry.js';

/** USAspending v1 operation names to the kernel's operators (`contains` on an array field means hasAll there). */
export const restOperations: Record<string, Operator> = {
  equals: 'equals',
  less_than: 'lt',
  less_than_or_equal: 'lte',
  greater_than: 'gt',
  greater_than_or_equal: 'gte',
  in: 'in',
  range: 'range',
  contains: 'contains',
  contained_by: 'containedBy',
  overlap: 'overlap',
  length_greater_than: 'lengthGt',
  length_less_than: 'lengthLt',
  is_null: 'isNull',
  search: 'search',
  fy: 'fy',
  range_intersect: 'rangeIntersect',
};

const IGNORED_FIELDS = new Set(['page', 'limit', 'last', 'req', 'verbose']);
const MAX_DEPTH = 64;

function fail(message: string, at: InputPath): never {
  throw badInput(`${fmtPath(at)}: ${message}`, at);
}

/** Parses the REST `filters` list (root entries are AND-ed) into a filter tree; null when there is nothing to apply. */
export function parseRestFilters(filters: unknown, at: InputPath = ['filters']): FilterNode | null {
  if (filters === undefined || filters === null) return null;
  const node = parseList(filters, 'and', at, 0);
  if (node.kind !== 'and' || node.children.length > 1) return node;
  return node.children[0] ?? null;
}

function parseList(list: unknown, kind: 'and' | 'or', at: InputPath, depth: number): FilterNode {
  if (!Array.isArray(list)) fail('filters must be a list of filter objects', at);
  if (depth > MAX_DEPTH) fail(`filters are nested deeper than ${MAX_DEPTH} levels`, at);
  const children: FilterNode[] = [];
  list.forEach((item, index) => {
    const child = parseFilter(item, [...at, index], depth + 1);
    if (child) children.push(child);
  });
  return { kind, children, at };
}

function parseFilter(raw: unknown, at: InputPath, depth: number): FilterNode | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('each filter must be an object', at);
  const filter = raw as Record<string, unknown>;
  if ('combine_method' in filter) {
    const method = typeof filter.combine_method === 'string' ? filter.combine_method.toUpperCase() : undefined;
    if (method !== 'AND' && method !== 'OR') fail('combine_method must be "AND" or "OR"', [...at, 'combine_method']);
    return parseList(filter.filters, method === 'AND' ? 'and' : 'or', [...at, 'filters'], depth);
  }
  if (!('field' in filter) || !('operation' in filter) || !('value' in filter)) {
    fail('Malformed filter - missing field, operation, or value', at);
  }
  if (typeof filter.field === 'string' && IGNORED_FIELDS.has(filter.field)) return null;
  const operation = filter.operation;
  if (typeof operation !== 'string') fail('Invalid operation: operation must be a string', [...at, 'operation']);
  const negated = operation.startsWith('not_') && restOperations[operation.slice(4)] !== undefined;
  const op = restOperations[negated ? operation.slice(4) : operation];
  if (!op) fail(`Invalid operation: ${operation}`, [...at, 'operation']);
  const fields = Array.isArray(filter.field) ? filter.field : [filter.field];
  if (fields.length === 0) fail('field must be a field name or a list of field names', [...at, 'field']);
  const valueFormat = filter.value_format;
  if (valueFormat !== undefined && valueFormat !== null && typeof valueFormat !== 'string') {
    fail('value_format must be a string', [...at, 'value_format']);
  }
  if (Array.isArray(filter.field) && op !== 'search' && op !== 'rangeIntersect') {
    fail(`operation '${operation}' takes a single field, not a list`, [...at, 'field']);
  }
  const value = restValue(op, filter.value, typeof valueFormat === 'string' ? valueFormat : undefined);
  const cond: FilterNode =
    (typeof filter.field === 'string' ? fiscalYearCondition(filter.field, op, value, at) : null) ??
    { kind: 'cond', op, fields: fields as string[], value, at };
  return negated ? { kind: 'not', child: cond, at } : cond;
}

/**
 * A v1 value in the kernel's shape where it has one: `[a, b]` ranges as {from, to}, range_intersect as {from, to}
 * or {fy}. Other values stay as given, and the compiler answers them with the v1 messages (after `req` storage
 * strips locations, so the messages name the same nodes as before).
 */
function restValue(op: Operator, value: unknown, valueFormat: string | undefined): unknown {
  if (op === 'range') return Array.isArray(value) && value.length === 2 ? { from: value[0], to: value[1] } : value;
  if (op !== 'rangeIntersect') return value;
  if (Array.isArray(value) && value.length === 2) return { from: value[0], to: value[1], fy: null };
  if (valueFormat === undefined) return value;
  return valueFormat === 'fy' ? { fy: value } : { valueFormat };
}

/**
 * A comparison of a date's fiscal year (`date_signed__fy`, Django's `__fy` transform) as a comparison of the date:
 * FY N runs from (N-1)-10-01 to N-09-30. Null when the field is not a `__fy` field.
 */
function fiscalYearCondition(field: string, op: Operator, value: unknown, at: InputPath): FilterNode | null {
  if (!field.endsWith('__fy')) return null;
  const date = field.slice(0, -'__fy'.length);
  const year = (raw: unknown, where: InputPath): number => {
    const n = typeof raw === 'string' && /^\d{1,4}$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > 9999) fail(`expected a fiscal year such as 2017, got ${JSON.stringify(raw)}`, where);
    return n;
  };
  const start = (fy: number) => `${String(fy - 1).padStart(4, '0')}-10-01`;
  const cond = (kernelOp: Operator, v: unknown): FilterNode => ({ kind: 'cond', op: kernelOp, fields: [date], value: v, at });
  switch (op) {
    case 'equals':
    case 'fy':
      return cond('fy', year(value, at));
    case 'gt':
      return cond('gte', start(year(value, at) + 1));
    case 'gte':
      return cond('gte', start(year(value, at)));
    case 'lt':
      return cond('lt', start(year(value, at)));
    case 'lte':
      return cond('lt', start(year(value, at) + 1));
    case 'in': {
      if (!Array.isArray(value)) return null;
      return { kind: 'or', children: value.map((v, i) => cond('fy', year(v, [...at, i]))), at };
    }
    default:
      return null;
  }
}

const SUFFIXES: Record<string, string> = {
  gt: 'greater_than',
  gte: 'greater_than_or_equal',
  lt: 'less_than',
  lte: 'less_than_or_equal',
  icontains: 'contains',
  contains: 'contains',
  isnull: 'is_null',
  in: 'in',
  fy: 'fy',
  iexact: 'equals',
  exact: 'equals',
};

/**
 * GET query parameters as equality filters (`?type=B&awarding_agency__toptier_agency__cgac_code=073`), with the
 * common Django lookups (`__gt`, `__in` comma separated, `__isnull`, `__fy`, ...) as a suffix.
 */
export function parseQueryFilters(params: Record<string, string>, reserved: Set<string>): FilterNode | null {
  const children: FilterNode[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (reserved.has(key) || IGNORED_FIELDS.has(key)) continue;
    const at: InputPath = ['query', key];
    const parts = key.split('__');
    const last = parts[parts.length - 1]!;
    let field = key;
    let operation = 'equals';
    if (parts.length > 1 && SUFFIXES[last]) {
      field = parts.slice(0, -1).join('__');
      operation = SUFFIXES[last]!;
    }
    const op = restOperations[operation]!;
    let parsed: unknown = value;
    if (op === 'in') parsed = value.split(',');
    if (op === 'isNull') parsed = value === 'true' || value === 'True' || value === '1';
    if (op === 'fy') parsed = Number(value);
    children.push(fiscalYearCondition(field, op, parsed, at) ?? { kind: 'cond', op, fields: [field], value: parsed, at });
  }
  return children.length ? { kind: 'and', children, at: ['query'] } : null;
}
