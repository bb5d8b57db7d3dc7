import { useQuery } from '../client.js';
import type { DatasetFamily } from '../gql/graphql.js';
import { CatalogQuery } from '../operations.js';
import { hrefOf, navigate } from '../router.js';
import { catalogParams, catalogVariables, FAMILIES, PAGE_SIZE, parseCatalog, type CatalogState } from '../state.js';
import { Pager, ProblemList, Status } from './common.js';

const familyNames: Record<DatasetFamily, string> = { CUBE: 'Cubes', AWARDS: 'Awards', RECORDS: 'Records' };

export function datasetHref(dataset: { family: DatasetFamily; name: string }): string {
  if (dataset.family === 'CUBE') return `/explore/cube/${encodeURIComponent(dataset.name)}`;
  if (dataset.family === 'RECORDS') return `/explore/records/${encodeURIComponent(dataset.name)}`;
  return hrefOf('/explore/awards', new URLSearchParams({ dataset: dataset.name }));
}

export function Catalog({ params }: { params: URLSearchParams }) {
  const { state, problems } = parseCatalog(params);
  const result = useQuery(CatalogQuery, catalogVariables(state));
  const go = (next: CatalogState, replace = false) => navigate(hrefOf('/explore', catalogParams(next)), replace);
  const datasets = result.data?.datasets;
  const counts = new Map(datasets?.facetGroups.find((g) => g.name === 'family')?.facets.map((f) => [f.name, f.count]));
  return (
    <main>
      <h1>Datasets</h1>
      <ProblemList problems={problems} />
      <form class="controls" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search the catalog
          <input type="search" value={state.q} onInput={(e) => go({ ...state, q: e.currentTarget.value, page: 1 }, true)} />
        </label>
        <fieldset>
          <legend>Family</legend>
          <label>
            <input type="radio" name="family" checked={!state.family} onChange={() => go({ ...state, family: null, page: 1 })} /> All
          </label>
          {FAMILIES.map((family) => (
            <label key={family}>
              <input type="radio" name="family" checked={state.family === family} onChange={() => go({ ...state, family, page: 1 })} />{' '}
              {familyNames[family]}
              {counts.has(family) ? ` (${counts.get(family)})` : ''}
            </label>
          ))}
        </fieldset>
      </form>
      <Status fetching={result.fetching} error={result.error} />
      {datasets && (
        <>
          <ul class="datasets" aria-label="Datasets">
            {datasets.nodes.map((dataset) => (
              <li key={dataset.id} class="dataset">
                <h2>
                  <a href={datasetHref(dataset)}>{dataset.title}</a>
                </h2>
                <p class="meta">
                  <span class={`family family-${dataset.family.toLowerCase()}`}>{familyNames[dataset.family]}</span>
                  <span>
                    <code>{dataset.name}</code>
                  </span>
                  <span>{dataset.size.toLocaleString('en')} {dataset.family === 'CUBE' ? 'facts' : dataset.family === 'AWARDS' ? 'awards' : 'records'}</span>
                  <span>
                    Licence:{' '}
                    {dataset.license ? dataset.licenseUrl ? <a href={dataset.licenseUrl}>{dataset.license}</a> : dataset.license : 'not stated'}
                  </span>
                  {dataset.publisher && <span>Publisher: {dataset.publisher}</span>}
                </p>
                {dataset.description && <p class="description">{dataset.description.length > 300 ? `${dataset.description.slice(0, 300)}…` : dataset.description}</p>}
              </li>
            ))}
          </ul>
          {!datasets.nodes.length && <p>No dataset matches.</p>}
          <Pager page={state.page} total={datasets.totalCount} pageSize={PAGE_SIZE} onPage={(page) => go({ ...state, page })} />
        </>
      )}
    </main>
  );
}
