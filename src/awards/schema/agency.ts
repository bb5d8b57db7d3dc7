import { builder } from '../../builder.js';

builder.prismaObject('ToptierAgency', {
  description: 'A top-tier federal agency (department), e.g. DEPARTMENT OF THE TREASURY.',
  fields: (t) => ({
    id: t.exposeID('id'),
    cgacCode: t.exposeString('cgacCode', { nullable: true, description: 'CGAC agency code, e.g. "020".' }),
    fpdsCode: t.exposeString('fpdsCode', { nullable: true, description: 'FPDS department id, e.g. "2000".' }),
    abbreviation: t.exposeString('abbreviation', { nullable: true }),
    name: t.exposeString('name'),
  }),
});

builder.prismaObject('SubtierAgency', {
  description: 'A sub-tier agency (bureau) within a department, e.g. INTERNAL REVENUE SERVICE.',
  fields: (t) => ({
    id: t.exposeID('id'),
    subtierCode: t.exposeString('subtierCode', { nullable: true }),
    abbreviation: t.exposeString('abbreviation', { nullable: true }),
    name: t.exposeString('name'),
  }),
});

builder.prismaObject('Agency', {
  description: 'An awarding or funding agency: a top-tier agency with one of its sub-tier agencies.',
  fields: (t) => ({
    id: t.exposeID('id'),
    toptierFlag: t.exposeBoolean('toptierFlag', { description: 'Whether this agency is the top tier itself.' }),
    toptierAgency: t.relation('toptierAgency', { nullable: true }),
    subtierAgency: t.relation('subtierAgency', { nullable: true }),
  }),
});
