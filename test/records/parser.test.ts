import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { evalNow, parsePeriod } from '../../src/records/query/dates.js';
import { parseExpr } from '../../src/records/query/expr.js';
import { parseQuery } from '../../src/records/query/language/grammar.js';
import { foldText, searchTextOf, words } from '../../src/records/query/text.js';
import type { QueryNode } from '../../src/records/query/language/ast.js';

/** A compact rendering of the tree, to compare shapes. */
function show(node: QueryNode | null): string {
  if (!node) return '∅';
  switch (node.type) {
    case 'and':
    case 'or':
      return `(${show(node.left)} ${node.type.toUpperCase()} ${show(node.right)})`;
    case 'not':
      return `(NOT ${show(node.expr)})`;
    case 'term':
      return node.text;
    case 'phrase':
      return `"${node.text}"`;
    case 'field':
      return `${node.field}${node.op}${node.value.kind === 'now' ? '#now' : node.value.text}`;
    case 'range':
      return `${node.field}:[${node.from.kind === 'now' ? '#now' : node.from.text} TO ${node.to.kind === 'now' ? '#now' : node.to.text}]`;
    case 'func':
      return `#${node.name}(${node.args.map((a) => (a.kind === 'ident' ? a.name : a.kind === 'string' ? `"${a.text}"` : a.kind === 'number' ? a.value : '*')).join(',')})`;
  }
}

function syntaxError(q: string): UserError {
  try {
    parseQuery(q);
  } catch (error) {
    return error as UserError;
  }
  throw new Error(`"${q}" parsed`);
}

