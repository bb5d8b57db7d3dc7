/**
 * Each view's state lives in the URL's query string. These pure functions turn query parameters into view state,
 * view state back into query parameters (so a link reproduces the view), and view state into GraphQL variables.
 */
import type {
  AwardFilter,
  DatasetFamily,
  ExploreAwardsQueryVariables,
  ExploreAwardTotalsQueryVariables,
  ExploreCatalogQueryVariables,
  ExploreCubeAggregateQueryVariables,
  ExploreGeoclusterQueryVariables,
  ExploreRecordsQueryVariables,
} from './gql/graphql.js';

export const PAGE_SIZE = 20;

/** Parameters that could not be used, each with the reason, shown to the reader instead of being dropped silently. */
export type Problems = string[];

export interface Parsed<T> {
  state: T;
  problems: Problems;
}

function page(params: URLSearchParams, problems: Problems): number {
  const text = params.get('page');
  if (text === null) return 1;
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) {
    problems.push(`page: "${text}" is not a page number`);
    return 1;
  }
  return Number(text);
}

function text(params: URLSearchParams, name: string): string {
  return params.get(name)?.trim() ?? '';
}

/** Query parameters of a state: empty and default values are left out so links stay short. */
function toParams(entries: [string, string | number | undefined | null][]): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of entries) if (value !== undefined && value !== null && value !== '') params.append(name, String(value));
  return params;
}

const offsetOf = (p: number) => (p - 1) * PAGE_SIZE;

// ---------------------------------------------------------------- catalog

export const FAMILIES: DatasetFamily[] = ['CUBE', 'AWARDS', 'RECORDS'];

export interface CatalogState {
  q: string;
  family: DatasetFamily | null;
  page: number;
}

export function parseCatalog(params: URLSearchParams): Parsed<CatalogState> {
  const problems: Problems = [];
  const familyText = params.get('family');
  let family: DatasetFamily | null = null;
  if (familyText) {
    const upper = familyText.toUpperCase() as DatasetFamily;
    if (FAMILIES.includes(upper)) family = upper;
    else problems.push(`family: "${familyText}" is none of ${FAMILIES.join(', ')}`);
  }
  return { state: { q: text(params, 'q'), family, page: page(params, problems) }, problems };
}

export function catalogParams(state: CatalogState): URLSearchParams {
  return toParams([
    ['q', state.q],
    ['family', state.family?.toLowerCase()],
    ['page', state.page > 1 ? state.page : null],
  ]);
}

export function catalogVariables(state: CatalogState): ExploreCatalogQueryVariables {
  const filter: ExploreCatalogQueryVariables['filter'] = {};
  if (state.family) filter.family = { equals: state.family };
  if (state.q) filter.search = { text: state.q };
  return { filter, first: PAGE_SIZE, offset: offsetOf(state.page), facets: ['family'] };
}

// ---------------------------------------------------------------- cubes

export interface Cut {
  ref: string;
  value: string;
}

export type CubeChart = 'bar' | 'treemap' | 'table';

export interface CubeState {
  /** An aggregate ref such as "amount.sum"; empty for the cube's first measure. */
  measure: string;
  /** A drilldown ref: a dimension, an attribute, a hierarchy or a date attribute with @year, @fy …; empty for the first dimension. */
  drilldown: string;
  cuts: Cut[];
  chart: CubeChart;
}

const CHARTS: CubeChart[] = ['bar', 'treemap', 'table'];
const REF = /^[A-Za-z_][\w.-]*(@(year|quarter|month|fy))?$/;

export function parseCube(params: URLSearchParams): Parsed<CubeState> {
  const problems: Problems = [];
  const measure = text(params, 'measure');
  const drilldown = text(params, 'drilldown');
  const cuts: Cut[] = [];
  for (const cut of params.getAll('cut')) {
    const colon = cut.indexOf(':');
    const ref = cut.slice(0, colon);
    if (colon < 1 || !REF.test(ref)) problems.push(`cut: "${cut}" is not <ref>:<value>`);
    else cuts.push({ ref, value: cut.slice(colon + 1) });
  }
  const chartText = params.get('chart') ?? 'bar';
  const chart = CHARTS.includes(chartText as CubeChart) ? (chartText as CubeChart) : 'bar';
  if (chart !== chartText) problems.push(`chart: "${chartText}" is none of ${CHARTS.join(', ')}`);
  if (measure && !REF.test(measure)) problems.push(`measure: "${measure}" is not an aggregate ref`);
  if (drilldown && !REF.test(drilldown)) problems.push(`drilldown: "${drilldown}" is not a ref`);
  return {
    state: { measure: REF.test(measure) ? measure : '', drilldown: REF.test(drilldown) ? drilldown : '', cuts, chart },
    problems,
  };
}

