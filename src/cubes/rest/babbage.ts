import { cardinalityClass, type CubeModel } from '../query/model.js';

type Spec = Record<string, unknown>;

function specOf(value: unknown, key: string): Spec | undefined {
  const child = value && typeof value === 'object' ? (value as Spec)[key] : undefined;
  return child && typeof child === 'object' ? (child as Spec) : undefined;
}

/** A type as the model declared it; loading stores the type the data was read as, which may be plainer. */
function declaredType(spec: Spec | undefined, stored: string): string {
  return typeof spec?.type === 'string' ? spec.type : stored;
}

/**
 * The model in babbage's /model shape: refs on every part, key/label refs, cardinality classes, aggregates, and the
 * declared attribute and measure types. A dimension outside any hierarchy is its own hierarchy, as in babbage.
 */
export function babbageModel(model: CubeModel, counts: Map<string, number>): Record<string, unknown> {
  const declared = model.source.model;
  const dimensions: Record<string, unknown> = {};
  for (const d of model.dimensions) {
    const dimensionSpec = specOf(specOf(declared, 'dimensions'), d.name);
    dimensions[d.name] = {
      label: d.label ?? d.name,
      description: d.description ?? '',
      ref: d.name,
      key_attribute: d.keyAttribute.name,
      key_ref: d.keyAttribute.ref,
      label_attribute: d.labelAttribute.name,
      label_ref: d.labelAttribute.ref,
      dimension_type: d.dimensionType,
      cardinality: counts.get(d.name) ?? 0,
      cardinality_class: cardinalityClass(counts.get(d.name) ?? 0),
      hierarchy: d.hierarchy ?? d.name,
      attributes: Object.fromEntries(
        d.attributes.map((a) => [
          a.name,
          {
            label: a.label ?? a.name,
            column: a.column,
            type: declaredType(specOf(specOf(dimensionSpec, 'attributes'), a.name), a.type),
            ref: a.ref,
            ...(a.keyParts.length ? { key_parts: a.keyParts.map((part) => `${d.name}.${part}`) } : {}),
          },
        ]),
      ),
    };
  }
  const source = model.source.model as { fact_table?: unknown } | undefined;
  return {
    fact_table: typeof source?.fact_table === 'string' ? source.fact_table : model.name,
    dimensions,
    measures: Object.fromEntries(
      model.measures.map((m) => [
        m.name,
        { label: m.label ?? m.name, column: m.column, type: declaredType(specOf(specOf(declared, 'measures'), m.name), 'number'), currency: m.currency, ref: m.ref },
      ]),
    ),
    aggregates: Object.fromEntries(
      model.aggregates.map((a) => [
        a.ref,
        { label: a.label, ref: a.ref, function: a.function, ...(a.measure ? { measure: a.measure.name } : {}) },
      ]),
    ),
    hierarchies: Object.fromEntries(model.hierarchies.map((h) => [h.name, { ref: h.name, label: h.label ?? h.name, levels: h.levels }])),
    fiscal_period: model.fiscalPeriod,
  };
}
