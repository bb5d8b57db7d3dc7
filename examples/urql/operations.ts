import { graphql } from './gql/index.js';

/** A cube's model: its dimensions and measures. */
export const CubeModel = graphql(`
  query UrqlCubeModel($name: String!) {
    cube(name: $name) {
      id
      name
      dimensions { id name label }
    }
  }
`);

/** The same cube with its facts' count. */
export const CubeFacts = graphql(`
  query UrqlCubeFacts($name: String!) {
    cube(name: $name) {
      id
      name
      facts(first: 1) { totalCount }
    }
  }
`);

/** Both of the above at once: answered from the cache alone when the two queries were normalised into one entry. */
export const CubeBoth = graphql(`
  query UrqlCubeBoth($name: String!) {
    cube(name: $name) {
      id
      name
      dimensions { id name label }
      facts(first: 1) { totalCount }
    }
  }
`);

/** One page of a records dataset; with Relay pagination the page after `after` is merged into the list. */
export const RecordsPage = graphql(`
  query UrqlRecordsPage($dataset: String!, $first: Int!, $after: String) {
    records(dataset: $dataset, first: $first, after: $after) {
      edges { cursor node { id recordId dataset { id name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
