import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { getDatamodel } from '../generated/pothos-types.js';

/**
 * Columns already on the row: plugin-prisma wraps every field of a prisma object that names a `select` (in select
 * mode, exposed columns too) so it can check, per row, that the query which loaded the row selected what the field
 * needs, and load it if not. Looking that up costs more than the field itself: a response-path key built per row and
 * field (about 3 µs, 12% of the CPU of a 100-row page with three money fields).
 *
 * For a field whose `select` names only scalar columns of its model, the row answers the question itself: Prisma puts
 * a selected column on the row (null included) and leaves an unselected one off. When every column the field needs
 * is there, this plugin calls the field's own resolver with the row, as plugin-prisma would after its check; when one
 * is missing, plugin-prisma's wrapper runs as before and loads it. Relation and count selections (functions, nested
 * selects) and fields of object type are never bypassed: their lookup also carries the plans of the fields beneath. Listed first among the
 * builder's plugins, so its wrapper is the outermost.
 */
const pluginName = 'loadedColumns';

const scalarColumns = (() => {
  const byModel = new Map<string, Set<string>>();
  for (const [model, { fields }] of Object.entries(getDatamodel().datamodel.models)) {
    byModel.set(model, new Set(fields.filter((field) => field.kind === 'scalar' || field.kind === 'enum').map((field) => field.name)));
  }
  return byModel;
})();

/** A scalar or enum (or a list of them): nothing beneath it needs the row's loader mapping. */
function leafOutput(type: { kind: string; type?: { kind: string } }): boolean {
  const inner = type.kind === 'List' && type.type ? type.type : type;
  return inner.kind === 'Scalar' || inner.kind === 'Enum';
}

/** The columns of a select that names only scalar columns of `model` with `true`, else undefined. */
export function plainColumns(model: string | undefined, select: unknown): string[] | undefined {
  const columns = model ? scalarColumns.get(model) : undefined;
  if (!columns || !select || typeof select !== 'object' || Array.isArray(select)) return undefined;
  const names = Object.keys(select);
  if (names.length === 0) return undefined;
  for (const name of names) if ((select as Record<string, unknown>)[name] !== true || !columns.has(name)) return undefined;
  return names;
}

export class LoadedColumnsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: GraphQLFieldResolver<unknown, Types['Context'], object>, fieldConfig: PothosOutputFieldConfig<Types>): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.kind !== 'PrismaObject' || !leafOutput(fieldConfig.type) || fieldConfig.extensions?.pothosPrismaLoaded) return resolver;
    const own = fieldConfig.resolve as GraphQLFieldResolver<unknown, Types['Context'], object> | undefined;
    if (!own || own === resolver) return resolver;
    const model = this.buildCache.getTypeConfig(fieldConfig.parentType).extensions?.pothosPrismaModel as string | undefined;
    const columns = plainColumns(model, fieldConfig.extensions?.pothosPrismaSelect);
    if (!columns) return resolver;
    if (columns.length === 1) {
      const [column] = columns as [string];
      return (parent, args, context, info) =>
        parent !== null && typeof parent === 'object' && (parent as Record<string, unknown>)[column] !== undefined ? own(parent, args, context, info) : resolver(parent, args, context, info);
    }
    return (parent, args, context, info) => {
      if (parent === null || typeof parent !== 'object') return resolver(parent, args, context, info);
      for (const column of columns) if ((parent as Record<string, unknown>)[column] === undefined) return resolver(parent, args, context, info);
      return own(parent, args, context, info);
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      loadedColumns: LoadedColumnsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, LoadedColumnsPlugin);

export default pluginName;
