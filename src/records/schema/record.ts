import { builder } from '../../builder.js';
import type { Facet, FacetGroup, RecordHit, RecordsResult } from '../query/search.js';

export const RecordRef = builder.objectRef<RecordHit>('Record').implement({
  description: 'One record of an OpenDataSoft-style dataset.',
  fields: (t) => ({
    id: t.string({ description: 'Record id, unique within its dataset.', resolve: (r) => r.recordid }),
    dataset: t.string({ description: 'Dataset id.', resolve: (r) => r.datasetid }),
    fields: t.field({ type: 'JSON', description: 'Field values by field name.', resolve: (r) => r.fields }),
    geometry: t.field({ type: 'JSON', nullable: true, description: 'GeoJSON geometry.', resolve: (r) => r.geometry }),
    timestamp: t.field({ type: 'DateTime', description: 'When the record was last written.', resolve: (r) => new Date(r.record_timestamp) }),
  }),
});

export const FacetStateEnum = builder.enumType('FacetState', {
  description: 'Whether a facet value is part of the current refine or exclude.',
  values: ['displayed', 'refined', 'excluded'] as const,
});

export const FacetRef = builder.objectRef<Facet>('Facet');
FacetRef.implement({
  description: 'A facet value with its count; date facets nest months under refined years and days under refined months.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Display value, e.g. "09" for a month.' }),
    path: t.exposeString('path', { description: 'Value to pass to refine or exclude, e.g. "2012/09".' }),
    count: t.exposeInt('count'),
    state: t.field({ type: FacetStateEnum, resolve: (f) => f.state }),
    facets: t.field({ type: [FacetRef], description: 'Sub-levels (hierarchical facets only).', resolve: (f) => f.facets ?? [] }),
  }),
});

export const FacetGroupRef = builder.objectRef<FacetGroup>('FacetGroup').implement({
  description: 'The values of one facet over the matching records.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Field name.' }),
    count: t.exposeInt('count', { description: 'Sum of the top-level counts.' }),
    facets: t.field({ type: [FacetRef], resolve: (g) => g.facets }),
  }),
});

export const RecordSearchRef = builder.objectRef<RecordsResult>('RecordSearchResult').implement({
  description: 'One page of matching records, their total and the requested facets.',
  fields: (t) => ({
    nhits: t.exposeInt('nhits', { description: 'Number of matching records.' }),
    records: t.field({ type: [RecordRef], resolve: (r) => r.records }),
    facetGroups: t.field({ type: [FacetGroupRef], resolve: (r) => r.facetGroups }),
  }),
});
