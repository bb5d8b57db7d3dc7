import { db } from '../../db.js';
import { badInput } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { seriesSql, type Series } from './analyze.js';
import { filterConditions, whereSql, type RecordsFilter } from './filter.js';
import { loadModel, type RecordsModel } from './model.js';

export interface GeoclusterQuery extends RecordsFilter {
  dataset: string;
  clusterprecision: number;
  clusterdistance: number;
  shapeprecision?: number | null;
  clustermode?: 'polygon' | 'heatmap' | null;
  series?: Series[] | null;
}

export interface Cluster {
  cluster_center: [number, number];
  count: number;
  series: Record<string, number | null>;
  cluster: { type: 'Point'; coordinates: [number, number] } | { type: 'Polygon'; coordinates: [number, number][][] };
}

export interface GeoclusterResult {
  clusters: Cluster[];
  count: { min: number; max: number };
  series: Record<string, { min: number | null; max: number | null }>;
  clusterprecision: number;
}

/**
 * Grid clustering: a cell spans `clusterdistance` map pixels at zoom `clusterprecision` (256-pixel tiles). Each
 * cluster reports its mean point and, in polygon mode, the envelope of its points.
 */
export async function geoclusterRecords(query: GeoclusterQuery, preloaded?: RecordsModel): Promise<GeoclusterResult> {
  const model = preloaded ?? (await loadModel(query.dataset, query.principal));
  const { clusterprecision, clusterdistance } = query;
  const shapeprecision = query.shapeprecision ?? 1;
  if (!Number.isInteger(clusterprecision) || clusterprecision < 1 || clusterprecision > 29) throw badInput('clusterprecision: an integer from 1 to 29', ['clusterprecision']);
  if (!Number.isFinite(clusterdistance) || clusterdistance <= 0) throw badInput('clusterdistance: a positive number', ['clusterdistance']);
  if (!Number.isInteger(shapeprecision) || shapeprecision < 0 || clusterprecision + shapeprecision > 29) throw badInput('shapeprecision: clusterprecision + shapeprecision must not exceed 29', ['shapeprecision']);
  const mode = query.clustermode ?? 'polygon';
  if (mode !== 'polygon' && mode !== 'heatmap') throw badInput('clustermode: polygon or heatmap', ['clustermode']);
  const series = query.series ?? [];
  const cell = (clusterdistance * 360) / (256 * 2 ** clusterprecision);
  if (!(cell > 0 && Number.isFinite(cell))) throw badInput('clusterdistance: too small or too large for a grid cell at this clusterprecision', ['clusterdistance']);
  const aggregates = series.map((s, i) => Prisma.sql`, ${seriesSql(model, s, i)} AS ${Prisma.raw(`"s${i}"`)}`);
  const where = whereSql(filterConditions(model, query));
  // One JSON value instead of a row per cell: decoding thousands of small rows costs more than the query.
  const [{ cells }] = await db.$queryRaw<[{ cells: Record<string, number>[] }]>(
    Prisma.sql`SELECT coalesce(json_agg(c), '[]'::json) AS cells FROM (
      SELECT count(*)::int AS n, avg(r.lat)::float8 AS lat, avg(r.lon)::float8 AS lon, min(r.lat) AS minlat, max(r.lat) AS maxlat, min(r.lon) AS minlon, max(r.lon) AS maxlon ${aggregates.length ? Prisma.join(aggregates, ' ') : Prisma.empty}
      FROM record r WHERE ${where} AND r.lat IS NOT NULL AND r.lon IS NOT NULL
      GROUP BY floor(r.lat / ${cell}::float8), floor(r.lon / ${cell}::float8)) c`,
  );
  const rows = typeof cells === 'string' ? (JSON.parse(cells) as Record<string, number>[]) : cells;
  const clusters: Cluster[] = rows.map((row) => {
    const values: Record<string, number | null> = {};
    series.forEach((s, i) => {
      const v = row[`s${i}`];
      values[s.name] = v === null || v === undefined ? null : Number(v);
    });
    const { minlat, maxlat, minlon, maxlon } = row as Record<string, number>;
    const flat = minlat === maxlat || minlon === maxlon;
    return {
      cluster_center: [row.lat!, row.lon!],
      count: row.n!,
      series: values,
      cluster:
        mode === 'heatmap' || row.n === 1 || flat
          ? { type: 'Point', coordinates: [row.lon!, row.lat!] }
          : {
              type: 'Polygon',
              coordinates: [[[minlon!, minlat!], [maxlon!, minlat!], [maxlon!, maxlat!], [minlon!, maxlat!], [minlon!, minlat!]]],
            },
    };
  });
  clusters.sort((a, b) => b.count - a.count || a.cluster_center[0] - b.cluster_center[0] || a.cluster_center[1] - b.cluster_center[1]);
  const counts = clusters.map((c) => c.count);
  const seriesRange: GeoclusterResult['series'] = {};
  for (const s of series) {
    const vs = clusters.map((c) => c.series[s.name]).filter((v): v is number => v !== null && v !== undefined);
    seriesRange[s.name] = { min: vs.length ? vs.reduce((a, b) => Math.min(a, b)) : null, max: vs.length ? vs.reduce((a, b) => Math.max(a, b)) : null };
  }
  return {
    clusters,
    count: { min: counts.length ? counts.reduce((a, b) => Math.min(a, b)) : 0, max: counts.length ? counts.reduce((a, b) => Math.max(a, b)) : 0 },
    series: seriesRange,
    clusterprecision,
  };
}
