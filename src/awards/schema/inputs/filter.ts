import { builder } from '../../../builder.js';
import { badInput } from '../../../errors.js';
import { conditionsOf, pathText, type FilterNode, type InputPath } from '../../../shared/filter/ast.js';
import { fromTypedFilter, intersectInput, scalarFilterInput, type TypedFilterSpec } from '../../../shared/filter/graphql.js';
import { dateOperators, listOperators, orderedOperators, textOperators } from '../../../shared/filter/operators.js';
import { enumName, models, type ModelName, type ScalarDef } from '../../query/registry.js';
import { textFieldEnum, type RootModel } from './fields.js';

// Pothos cannot type input refs generated in a loop; the converter below checks what arrives.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRef = any;

const shared = {
  string: () => scalarFilterInput('StringFilter', 'String', textOperators, 'Conditions on a text field; equals and in ignore case.'),
  decimal: () => scalarFilterInput('DecimalFilter', 'Decimal', orderedOperators, 'Conditions on an exact decimal field (money).'),
  int: () => scalarFilterInput('IntFilter', 'Int', orderedOperators, 'Conditions on an integer field.'),
  boolean: () => scalarFilterInput('BooleanFilter', 'Boolean', ['equals', 'isNull'], 'Conditions on a true/false field.'),
  stringArray: () => scalarFilterInput('StringListFilter', 'String', listOperators, 'Conditions on a list of texts (such as business categories).'),
};
const sharedRefs = new Map<string, AnyRef>();

function sharedFilter(type: keyof typeof shared): AnyRef {
  let ref = sharedRefs.get(type);
  if (!ref) sharedRefs.set(type, (ref = shared[type]()));
  return ref;
}

const graphqlName = (scalar: ScalarDef) => (scalar.name === 'id' ? 'rowId' : scalar.name);

/** `<Model>DateFilter` / `<Model>DateTimeFilter`: ordered operators, fiscal years and rangeIntersect with an `endField` of the model. */
function dateFilter(model: ModelName, kind: 'date' | 'datetime'): AnyRef {
  const label = kind === 'date' ? 'Date' : 'DateTime';
  const fields = models[model].scalars.filter((scalar) => scalar.type === kind);
  const endField = builder.enumType(`${model}${label}Field`, {
    description: `The ${kind === 'date' ? 'date' : 'date-time'} fields of ${model}, as the end of a rangeIntersect interval.`,
    values: Object.fromEntries(
      fields.map((scalar) => [enumName(scalar.name), { value: scalar.name, description: `${model}.${scalar.name}` }]),
    ),
  });
  const intersect = intersectInput(`${model}${label}RangeIntersect`, label, endField, `The ${model} field holding the end of each interval.`);
  return scalarFilterInput(
    `${model}${label}Filter`,
    label,
    dateOperators,
    `Conditions on a ${kind === 'date' ? 'date (YYYY-MM-DD)' : 'date-time'} field of ${model}; fiscal years are federal (FY2017 = 2016-10-01..2017-09-30).`,
    intersect,
  );
}

const dateFilters = new Map<string, AnyRef>();

function operatorInput(model: ModelName, scalar: ScalarDef): AnyRef {
  if (scalar.type !== 'date' && scalar.type !== 'datetime') return sharedFilter(scalar.type);
  const key = `${model}:${scalar.type}`;
  let ref = dateFilters.get(key);
  if (!ref) dateFilters.set(key, (ref = dateFilter(model, scalar.type)));
  return ref;
}

const filterRefs = new Map<ModelName, AnyRef>();