describe('records query parser', () => {
  it('gives NOT precedence over AND, and AND over OR', () => {
    expect(show(parseQuery('film OR trees AND paris'))).toBe('(film OR (trees AND paris))');
    expect(show(parseQuery('NOT a AND b OR c'))).toBe('(((NOT a) AND b) OR c)');
    expect(show(parseQuery('(film OR trees) AND NOT paris'))).toBe('((film OR trees) AND (NOT paris))');
    expect(show(parseQuery('a b c'))).toBe('((a AND b) AND c)');
    expect(show(parseQuery('a OR b OR c'))).toBe('((a OR b) OR c)');
  });

  it('reads phrases, field queries, ranges and dates', () => {
    expect(show(parseQuery('"film paris"'))).toBe('"film paris"');
    expect(show(parseQuery('film_date >= 2002'))).toBe('film_date>=2002');
    expect(show(parseQuery('film_date >= 2013/02/11'))).toBe('film_date>=2013/02/11');
    expect(show(parseQuery('film_date: [1950 TO 2000]'))).toBe('film_date:[1950 TO 2000]');
    expect(show(parseQuery('film_box_office > 10000 AND film_date < 1965'))).toBe('(film_box_office>10000 AND film_date<1965)');
    expect(show(parseQuery('t == "Jean Paul" AND d = 2013-02-11T10:00:00'))).toBe('(t==Jean Paul AND d=2013-02-11T10:00:00)');
    expect(show(parseQuery('a<=1 b<2 c>3 d:4'))).toBe('(((a<=1 AND b<2) AND c>3) AND d:4)');
  });

  it('reads the functions of the documentation', () => {
    expect(show(parseQuery('birthdate <= #now()'))).toBe('birthdate<=#now');
    expect(show(parseQuery('#null(birthdate)'))).toBe('#null(birthdate)');
    expect(show(parseQuery('#exact(firstname, "Marie")'))).toBe('#exact(firstname,"Marie")');
    expect(show(parseQuery('#search(firstname, lastname, "Jean")'))).toBe('#search(firstname,lastname,"Jean")');
    expect(show(parseQuery('#search(*, "Jean-C")'))).toBe('#search(*,"Jean-C")');
    expect(show(parseQuery('#distance(location, "48.864923, 2.382842", 1)'))).toBe('#distance(location,"48.864923, 2.382842",1)');
    expect(show(parseQuery('#polygon(location, “(48.3,-5.0),(51.0,2.0),(48.8,8.3)“)'))).toBe('#polygon(location,"(48.3,-5.0),(51.0,2.0),(48.8,8.3)")');
    expect(show(parseQuery('#geometry(coordinates, “polygon”)'))).toBe('#geometry(coordinates,"polygon")');
    const now = parseQuery('d > #now(weeks=-2, weekday=MO(2))');
    expect(now?.type === 'field' && now.value.kind === 'now' ? now.value.params : null).toEqual([
      { key: 'weeks', value: -2 },
      { key: 'weekday', value: { weekday: 'MO', n: 2 } },
    ]);
  });

  it('reports the position of a syntax error', () => {
    const error = syntaxError('a AND (b');
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/^q: syntax error at position 8:/);
    expect(syntaxError('population >= ').message).toMatch(/position 14/);
    expect(syntaxError('#null(').message).toMatch(/position 6/);
  });

  it('parses any string of words without throwing anything but a positioned syntax error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (q) => {
        try {
          parseQuery(q);
        } catch (error) {
          expect((error as Error).message).toMatch(/^q: syntax error at position \d+/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('text folding', () => {
  it('removes accents and case the same way for every Polish letter', () => {
    expect(foldText('Łódź Żółć ĄĘŚŃ')).toBe('lodz zolc aesn');
    expect(words('Jean-C')).toEqual(['jean', 'c']);
    expect(searchTextOf({ name: 'Łódź', population: 5, dem: null })).toBe(' lodz 5 ');
  });
});

describe('dates', () => {
  it('reads YYYY, YYYY/MM, YYYY/MM/DD and ISO 8601 as periods', () => {
    expect(parsePeriod('2012')).toEqual({ start: new Date('2012-01-01T00:00:00Z'), end: new Date('2013-01-01T00:00:00Z') });
    expect(parsePeriod('2012/09')).toEqual({ start: new Date('2012-09-01T00:00:00Z'), end: new Date('2012-10-01T00:00:00Z') });
    expect(parsePeriod('2012/02/29')?.end).toEqual(new Date('2012-03-01T00:00:00Z'));
    expect(parsePeriod('2013/02/30')).toBeUndefined();
    expect(parsePeriod('2013-02-11T10:00:00')?.start).toEqual(new Date('2013-02-11T10:00:00Z'));
    expect(parsePeriod('paris')).toBeUndefined();
  });

  it('evaluates #now with relative, absolute and weekday arguments', () => {
    const now = new Date('2026-11-22T10:30:00Z'); // a Sunday
    expect(evalNow([], now)).toEqual(now);
    expect(evalNow([{ key: 'years', value: -1 }, { key: 'hours', value: -1 }], now)).toEqual(new Date('2025-11-22T09:30:00Z'));
    expect(evalNow([{ key: 'year', value: 2001 }], now)).toEqual(new Date('2001-11-22T10:30:00Z'));
    expect(evalNow([{ key: 'weekday', value: { weekday: 'MO', n: 2 } }], now).toISOString().slice(0, 10)).toBe('2026-11-30');
    expect(evalNow([{ key: 'weeks', value: -2 }, { key: 'weekday', value: 1 }], now).toISOString().slice(0, 10)).toBe('2026-11-10');
    expect(() => evalNow([{ key: 'fortnights', value: 1 }], now)).toThrow(/unknown #now parameter/);
  });
});

describe('analyze expressions', () => {
  it('parses arithmetic with precedence and function calls, never evaluating text', () => {
    expect(parseExpr('sqrt(population) * 2 + 1', 'expr')).toEqual({
      type: 'bin',
      op: '+',
      left: {
        type: 'bin',
        op: '*',
        left: { type: 'call', name: 'sqrt', args: [{ type: 'field', name: 'population', offset: 5 }], offset: 0 },
        right: { type: 'num', value: 2 },
      },
      right: { type: 'num', value: 1 },
    });
    expect(parseExpr('-pow(a, 2)', 'expr')).toMatchObject({ type: 'neg', expr: { type: 'call', name: 'pow' } });
    expect(() => parseExpr('process.exit(1)', 'expr')).toThrow(/syntax error at position 7/);
    expect(() => parseExpr('1 +', 'y.s.expr')).toThrow(/^y\.s\.expr: syntax error at position 3/);
  });
});
