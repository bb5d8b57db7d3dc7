/**
 * The operator table: every filter operator of every family, declared once with its one GraphQL spelling, the shape
 * of its value and its description. GraphQL filter inputs (typed per field for awards, field refs for cubes and
 * records) are generated from it, so an operator reads the same everywhere.
 */

/** How an operator's value is written in GraphQL, relative to the field's scalar type `T`. */
export type OperandShape =
  | 'value' //        T
  | 'list' //         [T!]
  | 'range' //        { from: T, to: T }, either end open
  | 'boolean' //      Boolean
  | 'text' //         String
  | 'textList' //     [String!]
  | 'int' //          Int
  | 'years' //        [Int!] (a single Int is accepted too: GraphQL coerces it to a list)
  | 'intersect' //    { endField, from: T, to: T, fy: Int }
  | 'search'; //      { text: String!, fields: [<text field>!] } (fields where the filter has several text fields)

export interface OperatorSpec {
  shape: OperandShape;
  description: string;
}

export const operators = {
  equals: { shape: 'value', description: 'Equal to this value.' },
  in: { shape: 'list', description: 'Equal to one of these values.' },
  range: { shape: 'range', description: 'Between `from` and `to`, both inclusive; leave one out for an open end.' },
  gt: { shape: 'value', description: 'Greater than this value.' },
  gte: { shape: 'value', description: 'Greater than or equal to this value.' },
  lt: { shape: 'value', description: 'Less than this value.' },
  lte: { shape: 'value', description: 'Less than or equal to this value.' },
  isNull: { shape: 'boolean', description: '`true`: the field has no value; `false`: it has one.' },
  contains: { shape: 'text', description: 'Contains this text, ignoring case.' },
  startsWith: { shape: 'text', description: 'Starts with this text, ignoring case.' },
  fy: {
    shape: 'years',
    description: 'The date falls in one of these fiscal years, each named by the calendar year it ends in.',
  },
  rangeIntersect: {
    shape: 'intersect',
    description: 'The interval from this field to `endField` overlaps the range `from`..`to` (or the fiscal year `fy`); a missing start or end counts as open.',
  },
  hasAll: { shape: 'textList', description: 'List fields: contains every one of these values.' },
  containedBy: { shape: 'textList', description: 'List fields: every element is one of these values.' },
  overlap: { shape: 'textList', description: 'List fields: shares at least one element with these values.' },
  lengthGt: { shape: 'int', description: 'List fields: has more elements than this.' },
  lengthLt: { shape: 'int', description: 'List fields: has fewer elements than this.' },
  search: { shape: 'search', description: 'Every word of `text` appears, ignoring case, in at least one of the text fields searched.' },
} as const satisfies Record<string, OperatorSpec>;

export type Operator = keyof typeof operators;

export const operatorNames = Object.keys(operators) as Operator[];

/** Operators of ordered scalar values (numbers, money, dates). */
export const orderedOperators = ['equals', 'in', 'range', 'gt', 'gte', 'lt', 'lte', 'isNull'] as const satisfies readonly Operator[];
/** Operators of text values. */
export const textOperators = ['equals', 'in', 'contains', 'startsWith', 'isNull'] as const satisfies readonly Operator[];
/** Operators of dates: ordered, plus fiscal years and interval overlap. */
export const dateOperators = [...orderedOperators, 'fy', 'rangeIntersect'] as const satisfies readonly Operator[];
/** Operators of list-valued fields. */
export const listOperators = ['hasAll', 'containedBy', 'overlap', 'lengthGt', 'lengthLt', 'isNull'] as const satisfies readonly Operator[];
