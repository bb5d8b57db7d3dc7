import { visibleDatasets } from '../../access/principal.js';
import { builder } from '../../builder.js';
import { notFound } from '../../errors.js';
import { DatasetRef } from '../../catalog/schema/dataset.js';
import { datasetWithId } from '../../catalog/query/scope.js';

const idOf = (id: string) => (/^\d{1,18}$/.test(id) ? BigInt(id) : -1n);

export const RecordRef = builder.prismaNode('Record', {
  description: 'One record of an OpenDataSoft-style dataset.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: idOf(id), dataset: visibleDatasets(ctx.principal) }),
  fields: (t) => ({
    recordId: t.exposeString('recordId', { description: "The record's id in its dataset (unique only within it)." }),
    dataset: t.field({
      type: DatasetRef,
      description: 'The dataset the record belongs to.',
      resolve: async (record, _args, ctx) => {
        const scoped = await datasetWithId(ctx, record.datasetId);
        if (!scoped) throw notFound('the dataset of this record is gone');
        return scoped.dataset;
      },
    }),
    fields: t.field({ type: 'JSON', description: 'Field values by field name.', resolve: (r) => r.fields }),
    geometry: t.field({ type: 'JSON', nullable: true, description: 'GeoJSON geometry.', resolve: (r) => r.geometry }),
    timestamp: t.expose('timestamp', { type: 'DateTime', description: 'When the record was last written.' }),
  }),
});
