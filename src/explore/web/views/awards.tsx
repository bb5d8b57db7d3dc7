import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../chart.js';
import { useQuery } from '../client.js';
import { amount, plotted } from '../format.js';
import { AwardsDatasetsQuery, AwardsQuery, AwardTotalsQuery } from '../operations.js';
import { hrefOf, navigate } from '../router.js';
import { awardsParams, awardsVariables, awardTotalsVariables, PAGE_SIZE, parseAwards, type AwardsState } from '../state.js';
import { ChartOrTable, Pager, ProblemList, Status } from './common.js';

/** Asks the USAspending download route for the bulk CSV of a saved request and waits until the file is ready. */
function BulkCsv({ req }: { req: string }) {
  const [status, setStatus] = useState<{ text: string; location?: string }>({ text: '' });
  const prepare = async () => {
    setStatus({ text: 'Preparing the file…' });
    for (let attempt = 0; attempt < 60; attempt++) {
      const response = await fetch(`/api/v1/download/awards/?req=${encodeURIComponent(req)}`);
      const body = (await response.json()) as { location?: string | null; status?: string; message?: string };
      if (body.location) return setStatus({ text: 'The file is ready.', location: new URL(body.location).pathname });
      if (response.status !== 202) return setStatus({ text: body.status ?? body.message ?? `the download failed (${response.status})` });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    setStatus({ text: 'The file is still being prepared; try again in a moment.' });
  };
  return (
    <p class="download" aria-live="polite">
      <button type="button" onClick={prepare}>Prepare the bulk CSV of these awards</button> {status.text}{' '}
      {status.location && <a href={status.location} download>Download CSV</a>}
    </p>
  );
}

export function AwardsView({ params }: { params: URLSearchParams }) {
  const { state, problems } = parseAwards(params);
  const [showTable, setShowTable] = useState(false);
  const datasets = useQuery(AwardsDatasetsQuery, {});
  const awards = useQuery(AwardsQuery, awardsVariables(state));
  const totals = useQuery(AwardTotalsQuery, awardTotalsVariables(state));
  const go = (next: AwardsState) => navigate(hrefOf('/explore/awards', awardsParams(next)));
  const years = useMemo(
    () =>
      (totals.data?.awardTotals.nodes ?? [])
        .map((row) => ({ year: row.groups[0]?.value ?? '(no date)', sum: row.sum, count: row.count }))
        .sort((a, b) => a.year.localeCompare(b.year)),
    [totals.data],
  );
  const option = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 110, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'category', data: years.map((y) => `FY ${y.year}`) },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', name: 'Total obligation', data: years.map((y) => plotted(y.sum)) }],
    }),
    [years],
  );
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const next = new URLSearchParams();
    for (const name of ['dataset', 'agency', 'recipient', 'fy', 'min', 'max']) {
      const value = String(form.get(name) ?? '').trim();
      if (value) next.set(name, value);
    }
    navigate(hrefOf('/explore/awards', next));
  };
  const connection = awards.data?.awards;
  return (
    <main>
      <h1>Federal awards</h1>
      <ProblemList problems={problems} />
      <form class="controls filters" key={params.toString()} onSubmit={submit} aria-label="Award filters">
        <label>
          Dataset
          <select name="dataset" defaultValue={state.dataset}>
            <option value="">All awards datasets</option>
            {datasets.data?.datasets.nodes.map((d) => <option key={d.id} value={d.name} selected={d.name === state.dataset}>{d.title}</option>)}
          </select>
        </label>
        <label>
          Awarding agency contains
          <input name="agency" defaultValue={state.agency} />
        </label>
        <label>
          Recipient contains
          <input name="recipient" defaultValue={state.recipient} />
        </label>
        <label>
          Fiscal years (e.g. 2016,2017)
          <input name="fy" inputMode="numeric" defaultValue={state.fiscalYears.join(',')} />
        </label>
        <label>
          Obligation from
          <input name="min" inputMode="decimal" defaultValue={state.min} />
        </label>
        <label>
          Obligation to
          <input name="max" inputMode="decimal" defaultValue={state.max} />
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <h2>Total obligation by fiscal year</h2>
      <Status fetching={totals.fetching} error={totals.error} />
      <ChartOrTable
        what="Total obligation by fiscal year"
        showTable={showTable}
        onToggle={setShowTable}
        chart={<Chart option={option} height={320} label={`Bar chart of total obligation by fiscal year: ${years.map((y) => `FY ${y.year} ${amount(y.sum)}`).join('; ')}`} />}
        table={
          <table>
            <caption>Total obligation by fiscal year</caption>
            <thead><tr><th scope="col">Fiscal year</th><th scope="col" class="number">Awards</th><th scope="col" class="number">Total obligation</th></tr></thead>
            <tbody>{years.map((y) => <tr key={y.year}><th scope="row">FY {y.year}</th><td class="number">{amount(y.count)}</td><td class="number">{amount(y.sum)}</td></tr>)}</tbody>
          </table>
        }
      />
      <h2>Awards</h2>
      <Status fetching={awards.fetching} error={awards.error} />
      {connection && (
        <>
          <BulkCsv req={connection.req} />
          <table class="awards">
            <caption>{connection.totalCount} awards, latest signed first</caption>
            <thead>
              <tr>
                <th scope="col">Award</th>
                <th scope="col">Signed</th>
                <th scope="col">Recipient</th>
                <th scope="col">Awarding agency</th>
                <th scope="col">Type</th>
                <th scope="col" class="number">Total obligation</th>
              </tr>
            </thead>
            <tbody>
              {connection.nodes.map((award) => (
                <tr key={award.id}>
                  <th scope="row" title={award.description ?? undefined}>{award.piid ?? award.fain ?? award.rowId}</th>
                  <td class="date">{award.dateSigned ?? '—'}</td>
                  <td>{award.recipient?.recipientName ?? '—'}</td>
                  <td>{award.awardingAgency?.toptierAgency?.name ?? '—'}</td>
                  <td>{award.typeDescription ?? '—'}</td>
                  <td class="number">{amount(award.totalObligation)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={state.page} total={connection.totalCount} pageSize={PAGE_SIZE} onPage={(page) => go({ ...state, page })} />
        </>
      )}
    </main>
  );
}
