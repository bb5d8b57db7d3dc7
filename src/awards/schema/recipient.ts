import { builder } from '../../builder.js';
import { visibleRow } from './lib/node.js';

builder.prismaNode('Recipient', {
  description: 'A legal entity receiving awards, with its business types and categories.',
  id: { field: 'id' },
  select: { id: true },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The legal entity id (REST `legal_entity_id`).' }),
    recipientName: t.exposeString('recipientName', { nullable: true, description: 'Legal name.' }),
    recipientUniqueId: t.exposeString('recipientUniqueId', { nullable: true, description: 'DUNS number.' }),
    parentRecipientUniqueId: t.exposeString('parentRecipientUniqueId', { nullable: true, description: 'DUNS number of the parent company.' }),
    businessTypes: t.exposeString('businessTypes', { nullable: true, description: 'Business type codes.' }),
    businessTypesDescription: t.exposeString('businessTypesDescription', { nullable: true, description: 'Business types in words.' }),
    businessCategories: t.exposeStringList('businessCategories', {
      description: 'Derived categories such as small_business, nonprofit, local_government.',
    }),
    location: t.relation('location', { nullable: true, description: 'Where the recipient is.' }),
  }),
});
