import peggy from 'peggy';
import { badInput } from '../../../errors.js';
import { limits } from '../../../limits.js';
import type { QueryNode } from './ast.js';

// The records query language (OpenDataSoft v1): precedence NOT > AND (explicit or implied by juxtaposition) > OR.
const grammar = String.raw`
Query = _ e:Or? _ { return e ?? null; }

Or = head:And tail:(_ "OR" !IdentChar _ @And)* { return tail.reduce((left, right) => ({ type: 'or', left, right }), head); }

And = head:Not tail:(_ ("AND" !IdentChar _)? @Not)* { return tail.reduce((left, right) => ({ type: 'and', left, right }), head); }

Not = "NOT" !IdentChar _ e:Not { return { type: 'not', expr: e }; }
    / Primary

Primary = "(" _ e:Or _ ")" { return e; }
        / Function
        / FieldQuery
        / s:String { return { type: 'phrase', text: s, offset: offset() }; }
        / Term

Function = "#" name:$[a-zA-Z]+ _ "(" _ args:ArgList? _ ")" { return { type: 'func', name: name.toLowerCase(), args: args ?? [], offset: offset() }; }

ArgList = head:Arg tail:(_ "," _ @Arg)* { return [head, ...tail]; }

Arg = s:String { return { kind: 'string', text: s }; }
    / "*" { return { kind: 'star' }; }
    / n:Number { return { kind: 'number', value: n }; }
    / name:Ident { return { kind: 'ident', name }; }

FieldQuery = field:Ident _ op:Op _ value:(Range / Value) {
  return value.range
    ? { type: 'range', field, from: value.from, to: value.to, offset: offset() }
    : { type: 'field', field, op, value, offset: offset() };
}

Op = "==" / ">=" / "<=" / ":" / "=" / ">" / "<"

Range = "[" _ from:RangeValue _ "TO" _ to:RangeValue _ "]" { return { range: true, from, to }; }

RangeValue = Now / s:String { return { kind: 'quoted', text: s }; } / t:$[^ \t\r\n()"\[\]]+ { return { kind: 'bare', text: t }; }

Value = Now / s:String { return { kind: 'quoted', text: s }; } / t:$[^ \t\r\n()"]+ { return { kind: 'bare', text: t }; }

Now = "#now" _ "(" _ params:NowParams? _ ")" { return { kind: 'now', params: params ?? [], offset: offset() }; }

NowParams = head:NowParam tail:(_ "," _ @NowParam)* { return [head, ...tail]; }

NowParam = key:Ident _ "=" _ value:(Number / Weekday) { return { key, value }; }

Weekday = day:$([a-zA-Z][a-zA-Z]) n:(_ "(" _ @Number _ ")")? { return { weekday: day.toUpperCase(), n: n ?? null }; }

Term = !Keyword !"#" ![<>=:] t:$[^ \t\r\n()"]+ { return { type: 'term', text: t, offset: offset() }; }

Keyword = ("AND" / "OR" / "NOT") !IdentChar

Ident = $([a-zA-Z_][a-zA-Z0-9_.]*)

IdentChar = [a-zA-Z0-9_]

Number = n:$("-"? [0-9]+ ("." [0-9]+)?) { return Number(n); }

String = "\"" chars:$(("\\" . / [^"\\])*) "\"" { return chars.replace(/\\(.)/g, '$1'); }
       / [\u201C\u201D] chars:$[^\u201C\u201D]* [\u201C\u201D] { return chars; }

_ = [ \t\r\n]*
`;

const parser = peggy.generate(grammar);

interface PeggyError {
  message: string;
  location?: { start: { offset: number; line: number; column: number } };
}

/**
 * Refuses a `q` whose parse would recurse too deep or build too large a tree: parentheses nested beyond
 * SPENDGRAPH_MAX_Q_DEPTH, or more than SPENDGRAPH_MAX_Q_TERMS words, operators and functions (each `OR`, `AND`
 * and `NOT` adds a level to the tree the converter walks).
 */
function checkSize(q: string, argName: string): void {
  let depth = 0;
  let terms = 0;
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < q.length; i += 1) {
    const c = q[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote || (quote === '\u201D' && c === '\u201C')) quote = undefined;
      continue;
    }
    const separator = c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '(' || c === ')';
    if (!separator && !inWord) terms += 1;
    inWord = !separator;
    if (c === '"' || c === '\u201C' || c === '\u201D') quote = c === '"' ? '"' : '\u201D';
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    if (depth > limits.maxQueryDepth) {
      throw badInput(`${argName}: parentheses nested deeper than ${limits.maxQueryDepth} levels (SPENDGRAPH_MAX_Q_DEPTH)`, [argName]);
    }
    if (terms > limits.maxQueryTerms) {
      throw badInput(`${argName}: more than ${limits.maxQueryTerms} terms (SPENDGRAPH_MAX_Q_TERMS)`, [argName]);
    }
  }
}

/** Parses a `q` expression; a syntax error names the position (0-based offset) of the problem. */
export function parseQuery(q: string, argName = 'q'): QueryNode | null {
  checkSize(q, argName);
  try {
    return parser.parse(q) as QueryNode | null;
  } catch (error) {
    const e = error as PeggyError;
    if (!e.location) throw error;
    const { offset } = e.location.start;
    throw badInput(`${argName}: syntax error at position ${offset}: ${e.message}`, [argName]);
  }
}
