import { graphql } from './gql/index.js';

export const CatalogQuery = graphql(`
  query ExploreCatalog($filter: DatasetFilter, $first: Int, $offset: Int, $facets: [String!]) {
    datasets(filter: $filter, first: $first, offset: $offset, facets: $facets) {
      totalCount
      nodes { id name family title description license licenseUrl publisher size }
      facetGroups { name facets { name count } }
    }
  }
`);

export const CubeModelQuery = graphql(`
  query ExploreCubeModel($name: String!) {
    cube(name: $name) {
      id
      name
      title
      aggregates { ref label measure function }
      hierarchies { name label levels }
      dimensions { id name label keyAttribute labelAttribute attributes { ref label type } }
      dataset { id license }
    }
  }
`);

export const CubeAggregateQuery = graphql(`
  query ExploreCubeAggregate($name: String!, $aggregates: [String!], $drilldown: [String!], $cut: String, $orderBy: [CubeOrderBy!], $first: Int) {
    cube(name: $name) {
      id
      aggregate(aggregates: $aggregates, drilldown: $drilldown, cut: $cut, orderBy: $orderBy, first: $first) {
        totalCount
        attributes
        summary
        nodes { key values }
      }
    }
  }
`);

export const AwardsQuery = graphql(`
  query ExploreAwards($dataset: String, $filter: AwardFilter, $first: Int, $offset: Int, $orderBy: [AwardOrderBy!]) {
    awards(dataset: $dataset, filter: $filter, first: $first, offset: $offset, orderBy: $orderBy) {
      totalCount
      req
      nodes {
        id
        rowId
        piid
        fain
        typeDescription
        dateSigned
        totalObligation
        description
        recipient { id recipientName }
        awardingAgency { id toptierAgency { id name } }
      }
    }
  }
`);

export const AwardTotalsQuery = graphql(`
  query ExploreAwardTotals(
    $dataset: String
    $filter: AwardFilter
    $groupBy: [AwardField!]
    $datePart: DatePart
    $field: AwardNumericField
    $aggregates: [TotalsAggregate!]
    $first: Int
  ) {
    awardTotals(dataset: $dataset, filter: $filter, groupBy: $groupBy, datePart: $datePart, field: $field, aggregates: $aggregates, first: $first) {
      nodes { groups { field value } sum count }
    }
  }
`);

export const AwardsDatasetsQuery = graphql(`
  query ExploreAwardsDatasets {
    datasets(filter: { family: { equals: AWARDS } }, first: 100) {
      nodes { id name title }
    }
  }
`);

export const RecordsDatasetQuery = graphql(`
  query ExploreRecordsDataset($name: String!) {
    dataset(name: $name) {
      id
      name
      title
      license
      publisher
      recordFields { name label type annotations }
    }
  }
`);

export const RecordsQuery = graphql(`
  query ExploreRecords($dataset: String!, $q: String, $refine: [FacetValueInput!], $facets: [String!], $first: Int, $offset: Int) {
    records(dataset: $dataset, q: $q, refine: $refine, facets: $facets, first: $first, offset: $offset) {
      totalCount
      nodes { id recordId fields }
      facetGroups { name facets { name count state } }
    }
  }
`);

export const GeoclusterQuery = graphql(`
  query ExploreGeocluster($dataset: String!, $q: String, $refine: [FacetValueInput!], $clusterprecision: Int!, $clusterdistance: Float!) {
    geocluster(dataset: $dataset, q: $q, refine: $refine, clusterprecision: $clusterprecision, clusterdistance: $clusterdistance) {
      countMax
      clusters { center count }
    }
  }
`);
