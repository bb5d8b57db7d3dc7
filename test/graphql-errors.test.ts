import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { notFound } from '../src/errors.js';
import { maskError, useRequestErrorCodes } from '../src/yoga.js';
import { app } from './helpers.js';

interface Body {
  data?: unknown;
  errors?: { message: string; path?: unknown[]; locations?: unknown[]; extensions?: { code?: unknown } }[];
}

type Accept = 'application/json' | 'application/graphql-response+json';

/** Sends one operation to the app over HTTP, as a client would: POST with a JSON body, or GET with URL parameters. */
async function send(query: string, variables: unknown, options: { method?: 'GET' | 'POST'; accept?: Accept } = {}) {
  const accept = options.accept ?? 'application/graphql-response+json';
  const response =
    options.method === 'GET'
      ? await app.request(`/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`, { headers: { accept } })
      : await app.request('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify({ query, variables }),
        });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Body };
}

const Dataset = 'query Dataset($name: String!) { dataset(name: $name) { name } }';
const Datasets = 'query Datasets($filter: DatasetFilter) { datasets(filter: $filter) { totalCount } }';
const Facts = 'query Facts($filter: CubeFilter) { cube(name: "cra") { facts(filter: $filter, first: 1) { totalCount } } }';

/** The one error of a request that was refused before execution, with its code. */
function requestError(body: Body) {
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  const error = body.errors![0]!;
  expect(error.path).toBeUndefined();
  return { message: error.message, code: error.extensions?.code };
}

