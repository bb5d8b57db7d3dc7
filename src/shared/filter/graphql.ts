/**
 * GraphQL spellings of the filter kernel: input types generated from the operator table, and the conversion of
 * those inputs into the kernel's tree. Two styles share every operator name:
 * - typed filters (awards, transactions): one input field per model field, each taking an operator input of the
 *   field's type (`StringFilter`, `DecimalFilter`, `DateFilter` …), relations nesting their own filter;
 * - field-ref filters (cubes, records, whose fields differ per dataset): `{ field: "ref", <operator>: value }`.
 * In both, `and`, `or` and `not` nest to any depth and every key of one input object must hold (AND).
 */
import { builder } from '../../builder.js';
import { badInput } from '../../errors.js';
import type { FilterNode, InputPath } from './ast.js';
import { allOf, pathText } from './ast.js';
import { operators, type Operator } from './operators.js';

/** Deepest and/or/not nesting accepted: a guard against stack-exhausting inputs. */
export const maxFilterDepth = 64;

type ScalarName = 'String' | 'Int' | 'Float' | 'Boolean' | 'ID' | 'Decimal' | 'Date' | 'DateTime' | 'JSON' | 'BigInt';
// Pothos' input typing cannot follow refs generated in a loop; inputs are validated by the converters below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyInputRef = any;
type Input = Record<string, unknown>;

const rangeInputs = new Map<string, AnyInputRef>();

/** `<Scalar>Range { from, to }`: one per scalar type, shared by every filter that ranges over it. */
export function rangeInput(scalar: ScalarName): AnyInputRef {
  const name = `${scalar}Range`;
  let ref = rangeInputs.get(name);
  if (!ref) {
    ref = builder.inputType(name, {
      description: `An inclusive range of ${scalar} values; leave \`from\` or \`to\` out for an open end.`,
      fields: (t) => ({
        from: t.field({ type: scalar as never, required: false, description: 'Lowest value (inclusive).' }),
        to: t.field({ type: scalar as never, required: false, description: 'Highest value (inclusive).' }),
      }),
    });
    rangeInputs.set(name, ref);
  }
  return ref;
}

const intersectInputs = new Map<string, AnyInputRef>();

/** `<Scalar>RangeIntersect { endField, from, to, fy }`; `endField` is typed by the filter (an enum or a String). */
export function intersectInput(name: string, scalar: ScalarName, endField: AnyInputRef, endFieldDescription: string): AnyInputRef {
  let ref = intersectInputs.get(name);
  if (!ref) {
    ref = builder.inputType(name, {
      description:
        'A range to intersect with the interval between the filtered field (its start) and `endField` (its end): ' +
        '`from`..`to` (inclusive, either end open) or a fiscal year `fy`.',
      fields: (t) => ({
        endField: t.field({ type: endField, required: true, description: endFieldDescription }),
        from: t.field({ type: scalar as never, required: false, description: 'Start of the range (inclusive).' }),
        to: t.field({ type: scalar as never, required: false, description: 'End of the range (inclusive).' }),
        fy: t.int({ required: false, description: 'A fiscal year instead of from/to, named by the calendar year it ends in.' }),
      }),
    });
    intersectInputs.set(name, ref);
  }
  return ref;
}

/** Pothos field options of one operator, its value typed from `scalar`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function operatorField(t: any, op: Operator, scalar: ScalarName, intersect?: AnyInputRef) {
  const { shape, description } = operators[op];
  const common = { required: false, description };
  switch (shape) {
    case 'value':
      return t.field({ type: scalar, ...common });
    case 'list':
      return t.field({ type: [scalar], ...common });
    case 'range':
      return t.field({ type: rangeInput(scalar), ...common });
    case 'boolean':
      return t.boolean(common);
    case 'text':
      return t.string(common);
    case 'textList':
      return t.stringList(common);
    case 'int':
      return t.int(common);
    case 'years':
      return t.intList(common);
    case 'intersect':
      if (!intersect) throw new Error(`operator ${op} needs an intersect input type`);
      return t.field({ type: intersect, ...common });
    case 'search':
      throw new Error('search spans several fields: declare it on the filter itself, with a <Name>Search input');
  }
}

/**
 * An operator input of one scalar type for typed filters, e.g. `DecimalFilter { equals, in, range, gt, … }`.
 * `intersect` is required when `ops` has rangeIntersect.
 */