/** `<Model>Filter`: one key per field and relation of the registry, plus and/or/not (and `search` on awards and transactions). */
export function filterInput(model: ModelName): AnyRef {
  let ref = filterRefs.get(model);
  if (ref) return ref;
  ref = builder.inputRef(`${model}Filter`);
  filterRefs.set(model, ref);
  const def = models[model];
  const searchInput = model === 'Award' || model === 'Transaction' ? searchInputOf(model) : null;
  ref.implement({
    description: `Conditions on ${model} rows. Every key given must hold; combine with and, or and not to any depth.`,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    fields: (t: any) => ({
      and: t.field({ type: [ref], required: false, description: 'All of these hold.' }),
      or: t.field({ type: [ref], required: false, description: 'At least one of these holds.' }),
      not: t.field({ type: ref, required: false, description: 'This does not hold (a row whose field is null does not match the inner condition, so it matches here).' }),
      ...(searchInput ? { search: t.field({ type: searchInput, required: false, description: 'Every word of a text appears in at least one of the given text fields.' }) } : {}),
      ...Object.fromEntries(
        def.scalars.map((scalar) => [
          graphqlName(scalar),
          t.field({ type: operatorInput(model, scalar), required: false, description: `Conditions on ${graphqlName(scalar)}.` }),
        ]),
      ),
      ...Object.fromEntries(
        def.relations.flatMap((relation) => [
          [relation.name, t.field({ type: filterInput(relation.target), required: false, description: `Conditions on the ${relation.name} (${relation.target}); a row without one does not match.` })],
          [`${relation.name}Exists`, t.boolean({ required: false, description: `true: ${relation.name} is set; false: it is not.` })],
        ]),
      ),
    }),
  });
  return ref;
}

function searchInputOf(root: RootModel): AnyRef {
  return builder.inputType(`${root}Search`, {
    description: `A text search over ${root.toLowerCase()} text fields, ignoring case.`,
    fields: (t) => ({
      text: t.string({ required: true, description: 'Words that must each appear in at least one of the fields.' }),
      fields: t.field({ type: [textFieldEnum(root)], required: true, description: 'The text fields to look in (one or more).' }),
    }),
  });
}

const specs = new Map<string, TypedFilterSpec<string>>();

/** How a model's filter keys map to field paths below `prefix` (the relations crossed to reach the model). */
function specOf(model: ModelName, prefix: string): TypedFilterSpec<string> {
  const key = `${model}:${prefix}`;
  const cached = specs.get(key);
  if (cached) return cached;
  const spec: TypedFilterSpec<string> = {};
  specs.set(key, spec);
  for (const scalar of models[model].scalars) spec[graphqlName(scalar)] = { field: prefix + scalar.name };
  for (const relation of models[model].relations) {
    spec[relation.name] = { relation: () => specOf(relation.target, `${prefix}${relation.name}.`) };
    spec[`${relation.name}Exists`] = {
      convert: (value, at) => ({ kind: 'cond', op: 'isNull', fields: [prefix + relation.name], value: value === false, at }),
    };
  }
  if (model === 'Award' || model === 'Transaction') spec.search = { convert: (value, at) => searchNode(value, prefix, at) };
  return spec;
}

function searchNode(value: unknown, prefix: string, at: InputPath): FilterNode<string> {
  const { text, fields } = (value ?? {}) as { text?: unknown; fields?: unknown };
  if (!Array.isArray(fields) || fields.length === 0) throw badInput(`${pathText([...at, 'fields'])}: give at least one field`, [...at, 'fields']);
  return { kind: 'cond', op: 'search', fields: fields.map((field) => prefix + field), value: text, at };
}

function endFieldOf(value: unknown, at: InputPath): string {
  if (typeof value !== 'string' || value === '') throw badInput(`${pathText(at)}: endField is required`, at);
  return value;
}

/** An awards or transactions filter input as the kernel tree; rangeIntersect ends sit beside their start field. */
export function filterOf(root: RootModel, input: Record<string, unknown> | null | undefined, at: InputPath = ['filter']): FilterNode<string> | null {
  const node = fromTypedFilter(input, specOf(root, ''), endFieldOf, at);
  for (const condition of conditionsOf(node)) {
    if (condition.op !== 'rangeIntersect') continue;
    const start = condition.fields[0]!;
    condition.fields[1] = start.slice(0, start.lastIndexOf('.') + 1) + condition.fields[1]!;
  }
  return node;
}

export const AwardFilter = filterInput('Award');
export const TransactionFilter = filterInput('Transaction');
