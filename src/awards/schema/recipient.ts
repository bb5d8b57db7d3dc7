import { builder } from '../../builder.js';

builder.prismaObject('Recipient', {
  description: 'A legal entity receiving awards, with its business types and categories.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The legal entity id.' }),
    recipientName: t.exposeString('recipientName', { nullable: true }),
    recipientUniqueId: t.exposeString('recipientUniqueId', { nullable: true, description: 'DUNS number.' }),
    parentRecipientUniqueId: t.exposeString('parentRecipientUniqueId', { nullable: true }),
    businessTypes: t.exposeString('businessTypes', { nullable: true }),
    businessTypesDescription: t.exposeString('businessTypesDescription', { nullable: true }),
    businessCategories: t.exposeStringList('businessCategories', {
      description: 'Derived categories such as small_business, nonprofit, local_government.',
    }),
    location: t.relation('location', { nullable: true }),
  }),
});