export function cubeParams(state: CubeState): URLSearchParams {
  return toParams([
    ['measure', state.measure],
    ['drilldown', state.drilldown],
    ...state.cuts.map((cut): [string, string] => ['cut', `${cut.ref}:${cut.value}`]),
    ['chart', state.chart === 'bar' ? null : state.chart],
  ]);
}

/** The babbage cut string of the cuts: values JSON-quoted, so "|" and ":" in a value stay inside it. */
export function cutString(cuts: Cut[]): string {
  return cuts.map((cut) => `${cut.ref}:${JSON.stringify(cut.value)}`).join('|');
}

export const CUBE_CELLS = 100;

/** The aggregate query of a cube view once its defaults (first measure, first dimension) are known. */
export function cubeVariables(name: string, state: CubeState, defaults: { measure: string; drilldown: string }): ExploreCubeAggregateQueryVariables {
  const measure = state.measure || defaults.measure;
  const cut = cutString(state.cuts);
  return {
    name,
    aggregates: [measure],
    drilldown: [state.drilldown || defaults.drilldown],
    ...(cut ? { cut } : {}),
    orderBy: [{ field: measure, direction: 'DESC' }],
    first: CUBE_CELLS,
  };
}

/** The same aggregate from the babbage REST route as CSV (GraphQL answers JSON only). */
export function cubeCsvUrl(name: string, state: CubeState, defaults: { measure: string; drilldown: string }): string {
  const measure = state.measure || defaults.measure;
  const params = toParams([
    ['drilldown', state.drilldown || defaults.drilldown],
    ['aggregates', measure],
    ['cut', cutString(state.cuts)],
    ['order', `${measure}:desc`],
    ['pagesize', 10000],
    ['format', 'csv'],
  ]);
  return `/api/3/cubes/${encodeURIComponent(name)}/aggregate?${params}`;
}

// ---------------------------------------------------------------- awards

export interface AwardsState {
  dataset: string;
  agency: string;
  recipient: string;
  fiscalYears: number[];
  /** Total obligation bounds as exact decimal text. */
  min: string;
  max: string;
  page: number;
}

const DECIMAL = /^-?\d{1,18}(\.\d{1,2})?$/;

function decimal(params: URLSearchParams, name: string, problems: Problems): string {
  const value = text(params, name);
  if (value && !DECIMAL.test(value)) {
    problems.push(`${name}: "${value}" is not an amount such as 1000 or 2500.50`);
    return '';
  }
  return value;
}

