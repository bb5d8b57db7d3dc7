import lucene from 'lucene';
import { db } from '../../db.js';
import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { limits } from '../../limits.js';
import type { PageWindow } from '../../shared/connection.js';
import { escapeLike } from '../../shared/like.js';
import { coerceValue, fieldSql, fieldTextSql, fieldType } from './filter.js';
import type { CubeDimension, CubeModel, FieldRef } from './model.js';
import type { Row } from './scope.js';
import { ExactNumber, exactNumberOf } from '../../shared/exact.js';
import { factTextsSql } from './v2.js';

/**
 * OpenSpending v2's full-text search over the facts of one or more cubes, on PostgreSQL full-text search: each fact's
 * `search` tsvector (every value, English stems, filled at load time, GIN-indexed) answers free words and phrases;
 * `field:value` and ranges compare the fact's own values exactly, as Solr's string and number fields did.
 */

/** `q` in Solr/Lucene syntax as a SQL condition over the fact row aliased `f`; `*:*` or empty means every fact. */
export interface SearchRequest {
  q?: string | null;
  /** Exact `field:value` conditions, ANDed (v2's `filter`). */
  filters?: [string, string][];
  order?: { field: string; direction: 'asc' | 'desc' }[];
}

export interface SearchHit {
  factId: bigint;
  model: CubeModel;
  rowNumber: number;
  data: Row;
  texts: Record<string, string>;
}

export interface SearchStats {
  min: unknown;
  max: unknown;
  sum: unknown;
  count: number;
  missing: number;
  sumOfSquares: unknown;
  mean: unknown;
  stddev: unknown;
}

export interface SearchPlan {
  models: CubeModel[];
  count(): Promise<number>;
  hits(window: PageWindow): Promise<SearchHit[]>;
  /** Statistics of a measure over the whole result (Solr's StatsComponent keys). */
  stats(measure: string): Promise<SearchStats>;
  /** Distinct values of a field over the whole result with their counts, most frequent first. */
  facet(field: string, window: PageWindow): Promise<[string, number][]>;
}

/** A field as each cube searched knows it: `dataset`, a measure, a dimension (its key attribute) or an attribute ref. */
type Resolved = { kind: 'dataset' } | { kind: 'fields'; byCube: { model: CubeModel; field: FieldRef }[] };

function fieldIn(model: CubeModel, name: string): FieldRef | null {
  const measure = model.measuresByName.get(name);
  if (measure) return { kind: 'measure', measure };
  const dimension = model.dimensionsByName.get(name);
  if (dimension) return { kind: 'attribute', attribute: dimension.keyAttribute };
  // v2 names a compound dimension's key `<dimension>.name` whatever the attribute is called.
  const dot = name.lastIndexOf('.');
  if (dot > 0 && name.slice(dot + 1) === 'name') {
    const owner = model.dimensionsByName.get(name.slice(0, dot));
    if (owner) return { kind: 'attribute', attribute: owner.attributes.find((a) => a.name === 'name') ?? owner.keyAttribute };
  }
  const attribute = model.attributesByRef.get(name);
  return attribute ? { kind: 'attribute', attribute } : null;
}

function resolveSearchField(models: CubeModel[], name: string, param: string): Resolved {
  if (name === 'dataset') return { kind: 'dataset' };
  const byCube = models.flatMap((model) => {
    const field = fieldIn(model, name);
    return field ? [{ model, field }] : [];
  });
  if (byCube.length === 0) {
    const known = new Set(['dataset', ...models.flatMap((m) => [...m.dimensionsByName.keys(), ...m.attributesByRef.keys(), ...m.measuresByName.keys()])]);
    const shown = [...known].slice(0, 60);
    throw badInput(`${param}: unknown field "${name}"; fields of the datasets searched: ${shown.join(', ')}${known.size > shown.length ? ', ...' : ''}`, [param]);
  }
  return { kind: 'fields', byCube };
}