describe('errors in variables are the client’s, never masked', () => {
  it('a wrongly typed scalar variable is BAD_USER_INPUT naming the variable and the value', async () => {
    const { status, body } = await send(Dataset, { name: 5 });
    expect(status).toBe(400);
    expect(requestError(body)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Variable "$name" got invalid value 5; String cannot represent a non string value: 5',
    });
  });

  it('a wrong type inside an input-object variable names the path into the variable', async () => {
    const { body } = await send(Facts, { filter: { fy: '2017' } });
    expect(requestError(body)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Variable "$filter" got invalid value "2017" at "filter.fy"; Int cannot represent non-integer value: "2017"',
    });
    const text = await send(Datasets, { filter: { search: { text: { nested: true } } } });
    expect(requestError(text.body).code).toBe('BAD_USER_INPUT');
    expect(requestError(text.body).message).toMatch(/^Variable "\$filter" got invalid value .* at "filter\.search\.text"; String cannot represent/);
  });

  it('a bad Decimal names the path into the variable, or the literal, as graphql-js does for built-in scalars', async () => {
    const variable = await send('query($f: AwardFilter) { awards(first: 1, filter: $f) { totalCount } }', { f: { and: [{ totalObligation: { gt: '1x' } }] } });
    expect(requestError(variable.body)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Variable "$f" got invalid value "1x" at "f.and[0].totalObligation.gt"; Expected type "Decimal". Decimal expects a number such as "954392.01", got "1x"',
    });
    const literal = await send('{ awards(first: 1, filter: { totalObligation: { gt: "abc" } }) { totalCount } }', {});
    expect(requestError(literal.body)).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message: 'Expected value of type "Decimal", found "abc"; Decimal expects a number such as "954392.01", got "abc"',
    });
  });

  it('an unknown enum value is BAD_USER_INPUT naming the enum', async () => {
    const { body } = await send(Datasets, { filter: { family: { equals: 'SPREADSHEETS' } } });
    expect(requestError(body)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Variable "$filter" got invalid value "SPREADSHEETS" at "filter.family.equals"; Value "SPREADSHEETS" does not exist in "DatasetFamily" enum.',
    });
  });

  it('an unknown input field is BAD_USER_INPUT naming the field', async () => {
    const { body } = await send(Datasets, { filter: { colour: 'red' } });
    const error = requestError(body);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/^Variable "\$filter" got invalid value .*; Field "colour" is not defined by type "DatasetFilter"\.$/);
  });

  it('a missing required variable is BAD_USER_INPUT naming the variable', async () => {
    const { body } = await send(Dataset, {});
    expect(requestError(body)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Variable "$name" of required type "String!" was not provided.',
    });
  });

  it('answers 400 for application/graphql-response+json and 200 for application/json, over GET and POST, like syntax errors', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const strict = await send(Dataset, { name: 5 }, { method, accept: 'application/graphql-response+json' });
      const legacy = await send(Dataset, { name: 5 }, { method, accept: 'application/json' });
      expect([method, strict.status, legacy.status]).toEqual([method, 400, 200]);
      expect(legacy.body).toEqual(strict.body);
      const syntax = await send('{ datasets {', {}, { method, accept: 'application/graphql-response+json' });
      expect(syntax.status).toBe(400);
      expect(requestError(syntax.body).code).toBe('GRAPHQL_PARSE_FAILED');
    }
  });

  it('variables that are not JSON at all are a 400 BAD_REQUEST naming the parameter', async () => {
    const response = await app.request(`/graphql?query=${encodeURIComponent(Dataset)}&variables=%7Bname`);
    expect(response.status).toBe(400);
    const error = requestError((await response.json()) as Body);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^the "variables" parameter is not valid JSON: /);
  });

  it('limits raised by plugins without a code of their own get BAD_USER_INPUT', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: datasets { totalCount }`).join(' ');
    const { body } = await send(`{ ${aliases} }`, {});
    expect(requestError(body)).toEqual({ code: 'BAD_USER_INPUT', message: 'Syntax Error: Aliases limit of 30 exceeded, found 40.' });
  });

  it('valid variables still run, and field errors keep their own codes', async () => {
    expect((await send(Dataset, { name: 'cra' })).body).toEqual({ data: { dataset: { name: 'cra' } } });
    const missing = await send(Dataset, { name: 'no-such-dataset' });
    expect(missing.body.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['dataset']]]);
  });
});

describe('NUL bytes', () => {
  it('in a variable, however deep, are BAD_USER_INPUT naming the variable path, never a database error', async () => {
    const { status, body } = await send(Dataset, { name: 'a\u0000b' });
    expect(status).toBe(400);
    expect(requestError(body)).toEqual({ code: 'BAD_USER_INPUT', message: 'variable $name contains a NUL byte (\\u0000), which no text can hold' });
    const nested = await send('query($filter: RecordFilter) { records(dataset: "x", filter: $filter) { totalCount } }', {
      filter: { and: [{ field: 'name', equals: 'ok' }, { field: 'name', in: ['fine', '\u0000'] }] },
    });
    expect(requestError(nested.body).message).toBe('variable $filter.and[1].in[1] contains a NUL byte (\\u0000), which no text can hold');
  });

  it('in an inline string argument are BAD_USER_INPUT pointing at the literal', async () => {
    const { body } = await send('{ cube(name: "a\\u0000b") { name } records(dataset: "x") { totalCount } }', {});
    const error = requestError(body);
    expect(error).toEqual({ code: 'BAD_USER_INPUT', message: 'a string argument contains a NUL byte (\\u0000), which no text can hold' });
    expect(body.errors![0]!.locations).toEqual([{ line: 1, column: 14 }]);
  });

  it('are found again when the same document comes back (each document is searched once, then remembered)', async () => {
    const withNul = '{ cube(name: "c\\u0000d") { name } }';
    for (let i = 0; i < 3; i += 1) {
      const { body } = await send(withNul, {});
      expect(requestError(body).code).toBe('BAD_USER_INPUT');
      expect(body.errors![0]!.locations).toEqual([{ line: 1, column: 14 }]);
    }
    // A clean document sent as often is answered each time.
    for (let i = 0; i < 3; i += 1) expect((await send(Dataset, { name: 'cra' })).body).toEqual({ data: { dataset: { name: 'cra' } } });
  });
});

describe('server faults inside resolvers stay masked', () => {
  // A real Yoga with Spendgraph's error handling over a schema whose resolver fails the way a bug does.
  const faulty = (isDev: boolean) =>
    createYoga({
      schema: createSchema({
        typeDefs: 'type Query { broken(name: String!): String, missing: String }',
        resolvers: {
          Query: {
            broken: (_: unknown, args: { name: string }) => (args as unknown as { x: { y: string } }).x.y + args.name,
            missing: () => {
              throw notFound('no such thing');
            },
          },
        },
      }),
      logging: false,
      plugins: [useRequestErrorCodes()],
      maskedErrors: { maskError: (error, message) => maskError(error, message, isDev) },
    });

  async function ask(isDev: boolean, query: string, variables: unknown = {}) {
    const response = await faulty(isDev).fetch('http://spendgraph/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, text: await response.text() };
  }

  it('a resolver that throws a TypeError answers INTERNAL_SERVER_ERROR without its message', async () => {
    const { text } = await ask(false, 'query($n: String!) { broken(name: $n) }', { n: 'x' });
    const body = JSON.parse(text) as Body;
    expect(body.errors).toEqual([{ message: 'Unexpected error.', locations: [{ line: 1, column: 22 }], path: ['broken'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(text).not.toContain('Cannot read properties');
  });

  it('development shows the fault’s message, still as INTERNAL_SERVER_ERROR', async () => {
    const body = JSON.parse((await ask(true, '{ broken(name: "x") }')).text) as Body;
    expect(body.errors?.[0]?.message).toMatch(/^Cannot read properties of undefined/);
    expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('a coded error thrown on purpose passes, and variable errors are coded here too', async () => {
    const body = JSON.parse((await ask(false, '{ missing }')).text) as Body;
    expect(body.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([['no such thing', 'NOT_FOUND']]);
    const variables = JSON.parse((await ask(false, 'query($n: String!) { broken(name: $n) }', { n: [1] })).text) as Body;
    expect(variables.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('maskError masks what is not a GraphQLError and faults wrapped with a path', () => {
    const plain = maskError(new TypeError('boom'), 'Unexpected error.', false) as GraphQLError;
    expect([plain.message, plain.extensions.code]).toEqual(['Unexpected error.', 'INTERNAL_SERVER_ERROR']);
    const wrapped = new GraphQLError('boom', { path: ['datasets'], originalError: new Error('boom') });
    const masked = maskError(wrapped, 'Unexpected error.', false) as GraphQLError;
    expect([masked.message, masked.extensions.code]).toEqual(['Unexpected error.', 'INTERNAL_SERVER_ERROR']);
  });
});

/** Random JSON values, biased towards the shapes GraphQL inputs take, so many are almost right. */
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1000, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 1e21, '', 'cra', 'CUBE', 'RECORDS', 'nope', '2017', '[]', '{}'),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('text', 'search', 'family', 'fy', 'field', 'value', 'and', 'not', 'equals', 'in', 'colour'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Real operations of today's schema, each with the variables it declares. */
const operations: { query: string; variables: string[] }[] = [
  { query: Dataset, variables: ['name'] },
  {
    query: 'query($filter: DatasetFilter, $first: Int, $offset: Int, $facets: [String!]) { datasets(filter: $filter, first: $first, offset: $offset, facets: $facets) { totalCount } }',
    variables: ['filter', 'first', 'offset', 'facets'],
  },
  {
    query: 'query($dataset: String!, $filter: RecordFilter, $first: Int) { records(dataset: $dataset, filter: $filter, first: $first) { totalCount nodes { id } } }',
    variables: ['dataset', 'filter', 'first'],
  },
  { query: 'query($dataset: String!) { permissions(dataset: $dataset) { read } }', variables: ['dataset'] },
  { query: Facts, variables: ['filter'] },
];

describe('fuzzing variables', () => {
  it('never answers INTERNAL_SERVER_ERROR, and every error has a code', async () => {
    const seen = new Set<unknown>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.dictionary(fc.constantFrom('name', 'filter', 'first', 'offset', 'facets', 'dataset', 'extra'), json, { maxKeys: 5 }),
        fc.constantFrom('GET' as const, 'POST' as const),
        async (operation, variables, method) => {
          const { status, text, body } = await send(operation.query, variables, { method });
          expect(status, text).toBeLessThan(500);
          expect(body.data !== undefined || body.errors !== undefined, text).toBe(true);
          for (const error of body.errors ?? []) {
            expect(typeof error.extensions?.code, text).toBe('string');
            expect(error.extensions?.code, text).not.toBe('INTERNAL_SERVER_ERROR');
            seen.add(error.extensions?.code);
          }
        },
      ),
      { numRuns: 200 },
    );
    // The generator must reach the errors this file is about, not only valid requests.
    expect(seen).toContain('BAD_USER_INPUT');
  });
});
