/** Syntax tree of the records query language. */
export type QueryNode =
  | { type: 'and' | 'or'; left: QueryNode; right: QueryNode }
  | { type: 'not'; expr: QueryNode }
  | { type: 'term'; text: string; offset: number }
  | { type: 'phrase'; text: string; offset: number }
  | { type: 'field'; field: string; op: FieldOp; value: QueryValue; offset: number }
  | { type: 'range'; field: string; from: QueryValue; to: QueryValue; offset: number }
  | { type: 'func'; name: string; args: FuncArg[]; offset: number };

export type FieldOp = ':' | '=' | '==' | '>' | '<' | '>=' | '<=';

export type QueryValue =
  | { kind: 'bare'; text: string }
  | { kind: 'quoted'; text: string }
  | { kind: 'now'; params: NowParam[]; offset: number };

export interface NowParam {
  key: string;
  value: number | { weekday: string; n: number | null };
}

export type FuncArg =
  | { kind: 'ident'; name: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'star' };
