import { readFileSync } from 'node:fs';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createInMemoryAPQStore, useAPQ, type APQStore } from '@graphql-yoga/plugin-apq';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createInMemoryCache, useResponseCache } from '@graphql-yoga/plugin-response-cache';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError, Kind, execute, getOperationAST, visit, type DocumentNode, type ExecutionResult } from 'graphql';
import { createYoga, type GraphiQLOptions, type Plugin } from 'graphql-yoga';
import { visibleDatasets } from './access/principal.js';
import { catalogMemo } from './db/catalog-events.js';
import { useThePrimary } from './db/routing.js';
import { createContext, type Context } from './context.js';
import { graphqlLimitsFromEnv, type GraphQLLimits } from './graphql-limits.js';
import { schema } from './schema.js';
import { databaseUserError } from './shared/database-errors.js';

/** A copy of `error` with `extensions.code` set (a code it already has wins) and any other extensions kept. */
function withCode(error: GraphQLError, code: string, http?: { spec?: boolean; status: number }): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: error.extensions?.code ?? code, ...(http ? { http } : {}) },
  });
}

/**
 * Request errors are the client's, and every error a client sees carries a code.
 *
 * - graphql-js reports a request it cannot run at all (a variable of the wrong type, an unknown enum value or input
 *   field, a missing variable, an ambiguous operation) as a result without `data` whose errors have no `path`. Some
 *   carry the scalar's own error as `originalError` and no code, which maskError would take for a server fault.
 *   They get `BAD_USER_INPUT` here, before masking, where they are known to be about the request; and the status of
 *   a request error: 400 for `application/graphql-response+json`, 200 for `application/json`, as the GraphQL over
 *   HTTP spec says and as Yoga answers syntax and validation errors.
 * - `variables` or `extensions` that are not JSON (GET, form posts) are a 400 `BAD_REQUEST`, not a masked fault.
 * - Errors that reach the client without a code were raised about the request by a plugin (the alias and token
 *   limits): `BAD_USER_INPUT`. Masked faults already carry `INTERNAL_SERVER_ERROR`.
 */
export function useRequestErrorCodes(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          const search = new URL(request.url).searchParams;
          const bad = ['variables', 'extensions'].filter((name) => {
            const raw = search.get(name);
            if (!raw) return false;
            try {
              JSON.parse(raw);
              return false;
            } catch {
              return true;
            }
          });
          const what = bad.length ? `the "${bad.join('" and "')}" parameter` : 'a "variables" or "extensions" parameter';
          throw new GraphQLError(`${what} is not valid JSON: ${error.message}`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
    onExecute: () => ({
      onExecuteDone({ result, setResult }) {
        if (Symbol.asyncIterator in result || 'data' in result || !result.errors?.length) return;
        setResult({
          ...result,
          errors: result.errors.map((error) => (error.path ? error : withCode(error, 'BAD_USER_INPUT', { spec: true, status: 400 }))),
        });
      },
    }),
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      const single = result as ExecutionResult;
      if (!single.errors?.some((error) => !error.extensions?.code)) return;
      setResult({ ...single, errors: single.errors.map((error) => (error.extensions?.code ? error : withCode(error, 'BAD_USER_INPUT'))) });
    },
  };
}

/** The path of the first string holding a NUL byte inside a variable's value, e.g. `$filter.and[0].equals`. */
function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = nulPath(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Documents come from Yoga's parse cache, the same object for the same text: each is searched once. */
const nulChecked = new WeakMap<DocumentNode, GraphQLError | null>();

function nulInDocument(document: DocumentNode): GraphQLError | undefined {
  const known = nulChecked.get(document);
  if (known !== undefined) return known ?? undefined;
  let found: GraphQLError | undefined;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (!found && node.value.includes('\u0000')) found = new GraphQLError('a string argument contains a NUL byte (\\u0000), which no text can hold', { nodes: [node] });
    },
  });
  nulChecked.set(document, found ?? null);
  return found;
}

/**
 * No text in the database can hold a NUL byte: a string argument or variable with one is the client's mistake,
 * answered `BAD_USER_INPUT` naming where it is, before any resolver passes it to SQL.
 */
export function useRejectNulBytes(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let error = nulInDocument(args.document);
      for (const [name, value] of Object.entries(args.variableValues ?? {})) {
        if (error) break;
        const path = nulPath(value, `$${name}`);
        if (path) error = new GraphQLError(`variable ${path} contains a NUL byte (\\u0000), which no text can hold`);
      }
      if (error) {
        setResultAndStopExecution({
          errors: [new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })],
        });
      }
    },
  };
}

/**
 * Operations run on graphql-js's executor instead of Yoga's default, @graphql-tools/executor, whose extra work per
 * field and per argument (promise helpers, snapshots of input values) serves incremental delivery (`@defer`,
 * `@stream`), subscriptions and abort signals. The schema has none of them, and a page of 20 awards with their
 * agency, recipient and transactions costs about an eighth less CPU this way (bench/README.md, seventh round).
 */
export function useGraphQLJsExecution(): Plugin {
  return {
    onExecute({ setExecuteFn }) {
      setExecuteFn(execute);
    },
  };
}

/** A mutation writes and may read what it wrote: all its statements go to the primary. */
export function useWritesOnThePrimary(): Plugin {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query') useThePrimary();
    },
  };
}

