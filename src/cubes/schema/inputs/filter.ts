import { fieldRefFilterInput } from '../../../shared/filter/graphql.js';
import { orderInput } from '../../../shared/order.js';
import { cubeOperators } from '../../query/filter.js';

export const CubeFilter = fieldRefFilterInput('CubeFilter', {
  description:
    'Facts to keep, by field refs: "dimension" (its key attribute), "dimension.attribute" or a measure name. Values ' +
    'are JSON of the field’s type (strings, numbers, "YYYY-MM-DD" dates, booleans); `not` keeps facts without a value.',
  field: 'The field ref the operators of this object test; unknown refs are an error listing the valid ones.',
  ops: cubeOperators,
  search: {
    description: 'A full-text search over the facts (English stems, the engine of OpenSpending’s /api/2/search).',
    fields: 'Field refs to search; every value of the fact when omitted (the indexed full-text document).',
  },
});

export const CubeOrderBy = orderInput(
  'CubeOrderBy',
  'String',
  'A field ref (dimension, "dimension.attribute" or measure); for aggregate cells also a drilldown ref or an aggregate ref such as "amount.sum" or "_count".',
);
