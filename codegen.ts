import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the operations the tests send: `graphql()` from test/gql returns a TypedDocumentNode whose
// result and variables types follow schema.graphql.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          DateTime: 'string',
          Date: 'string',
          JSON: 'unknown',
          Decimal: 'string',
          BigInt: 'string',
        },
      },
    },
  },
};

export default config;
