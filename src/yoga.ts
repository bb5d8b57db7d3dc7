import { readFileSync } from 'node:fs';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { createContext } from './context.js';
import { graphqlLimitsFromEnv, type GraphQLLimits } from './graphql-limits.js';
import { schema } from './schema.js';

const defaultQuery = '{\n  datasets {\n    totalCount\n    nodes { name family title }\n  }\n}\n';

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
  }
  return plugins;
}

export function createGraphQLHandler(limits: GraphQLLimits = graphqlLimitsFromEnv()) {
  return createYoga({
    schema,
    context: (initial) => createContext(initial, limits),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: limits.requirePersisted ? false : { title: 'Spendgraph', defaultQuery },
    plugins: limitPlugins(limits),
    maskedErrors: {
      maskError(error, message, isDev) {
        if (!(error instanceof GraphQLError)) {
          return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
        }
        // Parse, validation and limit errors describe the request itself: pass them on.
        if (!error.originalError) return error;
        // A coded error thrown on purpose (UserError): graphql-js wrapped it with its path and copied its code.
        if (error.originalError instanceof GraphQLError && error.extensions?.code) return error;
        // Variables that do not fit their types fail before execution, with no path: the request's own fault.
        if (error.originalError instanceof GraphQLError && !error.path) {
          return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        return new GraphQLError(isDev ? (error as Error).message : message, {
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        });
      },
    },
  });
}

export const yoga = createGraphQLHandler();
