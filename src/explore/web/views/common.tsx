import type { ComponentChildren } from 'preact';
import type { Problems } from '../state.js';

export function Status({ fetching, error }: { fetching?: boolean; error?: string }) {
  if (error) return <p class="error" role="alert">{error}</p>;
  if (fetching) return <p class="loading" aria-live="polite">Loading…</p>;
  return null;
}

export function ProblemList({ problems }: { problems: Problems }) {
  if (!problems.length) return null;
  return (
    <div class="error" role="alert">
      <p>Some parameters of this link were ignored:</p>
      <ul>{problems.map((problem) => <li key={problem}>{problem}</li>)}</ul>
    </div>
  );
}

export function Pager({ page, total, pageSize, onPage }: { page: number; total: number; pageSize: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous page</button>
      <span>Page {page} of {pages} ({total} rows)</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>Next page</button>
    </nav>
  );
}

/** A chart and its table: the toggle switches which one is shown; the table is the chart's text alternative. */
export function ChartOrTable({ showTable, onToggle, chart, table, what }: { showTable: boolean; onToggle: (table: boolean) => void; chart: ComponentChildren; table: ComponentChildren; what: string }) {
  return (
    <section class="figure" aria-label={what}>
      <div class="toggle" role="group" aria-label={`Show ${what} as`}>
        <button type="button" aria-pressed={!showTable} onClick={() => onToggle(false)}>Chart</button>
        <button type="button" aria-pressed={showTable} onClick={() => onToggle(true)}>Table</button>
      </div>
      {showTable ? table : chart}
    </section>
  );
}

/** A view whose dataset could not be loaded: its heading and why. */
export function Unavailable({ heading, error }: { heading: string; error: string }) {
  return (
    <main>
      <h1>{heading}</h1>
      <Status error={error} />
    </main>
  );
}
