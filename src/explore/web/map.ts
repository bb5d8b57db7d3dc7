import type { FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-50m.json';
import { echarts } from './chart.js';

let registered = false;

/** The world's countries from world-atlas (Natural Earth, 1:50m), registered once as the ECharts map "world". */
export function registerWorld(): void {
  if (registered) return;
  const topology = countries as unknown as Topology<{ countries: GeometryCollection }>;
  echarts.registerMap('world', feature(topology, topology.objects.countries) as FeatureCollection as never);
  registered = true;
}

export interface Point {
  lat: number;
  lon: number;
  count: number;
}

/** Where to look first: the middle of the points that hold most of the count, ignoring far outliers. */
export function viewOf(points: Point[]): { center: [number, number]; span: number } {
  if (!points.length) return { center: [0, 20], span: 360 };
  const total = points.reduce((sum, p) => sum + p.count, 0);
  const quantile = (values: { v: number; count: number }[], q: number) => {
    const sorted = [...values].sort((a, b) => a.v - b.v);
    let seen = 0;
    for (const item of sorted) {
      seen += item.count;
      if (seen >= q * total) return item.v;
    }
    return sorted.at(-1)!.v;
  };
  const lons = points.map((p) => ({ v: p.lon, count: p.count }));
  const lats = points.map((p) => ({ v: p.lat, count: p.count }));
  const [west, east, south, north] = [quantile(lons, 0.05), quantile(lons, 0.95), quantile(lats, 0.05), quantile(lats, 0.95)];
  return { center: [(west + east) / 2, (south + north) / 2], span: Math.max(east - west, (north - south) * 1.6, 8) };
}