/** Each cube's condition on its own facts, ORed: a cube without the field matches nothing. */
function perCube(resolved: Extract<Resolved, { kind: 'fields' }>, condition: (field: FieldRef) => Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${Prisma.join(
    resolved.byCube.map(({ model, field }) => Prisma.sql`(f.dataset_id = ${model.datasetId} AND ${condition(field)})`),
    ' OR ',
  )})`;
}

const nothing = Prisma.sql`FALSE`;

/** Solr string fields match exactly (case and all); numbers compare as numbers; `*` is any value, `abc*` a prefix. */
function exactSql(models: CubeModel[], name: string, value: string, param: string): Prisma.Sql {
  const resolved = resolveSearchField(models, name, param);
  if (resolved.kind === 'dataset') {
    const ids = models.filter((m) => m.name === value).map((m) => m.datasetId);
    return ids.length ? Prisma.sql`f.dataset_id IN (${Prisma.join(ids)})` : nothing;
  }
  return perCube(resolved, (field) => {
    if (value === '*') return Prisma.sql`${fieldTextSql(field)} IS NOT NULL`;
    const type = fieldType(field);
    if (/^[^*?]+\*$/.test(value) && type === 'string') return Prisma.sql`${fieldTextSql(field)} LIKE ${`${escapeLike(value.slice(0, -1))}%`}`;
    if (type === 'string' || type === 'date') return Prisma.sql`${fieldTextSql(field)} = ${value}`;
    if (type === 'boolean') return Prisma.sql`${fieldTextSql(field)} = ${value.toLowerCase()}`;
    if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?$/.test(value)) return nothing;
    return Prisma.sql`${fieldSql(field)} = ${value}::numeric`;
  });
}

function rangeSql(models: CubeModel[], name: string, from: string, to: string, inclusive: string, param: string): Prisma.Sql {
  const resolved = resolveSearchField(models, name, param);
  if (resolved.kind === 'dataset') throw badInput(`${param}: "dataset" takes no range`, [param]);
  return perCube(resolved, (field) => {
    const parts: Prisma.Sql[] = [];
    const bound = (text: string, op: string) => {
      if (text === '*') return;
      const value = coerceValue(field, fieldType(field) === 'string' ? text : text.trim(), [param]);
      const literal = fieldType(field) === 'string' ? Prisma.sql`${value}` : Prisma.sql`${value}::${Prisma.raw(fieldType(field) === 'date' ? 'date' : 'numeric')}`;
      parts.push(Prisma.sql`${fieldSql(field)} ${Prisma.raw(op)} ${literal}`);
    };
    bound(from, inclusive === 'both' || inclusive === 'left' ? '>=' : '>');
    bound(to, inclusive === 'both' || inclusive === 'right' ? '<=' : '<');
    return parts.length ? Prisma.sql`(${Prisma.join(parts, ' AND ')})` : Prisma.sql`${fieldTextSql(field)} IS NOT NULL`;
  });
}

/** A tsquery that is empty (only stop words) matches like Solr's dropped term: it constrains nothing. */
function textSql(query: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(numnode(${query}) = 0 OR f.search @@ ${query})`;
}

function wordsSql(term: string, quoted: boolean): Prisma.Sql {
  if (quoted) return textSql(Prisma.sql`phraseto_tsquery('english', ${term})`);
  const prefix = /^(.*[^*])\*$/.exec(term);
  if (prefix) {
    const word = prefix[1]!.replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(' ').filter(Boolean);
    if (word.length === 0) return Prisma.sql`TRUE`;
    // Prefix matching on the last word; earlier words (from punctuation) must all appear.
    const text = word.map((w, i) => (i === word.length - 1 ? `${w}:*` : w)).join(' & ');
    return textSql(Prisma.sql`to_tsquery('english', ${text})`);
  }
  return textSql(Prisma.sql`plainto_tsquery('english', ${term})`);
}

// The AST of the `lucene` package: nodes with left/operator/right, terms and ranges.
interface LuceneTerm {
  field: string;
  term: string;
  quoted: boolean;
  regex?: boolean;
  prefix: '+' | '-' | null;
}
interface LuceneRange {
  field: string;
  term_min: string;
  term_max: string;
  inclusive: 'both' | 'none' | 'left' | 'right';
}
interface LuceneNode {
  left?: LuceneAst;
  operator?: string;
  right?: LuceneAst;
  start?: string;
  field?: string;
  parenthesized?: boolean;
}
type LuceneAst = LuceneNode | LuceneTerm | LuceneRange;

const isTerm = (node: LuceneAst): node is LuceneTerm => 'term' in node;
const isRange = (node: LuceneAst): node is LuceneRange => 'term_min' in node;

function parseQuery(q: string): LuceneAst {
  try {
    return lucene.parse(q) as LuceneAst;
  } catch (error) {
    const where = (error as { location?: { start?: { column?: number } } }).location?.start?.column;
    throw badInput(`q: the query does not parse${where ? ` at column ${where}` : ''}: ${q}`, ['q']);
  }
}