export function scalarFilterInput(
  name: string,
  scalar: ScalarName,
  ops: readonly Operator[],
  description: string,
  intersect?: AnyInputRef,
): AnyInputRef {
  return builder.inputType(name, {
    description: `${description} Every operator given must hold.`,
    fields: (t) => Object.fromEntries(ops.map((op) => [op, operatorField(t, op, scalar, intersect)])),
  });
}

/**
 * A field-ref filter for families whose fields differ per dataset: `{ and, or, not, field, <operator>: JSON … }`.
 * Text operators take strings, `fy` years; every other value is JSON of the field's type.
 */
export function fieldRefFilterInput(
  name: string,
  options: { description: string; field: string; ops: readonly Operator[]; search?: { description: string; fields: string } },
): AnyInputRef {
  const ref: AnyInputRef = builder.inputRef<AnyInputRef>(name);
  const intersect = options.ops.includes('rangeIntersect')
    ? intersectInput(`${name}RangeIntersect`, 'JSON', 'String', 'Field holding the end of each interval.')
    : undefined;
  const search = options.search
    ? builder.inputType(`${name}Search`, {
        description: options.search.description,
        fields: (t) => ({
          text: t.string({ required: true, description: 'Words that must all appear (stemmed, ignoring case and stop words).' }),
          fields: t.stringList({ required: false, description: options.search!.fields }),
        }),
      })
    : undefined;
  ref.implement({
    description: `${options.description} Every key given in one object must hold.`,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    fields: (t: any) => ({
      and: t.field({ type: [ref], required: false, description: 'All of these hold.' }),
      or: t.field({ type: [ref], required: false, description: 'At least one of these holds.' }),
      not: t.field({ type: ref, required: false, description: 'This does not hold.' }),
      field: t.string({ required: false, description: options.field }),
      ...Object.fromEntries(options.ops.map((op) => [op, operatorField(t, op, 'JSON', intersect)])),
      ...(search ? { search: t.field({ type: search, required: false, description: operators.search.description }) } : {}),
    }),
  });
  return ref;
}

function fail(message: string, at: InputPath): never {
  throw badInput(`${pathText(at)}: ${message}`, at);
}

const given = (value: unknown) => value !== undefined && value !== null;

/** The kernel value of one operator input (ranges and intersects normalised, `fy` always a list). */
function operand(op: Operator, value: unknown, at: InputPath): unknown {
  const shape = operators[op].shape;
  if (shape === 'range') {
    const range = value as Input;
    if (!given(range.from) && !given(range.to)) fail('a range needs from, to or both', at);
    return { from: range.from ?? null, to: range.to ?? null };
  }
  if (shape === 'years') {
    const years = value as number[];
    if (years.length === 0) fail('give at least one fiscal year', at);
    return years;
  }
  if (shape === 'list' || shape === 'textList') {
    if ((value as unknown[]).length === 0 && op !== 'containedBy') fail(`${op} needs at least one value`, at);
  }
  return value;
}

function intersectOperand(value: Input, at: InputPath) {
  const fy = given(value.fy) ? (value.fy as number) : null;
  if (fy !== null && (given(value.from) || given(value.to))) fail('give from/to or fy, not both', at);
  if (fy === null && !given(value.from) && !given(value.to)) fail('give from, to or fy', at);
  return { from: value.from ?? null, to: value.to ?? null, fy };
}

/** The conditions one operator input (or one field-ref node) holds, on field `field`. */
function conditions<F>(ops: Input, field: F, endField: (name: unknown, at: InputPath) => F, at: InputPath, skip: Set<string>): FilterNode<F>[] {
  const out: FilterNode<F>[] = [];
  for (const [key, value] of Object.entries(ops)) {
    if (skip.has(key) || !given(value)) continue;
    const op = key as Operator;
    const where = [...at, key];
    if (!(op in operators)) fail(`unknown operator "${key}"`, where);
    if (op === 'rangeIntersect') {
      const input = value as Input;
      out.push({ kind: 'cond', op, fields: [field, endField(input.endField, [...where, 'endField'])], value: intersectOperand(input, where), at: where });
    } else {
      out.push({ kind: 'cond', op, fields: [field], value: operand(op, value, where), at: where });
    }
  }
  return out;
}

