import { getNamedType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema.js';
import { operators } from '../src/shared/filter/operators.js';
import { graphql } from './gql/index.js';
import { execute } from './helpers.js';

const IdsOfEveryKind = graphql(`
  query IdsOfEveryKind($records: String!) {
    datasets(first: 1) { nodes { id name } }
    cubes(first: 1) {
      nodes {
        id
        dimensions { id }
        measures { id }
        facts(first: 1) { nodes { id } }
      }
    }
    awards(first: 100) {
      nodes {
        id
        awardingAgency { id toptierAgency { id } subtierAgency { id } }
        recipient { id location { id } }
        transactions(first: 1) { nodes { id } }
      }
    }
    records(dataset: $records, first: 1) { nodes { id } }
  }
`);

const NodesById = graphql(`
  query NodesById($ids: [ID!]!) {
    nodes(ids: $ids) { __typename id }
  }
`);

describe('global object identification', () => {
  it('resolves an id of every cacheable type through node(ids) to the same type and id', async () => {
    const { data, errors } = await execute(IdsOfEveryKind, { records: 'geonames-all-cities-with-a-population-1000' });
    expect(errors).toBeUndefined();
    const cube = data!.cubes.nodes[0]!;
    const award = data!.awards.nodes.find((a) => a.awardingAgency?.toptierAgency && a.awardingAgency.subtierAgency && a.recipient?.location && a.transactions.nodes.length)!;
    expect(award).toBeDefined();
    const expected: [string, string][] = [
      ['Dataset', data!.datasets.nodes[0]!.id],
      ['Cube', cube.id],
      ['Dimension', cube.dimensions[0]!.id],
      ['CubeMeasure', cube.measures[0]!.id],
      ['Fact', cube.facts.nodes[0]!.id],
      ['Award', award.id],
      ['Agency', award.awardingAgency!.id],
      ['ToptierAgency', award.awardingAgency!.toptierAgency!.id],
      ['SubtierAgency', award.awardingAgency!.subtierAgency!.id],
      ['Recipient', award.recipient!.id],
      ['Location', award.recipient!.location!.id],
      ['Transaction', award.transactions.nodes[0]!.id],
      ['Record', data!.records!.nodes[0]!.id],
    ];
    const result = await execute(NodesById, { ids: expected.map(([, id]) => id) });
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes.map((node) => node && [node.__typename, node.id])).toEqual(expected);
    expect(new Set(expected.map(([, id]) => id)).size).toBe(expected.length);
  });
});

/** `[Int!]` or `DecimalRange!`: the written form of an input type. */
const typeText = (type: GraphQLInputType): string => String(type);

describe('one filter grammar', () => {
  const filters = Object.values(schema.getTypeMap()).filter((type) => isInputObjectType(type) && type.name.endsWith('Filter'));

  it('spells every operator of every *Filter input as the operator table does', () => {
    const known = new Set(Object.keys(operators));
    const strays: string[] = [];
    for (const filter of filters) {
      if (!isInputObjectType(filter)) continue;
      for (const field of Object.values(filter.getFields())) {
        const named = getNamedType(field.type);
        const structural = ['and', 'or', 'not', 'field'].includes(field.name) || field.name.endsWith('Exists');
        const nestedFilter = isInputObjectType(named) && (named.name.endsWith('Filter') || named.name.endsWith('Search'));
        if (!structural && !nestedFilter && !known.has(field.name)) strays.push(`${filter.name}.${field.name}`);
      }
    }
    expect(strays).toEqual([]);
    expect(filters.length).toBeGreaterThanOrEqual(10);
  });

  it('gives each operator the shape of value the operator table declares, wherever it appears', () => {
    const conforms: Record<string, (type: GraphQLInputType) => boolean> = {
      value: (type) => !isListType(type) && !isInputObjectType(type),
      list: (type) => isListType(type) && !isInputObjectType(getNamedType(type)),
      range: (type) => isInputObjectType(type) && type.name.endsWith('Range'),
      boolean: (type) => typeText(type) === 'Boolean',
      text: (type) => typeText(type) === 'String',
      textList: (type) => typeText(type) === '[String!]',
      int: (type) => typeText(type) === 'Int',
      years: (type) => typeText(type) === '[Int!]',
      intersect: (type) => isInputObjectType(type) && type.name.endsWith('RangeIntersect'),
      search: (type) => isInputObjectType(type) && type.name.endsWith('Search') && 'text' in type.getFields(),
    };
    const wrong: string[] = [];
    const seen = new Set<string>();
    for (const filter of filters) {
      if (!isInputObjectType(filter)) continue;
      for (const field of Object.values(filter.getFields())) {
        if (!(field.name in operators)) continue;
        const { shape } = operators[field.name as keyof typeof operators];
        const type = isNonNullType(field.type) ? field.type.ofType : field.type;
        seen.add(field.name);
        if (!conforms[shape]!(type)) wrong.push(`${filter.name}.${field.name}: ${typeText(type)} is not a ${shape}`);
      }
    }
    expect(wrong).toEqual([]);
    for (const op of ['equals', 'in', 'range', 'fy', 'rangeIntersect', 'gt', 'isNull', 'contains']) expect(seen.has(op)).toBe(true);
  });
});
