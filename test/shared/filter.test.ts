import { describe, expect, it } from 'vitest';
import { stripLocations } from '../../src/shared/filter/ast.js';
import { fromFieldRefFilter, fromTypedFilter, maxFilterDepth, type TypedFilterSpec } from '../../src/shared/filter/graphql.js';
import { fiscalYearBounds, fiscalYearOf, parseFiscalYearStart } from '../../src/shared/fiscal.js';

const spec: TypedFilterSpec<string> = {
  amount: { field: 'amount' },
  signed: { field: 'signed' },
  recipient: { relation: () => ({ name: { field: 'recipient.name' } }) },
};
const endField = (value: unknown) => String(value);

describe('typed filters', () => {
  it('AND every key of one object, nest relations and keep and/or/not', () => {
    const tree = fromTypedFilter(
      { amount: { gt: '10', lte: '99' }, recipient: { name: { contains: 'acme' } }, or: [{ signed: { fy: [2017] } }, { not: { amount: { isNull: true } } }] },
      spec,
      endField,
    );
    expect(stripLocations(tree)).toEqual({
      kind: 'and',
      children: [
        { kind: 'or', children: [
          { kind: 'cond', op: 'fy', fields: ['signed'], value: [2017] },
          { kind: 'not', child: { kind: 'cond', op: 'isNull', fields: ['amount'], value: true } },
        ] },
        { kind: 'cond', op: 'gt', fields: ['amount'], value: '10' },
        { kind: 'cond', op: 'lte', fields: ['amount'], value: '99' },
        { kind: 'cond', op: 'contains', fields: ['recipient.name'], value: 'acme' },
      ],
    });
  });

  it('names the input path of a bad node', () => {
    expect(() => fromTypedFilter({ and: [{}, { amount: { range: {} } }] }, spec, endField)).toThrow(/^filter\.and\[1\]\.amount\.range: a range needs from, to or both/);
    expect(() => fromTypedFilter({ nope: { equals: 1 } }, spec, endField)).toThrow(/unknown field "nope"; known fields: amount, signed, recipient/);
  });

  it('turns rangeIntersect into a two-field condition', () => {
    const tree = fromTypedFilter({ signed: { rangeIntersect: { endField: 'ended', fy: 2017 } } }, spec, endField);
    expect(stripLocations(tree)).toEqual({ kind: 'cond', op: 'rangeIntersect', fields: ['signed', 'ended'], value: { from: null, to: null, fy: 2017 } });
    expect(() => fromTypedFilter({ signed: { rangeIntersect: { endField: 'ended', fy: 2017, from: '2016-01-01' } } }, spec, endField)).toThrow(/from\/to or fy, not both/);
  });
});

describe('field-ref filters', () => {
  it('need a field with their operators, and an operator with their field', () => {
    expect(stripLocations(fromFieldRefFilter({ field: 'cofog1', in: ['4', '7'] }))).toEqual({ kind: 'cond', op: 'in', fields: ['cofog1'], value: ['4', '7'] });
    expect(() => fromFieldRefFilter({ in: ['4'] })).toThrow(/filter\.field: operator in needs a field/);
    expect(() => fromFieldRefFilter({ field: 'cofog1' })).toThrow(/needs an operator/);
  });

  it('refuse nesting deeper than the limit instead of exhausting the stack', () => {
    let deep: Record<string, unknown> = { field: 'a', equals: 1 };
    for (let i = 0; i <= maxFilterDepth + 1; i += 1) deep = { not: deep };
    expect(() => fromFieldRefFilter(deep)).toThrow(/nested too deeply/);
  });
});

describe('fiscal years', () => {
  it('follow the federal year by default and any start given', () => {
    expect(fiscalYearOf(new Date('2016-10-01'))).toBe(2017);
    expect(fiscalYearOf(new Date('2016-09-30'))).toBe(2016);
    const april = parseFiscalYearStart('04-01')!;
    expect(fiscalYearOf(new Date('2015-04-01'), april)).toBe(2016);
    expect(fiscalYearBounds(2017)).toMatchObject({ from: '2016-10-01', to: '2017-09-30' });
    expect(fiscalYearBounds(2016, april)).toMatchObject({ from: '2015-04-01', to: '2016-03-31' });
    expect(fiscalYearBounds(2020, { month: 1, day: 1 })).toMatchObject({ from: '2020-01-01', to: '2020-12-31' });
    expect(parseFiscalYearStart('02-30')).toBeUndefined();
  });
});