function logical<F>(input: Input, at: InputPath, depth: number, convert: (input: Input, at: InputPath, depth: number) => FilterNode<F> | null): FilterNode<F>[] {
  if (depth > maxFilterDepth) fail(`filter is nested too deeply (at most ${maxFilterDepth} levels)`, at);
  const out: FilterNode<F>[] = [];
  for (const key of ['and', 'or'] as const) {
    const list = input[key] as Input[] | null | undefined;
    if (!given(list)) continue;
    const children = list!.map((child, i) => convert(child, [...at, key, i], depth + 1)).filter((c): c is FilterNode<F> => !!c);
    if (children.length === 0) fail(`${key} needs at least one condition`, [...at, key]);
    out.push(children.length === 1 ? children[0]! : { kind: key, children, at: [...at, key] });
  }
  if (given(input.not)) {
    const child = convert(input.not as Input, [...at, 'not'], depth + 1);
    if (!child) fail('not needs a condition', [...at, 'not']);
    out.push({ kind: 'not', child, at: [...at, 'not'] });
  }
  return out;
}

const logicalKeys = new Set(['and', 'or', 'not']);

/** A field-ref filter (`{ field, <operator> … }` with and/or/not) as the kernel tree; null for an empty filter. */
export function fromFieldRefFilter(input: Input | null | undefined, at: InputPath = ['filter']): FilterNode<string> | null {
  if (!input) return null;
  const convert = (node: Input, where: InputPath, depth: number): FilterNode<string> | null => {
    const nodes = logical(node, where, depth, convert);
    if (given(node.search)) {
      // A multi-field search names its fields itself (none: every value of the row).
      const search = node.search as { text: string; fields?: string[] | null };
      nodes.push({ kind: 'cond', op: 'search', fields: search.fields ?? [], value: search.text, at: [...where, 'search'] });
    }
    const ops = Object.keys(node).filter((key) => !logicalKeys.has(key) && key !== 'field' && key !== 'search' && given(node[key]));
    if (ops.length > 0 && !given(node.field)) fail(`operator ${ops.join(', ')} needs a field`, [...where, 'field']);
    if (ops.length === 0 && given(node.field)) fail(`field "${String(node.field)}" needs an operator`, [...where, 'field']);
    if (ops.length > 0) {
      const endField = (name: unknown, endAt: InputPath) => {
        if (typeof name !== 'string' || name === '') fail('endField is required', endAt);
        return name;
      };
      nodes.push(...conditions(node, node.field as string, endField, where, new Set([...logicalKeys, 'field'])));
    }
    return allOf(nodes, where);
  };
  return convert(input, at, 0);
}

/**
 * How the fields of a typed filter map to the family's field references: a scalar field names its reference; a
 * relation nests the related type's spec (its fields' references already include the relation's path); `convert`
 * turns a key whose value is not an operator input (a relation's `<name>Exists: Boolean`, a multi-field `search`)
 * into a node itself.
 */
export type TypedFilterSpec<F> = Record<
  string,
  { field: F } | { relation: () => TypedFilterSpec<F> } | { convert: (value: unknown, at: InputPath) => FilterNode<F> | null }
>;

/**
 * A typed filter (`{ totalObligation: { gt: "1000" }, recipient: { location: { stateCode: { in: [...] } } } }`)
 * as the kernel tree; null for an empty filter. `endFieldOf` maps a rangeIntersect `endField` (an enum value) to a
 * field reference.
 */
export function fromTypedFilter<F>(
  input: Input | null | undefined,
  spec: TypedFilterSpec<F>,
  endFieldOf: (value: unknown, at: InputPath) => F,
  at: InputPath = ['filter'],
): FilterNode<F> | null {
  if (!input) return null;
  const convert = (specOf: TypedFilterSpec<F>) => (node: Input, where: InputPath, depth: number): FilterNode<F> | null => {
    const nodes = logical(node, where, depth, convert(specOf));
    for (const [key, value] of Object.entries(node)) {
      if (logicalKeys.has(key) || !given(value)) continue;
      const entry = specOf[key];
      if (!entry) fail(`unknown field "${key}"; known fields: ${Object.keys(specOf).join(', ')}`, [...where, key]);
      if ('convert' in entry) {
        const node = entry.convert(value, [...where, key]);
        if (node) nodes.push(node);
      } else if ('relation' in entry) {
        const inner = convert(entry.relation())(value as Input, [...where, key], depth + 1);
        if (inner) nodes.push(inner);
      } else {
        nodes.push(...conditions(value as Input, entry.field, endFieldOf, [...where, key], new Set()));
      }
    }
    return allOf(nodes, where);
  };
  return convert(spec)(input, at, 0);
}
