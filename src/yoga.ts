import { createYoga } from 'graphql-yoga';
import { createContext } from './context.js';
import { schema } from './schema/index.js';

export const yoga = createYoga({
  schema,
  context: createContext,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: { title: 'Spendgraph', defaultQuery: '{\n  datasets {\n    totalCount\n    nodes { name family title }\n  }\n}\n' },
});
