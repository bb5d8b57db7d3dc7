import type { Principal } from '../../access/principal.js';
import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { parsePeriod } from './dates.js';
import { allOfRecords, compileFilter, distanceSql, polygonSql, type RecordsFilterNode } from './compile.js';
import { queryFilter } from './language/convert.js';
import { fieldOf, isDateType, isGeoType, isNumberType, valueSql, type RecordsModel } from './model.js';

export interface FacetValue {
  field: string;
  value: string;
}

export interface GeoFilter {
  distance?: { lat: number; lon: number; meters: number } | null;
  polygon?: number[][] | null;
}

/** The filtering context shared by search, analyze, geocluster and download. */
export interface RecordsFilter {
  /** The caller: private datasets it may read are visible to it. */
  principal?: Principal;
  q?: string | null;
  /** A filter tree over field names (GraphQL's `filter`), ANDed with `q`. */
  filter?: RecordsFilterNode | null;
  geofilter?: GeoFilter | null;
  refine?: FacetValue[] | null;
  exclude?: FacetValue[] | null;
  disjunctive?: string[] | null;
}

/** A date facet path "YYYY[/MM[/DD]]" or a plain value, as a condition on the field. */
function facetCondition(model: RecordsModel, { field: name, value }: FacetValue, where: string): Prisma.Sql {
  const field = fieldOf(model, name, where);
  const expr = valueSql(field);
  if (isDateType(field)) {
    const period = /^\d{4}(\/\d{1,2}(\/\d{1,2})?)?$/.test(value) ? parsePeriod(value) : undefined;
    if (!period) throw badInput(`${where}: "${value}" is not a date facet path (YYYY, YYYY/MM or YYYY/MM/DD)`);
    const cast = field.type === 'date' ? Prisma.sql`::date` : Prisma.sql`::timestamptz`;
    const start = field.type === 'date' ? period.start.toISOString().slice(0, 10) : period.start.toISOString();
    const end = field.type === 'date' ? period.end.toISOString().slice(0, 10) : period.end.toISOString();
    return Prisma.sql`(${expr} >= ${start}${cast} AND ${expr} < ${end}${cast})`;
  }
  if (isNumberType(field)) {
    const n = Number(value);
    if (!Number.isFinite(n)) throw badInput(`${where}: "${value}" is not a number`);
    return Prisma.sql`(${expr} = ${n}::float8)`;
  }
  if (isGeoType(field)) throw badInput(`${where}: field "${name}" is geographic and has no facet values`);
  if (field.annotations.multivalued) return Prisma.sql`((r.fields -> ${field.name}) @> jsonb_build_array(${value}::text))`;
  return Prisma.sql`((r.fields ->> ${field.name}) = ${value})`;
}

export function geofilterSql(geofilter: GeoFilter | null | undefined): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [];
  const distance = geofilter?.distance;
  if (distance) {
    const { lat, lon, meters } = distance;
    if (![lat, lon, meters].every(Number.isFinite) || Math.abs(lat) > 90 || Math.abs(lon) > 180 || meters < 0) {
      throw badInput('geofilter.distance: expected latitude, longitude and a distance in meters', ['geofilter', 'distance']);
    }
    parts.push(distanceSql(lat, lon, meters));
  }
  const polygon = geofilter?.polygon;
  if (polygon) {
    if (polygon.length < 3 || polygon.some((p) => p.length !== 2 || !p.every(Number.isFinite))) {
      throw badInput('geofilter.polygon: expected at least three [latitude, longitude] points', ['geofilter', 'polygon']);
    }
    parts.push(polygonSql(polygon.map((p) => [p[0]!, p[1]!])));
  }
  return parts;
}

/**
 * WHERE conditions of a filtering context. `omitFacet` drops the refinements (when disjunctive) and exclusions of
 * one facet, so that facet's own counts show the values a user could still pick.
 */
export function filterConditions(model: RecordsModel, filter: RecordsFilter, omitFacet?: string): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [model.scope ?? Prisma.sql`r.dataset_id = ${model.id}`];
  const tree = allOfRecords([queryFilter(model, filter.q), filter.filter]);
  if (tree) parts.push(compileFilter(model, tree));
  parts.push(...geofilterSql(filter.geofilter));
  const disjunctive = new Set(filter.disjunctive ?? []);
  const refinesByField = new Map<string, Prisma.Sql[]>();
  (filter.refine ?? []).forEach((refine, i) => {
    const condition = facetCondition(model, refine, `refine[${i}]`);
    if (omitFacet === refine.field && disjunctive.has(refine.field)) return;
    const list = refinesByField.get(refine.field) ?? [];
    list.push(condition);
    refinesByField.set(refine.field, list);
  });
  for (const [field, conditions] of refinesByField) {
    parts.push(disjunctive.has(field) ? Prisma.sql`(${Prisma.join(conditions, ' OR ')})` : Prisma.join(conditions, ' AND '));
  }
  (filter.exclude ?? []).forEach((exclude, i) => {
    const condition = facetCondition(model, exclude, `exclude[${i}]`);
    if (omitFacet === exclude.field) return;
    parts.push(Prisma.sql`NOT coalesce(${condition}, false)`);
  });
  return parts;
}

export function whereSql(parts: Prisma.Sql[]): Prisma.Sql {
  return Prisma.join(parts, ' AND ');
}
