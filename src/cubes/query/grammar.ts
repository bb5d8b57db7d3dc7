import peggy from 'peggy';
import { badInput } from '../../errors.js';

/**
 * babbage's query-string grammar (cuts, drilldowns, fields, aggregates, ordering) as a PEG, extended the way users
 * asked for: `!ref:value` negates a cut, `ref:>40` / `>=` / `<` / `<=` compare, and `ref:2004-2010` (DataBrewery
 * cubes' range syntax; either end may be left open, ends are integers or dates) selects a closed range.
 * A double-quoted value is JSON-decoded, so `"a|b"` and `"x;y"` are single string values.
 */
const grammar = String.raw`
Cuts = head:Cut tail:("|" @Cut)* { return [head, ...tail]; }

Cut = negated:"!"? ref:Ref ":" value:Value { return { ref, negated: negated !== null, ...value }; }

Value
  = op:CompareOp v:Scalar &End { return { kind: 'compare', op, values: [v] }; }
  / r:Range &End { return r; }
  / head:Scalar tail:(";" @Scalar)* &End { return { kind: 'set', values: [head, ...tail] }; }

CompareOp = ">=" { return 'gte'; } / "<=" { return 'lte'; } / ">" { return 'gt'; } / "<" { return 'lt'; }

Range
  = from:Bound "-" to:Bound? { return { kind: 'range', from, to }; }
  / "-" to:Bound { return { kind: 'range', from: null, to }; }

Bound = Date / Int

Scalar
  = Quoted
  / d:Date &Term { return d; }
  / i:Int &Term { return i; }
  / Bare

Date = text:$([0-9][0-9][0-9][0-9] "-" [0-9][0-9] "-" [0-9][0-9]) { return { type: 'date', value: text }; }

Int = text:$([0-9]+) { return { type: 'integer', value: text }; }

Bare = text:$([^|;"] [^|;]*)? { return { type: 'string', value: text }; }

Quoted = '"' body:$([^"\\] / "\\" ["\\/bfnrtv'] / "\\u" [0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F])* '"' {
  const escapes = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', "'": "'", '\\': '\\', '/': '/' };
  const value = body.replace(/\\(u[0-9a-fA-F]{4}|["'\\/bfnrtv])/g, (_, e) => e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : escapes[e]);
  return { type: 'string', value, quoted: true };
}

Term = ";" / End
End = "|" / !.

Ref = $([A-Za-z0-9_] [A-Za-z0-9._@-]*)

Refs = head:Ref tail:("|" @Ref)* { return [head, ...tail]; }

Fields = head:Ref tail:("," @Ref)* { return [head, ...tail]; }

Orders = head:Order tail:("," @Order)* { return [head, ...tail]; }

Order = ref:Ref direction:(":" @("asc"i / "desc"i))? { return { ref, direction: (direction ?? 'asc').toLowerCase() }; }
`;

const parser = peggy.generate(grammar, { allowedStartRules: ['Cuts', 'Refs', 'Fields', 'Orders'] });

export type CutScalarType = 'date' | 'integer' | 'string';
export interface CutScalar {
  type: CutScalarType;
  value: string;
  quoted?: boolean;
}

export type ParsedCut = { ref: string; negated: boolean } & (
  | { kind: 'set'; values: CutScalar[] }
  | { kind: 'compare'; op: 'lt' | 'lte' | 'gt' | 'gte'; values: [CutScalar] }
  | { kind: 'range'; from: CutScalar | null; to: CutScalar | null }
);

export interface ParsedOrder {
  ref: string;
  direction: 'asc' | 'desc';
}

function run<T>(startRule: string, input: string, what: string, name: string): T {
  try {
    return parser.parse(input, { startRule }) as T;
  } catch (error) {
    const location = (error as { location?: { start?: { offset?: number } } }).location?.start?.offset;
    const at = location === undefined ? '' : ` (at character ${location + 1})`;
    throw badInput(`Invalid ${what}: '${input}'${at}`, [name]);
  }
}

/** Parses a babbage cut string such as `cofog1:"4";"10"|time.year:2010`. */
export function parseCuts(input: string, name = 'cut'): ParsedCut[] {
  return run<ParsedCut[]>('Cuts', input, 'cut', name);
}

/** Parses `|`-separated refs (drilldown, aggregates). */
export function parseRefs(input: string, what: string, name: string): string[] {
  return run<string[]>('Refs', input, what, name);
}

/** Parses `,`-separated refs (fields). */
export function parseFields(input: string, name = 'fields'): string[] {
  return run<string[]>('Fields', input, 'field', name);
}

/** Parses `ref[:asc|desc]` items separated by `,`. */
export function parseOrder(input: string, name = 'order'): ParsedOrder[] {
  return run<ParsedOrder[]>('Orders', input, 'sorting criterion', name);
}
