import type { V2Model } from './v2-model.js';

/**
 * Budget Data Packages (the loading API's `budget_data_package`): a datapackage.json whose resources are CSV files
 * with known column names, turned into the v2 model upstream's mapper built from them.
 */

export interface BdpResource {
  name?: string;
  path?: string;
  url?: string;
  currency?: string;
  fiscalYear?: string;
  granularity?: string;
  type?: string;
  location?: string;
}

export interface BudgetDataPackage {
  name?: string;
  title?: string;
  description?: string;
  resources?: BdpResource[];
}

/** Where a resource's CSV is: its `url`, else its `path` resolved against the descriptor's URL. */
export function resourceUrl(resource: BdpResource, descriptor: URL): string | null {
  if (typeof resource.url === 'string' && resource.url) return resource.url;
  if (typeof resource.path === 'string' && resource.path) return new URL(resource.path, descriptor).href;
  return null;
}

function category(resource: BdpResource): string {
  if (resource.type === 'revenue') return 'other';
  return resource.granularity === 'transactional' ? 'spending' : 'budget';
}

/** Classifications a BDP names by a label column and an optional `<name>ID` code column. */
const classifications = ['economic', 'functional', 'fund', 'program', 'project', 'purchaser', 'financialSource', 'cofog'];

/** The v2 model of one resource, from the columns its CSV header has. */
export function bdpModel(pkg: BudgetDataPackage, resource: BdpResource, header: string[]): V2Model {
  const has = new Set(header);
  const name = String(pkg.name ?? resource.name ?? '').toLowerCase();
  const mapping: V2Model['mapping'] = {
    amount: { type: 'measure', label: 'Amount', column: 'amount', datatype: 'float' },
    time: has.has('date')
      ? { type: 'date', label: 'Date', column: 'date', datatype: 'date' }
      : { type: 'date', label: 'Fiscal year', datatype: 'constant', constant: String(resource.fiscalYear ?? '') },
  };
  if (has.has('id')) mapping.row_id = { type: 'attribute', label: 'Row id', column: 'id', datatype: 'string', key: true };
  else mapping.amount.key = true;
  const compound = (column: string, label: string) => {
    const code = has.has(`${column}ID`) ? `${column}ID` : column;
    return {
      type: 'compound',
      label,
      attributes: { name: { column: code, datatype: 'id', default_value: '' }, label: { column, datatype: 'string', default_value: '' } },
    };
  };
  if (has.has('admin')) mapping.from = compound('admin', 'Administrative unit');
  for (const column of classifications) if (has.has(column)) mapping[column.toLowerCase()] = compound(column, column);
  return {
    dataset: {
      name,
      label: pkg.title ?? resource.name ?? name,
      description: pkg.description ?? resource.name ?? name,
      currency: resource.currency,
      category: category(resource),
      territories: resource.location ? [resource.location.toUpperCase()] : [],
      languages: [],
      default_time: resource.fiscalYear ?? null,
    },
    mapping,
    views: [],
  };
}
