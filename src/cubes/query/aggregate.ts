import { db } from '../../db.js';
import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { PageWindow } from '../../shared/connection.js';
import { ExactNumber } from '../../shared/exact.js';
import { fieldSql } from './filter.js';
import { resolveDrilldown, type Column } from './drilldown.js';
import { resolveAggregate, resolveDimension, type CubeAggregate, type CubeAttribute, type CubeMeasure, type CubeModel } from './model.js';
import { buildScope, jsonValue, type CutEcho, type Ordering, type Row, type Selection } from './scope.js';
import type { ParsedOrder } from './grammar.js';

export interface AggregateArgs extends Selection, Ordering {
  drilldown?: string[] | null;
  aggregates?: string[] | null;
}

/**
 * Cells and totals. Aggregate values are exact decimal text (or null) as PostgreSQL prints them; drilldown values
 * are plain JSON. Each dialect renders the aggregate values its own way (see `aggregateNumber`).
 */
export interface CellsPage {
  cells: Row[];
  /** Known when the page has rows (counted alongside them); otherwise ask `totals`. */
  count: number | null;
  summary: Row | null;
}

export interface AggregatePlan {
  aggregates: CubeAggregate[];
  /** The drilldown resolved to attribute refs (the cell keys). */
  attributes: string[];
  order: [string, 'asc' | 'desc'][];
  cell: CutEcho[];
  /** The cells of one window, in one statement that also counts them all and sums the whole selection. */
  cells(window: PageWindow): Promise<CellsPage>;
  /** The number of cells and the summary over the whole selection (memoised). */
  totals(): Promise<{ count: number; summary: Row }>;
}

/** An aggregate's text value as a JSON number with every digit PostgreSQL computed, the babbage way. */
export function aggregateNumber(value: unknown): unknown {
  return typeof value === 'string' ? new ExactNumber(value) : jsonValue(value);
}

function direction(order: ParsedOrder): Prisma.Sql {
  return order.direction === 'desc' ? Prisma.raw('DESC NULLS LAST') : Prisma.raw('ASC NULLS LAST');
}

function cellAggregateSql(aggregate: CubeAggregate, m: Prisma.Sql): Prisma.Sql {
  switch (aggregate.function) {
    case 'count':
      return aggregate.measure ? Prisma.sql`count(${m})` : Prisma.sql`count(*)`;
    case 'sum':
      return Prisma.sql`sum(${m})`;
    case 'avg':
      return Prisma.sql`avg(${m})`;
    case 'min':
      return Prisma.sql`min(${m})`;
    case 'max':
      return Prisma.sql`max(${m})`;
  }
}

function summaryWindowSql(aggregate: CubeAggregate, m: Prisma.Sql): Prisma.Sql {
  switch (aggregate.function) {
    case 'count':
      return aggregate.measure ? Prisma.sql`sum(count(${m})) OVER ()` : Prisma.sql`sum(count(*)) OVER ()`;
    case 'sum':
      return Prisma.sql`sum(sum(${m})) OVER ()`;
    case 'avg':
      return Prisma.sql`(sum(sum(${m})) OVER () / NULLIF(sum(count(${m})) OVER (), 0))`;
    case 'min':
      return Prisma.sql`min(min(${m})) OVER ()`;
    case 'max':
      return Prisma.sql`max(max(${m})) OVER ()`;
  }
}

/** Measures an aggregate reads, each once, as columns m0, m1, … of the base selection. */
class MeasureColumns {
  readonly measures: CubeMeasure[] = [];

  ref(measure: CubeMeasure | null): Prisma.Sql {
    if (!measure) return Prisma.empty;
    let index = this.measures.indexOf(measure);
    if (index < 0) index = this.measures.push(measure) - 1;
    return Prisma.raw(`m${index}`);
  }
}

interface OrderPlan {
  sql: Prisma.Sql[];
  echo: [string, 'asc' | 'desc'][];
}

function orderPlan(model: CubeModel, columns: Column[], args: AggregateArgs, measures: MeasureColumns): OrderPlan {
  const sql: Prisma.Sql[] = [];
  const echo: [string, 'asc' | 'desc'][] = [];
  const orderedColumns = new Set<number>();
  const name = args.orderArg ?? 'order';
  (args.order ?? []).forEach((item, i) => {
    const byColumn = columns.findIndex(
      (c) => c.ref === item.ref || (model.dimensionsByName.get(item.ref)?.keyAttribute.ref === c.ref && !c.ref.includes('@')),
    );
    if (byColumn >= 0) {
      orderedColumns.add(byColumn);
      sql.push(Prisma.sql`${Prisma.raw(`d${byColumn}`)} ${direction(item)}`);
      echo.push([columns[byColumn]!.ref, item.direction]);
      return;
    }
    if (item.ref === '_count' || model.measuresByName.has(item.ref.split('.')[0]!)) {
      const aggregate = resolveAggregate(model, item.ref, `Invalid sorting criterion: '${item.ref}'`, [name, i]);
      sql.push(Prisma.sql`${cellAggregateSql(aggregate, measures.ref(aggregate.measure))} ${direction(item)}`);
      echo.push([aggregate.ref, item.direction]);
      return;
    }
    const reason = model.attributesByRef.has(item.ref) || model.dimensionsByName.has(item.ref)
      ? 'is not in the drilldown'
      : 'is not a drilldown attribute or an aggregate';
    throw badInput(`Invalid sorting criterion: '${item.ref}' ${reason}`, [name, i]);
  });
  columns.forEach((column, i) => {
    if (orderedColumns.has(i)) return;
    sql.push(Prisma.sql`${Prisma.raw(`d${i}`)} ASC NULLS LAST`);
    if (!args.order?.length) echo.push([column.ref, 'asc']);
  });
  return { sql, echo };
}

