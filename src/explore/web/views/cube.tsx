import { useMemo } from 'preact/hooks';
import { Chart } from '../chart.js';
import { useQuery } from '../client.js';
import { amount, plotted } from '../format.js';
import type { ExploreCubeModelQuery } from '../gql/graphql.js';
import { CubeAggregateQuery, CubeModelQuery } from '../operations.js';
import { hrefOf, navigate } from '../router.js';
import { cubeCsvUrl, cubeParams, cubeVariables, parseCube, type CubeState, type Cut } from '../state.js';
import { ChartOrTable, ProblemList, Status, Unavailable } from './common.js';

type Model = NonNullable<ExploreCubeModelQuery['cube']>;
type Key = Record<string, unknown>;

/** The drilldowns a reader can pick: dimensions, hierarchies, and date attributes by year, quarter, month or fiscal year. */
export function drilldownChoices(model: Model): { ref: string; label: string }[] {
  const choices = model.dimensions.map((d) => ({ ref: d.name, label: d.label ?? d.name }));
  for (const h of model.hierarchies) choices.push({ ref: h.name, label: `${h.label ?? h.name} (hierarchy, level by level)` });
  for (const d of model.dimensions) {
    for (const a of d.attributes) {
      if (a.type !== 'DATE') continue;
      for (const [part, name] of [['year', 'year'], ['quarter', 'quarter'], ['month', 'month'], ['fy', 'fiscal year']]) {
        choices.push({ ref: `${a.ref}@${part}`, label: `${d.label ?? d.name}: ${a.label ?? a.ref} by ${name}` });
      }
    }
  }
  return choices;
}

/** What to group by first: a hierarchy to walk, else the first dimension whose members have labels, else the first. */
export function defaultDrilldown(model: Model): string {
  return model.hierarchies[0]?.name ?? (model.dimensions.find((d) => d.labelAttribute !== d.keyAttribute) ?? model.dimensions[0])?.name ?? '';
}

/** How a cell is named on the chart: the dimension's label attribute, else a label-like attribute of the drilldown. */
function labelOf(model: Model, drilldown: string, attributes: string[], key: Key): string {
  const dimension = model.dimensions.find((d) => d.name === drilldown);
  if (dimension) return String(key[`${dimension.name}.${dimension.labelAttribute}`] ?? key[`${dimension.name}.${dimension.keyAttribute}`] ?? '');
  const preferred = attributes.filter((a) => /label|name|title/i.test(a.split('.').pop()!));
  const pick = [...preferred].reverse().find((a) => key[a] !== null && key[a] !== undefined) ?? attributes.at(-1)!;
  return String(key[pick] ?? '');
}

/** The cut that narrows to a clicked cell: on the hierarchy level shown, or on the dimension's key. */
function cutOf(model: Model, drilldown: string, attributes: string[], key: Key): Cut | null {
  const dimension = model.dimensions.find((d) => d.name === drilldown);
  if (dimension) return { ref: dimension.name, value: String(key[`${dimension.name}.${dimension.keyAttribute}`]) };
  const hierarchy = model.hierarchies.find((h) => h.name === drilldown);
  if (!hierarchy) return null;
  const levels = hierarchy.levels.filter((level) => attributes.includes(level) || model.dimensions.some((d) => d.name === level && attributes.includes(`${level}.${d.keyAttribute}`)));
  const level = levels.at(-1);
  if (!level) return null;
  const asDimension = model.dimensions.find((d) => d.name === level);
  const value = asDimension ? key[`${level}.${asDimension.keyAttribute}`] : key[level];
  return value === null || value === undefined ? null : { ref: level, value: String(value) };
}

