import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { readCsv, readCsvHeader } from '../../shared/ingest/csv.js';
import type { Progress } from '../../shared/ingest/progress.js';
import { IngestError, type Loader } from '../../shared/ingest/types.js';
import {
  checkCubeSpec,
  normaliseType,
  writeCubeModel,
  writeFacts,
  type AttributeSpec,
  type CubeSpec,
  type DimensionSpec,
  type HierarchySpec,
  type SourceRow,
} from './cube-writer.js';
import { refName } from './cube-names.js';

interface FdpAttribute {
  source: string;
  title?: string;
  labelfor?: string;
  parent?: string;
}

interface FdpDimension {
  attributes: Record<string, FdpAttribute>;
  primaryKey: string | string[];
  dimensionType?: string;
  title?: string;
  description?: string;
}

interface FdpMeasure {
  source: string;
  title?: string;
  currency?: string;
  factor?: number;
}

interface FdpModel {
  measures: Record<string, FdpMeasure>;
  dimensions: Record<string, FdpDimension>;
}

interface DataPackage {
  name?: string;
  title?: string;
  description?: string;
  author?: string;
  owner?: string;
  publisher?: string;
  license?: string | { type?: string; name?: string; url?: string };
  licenses?: { name?: string; id?: string; title?: string; path?: string; url?: string }[];
  keywords?: string[];
  countryCode?: string | string[];
  fiscalPeriod?: { start?: string; end?: string };
  resources?: { name?: string; path?: string; format?: string; dialect?: { delimiter?: string }; schema?: { fields?: { name: string; type?: string }[] } }[];
  model?: FdpModel;
  mapping?: FdpModel;
}

function packagePath(path: string): string {
  return statSync(path).isDirectory() ? join(path, 'datapackage.json') : path;
}

function readPackage(file: string): DataPackage {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DataPackage;
  } catch (error) {
    throw new IngestError(`not valid JSON: ${(error as Error).message}`, file);
  }
}

function licenseOf(dp: DataPackage): { license: string | null; licenseUrl: string | null } {
  if (typeof dp.license === 'string') return { license: dp.license, licenseUrl: null };
  if (dp.license) return { license: dp.license.name ?? dp.license.type ?? null, licenseUrl: dp.license.url ?? null };
  const first = dp.licenses?.[0];
  return { license: first?.name ?? first?.id ?? first?.title ?? null, licenseUrl: first?.path ?? first?.url ?? null };
}

interface MappedDimension {
  rawName: string;
  dimension: FdpDimension;
  spec: DimensionSpec;
  /** Raw attribute name -> ref name within the dimension. */
  attributeNames: Map<string, string>;
}

interface MappingContext {
  fieldTypes: Map<string, string>;
  requireSource(source: string, what: string): void;
  file: string;
}

/**
 * One FDP dimension as a cube dimension. A primaryKey of several attributes gets a synthetic key attribute (`key`,
 * or `key_2` … when the package has an attribute of that name) joining the parts (see compositeKey), so a member is
 * one key tuple; its label is the label of the last part.
 */
function mapDimension(rawName: string, name: string, dimension: FdpDimension, context: MappingContext): MappedDimension {
  const { fieldTypes, requireSource, file } = context;
  const rawAttributes = Object.entries(dimension.attributes ?? {});
  const attributeNames = new Map<string, string>();
  const attributeTaken = new Set<string>();
  for (const [rawAttribute] of rawAttributes) attributeNames.set(rawAttribute, refName(rawAttribute, attributeTaken));
  const attributes: AttributeSpec[] = rawAttributes.map(([rawAttribute, attribute]) => {
    requireSource(attribute.source, `dimension "${rawName}" attribute "${rawAttribute}"`);
    return {
      name: attributeNames.get(rawAttribute)!,
      label: attribute.title ?? attribute.source,
      type: normaliseType(fieldTypes.get(attribute.source)),
      read: (row: SourceRow) => row.values[attribute.source],
      sourceName: attribute.source,
      labelFor: attribute.labelfor && attributeNames.has(attribute.labelfor) ? attributeNames.get(attribute.labelfor)! : null,
    };
  });
  if (attributes.length === 0) throw new IngestError(`dimension "${rawName}" has no attributes`, file);
  const keys = [dimension.primaryKey].flat().filter((key): key is string => typeof key === 'string');
  if (keys.length === 0 || keys.some((key) => !attributeNames.has(key))) {
    throw new IngestError(`dimension "${rawName}": primaryKey must name its attributes, got ${JSON.stringify(dimension.primaryKey)}`, file);
  }
  const rawKey = keys[keys.length - 1]!;
  const rawLabel = rawAttributes.find(([, a]) => a.labelfor === rawKey)?.[0];
  let keyAttribute = attributeNames.get(rawKey)!;
  if (keys.length > 1) {
    const parts = keys.map((key) => attributeNames.get(key)!);
    keyAttribute = refName('key', attributeTaken);
    attributes.push({
      name: keyAttribute,
      label: keys.map((key) => dimension.attributes[key]!.title ?? dimension.attributes[key]!.source).join(' / '),
      type: 'string',
      read: () => undefined,
      sourceName: parts.join('/'),
      keyParts: parts,
    });
  }
  return {
    rawName,
    dimension,
    attributeNames,
    spec: {
      name,
      label: dimension.title ?? rawName,
      description: dimension.description ?? null,
      keyAttribute,
      labelAttribute: rawLabel ? attributeNames.get(rawLabel)! : null,
      dimensionType: dimension.dimensionType ?? null,
      attributes,
    },
  };
}

