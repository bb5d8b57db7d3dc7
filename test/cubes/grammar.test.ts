import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fiscalYearBounds } from '../../src/shared/fiscal.js';
import { parseCuts, parseFields, parseOrder, parseRefs } from '../../src/cubes/query/grammar.js';
import { toCsv } from '../../src/cubes/rest/routes.js';

describe('babbage cut grammar', () => {
  it('types values as babbage does: date, integer, else string; quoted values are JSON strings', () => {
    expect(parseCuts('cofog1:"4";"10"|time.year:2010|d.day:2014-01-31|name:cra r1')).toEqual([
      { ref: 'cofog1', negated: false, kind: 'set', values: [{ type: 'string', value: '4', quoted: true }, { type: 'string', value: '10', quoted: true }] },
      { ref: 'time.year', negated: false, kind: 'set', values: [{ type: 'integer', value: '2010' }] },
      { ref: 'd.day', negated: false, kind: 'set', values: [{ type: 'date', value: '2014-01-31' }] },
      { ref: 'name', negated: false, kind: 'set', values: [{ type: 'string', value: 'cra r1' }] },
    ]);
    expect(parseCuts('a:"x|y"|b:"say \\"hi\\"\\u00e9"')).toMatchObject([
      { ref: 'a', values: [{ value: 'x|y' }] },
      { ref: 'b', values: [{ value: 'say "hi"é' }] },
    ]);
    expect(parseCuts('a:4-3-fuel')[0]).toMatchObject({ kind: 'set', values: [{ type: 'string', value: '4-3-fuel' }] });
  });

  it('parses the extensions: negation, comparisons and open or closed ranges', () => {
    expect(parseCuts('!cofog1:"4"')[0]).toMatchObject({ negated: true, kind: 'set' });
    expect(parseCuts('amount:>=40')[0]).toMatchObject({ kind: 'compare', op: 'gte', values: [{ type: 'integer', value: '40' }] });
    expect(parseCuts('amount:<40')[0]).toMatchObject({ kind: 'compare', op: 'lt' });
    expect(parseCuts('time.year:2004-2010')[0]).toMatchObject({ kind: 'range', from: { value: '2004' }, to: { value: '2010' } });
    expect(parseCuts('time.year:2004-')[0]).toMatchObject({ kind: 'range', from: { value: '2004' }, to: null });
    expect(parseCuts('d:-2014-06-30')[0]).toMatchObject({ kind: 'range', from: null, to: { type: 'date', value: '2014-06-30' } });
    expect(parseCuts('d:2014-01-01-2014-06-30')[0]).toMatchObject({
      kind: 'range',
      from: { type: 'date', value: '2014-01-01' },
      to: { type: 'date', value: '2014-06-30' },
    });
  });

  it('rejects malformed cuts with a 400-style error naming the cut', () => {
    for (const bad of ['', ':x', 'a', 'a:"open', 'a:"x"y', 'a:1|', '|a:1', 'a b:1']) {
      expect(() => parseCuts(bad), bad).toThrow(/^Invalid cut: '/);
    }
  });

  it('reads any JSON-quoted string back as one value', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const [cut] = parseCuts(`ref:${JSON.stringify(text)}`);
        expect(cut).toMatchObject({ kind: 'set', values: [{ type: 'string', value: text }] });
      }),
    );
  });

  it('parses drilldowns, fields and orders', () => {
    expect(parseRefs('cofog1|time.year|date.day@fy', 'drilldown', 'drilldown')).toEqual(['cofog1', 'time.year', 'date.day@fy']);
    expect(parseFields('cofog1.name,amount')).toEqual(['cofog1.name', 'amount']);
    expect(parseOrder('amount.sum:DESC,cofog1')).toEqual([
      { ref: 'amount.sum', direction: 'desc' },
      { ref: 'cofog1', direction: 'asc' },
    ]);
    expect(() => parseOrder('amount:up')).toThrow(/Invalid sorting criterion/);
    expect(() => parseRefs('a||b', 'drilldown', 'drilldown')).toThrow(/Invalid drilldown/);
  });
});

describe('fiscal years', () => {
  it('names a fiscal year by the calendar year it ends in', () => {
    expect(fiscalYearBounds(2015, { month: 1, day: 1 })).toMatchObject({ from: '2015-01-01', to: '2015-12-31' });
    expect(fiscalYearBounds(2015, { month: 10, day: 1 })).toMatchObject({ from: '2014-10-01', to: '2015-09-30' });
    expect(fiscalYearBounds(2015, { month: 4, day: 6 })).toMatchObject({ from: '2014-04-06', to: '2015-04-05' });
  });
});

describe('CSV output', () => {
  it('quotes so that any values read back unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.integer()), { minLength: 1, maxLength: 5 }), (pairs) => {
        const rows = pairs.map(([text, n]) => ({ 'a.b': text, n }));
        const back = parse(toCsv(['a.b', 'n'], rows), { columns: true }) as Record<string, string>[];
        expect(back.map((r) => [r['a.b'], Number(r.n)])).toEqual(pairs);
      }),
    );
  });
});
