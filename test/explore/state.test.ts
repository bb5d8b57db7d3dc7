import { describe, expect, it } from 'vitest';
import {
  awardsParams,
  awardsVariables,
  awardTotalsVariables,
  catalogParams,
  catalogVariables,
  cubeCsvUrl,
  cubeParams,
  cubeVariables,
  cutString,
  geoclusterVariables,
  parseAwards,
  parseCatalog,
  parseCube,
  parseRecords,
  recordsCsvUrl,
  recordsParams,
  recordsVariables,
  toggleRefine,
} from '../../src/explore/web/state.js';
import { routeOf } from '../../src/explore/web/router.js';
import { amount } from '../../src/explore/web/format.js';

const params = (query: string) => new URLSearchParams(query);

describe('explorer routes', () => {
  it('maps each path to its view', () => {
    expect(routeOf('/explore')).toEqual({ view: 'catalog' });
    expect(routeOf('/explore/')).toEqual({ view: 'catalog' });
    expect(routeOf('/explore/cube/cra')).toEqual({ view: 'cube', name: 'cra' });
    expect(routeOf('/explore/awards')).toEqual({ view: 'awards' });
    expect(routeOf('/explore/records/geonames%20x')).toEqual({ view: 'records', name: 'geonames x' });
    expect(routeOf('/explore/cube')).toEqual({ view: 'missing', path: '/explore/cube' });
    expect(routeOf('/explore/nothing/here')).toEqual({ view: 'missing', path: '/explore/nothing/here' });
  });
});

describe('catalog state', () => {
  it('turns search, family and page into the datasets query', () => {
    const { state, problems } = parseCatalog(params('q=moldova&family=cube&page=3'));
    expect(problems).toEqual([]);
    expect(state).toEqual({ q: 'moldova', family: 'CUBE', page: 3 });
    expect(catalogVariables(state)).toEqual({
      filter: { family: { equals: 'CUBE' }, search: { text: 'moldova' } },
      first: 20,
      offset: 40,
      facets: ['family'],
    });
    expect(catalogParams(state).toString()).toBe('q=moldova&family=cube&page=3');
  });

  it('asks for the first page of everything by default, and names the parameters it cannot use', () => {
    const { state, problems } = parseCatalog(params('family=planets&page=zero'));
    expect(state).toEqual({ q: '', family: null, page: 1 });
    expect(problems).toEqual(['family: "planets" is none of CUBE, AWARDS, RECORDS', 'page: "zero" is not a page number']);
    expect(catalogVariables(state)).toEqual({ filter: {}, first: 20, offset: 0, facets: ['family'] });
    expect(catalogParams(state).toString()).toBe('');
  });
});

describe('cube state', () => {
  const defaults = { measure: 'amount.sum', drilldown: 'cap_or_cur' };

  it('uses the first measure and dimension until others are picked', () => {
    const { state } = parseCube(params(''));
    expect(cubeVariables('cra', state, defaults)).toEqual({
      name: 'cra',
      aggregates: ['amount.sum'],
      drilldown: ['cap_or_cur'],
      orderBy: [{ field: 'amount.sum', direction: 'DESC' }],
      first: 100,
    });
  });

  it('carries measure, drilldown, cuts and chart through the URL and into the aggregate query', () => {
    const query = 'measure=total.sum&drilldown=cofog2&cut=cofog1%3A10&cut=from.name%3Aa%7Cb&chart=treemap';
    const { state, problems } = parseCube(params(query));
    expect(problems).toEqual([]);
    expect(state).toEqual({
      measure: 'total.sum',
      drilldown: 'cofog2',
      cuts: [
        { ref: 'cofog1', value: '10' },
        { ref: 'from.name', value: 'a|b' },
      ],
      chart: 'treemap',
    });
    expect(cubeParams(state).toString()).toBe(query);
    expect(cubeVariables('cra', state, defaults)).toEqual({
      name: 'cra',
      aggregates: ['total.sum'],
      drilldown: ['cofog2'],
      cut: 'cofog1:"10"|from.name:"a|b"',
      orderBy: [{ field: 'total.sum', direction: 'DESC' }],
      first: 100,
    });
  });

  it('quotes cut values so separators and quotes stay inside them', () => {
    expect(cutString([{ ref: 'a', value: 'x"y:z|w' }])).toBe('a:"x\\"y:z|w"');
    expect(cutString([])).toBe('');
  });

  it('keeps fiscal-year drilldowns of date attributes', () => {
    const { state } = parseCube(params('drilldown=date.date%40fy'));
    expect(cubeVariables('x', state, defaults).drilldown).toEqual(['date.date@fy']);
  });

  it('names malformed parameters and falls back to the defaults', () => {
    const { state, problems } = parseCube(params('cut=nocolon&chart=pie&measure=1%3Bdrop'));
    expect(state).toEqual({ measure: '', drilldown: '', cuts: [], chart: 'bar' });
    expect(problems).toEqual(['cut: "nocolon" is not <ref>:<value>', 'chart: "pie" is none of bar, treemap, table', 'measure: "1;drop" is not an aggregate ref']);
  });

  it('links the same aggregate as CSV from the babbage route', () => {
    const { state } = parseCube(params('drilldown=cofog1&cut=cap_or_cur%3ACG'));
    const url = new URL(cubeCsvUrl('cra', state, defaults), 'http://x');
    expect(url.pathname).toBe('/api/3/cubes/cra/aggregate');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      drilldown: 'cofog1',
      aggregates: 'amount.sum',
      cut: 'cap_or_cur:"CG"',
      order: 'amount.sum:desc',
      pagesize: '10000',
      format: 'csv',
    });
  });
});

