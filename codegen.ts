import type { CodegenConfig } from '@graphql-codegen/cli';

// Custom scalars as clients receive them over JSON: money (Decimal) and BigInt as exact strings, dates as ISO
// strings, JSON as any JSON value.
const scalars = {
  DateTime: 'string',
  Date: 'string',
  JSON: 'unknown',
  Decimal: 'string',
  BigInt: 'string',
};

const clientPreset = {
  preset: 'client' as const,
  presetConfig: { fragmentMasking: false },
  config: { useTypeImports: true, enumsAsTypes: true, scalars },
};

// Typed documents for the operations of the tests, of each example client and of the explorer: `graphql()` from their gql/ folder
// returns a TypedDocumentNode whose result and variables types follow schema.graphql.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': { ...clientPreset, documents: ['test/**/*.ts', '!test/gql/**'] },
    'examples/apollo/gql/': { ...clientPreset, documents: ['examples/apollo/**/*.ts', '!examples/apollo/gql/**'] },
    // Apollo needs the implementations of the Node interface to match fragments on it.
    'examples/apollo/gql/possible-types.ts': { plugins: ['fragment-matcher'], config: { apolloClientVersion: 3, useExplicitTyping: true } },
    'examples/urql/gql/': { ...clientPreset, documents: ['examples/urql/**/*.ts', '!examples/urql/gql/**'] },
    // Graphcache is schema-aware with the introspection: it knows interfaces and which types have no id.
    'src/explore/web/gql/': { ...clientPreset, documents: ['src/explore/web/**/*.{ts,tsx}', '!src/explore/web/gql/**'] },
    'examples/urql/gql/introspection.ts': { plugins: ['urql-introspection'], config: { module: 'es2015' } },
  },
};

export default config;
