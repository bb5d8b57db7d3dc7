import { permissionsFor } from '../../access/permissions.js';
import { builder } from '../../builder.js';

const Permissions = builder
  .objectRef<{ create: boolean; read: boolean; update: boolean; delete: boolean }>('Permissions')
  .implement({
    description: "What the caller may do with a dataset, as OpenSpending's permissions API answers it.",
    fields: (t) => ({
      create: t.exposeBoolean('create', { description: 'May load a dataset under this name.' }),
      read: t.exposeBoolean('read'),
      update: t.exposeBoolean('update', { description: 'May reload, push records into or change the dataset.' }),
      delete: t.exposeBoolean('delete'),
    }),
  });

builder.queryField('permissions', (t) =>
  t.field({
    type: Permissions,
    description: 'The rights of the caller (anonymous, or the API key sent with the request) on a dataset.',
    args: { dataset: t.arg.string({ required: true }) },
    resolve: (_root, { dataset }, ctx) => permissionsFor(ctx.principal, dataset),
  }),
);
