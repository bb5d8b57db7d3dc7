/**
 * The one ordering convention of the GraphQL API: `orderBy: [{ field, direction }]`, with an enum of fields where
 * the schema is fixed (awards, transactions, datasets) and field refs where it is not (cubes, records).
 */
import { builder } from '../builder.js';

export type Direction = 'asc' | 'desc';

export const SortDirection = builder.enumType('SortDirection', {
  description: 'Sort direction. Rows without a value sort last in both directions.',
  values: {
    ASC: { value: 'asc', description: 'Smallest (or earliest, or A) first.' },
    DESC: { value: 'desc', description: 'Largest (or latest, or Z) first.' },
  } as const,
});

export interface OrderTerm<F = string> {
  field: F;
  direction: Direction;
}

/**
 * `<Name> { field: <fieldType>!, direction: SortDirection = ASC }`; `fieldType` is an enum ref, or 'String' for
 * field refs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function orderInput(name: string, fieldType: any, fieldDescription: string) {
  return builder.inputType(name, {
    description: 'One sort key; give several in order of precedence.',
    fields: (t) => ({
      field: t.field({ type: fieldType, required: true, description: fieldDescription }),
      direction: t.field({ type: SortDirection, required: true, defaultValue: 'asc', description: 'ASC (default) or DESC.' }),
    }),
  });
}