function compileQuery(models: CubeModel[], ast: LuceneAst, depth = 0, field?: string): Prisma.Sql {
  if (depth > 4 * limits.maxQueryTerms) throw badInput('q: the query is nested too deeply', ['q']);
  // The parser leaves a fielded term's +/- on the field name (`-region:X` has field "-region").
  const signed = 'field' in ast && typeof ast.field === 'string' ? /^([+-])(.+)$/.exec(ast.field) : null;
  if (signed) {
    const inner = compileQuery(models, { ...ast, field: signed[2]!, ...(isTerm(ast) ? { prefix: null } : {}) } as LuceneAst, depth + 1, field);
    return signed[1] === '-' || (isTerm(ast) && ast.prefix === '-') ? Prisma.sql`((${inner}) IS NOT TRUE)` : inner;
  }
  if (isRange(ast)) {
    const name = ast.field === '<implicit>' ? field : ast.field;
    if (!name) throw badInput('q: a range needs a field, e.g. amount:[1000 TO *]', ['q']);
    return rangeSql(models, name, ast.term_min, ast.term_max, ast.inclusive, 'q');
  }
  if (isTerm(ast)) {
    if (ast.regex) throw badInput('q: regular expressions are not supported', ['q']);
    const name = ast.field === '<implicit>' ? field : ast.field;
    let sql: Prisma.Sql;
    if (name === '*' && ast.term === '*') sql = Prisma.sql`TRUE`;
    else if (!name) sql = wordsSql(ast.term, ast.quoted);
    else sql = exactSql(models, name, ast.term, 'q');
    return ast.prefix === '-' ? Prisma.sql`((${sql}) IS NOT TRUE)` : sql;
  }
  const scope = ast.field && ast.field !== '<implicit>' ? ast.field : field;
  let left = ast.left ? compileQuery(models, ast.left, depth + 1, scope) : Prisma.sql`TRUE`;
  if (ast.start === 'NOT') left = Prisma.sql`((${left}) IS NOT TRUE)`;
  if (!ast.right) return left;
  const right = compileQuery(models, ast.right, depth + 1, scope);
  switch (ast.operator) {
    case 'OR':
    case '||':
      return Prisma.sql`(${left} OR ${right})`;
    case 'AND NOT':
      return Prisma.sql`(${left} AND ((${right}) IS NOT TRUE))`;
    case 'OR NOT':
      return Prisma.sql`(${left} OR ((${right}) IS NOT TRUE))`;
    default:
      // AND, && and juxtaposition: every term must hold, as the v2 index's default operator said.
      return Prisma.sql`(${left} AND ${right})`;
  }
}

function nesting(q: string): number {
  let depth = 0;
  let deepest = 0;
  for (const c of q) {
    if (c === '(') deepest = Math.max(deepest, ++depth);
    else if (c === ')') depth -= 1;
  }
  return deepest;
}

function countTerms(q: string): number {
  return q.split(/\s+/).filter(Boolean).length;
}