describe('awards state', () => {
  it('builds the typed award filter from the filter builder', () => {
    const { state, problems } = parseAwards(params('dataset=usaspending-fixture&agency=treasury&recipient=univ&fy=2016,2017&min=1000&max=2500.50&page=2'));
    expect(problems).toEqual([]);
    const filter = {
      awardingAgency: { toptierAgency: { name: { contains: 'treasury' } } },
      recipient: { recipientName: { contains: 'univ' } },
      dateSigned: { fy: [2016, 2017] },
      totalObligation: { range: { from: '1000', to: '2500.50' } },
    };
    expect(awardsVariables(state)).toEqual({
      dataset: 'usaspending-fixture',
      filter,
      first: 20,
      offset: 20,
      orderBy: [{ field: 'DATE_SIGNED', direction: 'DESC' }],
    });
    expect(awardTotalsVariables(state)).toEqual({
      dataset: 'usaspending-fixture',
      filter,
      groupBy: ['DATE_SIGNED'],
      datePart: 'FISCAL_YEAR',
      field: 'TOTAL_OBLIGATION',
      aggregates: ['SUM', 'COUNT'],
      first: 100,
    });
    expect(parseAwards(awardsParams(state)).state).toEqual(state);
  });

  it('keeps an open-ended amount range and money as exact text', () => {
    const { state } = parseAwards(params('min=0.10'));
    expect(awardsVariables(state).filter).toEqual({ totalObligation: { range: { from: '0.10' } } });
    expect(awardsVariables(parseAwards(params('max=99999999999999.99')).state).filter).toEqual({ totalObligation: { range: { to: '99999999999999.99' } } });
  });

  it('names the amounts and years it cannot use', () => {
    const { state, problems } = parseAwards(params('min=1e3&fy=2017,next'));
    expect(state.min).toBe('');
    expect(state.fiscalYears).toEqual([2017]);
    expect(problems).toEqual(['fy: "next" is not a fiscal year such as 2017', 'min: "1e3" is not an amount such as 1000 or 2500.50']);
    expect(awardsVariables(parseAwards(params('')).state)).toEqual({ filter: {}, first: 20, offset: 0, orderBy: [{ field: 'DATE_SIGNED', direction: 'DESC' }] });
  });
});

describe('records state', () => {
  const dataset = 'geonames-all-cities-with-a-population-1000';

  it('turns search, refinements, page and zoom into the records and geocluster queries', () => {
    const { state, problems } = parseRecords(params('q=Warszawa&refine=timezone%3AEurope%2FWarsaw&page=2&zoom=8'));
    expect(problems).toEqual([]);
    expect(recordsVariables(dataset, state, ['timezone', 'feature_code'])).toEqual({
      dataset,
      q: 'Warszawa',
      refine: [{ field: 'timezone', value: 'Europe/Warsaw' }],
      facets: ['timezone', 'feature_code'],
      first: 20,
      offset: 20,
    });
    expect(geoclusterVariables(dataset, state)).toEqual({
      dataset,
      q: 'Warszawa',
      refine: [{ field: 'timezone', value: 'Europe/Warsaw' }],
      clusterprecision: 8,
      clusterdistance: 50,
    });
    expect(recordsParams(state).toString()).toBe('q=Warszawa&refine=timezone%3AEurope%2FWarsaw&page=2&zoom=8');
  });

  it('toggles a facet value and goes back to the first page', () => {
    const { state } = parseRecords(params('page=4'));
    const refined = toggleRefine(state, { field: 'feature_code', value: 'PPLA' });
    expect(refined).toEqual({ q: '', refine: [{ field: 'feature_code', value: 'PPLA' }], page: 1, zoom: 5 });
    expect(toggleRefine(refined, { field: 'feature_code', value: 'PPLA' }).refine).toEqual([]);
  });

  it('names a zoom out of range and a refinement without a field', () => {
    const { state, problems } = parseRecords(params('zoom=40&refine=novalue'));
    expect(state.zoom).toBe(5);
    expect(problems).toEqual(['refine: "novalue" is not <field>:<value>', 'zoom: "40" is not a zoom level from 1 to 29']);
  });

  it('links the ODS download route with the same search as CSV', () => {
    const { state } = parseRecords(params('q=Warszawa&refine=timezone%3AEurope%2FWarsaw'));
    const url = new URL(recordsCsvUrl(dataset, state), 'http://x');
    expect(url.pathname).toBe('/api/records/1.0/download/');
    expect(Object.fromEntries(url.searchParams)).toEqual({ dataset, q: 'Warszawa', 'refine.timezone': 'Europe/Warsaw', format: 'csv' });
  });
});

describe('formatting', () => {
  it('groups the digits of exact decimal text without rounding', () => {
    expect(amount('-608900000')).toBe('-608,900,000');
    expect(amount('134994.78')).toBe('134,994.78');
    expect(amount('12345678901234567.89')).toBe('12,345,678,901,234,567.89');
    expect(amount(null)).toBe('—');
  });
});