/**
 * Plans grouping the selected facts by the drilldown and computing the aggregates. `checkPage` runs after the
 * selection is checked and before the rest, so errors come in the order babbage clients know.
 */
export function aggregatePlan(model: CubeModel, args: AggregateArgs, checkPage: () => void = () => undefined): AggregatePlan {
  const scope = buildScope(model, args);
  checkPage();
  const requested = (args.aggregates ?? model.aggregates.map((a) => a.ref)).map((ref, i) =>
    resolveAggregate(model, ref, `Invalid aggregate: '${ref}'`, ['aggregates', i]),
  );
  const aggregates = requested.filter((a, i) => requested.findIndex((b) => b.ref === a.ref) === i);
  const columns = resolveDrilldown(scope, args.drilldown ?? [], 'drilldown');
  const measures = new MeasureColumns();
  const cellSql = aggregates.map((a, i) => Prisma.sql`(${cellAggregateSql(a, measures.ref(a.measure))})::text AS ${Prisma.raw(`a${i}`)}`);
  const order = orderPlan(model, columns, args, measures);
  const baseColumns = [
    ...columns.map((c, i) => Prisma.sql`${c.sql} AS ${Prisma.raw(`d${i}`)}`),
    ...measures.measures.map((m, i) => Prisma.sql`${fieldSql({ kind: 'measure', measure: m })} AS ${Prisma.raw(`m${i}`)}`),
  ];
  const base = Prisma.sql`SELECT ${baseColumns.length ? Prisma.join(baseColumns) : Prisma.sql`1 AS one`} FROM fact f WHERE ${scope.where}`;
  const groupBy = Prisma.raw(columns.map((_, i) => `d${i}`).join(', '));
  const pick = (row: Row, prefix: string): Row =>
    Object.fromEntries(aggregates.map((a, i) => [a.ref, row[`${prefix}${i}`] === null ? null : String(row[`${prefix}${i}`])]));

  let totals: Promise<{ count: number; summary: Row }> | undefined;
  const plan: AggregatePlan = {
    aggregates,
    attributes: columns.map((c) => c.ref),
    order: order.echo,
    cell: scope.cell,
    totals: () =>
      (totals ??= (async () => {
        if (columns.length === 0) {
          const rows = await db.$queryRaw<Row[]>`SELECT ${cellSql.length ? Prisma.join(cellSql) : Prisma.sql`1 AS one`} FROM (${base}) b`;
          return { count: 1, summary: pick(rows[0] ?? {}, 'a') };
        }
        const [counts] = await db.$queryRaw<Row[]>`SELECT
            (SELECT count(*) FROM (SELECT 1 FROM (${base}) g GROUP BY ${groupBy}) c) AS cell_count
            ${cellSql.length ? Prisma.sql`, ${Prisma.join(cellSql)}` : Prisma.empty}
          FROM (${base}) b`;
        return { count: Number(counts?.cell_count ?? 0), summary: pick(counts ?? {}, 'a') };
      })()),
    cells: async ({ offset, limit }) => {
      if (columns.length === 0) {
        const { summary } = await plan.totals();
        return { cells: offset === 0 && limit > 0 ? [summary] : [], count: 1, summary };
      }
      const summarySql = aggregates.map(
        (a, i) => Prisma.sql`(${summaryWindowSql(a, measures.ref(a.measure))})::text AS ${Prisma.raw(`s${i}`)}`,
      );
      const select = [...columns.map((_, i) => Prisma.raw(`d${i}`)), ...cellSql, Prisma.sql`count(*) OVER () AS cell_count`, ...summarySql];
      const rows = await db.$queryRaw<Row[]>`SELECT ${Prisma.join(select)} FROM (${base}) b GROUP BY ${groupBy}
        ORDER BY ${Prisma.join(order.sql)} LIMIT ${limit} OFFSET ${offset}`;
      const cells = rows.map((row) => ({
        ...Object.fromEntries(columns.map((c, i) => [c.ref, jsonValue(row[`d${i}`])])),
        ...pick(row, 'a'),
      }));
      if (rows.length === 0) return { cells, count: null, summary: null };
      return { cells, count: Number(rows[0]!.cell_count), summary: pick(rows[0]!, 's') };
    },
  };
  return plan;
}

export interface MembersPlan {
  /** Key first. */
  attributes: CubeAttribute[];
  key: CubeAttribute;
  label: CubeAttribute;
  plan: AggregatePlan;
}

/** Distinct members of a dimension (all its attributes, key first) or of one attribute, among the selected facts. */
export function membersPlan(model: CubeModel, ref: string, args: Selection & Ordering, checkPage?: () => void): MembersPlan {
  const attribute = model.dimensionsByName.has(ref) ? undefined : model.attributesByRef.get(ref);
  const dimension = attribute ? undefined : resolveDimension(model, ref, 'dimension', ['dimension']);
  const attributes = attribute ? [attribute] : dimension!.attributes;
  const plan = aggregatePlan(model, { ...args, drilldown: attributes.map((a) => a.ref), aggregates: [] }, checkPage);
  return { attributes, key: attribute ?? dimension!.keyAttribute, label: attribute ?? dimension!.labelAttribute, plan };
}
