import { builder } from '../../builder.js';
import { visibleRow } from './lib/node.js';

builder.prismaNode('ToptierAgency', {
  description: 'A top-tier federal agency (department), e.g. DEPARTMENT OF THE TREASURY.',
  id: { field: 'id' },
  select: { id: true },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The id of this row in its dataset.' }),
    cgacCode: t.exposeString('cgacCode', { nullable: true, description: 'CGAC agency code, e.g. "020".' }),
    fpdsCode: t.exposeString('fpdsCode', { nullable: true, description: 'FPDS department id, e.g. "2000".' }),
    abbreviation: t.exposeString('abbreviation', { nullable: true, description: 'Short name, e.g. "TREAS".' }),
    name: t.exposeString('name', { description: 'Full name.' }),
  }),
});

builder.prismaNode('SubtierAgency', {
  description: 'A sub-tier agency (bureau) within a department, e.g. INTERNAL REVENUE SERVICE.',
  id: { field: 'id' },
  select: { id: true },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The id of this row in its dataset.' }),
    subtierCode: t.exposeString('subtierCode', { nullable: true, description: 'Sub-tier agency code, e.g. "2050".' }),
    abbreviation: t.exposeString('abbreviation', { nullable: true, description: 'Short name.' }),
    name: t.exposeString('name', { description: 'Full name.' }),
  }),
});

builder.prismaNode('Agency', {
  description: 'An awarding or funding agency: a top-tier agency with one of its sub-tier agencies.',
  id: { field: 'id' },
  select: { id: true },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The agency id of the source (REST `awarding_agency.id`).' }),
    toptierFlag: t.exposeBoolean('toptierFlag', { description: 'Whether this agency is the top tier itself.' }),
    toptierAgency: t.relation('toptierAgency', { nullable: true, description: 'The department.' }),
    subtierAgency: t.relation('subtierAgency', { nullable: true, description: 'The bureau.' }),
  }),
});
