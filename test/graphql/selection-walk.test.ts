/**
 * Walks the schema from every root query field and sends the selections a client may legitimately make but the
 * resolvers are least likely to expect: only `__typename`, only a connection's `totalCount` or `pageInfo` or
 * cursors, every scalar at once, one relation alone with nothing but `__typename` or `id` inside. None of them may
 * answer an internal error. (An award's `transactions { totalCount }` did: the relation was selected with no column.)
 *
 * The queries are generated from the schema, so they are sent as text. Each shape gets its own root alias: Pothos
 * merges the selections of one relation under one parent, so a richer sibling would hide an empty one.
 */
import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  Lexer,
  Source,
  TokenKind,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { backgroundSettled } from '../../src/shared/background.js';
import { schema } from '../../src/schema.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { accountModels } from '../awards/account-fixture.js';
import { app } from '../helpers.js';

const FIXTURE = 'usaspending-fixture';
const GEONAMES = 'geonames-all-cities-with-a-population-1000';
const CUBE = 'cra';
/** The bundled awards have no Treasury accounts: an award fixture with some (ids from ACCOUNTS_BASE up). */
const ACCOUNTS = 'selection-walk-accounts';
const ACCOUNTS_BASE = 9_340_000;
/** How many object levels below a root field the walk goes. */
const DEPTH = 3;
/** Kept under the gateway's limits (30 aliases, 4000 tokens), so no request is refused whole. */
const ALIASES_PER_REQUEST = 25;
const TOKENS_PER_REQUEST = 3_500;

type Composite = GraphQLObjectType | GraphQLInterfaceType;

interface Response {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

async function send(query: string): Promise<Response> {
  const response = await app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  let body: Response['body'];
  try {
    body = JSON.parse(text) as Response['body'];
  } catch {
    body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { status: response.status, body };
}

/** Real values from the bundled samples, so that the walk reaches rows. */
interface Samples {
  /** A global id of each Node type found. */
  ids: Map<string, string>;
  /** Row ids of awards with the most relations filled in: one of the fixture, the one with Treasury accounts. */
  awardRowIds: number[];
  transactionRowId: number;
  recordId: string;
  dimension: string;
  /** Where the cube sits in `cubes`, so a page of one holds it (its dimension is not in the others). */
  cubeOffset: number;
  datasets: string[];
}

let samples: Samples;

/** Every `{ __typename id }` pair of a result, first one of each type kept. */
function collectIds(value: unknown, ids: Map<string, string>): void {
  if (Array.isArray(value)) for (const item of value) collectIds(item, ids);
  else if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.__typename === 'string' && typeof object.id === 'string' && !ids.has(object.__typename)) ids.set(object.__typename, object.id);
    for (const child of Object.values(object)) collectIds(child, ids);
  }
}

