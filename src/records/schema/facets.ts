import { builder } from '../../builder.js';
import type { Facet, FacetGroup } from '../query/search.js';

export const FacetStateEnum = builder.enumType('FacetState', {
  description: 'Whether a facet value is part of the current refine or exclude.',
  values: {
    displayed: { description: 'Neither refined nor excluded.' },
    refined: { description: 'Refined on (or a level above a refined value).' },
    excluded: { description: 'Excluded.' },
  } as const,
});

export const FacetRef = builder.objectRef<Facet>('Facet');
FacetRef.implement({
  description: 'A facet value with its count; date facets nest months under refined years and days under refined months.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Display value, e.g. "09" for a month.' }),
    path: t.exposeString('path', { description: 'Value to pass to refine or exclude, e.g. "2012/09".' }),
    count: t.exposeInt('count', { description: 'Matching rows with this value.' }),
    state: t.field({ type: FacetStateEnum, description: 'Whether the value is refined on, excluded or neither.', resolve: (f) => f.state }),
    facets: t.field({ type: [FacetRef], description: 'Sub-levels (hierarchical facets only).', resolve: (f) => f.facets ?? [] }),
  }),
});

export const FacetGroupRef = builder.objectRef<FacetGroup>('FacetGroup').implement({
  description: 'The values of one facet over the matching rows.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Field name.' }),
    count: t.exposeInt('count', { description: 'Sum of the top-level counts.' }),
    facets: t.field({ type: [FacetRef], description: 'The values, most frequent first (dates in order).', resolve: (g) => g.facets }),
  }),
});
