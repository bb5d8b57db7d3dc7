import { permissionsFor } from '../../access/permissions.js';
import { builder } from '../../builder.js';

const Permissions = builder
  .objectRef<{ create: boolean; read: boolean; update: boolean; delete: boolean }>('Permissions')
  .implement({
    description: "What the caller may do with a dataset, as OpenSpending's permissions API answers it.",
    fields: (t) => ({
      create: t.exposeBoolean('create', { description: 'May load a dataset under this name.' }),
      read: t.exposeBoolean('read', { description: 'May see the dataset and its rows.' }),
      update: t.exposeBoolean('update', { description: 'May reload, push records into or change the dataset.' }),
      delete: t.exposeBoolean('delete', { description: 'May delete the dataset.' }),
    }),
  });

builder.queryField('permissions', (t) =>
  t.field({
    type: Permissions,
    description: 'The rights of the caller (anonymous, or the API key sent with the request) on a dataset.',
    args: { dataset: t.arg.string({ required: true, description: 'Dataset name.' }) },
    resolve: (_root, { dataset }, ctx) => permissionsFor(ctx.principal, dataset),
  }),
);
