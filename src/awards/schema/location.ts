import { builder } from '../../builder.js';
import { visibleRow } from './lib/node.js';

builder.prismaNode('Location', {
  description: 'An address: where a recipient is, or where an award is performed.',
  id: { field: 'id' },
  select: { id: true },
  findUnique: (id, ctx) => visibleRow(id, ctx),
  nullable: true,
  fields: (t) => ({
    rowId: t.exposeInt('id', { description: 'The location id of the source (REST `location_id`).' }),
    countryCode: t.exposeString('countryCode', { nullable: true, description: 'ISO 3166 alpha-3 country code, e.g. USA.' }),
    countryName: t.exposeString('countryName', { nullable: true, description: 'Country name.' }),
    stateCode: t.exposeString('stateCode', { nullable: true, description: 'State code, e.g. VA.' }),
    stateName: t.exposeString('stateName', { nullable: true, description: 'State name.' }),
    cityName: t.exposeString('cityName', { nullable: true, description: 'City name.' }),
    countyName: t.exposeString('countyName', { nullable: true, description: 'County name.' }),
    countyCode: t.exposeString('countyCode', { nullable: true, description: 'County code.' }),
    zip5: t.exposeString('zip5', { nullable: true, description: 'Five-digit ZIP code.' }),
    zip4: t.exposeString('zip4', { nullable: true, description: 'ZIP+4 suffix.' }),
    congressionalCode: t.exposeString('congressionalCode', { nullable: true, description: 'Congressional district number within the state.' }),
    foreignPostalCode: t.exposeString('foreignPostalCode', { nullable: true, description: 'Postal code outside the US.' }),
    foreignProvince: t.exposeString('foreignProvince', { nullable: true, description: 'Province outside the US.' }),
    foreignCityName: t.exposeString('foreignCityName', { nullable: true, description: 'City outside the US.' }),
    addressLine1: t.exposeString('addressLine1', { nullable: true, description: 'First address line.' }),
    addressLine2: t.exposeString('addressLine2', { nullable: true, description: 'Second address line.' }),
    addressLine3: t.exposeString('addressLine3', { nullable: true, description: 'Third address line.' }),
    placeOfPerformanceFlag: t.exposeBoolean('placeOfPerformanceFlag', { description: 'Used as a place of performance.' }),
    recipientFlag: t.exposeBoolean('recipientFlag', { description: 'Used as a recipient address.' }),
  }),
});
