import { GraphQLSchema } from 'graphql';
import { builder } from '../builder.js';
import './dataset.js';
import './permissions.js';

const built = builder.toSchema();
const mutation = built.getMutationType();

// The Mutation root is declared in the builder for every module to extend; GraphQL forbids it empty.
export const schema =
  mutation && Object.keys(mutation.getFields()).length === 0
    ? new GraphQLSchema({
        ...built.toConfig(),
        mutation: null,
        types: built.toConfig().types.filter((type) => type !== mutation),
      })
    : built;
