import { graphql } from './gql/index.js';

/** The catalog's first page. */
export const Catalog = graphql(`
  query ApolloCatalog($first: Int!) {
    datasets(first: $first) {
      totalCount
      nodes { id name family title license }
    }
  }
`);

/** A cube's model: its dimensions and measures. */
export const CubeModel = graphql(`
  query ApolloCubeModel($name: String!) {
    cube(name: $name) {
      id
      name
      title
      dimensions { id name label }
      measures { id name currency }
    }
  }
`);

/** The same cube again, asking for other fields: the cache merges both answers into one entry. */
export const CubeFacts = graphql(`
  query ApolloCubeFacts($name: String!, $first: Int!) {
    cube(name: $name) {
      id
      name
      facts(first: $first) {
        totalCount
        nodes { id data }
      }
    }
  }
`);

/** One page of a records dataset; `fetchMore` with `after` appends the next page to the same list. */
export const RecordsPage = graphql(`
  query ApolloRecordsPage($dataset: String!, $first: Int!, $after: String) {
    records(dataset: $dataset, first: $first, after: $after) {
      totalCount
      edges { cursor node { id recordId fields dataset { id name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