function servedDimension(spec: DimensionSpec): Record<string, unknown> {
  return {
    label: spec.label,
    description: spec.description,
    dimensionType: spec.dimensionType,
    key_attribute: spec.keyAttribute,
    label_attribute: spec.labelAttribute,
    attributes: Object.fromEntries(
      spec.attributes.map((a) => [
        a.name,
        { column: a.sourceName, label: a.label, type: a.type, ...(a.keyParts ? { key_parts: a.keyParts } : {}) },
      ]),
    ),
  };
}

/**
 * `parent` chains as hierarchies, top level first: an attribute whose `parent` names another attribute of its
 * dimension is the level below it (levels are attribute refs), and a `parent` naming another dimension puts that
 * dimension (its key) above. Each attribute that is a parent of none gives one hierarchy, named
 * `<dimension>_hierarchy` (`<dimension>_<attribute>_hierarchy` when a dimension has several).
 */
function parentHierarchies(mapped: MappedDimension[], dimensionNames: Map<string, string>, taken: Set<string>, file: string): HierarchySpec[] {
  const hierarchies: HierarchySpec[] = [];
  for (const { rawName, dimension, spec, attributeNames } of mapped) {
    const parentOf = new Map<string, string>();
    for (const [rawAttribute, attribute] of Object.entries(dimension.attributes ?? {})) {
      if (attribute.parent === undefined || attribute.parent === null) continue;
      if (typeof attribute.parent !== 'string' || (!attributeNames.has(attribute.parent) && !dimensionNames.has(attribute.parent))) {
        throw new IngestError(
          `dimension "${rawName}" attribute "${rawAttribute}": parent ${JSON.stringify(attribute.parent)} is neither an attribute of "${rawName}" nor a dimension`,
          file,
        );
      }
      parentOf.set(rawAttribute, attribute.parent);
    }
    const parents = new Set(parentOf.values());
    const leaves = [...parentOf.keys()].filter((rawAttribute) => !parents.has(rawAttribute));
    if (parentOf.size > 0 && leaves.length === 0) {
      throw new IngestError(`dimension "${rawName}": the parent attributes form a cycle (${[...parentOf.keys()].join(', ')})`, file);
    }
    for (const leaf of leaves) {
      const levels: string[] = [];
      const seen = new Set<string>();
      for (let current: string | undefined = leaf; current !== undefined; current = parentOf.get(current)) {
        if (seen.has(current)) throw new IngestError(`dimension "${rawName}": the parent of "${current}" leads back to it`, file);
        seen.add(current);
        if (attributeNames.has(current)) {
          levels.unshift(`${spec.name}.${attributeNames.get(current)!}`);
        } else {
          levels.unshift(dimensionNames.get(current)!);
          break;
        }
      }
      const base = leaves.length === 1 ? `${spec.name}_hierarchy` : `${spec.name}_${attributeNames.get(leaf)!}_hierarchy`;
      hierarchies.push({ name: refName(base, taken), label: spec.label ?? rawName, levels });
    }
  }
  return hierarchies;
}

/**
 * A Fiscal Data Package: datapackage.json with CSV resources, described by the FDP 1.0 `model` or the older
 * `mapping`. Measure values are multiplied by the measure's `factor` (the package's unit), as the FDP spec says.
 */
