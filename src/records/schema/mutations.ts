import { builder } from '../../builder.js';
import { pushRecords, type PushResult } from '../ingest/push.js';

const PushRecordsInput = builder.inputType('PushRecordsInput', {
  description: 'Records to add to a dataset, as objects of field values.',
  fields: (t) => ({
    dataset: t.string({ required: true, description: 'Name of the records dataset.' }),
    records: t.field({ type: ['JSON'], required: true, description: 'The records: objects of field values.' }),
  }),
});

const PushRecordsResult = builder.objectRef<PushResult>('PushRecordsResult').implement({
  description: 'What a push stored.',
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'Records stored.' }),
    recordIds: t.stringList({ description: 'Their record ids, in the order given.', resolve: (r) => r.recordids }),
  }),
});

builder.mutationField('pushRecords', (t) =>
  t.field({
    type: PushRecordsResult,
    description: 'Adds records in real time. Needs an API key with write access to the dataset ("Authorization: ApiKey <key>").',
    args: { input: t.arg({ type: PushRecordsInput, required: true, description: 'The dataset and its new records.' }) },
    resolve: (_root, { input }, ctx) => pushRecords(ctx.principal, input.dataset, input.records),
  }),
);
