import { useMemo, useRef, useState } from 'preact/hooks';
import { Chart, type echarts } from '../chart.js';
import { useQuery } from '../client.js';
import { GeoclusterQuery, RecordsDatasetQuery, RecordsQuery } from '../operations.js';
import { registerWorld, viewOf } from '../map.js';
import { hrefOf, navigate } from '../router.js';
import { DEFAULT_ZOOM, geoclusterVariables, PAGE_SIZE, parseRecords, recordsCsvUrl, recordsParams, recordsVariables, toggleRefine, type RecordsState } from '../state.js';
import { ChartOrTable, Pager, ProblemList, Status, Unavailable } from './common.js';

export const POINT_COLOR = '#c2255c';

interface Field {
  name: string;
  label?: string | null;
  type: string;
  annotations: unknown;
}

/** The columns of the table: name-like fields first, geometry and very long fields left to the map and the CSV. */
function columnsOf(fields: Field[]): Field[] {
  const shown = fields.filter((f) => !f.type.startsWith('geo_') && !/alternate/i.test(f.name));
  const named = shown.filter((f) => /(^|_)(name|title|label)$/i.test(f.name));
  return [...named, ...shown.filter((f) => !named.includes(f))].slice(0, 7);
}

/** Where a record matched the search words when no column shows it: the field and the words around the match. */
function matchOf(fields: Record<string, unknown>, shown: Field[], q: string): string {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  if (!words.length) return '';
  const seen = new Set(shown.map((f) => f.name));
  for (const [name, value] of Object.entries(fields)) {
    if (seen.has(name) || value === null || typeof value === 'object') continue;
    const text = String(value);
    const at = words.map((w) => text.toLowerCase().indexOf(w)).find((i) => i >= 0);
    if (at === undefined) continue;
    const start = Math.max(0, text.lastIndexOf(',', at - 1) + 1, at - 30);
    const end = text.indexOf(',', at) < 0 ? Math.min(text.length, at + 40) : Math.min(text.indexOf(',', at), at + 40);
    return `${name}: ${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
  }
  return '';
}

const cell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

function RecordsMap({ dataset, state, go }: { dataset: string; state: RecordsState; go: (next: RecordsState, replace?: boolean) => void }) {
  const clusters = useQuery(GeoclusterQuery, geoclusterVariables(dataset, state));
  const [showTable, setShowTable] = useState(false);
  const first = useRef<{ center: [number, number]; zoom: number } | undefined>(undefined);
  const points = useMemo(() => (clusters.data?.geocluster.clusters ?? []).map((c) => ({ lat: c.center[0], lon: c.center[1], count: c.count })), [clusters.data]);
  const max = clusters.data?.geocluster.countMax ?? 1;
  const applied = useRef(false);
  if (!first.current && points.length) {
    const view = viewOf(points);
    first.current = { center: view.center, zoom: Math.min(64, Math.max(1, 360 / view.span / 2.2)) };
  }
  const option = useMemo(() => {
    registerWorld();
    // The view is placed once; after that the reader's own dragging and zooming is kept when the points change.
    const place = !applied.current && first.current ? { center: first.current.center, zoom: first.current.zoom * 2 ** (state.zoom - DEFAULT_ZOOM) } : {};
    if (first.current) applied.current = true;
    return {
      tooltip: { formatter: (p: { value: number[] }) => `${p.value[2]} records near ${p.value[1].toFixed(2)}, ${p.value[0].toFixed(2)}` },
      geo: { map: 'world', roam: true, ...place, itemStyle: { areaColor: '#e9ecef', borderColor: '#adb5bd' }, emphasis: { disabled: true } },
      series: [
        {
          type: 'scatter',
          coordinateSystem: 'geo',
          name: 'Records',
          itemStyle: { color: POINT_COLOR, opacity: 0.75 },
          symbolSize: (value: number[]) => 6 + 24 * Math.sqrt(value[2] / max),
          data: points.map((p) => [p.lon, p.lat, p.count]),
        },
      ],
    };
  }, [points, max]);
  const onReady = (chart: echarts.ECharts) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    chart.on('georoam', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const geo = (chart.getOption() as { geo: { zoom: number }[] }).geo[0];
        const base = first.current?.zoom ?? 1;
        const zoom = Math.min(29, Math.max(1, Math.round(DEFAULT_ZOOM + Math.log2(geo.zoom / base))));
        const params = new URLSearchParams(location.search);
        if (zoom !== Number(params.get('zoom') ?? DEFAULT_ZOOM)) go({ ...parseRecords(params).state, zoom }, true);
      }, 300);
    });
  };
  return (
    <>
      <h2>Map</h2>
      <Status fetching={clusters.fetching} error={clusters.error} />
      <ChartOrTable
        what="Records on the map"
        showTable={showTable}
        onToggle={setShowTable}
        chart={<Chart option={option} height={480} onReady={onReady} label={`Map of ${points.length} clusters of records, zoom level ${state.zoom}; largest cluster ${max} records`} />}
        table={
          <table>
            <caption>Clusters of records at zoom level {state.zoom}</caption>
            <thead><tr><th scope="col">Latitude</th><th scope="col">Longitude</th><th scope="col" class="number">Records</th></tr></thead>
            <tbody>{points.map((p) => <tr key={`${p.lat},${p.lon}`}><td>{p.lat.toFixed(4)}</td><td>{p.lon.toFixed(4)}</td><td class="number">{p.count}</td></tr>)}</tbody>
          </table>
        }
      />
      <p class="hint">Drag and scroll the map to move and zoom; clusters split as you zoom in. Map shapes: Natural Earth via world-atlas.</p>
    </>
  );
}

export function RecordsView({ name, params }: { name: string; params: URLSearchParams }) {
  const { state, problems } = parseRecords(params);
  const meta = useQuery(RecordsDatasetQuery, { name });
  const dataset = meta.data?.dataset ?? undefined;
  const fields = dataset?.recordFields ?? [];
  const facets = fields.filter((f) => (f.annotations as { facet?: boolean }).facet).map((f) => f.name);
  const records = useQuery(RecordsQuery, dataset ? recordsVariables(name, state, facets) : null);
  const go = (next: RecordsState, replace = false) => navigate(hrefOf(`/explore/records/${encodeURIComponent(name)}`, recordsParams(next)), replace);
  const columns = columnsOf(fields);
  const geo = fields.some((f) => f.type === 'geo_point_2d' || f.type === 'geo_shape');
  const connection = records.data?.records;
  const [q, setQ] = useState(state.q);

  if (meta.error || (!meta.fetching && !dataset)) {
    return <Unavailable heading={`Records ${name}`} error={meta.error ?? `no dataset named "${name}"`} />;
  }
  return (
    <main>
      <h1>{dataset?.title ?? name}</h1>
      <p class="meta">
        Dataset <code>{name}</code>
        {dataset?.publisher ? ` · ${dataset.publisher}` : ''}
        {dataset?.license ? ` · Licence: ${dataset.license}` : ''}
      </p>
      <ProblemList problems={problems} />
      <form class="controls" role="search" onSubmit={(e) => { e.preventDefault(); go({ ...state, q: q.trim(), page: 1 }); }}>
        <label>
          Search records (query language: words, field:value, AND/OR)
          <input type="search" name="q" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <button type="submit">Search</button>
        <a href={recordsCsvUrl(name, state)} download>Download CSV</a>
      </form>
      <div class="records-layout">
        <aside aria-label="Facets">
          <h2>Refine</h2>
          {connection?.facetGroups.map((group) => (
            <fieldset key={group.name}>
              <legend>{fields.find((f) => f.name === group.name)?.label ?? group.name}</legend>
              {group.facets.slice(0, 12).map((facet) => {
                const checked = state.refine.some((r) => r.field === group.name && r.value === facet.name);
                return (
                  <label key={facet.name} class="facet">
                    <input type="checkbox" checked={checked} onChange={() => go(toggleRefine(state, { field: group.name, value: facet.name }))} /> {facet.name} ({facet.count})
                  </label>
                );
              })}
            </fieldset>
          ))}
        </aside>
        <section class="records-main">
          <Status fetching={records.fetching} error={records.error} />
          {connection && (
            <>
              <table class="records">
                <caption>{connection.totalCount} records</caption>
                <thead><tr>{columns.map((c) => <th scope="col" key={c.name}>{c.label ?? c.name}</th>)}{state.q && <th scope="col">Matched in</th>}</tr></thead>
                <tbody>
                  {connection.nodes.map((record) => (
                    <tr key={record.id}>{columns.map((c, i) => (i === 0 ? <th scope="row" key={c.name}>{cell((record.fields as Record<string, unknown>)[c.name])}</th> : <td key={c.name}>{cell((record.fields as Record<string, unknown>)[c.name])}</td>))}{state.q && <td>{matchOf(record.fields as Record<string, unknown>, columns, state.q)}</td>}</tr>
                  ))}
                </tbody>
              </table>
              <Pager page={state.page} total={Math.min(connection.totalCount, 10000)} pageSize={PAGE_SIZE} onPage={(page) => go({ ...state, page })} />
            </>
          )}
          {geo && <RecordsMap dataset={name} state={state} go={go} />}
        </section>
      </div>
    </main>
  );
}
