import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { fieldSql, fieldTextSql, pinnedRefs } from './filter.js';
import type { FiscalYearStart } from '../../shared/fiscal.js';
import { resolveAttribute, type CubeAttribute, type FieldRef } from './model.js';
import type { Scope } from './scope.js';

export type TimeBucket = 'year' | 'quarter' | 'month' | 'fy';
const timeBuckets: TimeBucket[] = ['year', 'quarter', 'month', 'fy'];

export interface Column {
  /** Key in the result cell. */
  ref: string;
  sql: Prisma.Sql;
  attribute: CubeAttribute;
}

/** Output expression of an attribute: dates stay the stored YYYY-MM-DD text, numbers numeric, booleans boolean. */
function attributeOutputSql(attribute: CubeAttribute): Prisma.Sql {
  const field: FieldRef = { kind: 'attribute', attribute };
  return attribute.type === 'date' || attribute.type === 'string' ? fieldTextSql(field) : fieldSql(field);
}

function bucketSql(attribute: CubeAttribute, bucket: TimeBucket, fiscal: FiscalYearStart): Prisma.Sql {
  const date = fieldSql({ kind: 'attribute', attribute });
  switch (bucket) {
    case 'year':
      return Prisma.sql`(EXTRACT(YEAR FROM ${date})::int)`;
    case 'quarter':
      return Prisma.sql`to_char(${date}, 'YYYY-"Q"Q')`;
    case 'month':
      return Prisma.sql`to_char(${date}, 'YYYY-MM')`;
    case 'fy': {
      if (fiscal.month === 1 && fiscal.day === 1) return Prisma.sql`(EXTRACT(YEAR FROM ${date})::int)`;
      // Shifting the start of the fiscal year onto January 1 makes the shifted calendar year the fiscal year.
      const days = fiscal.day - 1;
      const months = 13 - fiscal.month;
      return Prisma.sql`(EXTRACT(YEAR FROM (${date} - ${days}::int * interval '1 day' + ${months}::int * interval '1 month'))::int)`;
    }
  }
}

/** A level is fixed by a cut on its key, or on the composite key of its dimension when it is one of the parts. */
function fixedLevel(scope: Scope, pinned: Set<string>, key: CubeAttribute): boolean {
  if (pinned.has(key.ref)) return true;
  const dimensionKey = scope.model.dimensionsByName.get(key.dimension)?.keyAttribute;
  return !!dimensionKey && dimensionKey.keyParts.includes(key.name) && pinned.has(dimensionKey.ref);
}

/** The drilldown refs as output columns (a dimension gives all its attributes, a hierarchy the level below the cut). */
export function resolveDrilldown(scope: Scope, refs: string[], name: string): Column[] {
  const { model } = scope;
  const columns: Column[] = [];
  const add = (column: Column) => {
    if (!columns.some((c) => c.ref === column.ref)) columns.push(column);
  };
  const addAttribute = (attribute: CubeAttribute) => add({ ref: attribute.ref, sql: attributeOutputSql(attribute), attribute });
  const pinned = pinnedRefs(scope.filter);
  refs.forEach((ref, i) => {
    const path = [name, i];
    if (model.measuresByName.has(ref)) throw badInput(`Invalid drilldown: '${ref}' is a measure, not a dimension`, path);
    const at = ref.lastIndexOf('@');
    if (at > 0) {
      const bucket = ref.slice(at + 1) as TimeBucket;
      const attribute = resolveAttribute(model, ref.slice(0, at), `Invalid drilldown: '${ref}'`, path);
      if (!timeBuckets.includes(bucket)) {
        throw badInput(`Invalid drilldown: '${ref}': time bucket must be one of ${timeBuckets.join(', ')}`, path);
      }
      if (attribute.type !== 'date') {
        throw badInput(`Invalid drilldown: '${ref}': "${attribute.ref}" is a ${attribute.type}, not a date`, path);
      }
      add({ ref: `${attribute.ref}@${bucket}`, sql: bucketSql(attribute, bucket, scope.fiscal), attribute });
      return;
    }
    const hierarchy = model.hierarchiesByName.get(ref);
    if (hierarchy && !model.dimensionsByName.has(ref)) {
      const levels = hierarchy.resolved;
      const deepestFixed = levels.findLastIndex((level) => fixedLevel(scope, pinned, level.key));
      const depth = Math.min(deepestFixed + 1, levels.length - 1);
      for (const level of levels.slice(0, depth + 1)) {
        addAttribute(level.key);
        addAttribute(level.label);
      }
      return;
    }
    const dimension = model.dimensionsByName.get(ref);
    if (dimension) {
      dimension.attributes.forEach(addAttribute);
      return;
    }
    addAttribute(resolveAttribute(model, ref, `Invalid drilldown: '${ref}'`, path));
  });
  return columns;
}