/** The facts of `models` a request selects, compiled once. */
export function searchPlan(models: CubeModel[], request: SearchRequest): SearchPlan {
  const parts: Prisma.Sql[] = [models.length ? Prisma.sql`f.dataset_id IN (${Prisma.join(models.map((m) => m.datasetId))})` : nothing];
  const q = request.q?.trim();
  if (q && q !== '*:*') {
    if (countTerms(q) > limits.maxQueryTerms) throw badInput(`q: more than ${limits.maxQueryTerms} terms (SPENDGRAPH_MAX_Q_TERMS)`, ['q']);
    if (nesting(q) > limits.maxQueryDepth) throw badInput(`q: parentheses nested more than ${limits.maxQueryDepth} deep (SPENDGRAPH_MAX_Q_DEPTH)`, ['q']);
    parts.push(compileQuery(models, parseQuery(q)));
  }
  for (const [name, value] of request.filters ?? []) parts.push(exactSql(models, name, value, 'filter'));
  const where = Prisma.join(parts, ' AND ');

  const orderSql = (request.order ?? []).map(({ field, direction }) => {
    const resolved = resolveSearchField(models, field, 'order');
    const dir = Prisma.raw(direction === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS LAST');
    if (resolved.kind === 'dataset') return Prisma.sql`f.dataset_id ${dir}`;
    const types = new Set(resolved.byCube.map(({ field: f }) => fieldType(f)));
    if (types.size > 1) throw badInput(`order: "${field}" has different types in the datasets searched (${[...types].join(', ')})`, ['order']);
    const cases = resolved.byCube.map(({ model, field: f }) => Prisma.sql`WHEN f.dataset_id = ${model.datasetId} THEN ${fieldSql(f)}`);
    return Prisma.sql`(CASE ${Prisma.join(cases, ' ')} END) ${dir}`;
  });
  orderSql.push(Prisma.sql`f.dataset_id ASC`, Prisma.sql`f.row_number ASC`);
  const byId = new Map(models.map((m) => [m.datasetId, m]));

  let counted: Promise<number> | null = null;
  return {
    models,
    count: () =>
      (counted ??= db.$queryRaw<{ n: bigint | number }[]>`SELECT count(*) AS n FROM fact f WHERE ${where}`.then((rows) => Number(rows[0]?.n ?? 0))),
    hits: async ({ offset, limit }) => {
      if (limit === 0) return [];
      const rows = await db.$queryRaw<{ id: bigint | number; dataset_id: number; row_number: number; data: Row; texts: Record<string, string> | null }[]>`
        SELECT f.id, f.dataset_id, f.row_number, f.data, ${factTextsSql} AS texts FROM fact f
        WHERE ${where} ORDER BY ${Prisma.join(orderSql)} LIMIT ${limit} OFFSET ${offset}`;
      return rows.map((row) => ({
        factId: BigInt(row.id),
        model: byId.get(Number(row.dataset_id))!,
        rowNumber: Number(row.row_number),
        data: row.data,
        texts: row.texts ?? {},
      }));
    },
    stats: async (measureName) => {
      const byCube = models.flatMap((model) => {
        const measure = model.measuresByName.get(measureName);
        return measure ? [{ model, measure }] : [];
      });
      const value = byCube.length
        ? Prisma.sql`(CASE ${Prisma.join(
            byCube.map(({ model, measure }) => Prisma.sql`WHEN f.dataset_id = ${model.datasetId} THEN ${fieldSql({ kind: 'measure', measure })}`),
            ' ',
          )} END)`
        : Prisma.sql`NULL::numeric`;
      const [row] = await db.$queryRaw<Row[]>`
        SELECT min(v.x)::text AS min, max(v.x)::text AS max, sum(v.x)::text AS sum, count(v.x) AS count,
               count(*) - count(v.x) AS missing, sum(v.x * v.x)::text AS sum_of_squares, avg(v.x)::text AS mean,
               stddev_samp(v.x)::text AS stddev
        FROM (SELECT ${value} AS x FROM fact f WHERE ${where}) v`;
      // Exact decimal text from PostgreSQL, written into JSON as a number with every digit (see exactJson).
      const n = (key: string) => exactNumberOf(row?.[key]);
      return {
        min: n('min'),
        max: n('max'),
        sum: n('sum') ?? new ExactNumber('0'),
        count: Number(row?.count ?? 0),
        missing: Number(row?.missing ?? 0),
        sumOfSquares: n('sum_of_squares') ?? new ExactNumber('0'),
        mean: n('mean'),
        stddev: n('stddev') ?? new ExactNumber('0'),
      };
    },
    facet: async (name, { offset, limit }) => {
      if (models.length === 0) return [];
      const resolved = resolveSearchField(models, name, 'facet_field');
      const value =
        resolved.kind === 'dataset'
          ? Prisma.sql`(CASE ${Prisma.join(models.map((m) => Prisma.sql`WHEN f.dataset_id = ${m.datasetId} THEN ${m.name}`), ' ')} END)`
          : Prisma.sql`(CASE ${Prisma.join(
              resolved.byCube.map(({ model, field }) => Prisma.sql`WHEN f.dataset_id = ${model.datasetId} THEN ${fieldTextSql(field)}`),
              ' ',
            )} END)`;
      const rows = await db.$queryRaw<{ value: string; n: bigint | number }[]>`
        SELECT v.value, count(*) AS n FROM (SELECT ${value} AS value FROM fact f WHERE ${where}) v
        WHERE v.value IS NOT NULL GROUP BY v.value ORDER BY n DESC, v.value COLLATE "C" ASC LIMIT ${limit} OFFSET ${offset}`;
      return rows.map((row) => [row.value, Number(row.n)]);
    },
  };
}

/** The dimension a facet field names when it is a compound dimension of the cube (what expand_facet_dimensions expands). */
export function facetDimension(model: CubeModel, field: string): CubeDimension | null {
  const dimension = model.dimensionsByName.get(field);
  return dimension && dimension.attributes.length > 1 ? dimension : null;
}
