import { aggregateNumber, aggregatePlan, type AggregateArgs } from '../../src/cubes/query/aggregate.js';
import { factsPlan, type FactsArgs } from '../../src/cubes/query/facts.js';
import type { CubeModel } from '../../src/cubes/query/model.js';
import { isExactNumber } from '../../src/shared/exact.js';
import type { Row } from '../../src/cubes/query/scope.js';

/**
 * Runs an aggregate plan over its first `limit` cells, aggregate values as the babbage routes write them (exact JSON
 * numbers): here counts as numbers, every other aggregate as its decimal text.
 */
export async function aggregateCells(model: CubeModel, args: AggregateArgs, limit = 10_000) {
  const plan = aggregatePlan(model, args);
  const page = await plan.cells({ offset: 0, limit });
  const totals = page.count === null ? await plan.totals() : { count: page.count, summary: page.summary! };
  const numbers = (row: Row): Row => {
    const out: Row = { ...row };
    for (const a of plan.aggregates) {
      const value = aggregateNumber(out[a.ref]);
      out[a.ref] = isExactNumber(value) ? (a.function === 'count' ? Number(value.value) : value.value) : value;
    }
    return out;
  };
  return { attributes: plan.attributes, cells: page.cells.map(numbers), summary: numbers(totals.summary), totalCellCount: totals.count };
}

/** The number of facts a selection covers. */
export function factCount(model: CubeModel, args: FactsArgs): Promise<number> {
  return factsPlan(model, args).count();
}
