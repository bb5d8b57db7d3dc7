import { cardinalityClass, type CubeModel } from '../query/model.js';

/** The model in babbage's /model shape: refs on every part, key/label refs, cardinality classes, aggregates. */
export function babbageModel(model: CubeModel, counts: Map<string, number>): Record<string, unknown> {
  const dimensions: Record<string, unknown> = {};
  for (const d of model.dimensions) {
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
      hierarchy: d.hierarchy,
      attributes: Object.fromEntries(
        d.attributes.map((a) => [
          a.name,
          {
            label: a.label ?? a.name,
            column: a.column,
            type: a.type,
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
      model.measures.map((m) => [m.name, { label: m.label ?? m.name, column: m.column, currency: m.currency, ref: m.ref }]),
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