/**
 * What a client sees of an error. Errors with a code were raised on purpose (UserError, limits, Yoga's parse and
 * validation errors, request errors coded above) and pass as they are; anything else is a server fault, masked as
 * `INTERNAL_SERVER_ERROR` (its message shown only when NODE_ENV=development) and logged.
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  if (!(error instanceof GraphQLError)) {
    return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
  // Parse, validation and limit errors describe the request itself: pass them on.
  if (!error.originalError) return error;
  // A coded error thrown on purpose (UserError): graphql-js wrapped it with its path and copied its code.
  if (error.originalError instanceof GraphQLError && error.extensions?.code) return error;
  // A database error the arguments caused (overflow, invalid text, timeout): its short cause, never the driver's text.
  const refused = databaseUserError(error.originalError);
  if (refused) return new GraphQLError(refused.message, { nodes: error.nodes, path: error.path, extensions: refused.extensions });
  // Keep where it happened (the field's path and location), never what happened.
  return new GraphQLError(isDev ? error.message : message, {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

const defaultQuery = '# The same data as charts, tables and a map: the explorer at /explore\n{\n  datasets {\n    totalCount\n    nodes { name family title }\n  }\n}\n';

/**
 * GraphiQL from the npm package that bundles its script, styles, Monaco workers and favicon into the page, so it
 * works offline (Yoga's default page loads them from a CDN). The page is about 9 MB: built once per options.
 */
let graphiqlPage: { key: string; html: string } | undefined;
function renderOfflineGraphiQL(options: GraphiQLOptions): string {
  const key = JSON.stringify(options);
  if (graphiqlPage?.key !== key) graphiqlPage = { key, html: renderGraphiQL(options) };
  return graphiqlPage.html;
}

function limitPlugins(limits: GraphQLLimits): Plugin[] {
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxAliases: { n: limits.maxAliases, propagateOnRejection: true },
      maxTokens: { n: limits.maxTokens, propagateOnRejection: true },
      maxDirectives: { n: limits.maxDirectives, propagateOnRejection: true },
      // Depth and cost are the complexity plugin's job: it multiplies by page sizes, which these cannot see.
      maxDepth: { enabled: false },
      costLimit: { enabled: false },
      blockFieldSuggestion: { enabled: process.env.NODE_ENV === 'production' },
    }) as Plugin,
  ];
  if (!limits.introspection) plugins.push(useDisableIntrospection());
  if (limits.persistedOperations || limits.requirePersisted) {
    const store: Record<string, string> = limits.persistedOperations
      ? (JSON.parse(readFileSync(limits.persistedOperations, 'utf8')) as Record<string, string>)
      : {};
    plugins.push(
      usePersistedOperations({
        getPersistedOperation: (id) => store[id] ?? null,
        allowArbitraryOperations: !limits.requirePersisted,
        customErrors: {
          notFound: { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
          persistedQueryOnly: { message: 'only persisted operations are accepted', extensions: { code: 'PERSISTED_QUERY_ONLY' } },
          keyNotFound: { message: 'the request names no persisted operation', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
        },
      }) as Plugin,
    );
  } else {
    // No trusted documents configured: any client may register its documents by hash (Apollo's and urql's automatic
    // persisted queries), and then send only the hash, over GET too. With trusted documents the plugin above is in
    // charge and nothing is registered.
    plugins.push(useAPQ({ store: apqStore() }));
  }
  return plugins;
}

/**
 * The optional response cache (SPENDGRAPH_RESPONSE_CACHE_SECONDS): a query's result, keyed by its document,
 * variables and operation name, the datasets the caller may see and the catalog's generation, so that any load,
 * reload, push, permission change or delete (each changes a dataset row, which the catalog listener hears) makes
 * every earlier entry unreachable. It answers only while the listener is connected: otherwise a change could go
 * unheard. Results with errors are never kept.
 */
function responseCachePlugins(limits: GraphQLLimits): Plugin[] {
  if (limits.responseCacheSeconds <= 0) return [];
  return [
    useResponseCache<Context>({
      cache: createInMemoryCache({ max: 1000 }),
      ttl: limits.responseCacheSeconds * 1000,
      enabled: () => catalogMemo.live,
      session: (_request, context) => `${catalogMemo.generation}:${JSON.stringify(visibleDatasets(context.principal))}`,
    }),
  ];
}

/** Documents registered by automatic persisted queries: at most 1000, for a day, none longer than 100,000 characters. */
function apqStore(): APQStore {
  const store = createInMemoryAPQStore({ max: 1000, ttl: 24 * 60 * 60 * 1000 });
  return {
    get: (hash) => store.get(hash),
    set: (hash, query) => (query.length <= 100_000 ? store.set(hash, query) : undefined),
  };
}

export function createGraphQLHandler(limits: GraphQLLimits = graphqlLimitsFromEnv()) {
  return createYoga({
    schema,
    context: (initial) => createContext(initial, limits),
    graphqlEndpoint: '/graphql',
    // CORS is the app's (src/shared/open-cors.ts, any origin, no credentials). Yoga's own reflected the origin and
    // allowed credentials, which beside `Access-Control-Allow-Origin: *` contradicted it, and ran at every request.
    cors: false,
    landingPage: false,
    graphiql: limits.requirePersisted ? false : { title: 'Spendgraph', defaultQuery },
    renderGraphiQL: renderOfflineGraphiQL,
    plugins: [useGraphQLJsExecution(), useRequestErrorCodes(), useRejectNulBytes(), useWritesOnThePrimary(), ...limitPlugins(limits), ...responseCachePlugins(limits)],
    // The edge (src/shared/edge.ts) has read the body within SPENDGRAPH_MAX_BODY before Yoga sees the request; Yoga's
    // own limit would wrap it in a second stream, turning the server's lightweight request into a full one.
    maxRequestBodySize: false,
    maskedErrors: { maskError },
  });
}

export const yoga = createGraphQLHandler();