export function parseAwards(params: URLSearchParams): Parsed<AwardsState> {
  const problems: Problems = [];
  const fiscalYears: number[] = [];
  for (const part of (params.get('fy') ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (/^\d{4}$/.test(part)) fiscalYears.push(Number(part));
    else problems.push(`fy: "${part}" is not a fiscal year such as 2017`);
  }
  return {
    state: {
      dataset: text(params, 'dataset'),
      agency: text(params, 'agency'),
      recipient: text(params, 'recipient'),
      fiscalYears,
      min: decimal(params, 'min', problems),
      max: decimal(params, 'max', problems),
      page: page(params, problems),
    },
    problems,
  };
}

export function awardsParams(state: AwardsState): URLSearchParams {
  return toParams([
    ['dataset', state.dataset],
    ['agency', state.agency],
    ['recipient', state.recipient],
    ['fy', state.fiscalYears.join(',')],
    ['min', state.min],
    ['max', state.max],
    ['page', state.page > 1 ? state.page : null],
  ]);
}

/** The award filter grammar's typed filter for the builder's fields; every key must hold. */
export function awardFilter(state: AwardsState): AwardFilter {
  const filter: AwardFilter = {};
  if (state.agency) filter.awardingAgency = { toptierAgency: { name: { contains: state.agency } } };
  if (state.recipient) filter.recipient = { recipientName: { contains: state.recipient } };
  if (state.fiscalYears.length) filter.dateSigned = { fy: state.fiscalYears };
  if (state.min || state.max) filter.totalObligation = { range: { ...(state.min ? { from: state.min } : {}), ...(state.max ? { to: state.max } : {}) } };
  return filter;
}

export function awardsVariables(state: AwardsState): ExploreAwardsQueryVariables {
  return {
    ...(state.dataset ? { dataset: state.dataset } : {}),
    filter: awardFilter(state),
    first: PAGE_SIZE,
    offset: offsetOf(state.page),
    orderBy: [{ field: 'DATE_SIGNED', direction: 'DESC' }],
  };
}

export function awardTotalsVariables(state: AwardsState): ExploreAwardTotalsQueryVariables {
  return {
    ...(state.dataset ? { dataset: state.dataset } : {}),
    filter: awardFilter(state),
    groupBy: ['DATE_SIGNED'],
    datePart: 'FISCAL_YEAR',
    field: 'TOTAL_OBLIGATION',
    aggregates: ['SUM', 'COUNT'],
    first: 100,
  };
}

// ---------------------------------------------------------------- records

export interface FacetChoice {
  field: string;
  value: string;
}

export interface RecordsState {
  q: string;
  refine: FacetChoice[];
  page: number;
  /** Map zoom level, 1 to 29: the geocluster precision. */
  zoom: number;
}

export const DEFAULT_ZOOM = 5;

export function parseRecords(params: URLSearchParams): Parsed<RecordsState> {
  const problems: Problems = [];
  const refine: FacetChoice[] = [];
  for (const item of params.getAll('refine')) {
    const colon = item.indexOf(':');
    if (colon < 1) problems.push(`refine: "${item}" is not <field>:<value>`);
    else refine.push({ field: item.slice(0, colon), value: item.slice(colon + 1) });
  }
  let zoom = DEFAULT_ZOOM;
  const zoomText = params.get('zoom');
  if (zoomText !== null) {
    if (/^\d{1,2}$/.test(zoomText) && Number(zoomText) >= 1 && Number(zoomText) <= 29) zoom = Number(zoomText);
    else problems.push(`zoom: "${zoomText}" is not a zoom level from 1 to 29`);
  }
  return { state: { q: text(params, 'q'), refine, page: page(params, problems), zoom }, problems };
}

export function recordsParams(state: RecordsState): URLSearchParams {
  return toParams([
    ['q', state.q],
    ...state.refine.map((r): [string, string] => ['refine', `${r.field}:${r.value}`]),
    ['page', state.page > 1 ? state.page : null],
    ['zoom', state.zoom === DEFAULT_ZOOM ? null : state.zoom],
  ]);
}

export function recordsVariables(dataset: string, state: RecordsState, facets: string[]): ExploreRecordsQueryVariables {
  return {
    dataset,
    ...(state.q ? { q: state.q } : {}),
    ...(state.refine.length ? { refine: state.refine } : {}),
    facets,
    first: PAGE_SIZE,
    offset: offsetOf(state.page),
  };
}

export function geoclusterVariables(dataset: string, state: RecordsState): ExploreGeoclusterQueryVariables {
  return {
    dataset,
    ...(state.q ? { q: state.q } : {}),
    ...(state.refine.length ? { refine: state.refine } : {}),
    clusterprecision: state.zoom,
    clusterdistance: 50,
  };
}

/** The records download route of the ODS dialect, as CSV, with the same search and refinements. */
export function recordsCsvUrl(dataset: string, state: RecordsState): string {
  const params = toParams([
    ['dataset', dataset],
    ['q', state.q],
    ...state.refine.map((r): [string, string] => [`refine.${r.field}`, r.value]),
    ['format', 'csv'],
  ]);
  return `/api/records/1.0/download/?${params}`;
}

/** Toggles one facet value in the refinements; a new refinement goes back to the first page. */
export function toggleRefine(state: RecordsState, choice: FacetChoice): RecordsState {
  const has = state.refine.some((r) => r.field === choice.field && r.value === choice.value);
  const refine = has ? state.refine.filter((r) => !(r.field === choice.field && r.value === choice.value)) : [...state.refine, choice];
  return { ...state, refine, page: 1 };
}