async function discover(): Promise<Samples> {
  const query = `{
    awards(dataset: "${FIXTURE}", first: 500) { nodes { __typename id rowId
      transactions { totalCount nodes { __typename id rowId } }
      financialAccounts { totalCount nodes { __typename id treasuryAccount { __typename id federalAccount { __typename id } } } }
      awardingAgency { __typename id toptierAgency { __typename id } subtierAgency { __typename id } }
      recipient { __typename id location { __typename id } }
      placeOfPerformance { __typename id }
      parentAward { __typename id }
      latestTransaction { __typename id }
    } }
    cube(name: "${CUBE}") { __typename id dataset { __typename id } dimensions { __typename id name } measures { __typename id } facts(first: 1) { nodes { __typename id } } }
    records(dataset: "${GEONAMES}", first: 1) { nodes { __typename id recordId } }
    datasets(first: 100) { nodes { __typename id name } }
    cubes(first: 100) { nodes { name } }
    accounts: award(rowId: ${ACCOUNTS_BASE + 1}) { financialAccounts { nodes { __typename id treasuryAccount { __typename id federalAccount { __typename id } } } } }
    federalAccounts(first: 1) { nodes { __typename id } }
  }`;
  const { status, body } = await send(query);
  expect(status, query).toBe(200);
  expect(body.errors, query).toBeUndefined();
  const data = body.data as any;
  const ids = new Map<string, string>();
  collectIds(data, ids);
  type Award = { rowId: number; transactions: { totalCount: number; nodes: { rowId: number }[] }; financialAccounts: { totalCount: number } } & Record<string, unknown>;
  const awards = data.awards.nodes as Award[];
  const richness = (award: Award) =>
    Number(award.transactions.totalCount > 0) +
    Number(award.financialAccounts.totalCount > 0) +
    ['awardingAgency', 'recipient', 'placeOfPerformance', 'parentAward', 'latestTransaction'].filter((key) => award[key]).length;
  const ranked = [...awards].sort((a, b) => richness(b) - richness(a) || a.rowId - b.rowId);
  return {
    ids,
    awardRowIds: [ranked[0]!.rowId, ACCOUNTS_BASE + 1],
    transactionRowId: ranked.find((award) => award.transactions.nodes.length > 0)!.transactions.nodes[0]!.rowId,
    recordId: data.records.nodes[0].recordId,
    dimension: data.cube.dimensions[0].name,
    cubeOffset: (data.cubes.nodes as { name: string }[]).findIndex((cube) => cube.name === CUBE),
    datasets: [CUBE, GEONAMES, FIXTURE, ACCOUNTS].filter((name) => data.datasets.nodes.some((d: { name: string }) => d.name === name)),
  };
}

/** The argument lists to call a root field with (one walk each); none when the field needs no value. */
function rootArguments(name: string, s: Samples): string[] | undefined {
  const page = 'first: 2';
  switch (name) {
    case 'analyze':
      return [`(dataset: "${GEONAMES}", x: "feature_code", series: [{ name: "n", func: COUNT }])`];
    case 'autocomplete':
      return ['(fields: [RECIPIENT_RECIPIENT_NAME, DESCRIPTION], value: "a", limit: 2)'];
    case 'award':
      return s.awardRowIds.map((rowId) => `(rowId: ${rowId})`);
    case 'awards':
      return [`(${page}, filter: { rowId: { in: [${s.awardRowIds.join(', ')}] } })`];
    case 'awardTotals':
      return [`(${page}, aggregates: [COUNT])`, `(${page}, field: TOTAL_OBLIGATION, aggregates: [SUM, COUNT], groupBy: [TYPE_DESCRIPTION])`];
    case 'transactionTotals':
      return [`(${page}, aggregates: [COUNT])`, `(${page}, field: FEDERAL_ACTION_OBLIGATION, aggregates: [SUM, COUNT], groupBy: [TYPE_DESCRIPTION])`];
    case 'cube':
      return [`(name: "${CUBE}")`];
    case 'cubes':
      return [`(first: 1, offset: ${s.cubeOffset})`];
    case 'dataset':
      return s.datasets.map((dataset) => `(name: "${dataset}")`);
    case 'geocluster':
      return [`(dataset: "${GEONAMES}", clusterprecision: 3, clusterdistance: 100)`];
    case 'locationAutocomplete':
      return ['(value: "VA")'];
    case 'permissions':
      return [`(dataset: "${CUBE}")`];
    case 'record':
      return [`(dataset: "${GEONAMES}", recordId: "${s.recordId}")`];
    case 'records':
      return [`(dataset: "${GEONAMES}", ${page})`];
    case 'taxShare':
      return ['(income: 20000)'];
    case 'transaction':
      return [`(rowId: ${s.transactionRowId})`];
    case 'transactions':
      return [`(${page}, dataset: "${FIXTURE}")`];
    case 'factSearch':
      return [`(cubes: ["${CUBE}"], ${page})`];
    default:
      return undefined;
  }
}

