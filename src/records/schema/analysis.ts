import { builder } from '../../builder.js';
import type { AnalyzePoint } from '../query/analyze.js';
import type { Cluster, GeoclusterResult } from '../query/geocluster.js';

interface SeriesValue {
  name: string;
  value: number | null;
}

const SeriesValueRef = builder.objectRef<SeriesValue>('SeriesValue').implement({
  description: 'The value of one series.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Series name.' }),
    value: t.float({ nullable: true, description: 'Its value; null when no record had one.', resolve: (v) => v.value }),
  }),
});

export const AnalyzePointRef = builder.objectRef<{ point: AnalyzePoint; names: string[] }>('AnalyzePoint').implement({
  description: 'One x value with the value of every series.',
  fields: (t) => ({
    x: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The x value; date fields give their parts, e.g. {"year": 2012, "month": 9}.',
      resolve: ({ point }) => point.x,
    }),
    series: t.field({
      type: [SeriesValueRef],
      description: 'The value of every series at this x, in the order asked.',
      resolve: ({ point, names }) => names.map((name) => ({ name, value: (point[name] as number | null) ?? null })),
    }),
  }),
});

const ClusterRef = builder.objectRef<{ cluster: Cluster; names: string[] }>('GeoCluster').implement({
  description: 'A cluster of records: its mean point, count, series and GeoJSON shape (point or envelope polygon).',
  fields: (t) => ({
    center: t.floatList({ description: '[latitude, longitude].', resolve: ({ cluster }) => cluster.cluster_center }),
    count: t.int({ description: 'Records in the cluster.', resolve: ({ cluster }) => cluster.count }),
    series: t.field({
      type: [SeriesValueRef],
      description: 'The value of every series over the cluster, in the order asked.',
      resolve: ({ cluster, names }) => names.map((name) => ({ name, value: cluster.series[name] ?? null })),
    }),
    geometry: t.field({ type: 'JSON', description: 'GeoJSON Point or envelope Polygon of the cluster.', resolve: ({ cluster }) => cluster.cluster }),
  }),
});

const SeriesRangeRef = builder.objectRef<{ name: string; min: number | null; max: number | null }>('SeriesRange').implement({
  description: 'Smallest and largest value of a series over the clusters.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Series name.' }),
    min: t.float({ nullable: true, description: 'Smallest value over the clusters.', resolve: (r) => r.min }),
    max: t.float({ nullable: true, description: 'Largest value over the clusters.', resolve: (r) => r.max }),
  }),
});

export const GeoclusterRef = builder.objectRef<GeoclusterResult>('GeoclusterResult').implement({
  description: 'Clusters of the matching records at a map precision.',
  fields: (t) => ({
    clusters: t.field({
      type: [ClusterRef],
      description: 'The clusters, largest first.',
      resolve: (r) => r.clusters.map((cluster) => ({ cluster, names: Object.keys(r.series) })),
    }),
    countMin: t.int({ description: 'Records in the smallest cluster.', resolve: (r) => r.count.min }),
    countMax: t.int({ description: 'Records in the largest cluster.', resolve: (r) => r.count.max }),
    series: t.field({ type: [SeriesRangeRef], description: 'Range of every series over the clusters.', resolve: (r) => Object.entries(r.series).map(([name, range]) => ({ name, ...range })) }),
    clusterprecision: t.exposeInt('clusterprecision', { description: 'The zoom level the clusters were built for.' }),
  }),
});
