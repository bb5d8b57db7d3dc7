import { builder } from '../../builder.js';
import type { FieldDef } from '../query/fields.js';

export const RecordFieldRef = builder.objectRef<FieldDef>('RecordField').implement({
  description: 'A field of a records dataset: what `filter`, `orderBy`, `facets`, `refine` and `q` name.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Field name, as used in filters, sorts and facets.' }),
    label: t.exposeString('label', { nullable: true, description: 'Human-readable label.' }),
    type: t.exposeString('type', { description: 'text, int, double, date, datetime, geo_point_2d or geo_shape.' }),
    annotations: t.field({
      type: 'JSON',
      description: 'Annotations such as {"facet": true, "hierarchical": true, "multivalued": true}.',
      resolve: (f) => f.annotations,
    }),
  }),
});
