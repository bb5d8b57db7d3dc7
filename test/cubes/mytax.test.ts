import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { app, execute } from '../helpers.js';

// OpenSpending's Personal Tax API: the documentation's example answer, reproduced to 1e-9 relative.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;

async function get(path: string): Promise<{ status: number; body: Data; text: string }> {
  const response = await app.request(path);
  const text = await response.text();
  return { status: response.status, text, body: text.startsWith('{') ? JSON.parse(text) : null };
}

function close(actual: number, expected: number) {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(1e-9);
}

// The seed's example, as openspending-api-v2-docs.txt prints it.
const seed = {
  alcohol_tax: 153.04239230064161,
  tax: 4096.0439963336394,
  tobacco_tax: 291.93721356553618,
  car_related_tax: 338.26214482126488,
  total_direct_tax: 1207.076993583868,
  vat: 1098.1365719523374,
  total_indirect_tax: 2888.9670027497709,
};

describe('GET /api/mytax', () => {
  it('income=10000 reproduces the documented answer, with the figures under their own labels', async () => {
    const { status, body } = await get('/api/mytax?income=10000');
    expect(status).toBe(200);
    for (const [key, value] of Object.entries(seed)) close(body[key], value);
    expect(body.explanation).toEqual([
      'This household income falls between national average income decile 1 (which has average gross household income of 9219.00, ' +
        'and pays 1172.00 in direct tax, 1101.00 in VAT, 288.00 in smoking taxes, 150.00 in alcohol-related taxes, 349.00 in ' +
        'car-related taxes, and 1016.00 in other indirect taxes), and decile 2 (which has average gross household income of ' +
        '13583.00, and pays 1368.00 in direct tax, 1085.00 in VAT, 310.00 in smoking taxes, 167.00 in alcohol-related taxes, ' +
        '289.00 in car-related taxes, and 969.00 in other indirect taxes).',
      'Therefore, a household with an income of 10000.00 pays approximately 1207.08 in direct tax and 2888.97 in total indirect tax.',
    ]);
  });

  it('the top decile uses its fractions of income; driver=no zeroes car tax (not drinker=no)', async () => {
    const top = await get('/api/mytax?income=200000');
    close(top.body.total_direct_tax, 48858.92665967077);
    close(top.body.vat, 7943.524024549242);
    close(top.body.tax, 66020.07610688884);
    const drinker = await get('/api/mytax?income=200000&drinker=no');
    expect(drinker.body.alcohol_tax).toBe(0);
    close(drinker.body.car_related_tax, 2011.850626980846);
    const driver = await get('/api/mytax?income=200000&driver=NO');
    expect(driver.body.car_related_tax).toBe(0);
    close(driver.body.alcohol_tax, 1115.1037194856954);
  });

  it('describes each "no" once and in its own words', async () => {
    const { body } = await get('/api/mytax?income=10000&smoker=no&drinker=no&driver=no');
    expect(body.explanation[1]).toMatch(/^Therefore, a non-smoking non-drinking non-driving household /);
    expect(body.tobacco_tax + body.alcohol_tax + body.car_related_tax).toBe(0);
    close(body.total_indirect_tax, 1016 + (781 / 4364) * (969 - 1016) + seed.vat);
    const drinkerOnly = await get('/api/mytax?income=10000&drinker=no');
    expect(drinkerOnly.body.explanation[1]).toMatch(/^Therefore, a non-drinking household /);
  });

  it('a non-positive income pays nothing; bad parameters are 400 {errors}; JSONP', async () => {
    expect((await get('/api/mytax?income=0')).body).toEqual({ tax: 0, explanation: ['Incomes must be positive.'] });
    expect(await get('/api/mytax')).toMatchObject({ status: 400, body: { errors: ['parameter income is missing'] } });
    expect(await get('/api/mytax?income=abc')).toMatchObject({ status: 400, body: { errors: ["'abc' is not a number"] } });
    expect(await get('/api/mytax?income=100&smoker=maybe')).toMatchObject({ status: 400, body: { errors: ["'maybe' is not 'yes' or 'no'"] } });
    expect(await get('/api/mytax?income=100&spending=lots')).toMatchObject({ status: 400, body: { errors: ["'lots' is not a number"] } });
    const jsonp = await get('/api/mytax?income=10000&callback=tax');
    expect(jsonp.text.startsWith('tax({')).toBe(true);
  });
});

describe('Query.taxShare', () => {
  it('answers the same numbers and explanation as /api/mytax', async () => {
    const result = await execute(
      graphql(`
        query TaxShare($income: Float!, $driver: Boolean) {
          taxShare(income: $income, driver: $driver) {
            tax
            totalDirectTax
            vat
            tobaccoTax
            alcoholTax
            carRelatedTax
            totalIndirectTax
            explanation
          }
        }
      `),
      { income: 10000, driver: null },
    );
    expect(result.errors).toBeUndefined();
    const share = result.data!.taxShare;
    close(share.tax, seed.tax);
    close(share.totalDirectTax!, seed.total_direct_tax);
    close(share.carRelatedTax!, seed.car_related_tax);
    close(share.totalIndirectTax!, seed.total_indirect_tax);
    expect(share.explanation).toEqual((await get('/api/mytax?income=10000')).body.explanation);
    const noCar = await execute(graphql(`query TaxShareNoCar { taxShare(income: 200000, driver: false) { carRelatedTax alcoholTax } }`));
    expect(noCar.data!.taxShare.carRelatedTax).toBe(0);
    expect(noCar.data!.taxShare.alcoholTax).toBeGreaterThan(0);
  });
});
