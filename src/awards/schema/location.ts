import { builder } from '../../builder.js';

builder.prismaObject('Location', {
  description: 'An address: where a recipient is, or where an award is performed.',
  fields: (t) => ({
    id: t.exposeID('id'),
    countryCode: t.exposeString('countryCode', { nullable: true, description: 'ISO 3166 alpha-3 country code, e.g. USA.' }),
    countryName: t.exposeString('countryName', { nullable: true }),
    stateCode: t.exposeString('stateCode', { nullable: true }),
    stateName: t.exposeString('stateName', { nullable: true }),
    cityName: t.exposeString('cityName', { nullable: true }),
    countyName: t.exposeString('countyName', { nullable: true }),
    countyCode: t.exposeString('countyCode', { nullable: true }),
    zip5: t.exposeString('zip5', { nullable: true }),
    zip4: t.exposeString('zip4', { nullable: true }),
    congressionalCode: t.exposeString('congressionalCode', { nullable: true, description: 'Congressional district number within the state.' }),
    foreignPostalCode: t.exposeString('foreignPostalCode', { nullable: true }),
    foreignProvince: t.exposeString('foreignProvince', { nullable: true }),
    foreignCityName: t.exposeString('foreignCityName', { nullable: true }),
    addressLine1: t.exposeString('addressLine1', { nullable: true }),
    addressLine2: t.exposeString('addressLine2', { nullable: true }),
    addressLine3: t.exposeString('addressLine3', { nullable: true }),
    placeOfPerformanceFlag: t.exposeBoolean('placeOfPerformanceFlag'),
    recipientFlag: t.exposeBoolean('recipientFlag'),
  }),
});