export const fdpLoader: Loader = {
  id: 'fdp',
  family: 'CUBE',
  description: 'Fiscal Data Package (datapackage.json with a "model" or "mapping" and CSV resources)',
  async detect(path) {
    const file = packagePath(path);
    if (basename(file) !== 'datapackage.json' || !existsSync(file)) return false;
    try {
      const dp = JSON.parse(readFileSync(file, 'utf8')) as DataPackage;
      return typeof (dp.model ?? dp.mapping) === 'object';
    } catch {
      return false;
    }
  },
  async load(request, context) {
    const file = packagePath(request.path);
    const dir = dirname(file);
    const dp = readPackage(file);
    const model = dp.model ?? dp.mapping;
    if (!model || typeof model.measures !== 'object' || typeof model.dimensions !== 'object') {
      throw new IngestError('the package has no "model" (or "mapping") with measures and dimensions', file);
    }
    const resources = (dp.resources ?? []).filter((r) => typeof r.path === 'string' && /\.csv$/i.test(r.path));
    if (resources.length === 0) throw new IngestError('the package lists no CSV resource', file);
    const csvFiles = resources.map((resource) => {
      const csv = resolve(dir, resource.path!);
      if (!csv.startsWith(resolve(dir) + sep)) throw new IngestError(`resource path escapes the package: ${resource.path}`, file);
      if (!existsSync(csv)) throw new IngestError(`resource ${resource.path} is missing`, file);
      return { csv, delimiter: resource.dialect?.delimiter ?? ',' };
    });
    const fieldTypes = new Map<string, string>();
    for (const resource of resources) {
      for (const field of resource.schema?.fields ?? []) if (field.type) fieldTypes.set(field.name, field.type);
    }
    const header = new Set(await readCsvHeader(csvFiles[0]!.csv, csvFiles[0]!.delimiter));
    const requireSource = (source: string, what: string) => {
      if (!header.has(source)) {
        throw new IngestError(`${what} reads column "${source}", which ${basename(csvFiles[0]!.csv)} does not have`, file);
      }
    };

    const taken = new Set<string>();
    const spec: CubeSpec = { dimensions: [], measures: [], hierarchies: [] };
    const served: { dimensions: Record<string, unknown>; measures: Record<string, unknown> } = {
      dimensions: {},
      measures: {},
    };
    const dimensionNames = new Map(Object.keys(model.dimensions).map((rawName) => [rawName, refName(rawName, taken)]));
    const mapped: MappedDimension[] = [];
    for (const [rawName, dimension] of Object.entries(model.dimensions)) {
      const one = mapDimension(rawName, dimensionNames.get(rawName)!, dimension, { fieldTypes, requireSource, file });
      mapped.push(one);
      spec.dimensions.push(one.spec);
      served.dimensions[one.spec.name] = servedDimension(one.spec);
    }
    for (const [rawName, measure] of Object.entries(model.measures)) {
      requireSource(measure.source, `measure "${rawName}"`);
      const name = refName(rawName, taken);
      const type = normaliseType(fieldTypes.get(measure.source) ?? 'number');
      spec.measures.push({
        name,
        label: measure.title ?? rawName,
        currency: measure.currency ?? null,
        type: type === 'integer' && (measure.factor ?? 1) === 1 ? 'integer' : 'number',
        factor: typeof measure.factor === 'number' && Number.isFinite(measure.factor) ? measure.factor : 1,
        read: (row) => row.values[measure.source],
        sourceName: measure.source,
      });
      served.measures[name] = { column: measure.source, label: measure.title ?? rawName, currency: measure.currency ?? null, factor: measure.factor ?? 1 };
    }
    spec.hierarchies = parentHierarchies(mapped, dimensionNames, taken, file);
    checkCubeSpec(spec, file);

    const name = request.name ?? dp.name;
    if (!name) throw new IngestError('the package has no "name": pass --name', file);
    const { license, licenseUrl } = licenseOf(dp);
    return context.replaceDataset(
      {
        name,
        family: 'CUBE',
        title: (dp.title ?? name).trim(),
        description: dp.description?.trim() || null,
        publisher: dp.publisher ?? dp.author ?? dp.owner ?? null,
        license,
        licenseUrl,
        keywords: dp.keywords ?? [],
        themes: [dp.countryCode ?? []].flat(),
        source: {
          model: { fact_table: name, ...served, hierarchies: Object.fromEntries(spec.hierarchies.map((h) => [h.name, { label: h.label, levels: h.levels }])) },
          datapackage: dp,
          fiscalPeriod: dp.fiscalPeriod ?? null,
        },
      },
      async (tx, datasetId) => {
        await writeCubeModel(tx, datasetId, spec);
        return writeFacts(tx, datasetId, spec, rowsOf(csvFiles, context.progress));
      },
    );
  },
};

async function* rowsOf(
  files: { csv: string; delimiter: string }[],
  progress: Progress,
): AsyncGenerator<SourceRow> {
  for (const { csv, delimiter } of files) {
    for await (const row of readCsv(csv, { delimiter, progress })) yield { file: csv, line: row.line, values: row.values };
  }
}