/** Values for the required arguments of fields below the root; undefined: the field is left out. */
function fieldArguments(parent: Composite, field: GraphQLField<unknown, unknown>, s: Samples): string | undefined {
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  if (required.length === 0) return '';
  if (parent.name === 'Cube' && field.name === 'members') return `(dimension: "${s.dimension}")`;
  return undefined;
}

function isConnection(type: GraphQLNamedType): type is GraphQLObjectType {
  return isObjectType(type) && 'edges' in type.getFields() && 'pageInfo' in type.getFields();
}

/**
 * The selections of one walk: `wrap` turns a selection set of `type` into the root field with its path down to it.
 * Breadth first, so each relation (parent type and field) is tried once, by its shortest path.
 */
function walk(rootType: GraphQLNamedType, rootWrap: (selection: string) => string, s: Samples): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const queue: { type: GraphQLNamedType; wrap: (selection: string) => string; depth: number }[] = [{ type: rootType, wrap: rootWrap, depth: 0 }];
  while (queue.length > 0) {
    const { type, wrap, depth } = queue.shift()!;
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    out.push(wrap('{ __typename }'));
    if (isConnection(type)) {
      const fields = type.getFields();
      if (fields.totalCount) out.push(wrap('{ totalCount }'));
      out.push(wrap('{ pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }'));
      out.push(wrap('{ edges { cursor } }'));
      out.push(wrap('{ nodes { __typename } }'));
      out.push(wrap('{ edges { node { __typename } } }'));
    }
    const fields = Object.values(type.getFields()).filter((field) => fieldArguments(type, field, s) !== undefined);
    const leaves = fields.filter((field) => isLeafType(getNamedType(field.type)));
    if (leaves.length > 0) out.push(wrap(`{ ${leaves.map((field) => field.name).join(' ')} }`));
    for (const field of fields) {
      const target = getNamedType(field.type);
      if (isLeafType(target)) continue;
      const call = `${field.name}${fieldArguments(type, field, s)}`;
      const connectionPart = isConnection(type) && ['edges', 'nodes', 'pageInfo'].includes(field.name);
      if (!connectionPart) {
        out.push(wrap(`{ ${call} { __typename } }`));
        if ((isObjectType(target) || isInterfaceType(target)) && target.getFields().id) out.push(wrap(`{ ${call} { id } }`));
      }
      // A connection's rows are walked through `nodes`, at the connection's own depth.
      if (isConnection(type) && field.name !== 'nodes') continue;
      const key = `${type.name}.${field.name}`;
      const nextDepth = connectionPart ? depth : depth + 1;
      if (seen.has(key) || nextDepth > DEPTH) continue;
      seen.add(key);
      if (isAbstractType(target)) {
        for (const possible of schema.getPossibleTypes(target)) {
          if (!s.ids.has(possible.name)) continue;
          queue.push({ type: possible, wrap: (selection) => wrap(`{ ${call} { ... on ${possible.name} ${selection} } }`), depth: nextDepth });
        }
      } else queue.push({ type: target, wrap: (selection) => wrap(`{ ${call} ${selection} }`), depth: nextDepth });
    }
  }
  return out;
}

/** The walks of a root field: one per argument list, and for `node`/`nodes` one per Node type with a sample id. */
function rootSelections(field: GraphQLField<unknown, unknown>, s: Samples): string[] {
  const type = getNamedType(field.type);
  if (field.name === 'node') {
    return [...s.ids].flatMap(([typeName, id]) =>
      walk(schema.getType(typeName)!, (selection) => `node(id: "${id}") { ... on ${typeName} ${selection} }`, s),
    );
  }
  if (field.name === 'nodes') {
    // Every type at once for the interface's own fields; then each type's walk with its id alone (loading all of
    // them for every shape would only multiply the time).
    const ids = [...s.ids.values()].map((id) => `"${id}"`).join(', ');
    return [
      `nodes(ids: [${ids}]) { __typename }`,
      `nodes(ids: [${ids}]) { id }`,
      ...[...s.ids].flatMap(([typeName, id]) =>
        walk(schema.getType(typeName)!, (selection) => `nodes(ids: ["${id}"]) { ... on ${typeName} ${selection} }`, s),
      ),
    ];
  }
  const variants = rootArguments(field.name, s);
  const required = field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  if (!variants && required) throw new Error(`the walk has no values for the required arguments of Query.${field.name}: add them to rootArguments`);
  return (variants ?? ['']).flatMap((args) => walk(type, (selection) => `${field.name}${args} ${selection}`, s));
}

