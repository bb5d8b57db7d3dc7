import peggy from 'peggy';
import { badInput } from '../../errors.js';
import { limits } from '../../limits.js';
import { Prisma } from '../../generated/prisma/client.js';
import { fieldOf, isNumberType, valueSql, type RecordsModel } from './model.js';

/** Syntax tree of an analyze expression: numbers, numeric fields, + - * /, unary minus and function calls. */
export type ExprNode =
  | { type: 'num'; value: number }
  | { type: 'field'; name: string; offset: number }
  | { type: 'neg'; expr: ExprNode }
  | { type: 'bin'; op: '+' | '-' | '*' | '/'; left: ExprNode; right: ExprNode }
  | { type: 'call'; name: string; args: ExprNode[]; offset: number };

const grammar = String.raw`
Expr = _ e:Add _ { return e; }
Add = head:Mul tail:(_ @[+-] _ @Mul)* { return tail.reduce((left, [op, right]) => ({ type: 'bin', op, left, right }), head); }
Mul = head:Unary tail:(_ @[*/] _ @Unary)* { return tail.reduce((left, [op, right]) => ({ type: 'bin', op, left, right }), head); }
Unary = "-" _ e:Unary { return { type: 'neg', expr: e }; } / "+" _ @Unary / Primary
Primary = "(" _ @Add _ ")"
        / n:$([0-9]+ ("." [0-9]+)? ([eE] [+-]? [0-9]+)?) { return { type: 'num', value: Number(n) }; }
        / name:Ident _ "(" _ args:Args? _ ")" { return { type: 'call', name, args: args ?? [], offset: offset() }; }
        / name:Ident { return { type: 'field', name, offset: offset() }; }
Args = head:Add tail:(_ "," _ @Add)* { return [head, ...tail]; }
Ident = $([a-zA-Z_][a-zA-Z0-9_]*)
_ = [ \t\r\n]*
`;

const parser = peggy.generate(grammar);

export function parseExpr(text: string, argName: string): ExprNode {
  try {
    return parser.parse(text) as ExprNode;
  } catch (error) {
    const e = error as { message: string; location?: { start: { offset: number } } };
    if (!e.location) throw error;
    throw badInput(`${argName}: syntax error at position ${e.location.start.offset}: ${e.message}`);
  }
}

type Fn = (args: Prisma.Sql[]) => Prisma.Sql;

const unary = (f: (a: Prisma.Sql) => Prisma.Sql): [number, Fn] => [1, ([a]) => f(a!)];

// Domain errors become NULL (as in the source API, which skips such values) instead of aborting the query.
const FUNCTIONS: Record<string, [number, Fn]> = {
  abs: unary((a) => Prisma.sql`abs(${a})`),
  sqrt: unary((a) => Prisma.sql`(CASE WHEN ${a} >= 0 THEN sqrt(${a}) END)`),
  cbrt: unary((a) => Prisma.sql`cbrt(${a})`),
  exp: unary((a) => Prisma.sql`(CASE WHEN ${a} < 700 THEN exp(${a}) END)`),
  log: unary((a) => Prisma.sql`(CASE WHEN ${a} > 0 THEN ln(${a}) END)`),
  log10: unary((a) => Prisma.sql`(CASE WHEN ${a} > 0 THEN log(${a}) END)`),
  sin: unary((a) => Prisma.sql`sin(${a})`),
  cos: unary((a) => Prisma.sql`cos(${a})`),
  tan: unary((a) => Prisma.sql`tan(${a})`),
  asin: unary((a) => Prisma.sql`(CASE WHEN ${a} BETWEEN -1 AND 1 THEN asin(${a}) END)`),
  acos: unary((a) => Prisma.sql`(CASE WHEN ${a} BETWEEN -1 AND 1 THEN acos(${a}) END)`),
  atan: unary((a) => Prisma.sql`atan(${a})`),
  toradians: unary((a) => Prisma.sql`radians(${a})`),
  todegrees: unary((a) => Prisma.sql`degrees(${a})`),
  ceil: unary((a) => Prisma.sql`ceil(${a})`),
  floor: unary((a) => Prisma.sql`floor(${a})`),
  rint: unary((a) => Prisma.sql`round(${a})`),
  atan2: [2, ([a, b]) => Prisma.sql`atan2(${a!}, ${b!})`],
  pow: [2, ([a, b]) => Prisma.sql`(CASE WHEN ${a!} < 0 AND ${b!} <> trunc(${b!}) THEN NULL WHEN ${a!} = 0 AND ${b!} < 0 THEN NULL ELSE power(${a!}, ${b!}) END)`],
  ieeeremainder: [2, ([a, b]) => Prisma.sql`(${a!} - ${b!} * round(${a!} / nullif(${b!}, 0)))`],
};

export function compileExpr(model: RecordsModel, node: ExprNode, argName: string): Prisma.Sql {
  switch (node.type) {
    case 'num':
      return Prisma.sql`${node.value}::float8`;
    case 'field': {
      const field = fieldOf(model, node.name, `${argName} (position ${node.offset})`);
      if (!isNumberType(field)) throw badInput(`${argName} (position ${node.offset}): field "${node.name}" is ${field.type}, not a number`);
      return valueSql(field);
    }
    case 'neg':
      return Prisma.sql`(-${compileExpr(model, node.expr, argName)})`;
    case 'bin': {
      const left = compileExpr(model, node.left, argName);
      const right = compileExpr(model, node.right, argName);
      switch (node.op) {
        case '+':
          return Prisma.sql`(${left} + ${right})`;
        case '-':
          return Prisma.sql`(${left} - ${right})`;
        case '*':
          return Prisma.sql`(${left} * ${right})`;
        case '/':
          return Prisma.sql`(${left} / nullif(${right}, 0))`;
      }
    }
    // falls through: every operator returns above
    case 'call': {
      const entry = FUNCTIONS[node.name.toLowerCase()];
      if (!entry) throw badInput(`${argName} (position ${node.offset}): unknown function "${node.name}"; known: ${Object.keys(FUNCTIONS).join(', ')}`);
      const [arity, fn] = entry;
      if (node.args.length !== arity) throw badInput(`${argName} (position ${node.offset}): ${node.name} takes ${arity} argument${arity === 1 ? '' : 's'}`);
      return fn(node.args.map((a) => compileExpr(model, a, argName)));
    }
  }
}

/** Parses and compiles an analyze expression to SQL over records aliased `r`. */
export function exprSql(model: RecordsModel, text: string, argName: string): Prisma.Sql {
  if (text.length > limits.maxExpression) {
    throw badInput(`${argName}: an expression may have at most ${limits.maxExpression} characters (SPENDGRAPH_MAX_EXPRESSION)`, [argName]);
  }
  return compileExpr(model, parseExpr(text, argName), argName);
}
