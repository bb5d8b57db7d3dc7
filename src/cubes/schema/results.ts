import { builder } from '../../builder.js';
import type { AggregateResult, FactsResult, MembersResult, Row } from '../query/query.js';
import type { CubeAggregate as CubeAggregateDef } from '../query/model.js';

export const CubeAggregate = builder.objectRef<CubeAggregateDef>('CubeAggregate').implement({
  description: 'An aggregate a cube offers: `_count` or `<measure>.<function>`.',
  fields: (t) => ({
    ref: t.exposeString('ref'),
    label: t.exposeString('label'),
    function: t.exposeString('function', { description: 'count, sum, avg, min or max.' }),
    measure: t.string({ nullable: true, resolve: (a) => a.measure?.name ?? null }),
  }),
});

export const Fact = builder.objectRef<{ rowNumber: number; data: Row }>('Fact').implement({
  description: 'One row of a cube.',
  fields: (t) => ({
    rowNumber: t.exposeInt('rowNumber', { description: 'Position of the row in its source, from 1.' }),
    data: t.field({
      type: 'JSON',
      description: 'The requested fields keyed by ref ("dimension.attribute", measure name), typed as JSON.',
      resolve: (fact) => fact.data,
    }),
  }),
});

export const FactPage = builder.objectRef<FactsResult>('FactPage').implement({
  description: 'One page of facts with the number of facts selected in all.',
  fields: (t) => ({
    totalCount: t.exposeInt('totalFactCount'),
    page: t.exposeInt('page'),
    pageSize: t.exposeInt('pageSize'),
    fields: t.exposeStringList('fields', { description: 'Refs present in each fact’s data.' }),
    nodes: t.field({
      type: [Fact],
      resolve: (result) => result.data.map((data, i) => ({ rowNumber: result.rowNumbers[i]!, data })),
    }),
  }),
});

export const MemberPage = builder.objectRef<MembersResult>('MemberPage').implement({
  description: 'One page of the distinct members of a dimension among the selected facts.',
  fields: (t) => ({
    totalCount: t.exposeInt('totalMemberCount'),
    page: t.exposeInt('page'),
    pageSize: t.exposeInt('pageSize'),
    fields: t.exposeStringList('fields', { description: 'Attribute refs of each member, key first.' }),
    nodes: t.field({ type: ['JSON'], description: 'Members keyed by attribute ref.', resolve: (r) => r.data }),
  }),
});

const AggregateCell = builder.objectRef<{ key: Row; values: Row }>('AggregateCell').implement({
  description: 'One group of the drilldown.',
  fields: (t) => ({
    key: t.field({ type: 'JSON', description: 'Drilldown attribute refs and their values.', resolve: (c) => c.key }),
    values: t.field({ type: 'JSON', description: 'Aggregate refs and their values.', resolve: (c) => c.values }),
  }),
});

export const CubeAggregation = builder.objectRef<AggregateResult>('CubeAggregation').implement({
  description: 'Aggregates of the selected facts, grouped by the drilldown.',
  fields: (t) => ({
    summary: t.field({
      type: 'JSON',
      description: 'The aggregates over the whole selection (never just the first cell).',
      resolve: (r) => r.summary,
    }),
    cells: t.field({
      type: [AggregateCell],
      resolve: (r) =>
        r.cells.map((cell) => {
          const key: Row = {};
          const values: Row = {};
          for (const ref of r.attributes) key[ref] = cell[ref];
          for (const a of r.aggregates) values[a.ref] = cell[a.ref];
          return { key, values };
        }),
    }),
    totalCellCount: t.exposeInt('totalCellCount', { description: 'Number of groups in all pages.' }),
    page: t.exposeInt('page'),
    pageSize: t.exposeInt('pageSize'),
    attributes: t.exposeStringList('attributes', { description: 'The drilldown resolved to attribute refs.' }),
    aggregates: t.stringList({ description: 'The aggregate refs computed.', resolve: (r) => r.aggregates.map((a) => a.ref) }),
  }),
});