function tokens(text: string): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

/** Sends the selections as aliases of as few queries as the limits allow; returns one line per failure. */
async function run(selections: string[]): Promise<string[]> {
  const failures: string[] = [];
  const batches: string[][] = [];
  let batch: string[] = [];
  let batchTokens = 2;
  for (const selection of selections) {
    const size = tokens(selection) + 2;
    if (batch.length > 0 && (batch.length === ALIASES_PER_REQUEST || batchTokens + size > TOKENS_PER_REQUEST)) {
      batches.push(batch);
      batch = [];
      batchTokens = 2;
    }
    batch.push(selection);
    batchTokens += size;
  }
  if (batch.length > 0) batches.push(batch);
  for (const batch of batches) {
    const query = `{\n${batch.map((selection, i) => `  q${i}: ${selection}`).join('\n')}\n}`;
    const { status, body } = await send(query);
    if (status >= 500) failures.push(`HTTP ${status} for\n${query}`);
    // A root answering null or no row leaves everything below it untried: the sample values no longer fit.
    for (const [alias, value] of Object.entries(body.data ?? {})) {
      if (value === null || (Array.isArray(value) && value.length === 0)) failures.push(`no row to walk: { ${batch[Number(alias.slice(1))]} }`);
    }
    for (const error of body.errors ?? []) {
      const alias = error.path?.[0];
      const one = typeof alias === 'string' && /^q\d+$/.test(alias) ? `{ ${batch[Number(alias.slice(1))]} }` : query;
      // The whole request refused (its size, a limit): the walk itself is broken and tested nothing.
      if (error.path === undefined) failures.push(`request refused (${String(error.extensions?.code)}: ${error.message}):\n${query}`);
      else if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') failures.push(`INTERNAL_SERVER_ERROR at ${error.path.join('.')}: ${one}`);
    }
  }
  return failures;
}

const work = mkdtempSync(join(tmpdir(), 'spendgraph-walk-'));

beforeAll(async () => {
  await ingest(db, { path: accountModels(join(work, 'accounts.json'), ACCOUNTS_BASE).path, name: ACCOUNTS });
  samples = await discover();
});

afterAll(async () => {
  // The walk reads cubes, which sets off their statistics: none of it may land in the next file's measurements.
  await backgroundSettled();
  await db.dataset.deleteMany({ where: { name: ACCOUNTS } });
  rmSync(work, { recursive: true, force: true });
});

describe('every selection shape of every root query field answers without an internal error', () => {
  // Mutations write: they are left out.
  const roots = Object.values(schema.getQueryType()!.getFields());
  it('finds sample values for the walk', () => {
    expect(samples.cubeOffset).toBeGreaterThanOrEqual(0);
    // The walk goes through `node` from every Node type found, and these are all of them.
    const nodeTypes = schema.getPossibleTypes(schema.getType('Node') as GraphQLInterfaceType).map((type) => type.name);
    expect([...samples.ids.keys()].sort()).toEqual(nodeTypes.sort());
  });
  for (const root of roots) {
    it(root.name, async () => {
      const failures = await run(rootSelections(root, samples));
      expect(failures, failures.join('\n\n')).toEqual([]);
    });
  }
});
