import type { Context, Hono } from 'hono';
import {
  autocompleteHandler,
  both,
  detailHandler,
  listHandler,
  postOnly,
  totalsHandler,
  type RestModel,
} from './routes.js';
import {
  awardAccountInclude,
  awardAccountJson,
  categoryInclude,
  defaultAwardAccountFields,
  defaultTreasuryAccountFields,
  rowJson,
  treasuryAccountInclude,
  treasuryAccountJson,
} from './serialize.js';

const treasuryAccounts: RestModel = {
  root: 'TreasuryAccount',
  include: treasuryAccountInclude,
  toJson: treasuryAccountJson,
  defaults: defaultTreasuryAccountFields,
  noun: 'treasury account',
};
const federalAccounts: RestModel = {
  root: 'FederalAccount',
  include: {},
  toJson: (row) => rowJson('FederalAccount', row),
  defaults: null,
  noun: 'federal account',
};
/** Upstream lists only the final balances of each account and fiscal year (`final_of_fy`); its totals read them all. */
const balances: RestModel = {
  root: 'AccountBalance',
  include: {},
  toJson: (row) => rowJson('AccountBalance', row),
  defaults: null,
  where: { finalOfFy: true },
  noun: 'balance',
};
const categories: RestModel = {
  root: 'CategoryBalance',
  include: categoryInclude,
  toJson: (row) => rowJson('CategoryBalance', row),
  defaults: null,
  noun: 'balance',
};
const awardAccounts: RestModel = {
  root: 'AwardAccount',
  include: awardAccountInclude,
  toJson: awardAccountJson,
  defaults: defaultAwardAccountFields,
  noun: 'financial account of an award',
};

/** USAspending v1's financial-account routes (`accounts/urls*.py`), on the machinery of the award routes. */
export function registerAccountRoutes(app: Hono): void {
  const routes: [string, (c: Context) => Promise<Response>][] = [
    ['/api/v1/tas/', listHandler(treasuryAccounts, 'tas')],
    ['/api/v1/tas/balances/', listHandler(balances, 'tas.balances')],
    ['/api/v1/tas/balances/total/', totalsHandler('AccountBalance', 'tas.balances.total')],
    ['/api/v1/tas/categories/', listHandler(categories, 'tas.categories')],
    ['/api/v1/tas/categories/total/', totalsHandler('CategoryBalance', 'tas.categories.total')],
    ['/api/v1/accounts/awards/', listHandler(awardAccounts, 'accounts.awards')],
    ['/api/v1/accounts/awards/total/', totalsHandler('AwardAccount', 'accounts.awards.total')],
    ['/api/v1/federal_accounts/', listHandler(federalAccounts, 'federal_accounts')],
    ['/api/v1/tas/:id{[0-9]+}/', detailHandler(treasuryAccounts)],
    ['/api/v1/accounts/awards/:id{[0-9]+}/', detailHandler(awardAccounts)],
    ['/api/v1/federal_accounts/:id{[0-9]+}/', detailHandler(federalAccounts)],
  ];
  for (const [path, handler] of routes) {
    both(app, 'get', path, handler);
    both(app, 'post', path, handler);
  }
  for (const [path, model] of [['/api/v1/tas/autocomplete/', treasuryAccounts], ['/api/v1/federal_accounts/autocomplete/', federalAccounts]] as const) {
    both(app, 'post', path, autocompleteHandler(model));
    both(app, 'get', path, postOnly);
  }
}