export function CubeView({ name, params }: { name: string; params: URLSearchParams }) {
  const { state, problems } = parseCube(params);
  const modelResult = useQuery(CubeModelQuery, { name });
  const model = modelResult.data?.cube ?? undefined;
  const defaults = model && {
    measure: model.aggregates.find((a) => a.measure)?.ref ?? '_count',
    drilldown: defaultDrilldown(model),
  };
  const variables = model && defaults ? cubeVariables(name, state, defaults) : null;
  const result = useQuery(CubeAggregateQuery, variables);
  const go = (next: CubeState) => navigate(hrefOf(`/explore/cube/${encodeURIComponent(name)}`, cubeParams(next)));

  const measure = variables?.aggregates?.[0] ?? '';
  const drilldown = variables?.drilldown?.[0] ?? '';
  const aggregation = result.data?.cube?.aggregate;
  const rows = useMemo(
    () =>
      model && aggregation
        ? aggregation.nodes.map((cell) => {
            const key = cell.key as Key;
            const values = cell.values as Record<string, string | number>;
            return { label: labelOf(model, drilldown, aggregation.attributes, key) || '(none)', value: values[measure], key };
          })
        : [],
    [model, aggregation, drilldown, measure],
  );
  const measureLabel = model?.aggregates.find((a) => a.ref === measure)?.label ?? measure;
  const drilldownLabel = model && drilldownChoices(model).find((c) => c.ref === drilldown)?.label;

  const option = useMemo(() => {
    if (state.chart === 'treemap') {
      return {
        tooltip: {},
        series: [{ type: 'treemap', roam: false, nodeClick: false, breadcrumb: { show: false }, label: { show: true }, data: rows.map((r) => ({ name: r.label, value: Math.abs(plotted(r.value)) })) }],
      };
    }
    const ordered = [...rows].reverse();
    return {
      tooltip: {},
      grid: { left: 260, right: 40, top: 20, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: ordered.map((r) => r.label), axisLabel: { width: 240, overflow: 'truncate' } },
      series: [{ type: 'bar', name: measureLabel, data: ordered.map((r) => plotted(r.value)) }],
    };
  }, [rows, state.chart, measureLabel]);

  const drill = (label: string) => {
    const row = rows.find((r) => r.label === label);
    if (!row || !model || !aggregation) return;
    const cut = cutOf(model, drilldown, aggregation.attributes, row.key);
    if (!cut || state.cuts.some((c) => c.ref === cut.ref && c.value === cut.value)) return;
    const isHierarchy = model.hierarchies.some((h) => h.name === drilldown);
    go({ ...state, cuts: [...state.cuts, cut], drilldown: isHierarchy ? drilldown : state.drilldown });
  };

  if (modelResult.error || (!modelResult.fetching && !model)) {
    return <Unavailable heading={`Cube ${name}`} error={modelResult.error ?? `no cube named "${name}"`} />;
  }
  return (
    <main>
      <h1>{model?.title ?? name}</h1>
      <p class="meta">
        Cube <code>{name}</code>
        {model?.dataset.license ? ` · Licence: ${model.dataset.license}` : ''}
      </p>
      <ProblemList problems={problems} />
      {model && (
        <form class="controls" onSubmit={(e) => e.preventDefault()}>
          <label>
            Measure
            <select value={measure} onChange={(e) => go({ ...state, measure: e.currentTarget.value })}>
              {model.aggregates.map((a) => (
                <option key={a.ref} value={a.ref}>{a.label}</option>
              ))}
            </select>
          </label>
          <label>
            Group by
            <select value={drilldown} onChange={(e) => go({ ...state, drilldown: e.currentTarget.value })}>
              {drilldownChoices(model).map((c) => (
                <option key={c.ref} value={c.ref}>{c.label}</option>
              ))}
            </select>
          </label>
          <label>
            Chart
            <select value={state.chart === 'table' ? 'bar' : state.chart} onChange={(e) => go({ ...state, chart: e.currentTarget.value as CubeState['chart'] })}>
              <option value="bar">Bar chart</option>
              <option value="treemap">Treemap</option>
            </select>
          </label>
        </form>
      )}
      {state.cuts.length > 0 && (
        <ul class="cuts" aria-label="Cuts">
          {state.cuts.map((cut, i) => (
            <li key={`${cut.ref}:${cut.value}`}>
              <code>{cut.ref} = {cut.value}</code>{' '}
              <button type="button" aria-label={`Remove cut ${cut.ref} = ${cut.value}`} onClick={() => go({ ...state, cuts: state.cuts.filter((_, j) => j !== i) })}>×</button>
            </li>
          ))}
        </ul>
      )}
      <Status fetching={result.fetching} error={result.error} />
      {aggregation && (
        <>
          <p>
            {measureLabel} by {drilldownLabel ?? drilldown}: {aggregation.totalCount} {aggregation.totalCount === 1 ? 'group' : 'groups'}, total{' '}
            <strong>{amount((aggregation.summary as Record<string, string>)[measure])}</strong>. Select a member (bar, tile or table row) to cut the cube to it.{' '}
            {defaults && <a href={cubeCsvUrl(name, state, defaults)} download>Download CSV</a>}
          </p>
          <ChartOrTable
            what={`${measureLabel} by ${drilldownLabel ?? drilldown}`}
            showTable={state.chart === 'table'}
            onToggle={(table) => go({ ...state, chart: table ? 'table' : 'bar' })}
            chart={<Chart option={option} label={`${state.chart === 'treemap' ? 'Treemap' : 'Bar chart'} of ${measureLabel} by ${drilldownLabel ?? drilldown}: ${rows.map((r) => `${r.label} ${amount(r.value)}`).join('; ')}`} height={Math.max(300, rows.length * 28 + 60)} onClick={(p) => drill(p.name)} />}
            table={
              <table>
                <caption>{measureLabel} by {drilldownLabel ?? drilldown}</caption>
                <thead>
                  <tr><th scope="col">{drilldownLabel ?? drilldown}</th><th scope="col" class="number">{measureLabel}</th></tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.label}><th scope="row"><button type="button" class="link" onClick={() => drill(r.label)}>{r.label}</button></th><td class="number">{amount(r.value)}</td></tr>
                  ))}
                </tbody>
              </table>
            }
          />
        </>
      )}
    </main>
  );
}
