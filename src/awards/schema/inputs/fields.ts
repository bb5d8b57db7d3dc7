import { builder } from '../../../builder.js';
import { orderInput } from '../../../shared/order.js';
import { enumName, fieldPaths, models, type FieldPath } from '../../query/registry.js';

/** The models GraphQL lists with typed filters and orderBy. */
export type RootModel = 'Award' | 'Transaction' | 'TreasuryAccount' | 'FederalAccount';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRef = any;

function pathEnum(name: string, description: string, paths: FieldPath[]): AnyRef {
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(paths.map(({ path }) => [enumName(path), { value: path, description: `The field \`${path}\`.` }])),
  });
}

const cache = new Map<string, AnyRef>();

function memo(name: string, make: () => AnyRef): AnyRef {
  let ref = cache.get(name);
  if (!ref) cache.set(name, (ref = make()));
  return ref;
}

/** `<Root>Field`: every scalar field reachable from the root within two relations (ordering and grouping). */
export function fieldEnum(root: RootModel): AnyRef {
  return memo(`${root}Field`, () =>
    pathEnum(
      `${root}Field`,
      `A field of ${root.toLowerCase()}s or of their relations (two hops at most), named by its path: RECIPIENT_LOCATION_STATE_CODE is recipient.location.stateCode.`,
      fieldPaths(root).filter(({ scalar }) => scalar.type !== 'stringArray'),
    ),
  );
}

/** `<Root>TextField`: the text fields reachable from the root (search and autocomplete). */
export function textFieldEnum(root: RootModel): AnyRef {
  return memo(`${root}TextField`, () =>
    pathEnum(`${root}TextField`, `A text field of ${root.toLowerCase()}s or of their relations, named by its path.`, fieldPaths(root).filter(({ scalar }) => scalar.type === 'string')),
  );
}

/** `<Root>NumericField`: the root's own numeric fields (what totals aggregate). */
export function numericFieldEnum(root: RootModel): AnyRef {
  return memo(`${root}NumericField`, () =>
    pathEnum(
      `${root}NumericField`,
      `A numeric field of ${root.toLowerCase()}s, to aggregate.`,
      models[root].scalars.filter((scalar) => scalar.type === 'decimal' || scalar.type === 'int').map((scalar) => ({ path: scalar.name, scalar })),
    ),
  );
}

/** `<Root>OrderBy { field: <Root>Field!, direction }`. */
export function orderByInput(root: RootModel): AnyRef {
  return memo(`${root}OrderBy`, () => orderInput(`${root}OrderBy`, fieldEnum(root), `The ${root.toLowerCase()} field to sort by.`));
}

/** orderBy terms as the query layer's order entries ("-path" for descending). */
export function orderEntries(orderBy: readonly { field: string; direction: 'asc' | 'desc' }[] | null | undefined): string[] {
  return (orderBy ?? []).map(({ field, direction }) => (direction === 'desc' ? `-${field}` : field));
}
