import { readSidecar } from './ingest.js';
import type { Loader } from '../../shared/ingest/types.js';
import { fileStem, loadCsvRecords, readHead } from './records-shared.js';

const LATLON_CELL = /(^|;)"?-?\d+(\.\d+)?,\s*-?\d+(\.\d+)?"?(;|$)/;

/** OpenDataSoft CSV export: `;`-separated, label headers, geo points as "lat,lon". */
export const odsCsvLoader: Loader = {
  id: 'ods-csv',
  family: 'RECORDS',
  description: 'OpenDataSoft CSV export (";"-separated, label headers, "lat,lon" geo points)',
  lookedFor: 'an ODS .csv export (";"-separated, "lat,lon" points)',
  async detect(path) {
    if (!path.toLowerCase().endsWith('.csv')) return false;
    const [header = '', first = ''] = (await readHead(path)).split(/\r?\n/);
    return header.includes(';') && LATLON_CELL.test(first);
  },
  load(request, context) {
    const sidecar = readSidecar(request.path) ?? {};
    return loadCsvRecords(request, context, {
      delimiter: sidecar.delimiter ?? ';',
      sidecar,
      defaultName: fileStem(request.path),
    });
  },
};
