import { builder } from '../../builder.js';
import { badInput } from '../../errors.js';
import { taxShare, type TaxShare as TaxShareShape } from '../query/tax-share.js';

const TaxShare = builder.objectRef<TaxShareShape>('TaxShare').implement({
  description:
    'A household’s estimated tax (OpenSpending’s Personal Tax API): UK ONS 2008/9 income deciles, interpolated linearly, ' +
    'or the top decile’s fractions of income above it. Amounts are estimates in GBP a year.',
  fields: (t) => ({
    tax: t.exposeFloat('tax', { description: 'Direct plus indirect tax.' }),
    totalDirectTax: t.exposeFloat('total_direct_tax', { nullable: true, description: 'Income tax, national insurance and council tax; null for a non-positive income.' }),
    vat: t.exposeFloat('vat', { nullable: true, description: 'VAT.' }),
    tobaccoTax: t.exposeFloat('tobacco_tax', { nullable: true, description: 'Tobacco duty (0 for a non-smoker).' }),
    alcoholTax: t.exposeFloat('alcohol_tax', { nullable: true, description: 'Alcohol duty (0 for a non-drinker).' }),
    carRelatedTax: t.exposeFloat('car_related_tax', { nullable: true, description: 'Fuel duty and car tax (0 for a non-driver).' }),
    totalIndirectTax: t.exposeFloat('total_indirect_tax', { nullable: true, description: 'VAT, duties and other indirect taxes.' }),
    explanation: t.exposeStringList('explanation', { description: 'How the estimate was made, in sentences.' }),
  }),
});

builder.queryField('taxShare', (t) =>
  t.field({
    type: TaxShare,
    description: 'The Personal Tax API of “Where Does My Money Go?”: the tax a UK household pays, estimated from its income.',
    args: {
      income: t.arg.float({ required: true, description: 'Total household income a year, including pensions and benefits.' }),
      smoker: t.arg.boolean({ required: false, description: 'Whether anyone in the household smokes (default true).' }),
      drinker: t.arg.boolean({ required: false, description: 'Whether the household buys alcohol (default true).' }),
      driver: t.arg.boolean({ required: false, description: 'Whether the household runs a car (default true).' }),
    },
    resolve: (_root, args) => {
      if (!Number.isFinite(args.income)) throw badInput('income: must be a finite number', ['income']);
      return taxShare({ income: args.income, smoker: args.smoker ?? true, drinker: args.drinker ?? true, driver: args.driver ?? true });
    },
  }),
);
