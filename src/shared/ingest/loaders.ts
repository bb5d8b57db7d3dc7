import type { Loader } from './types.js';
import { babbageLoader } from '../../cubes/ingest/babbage.js';
import { fdpLoader } from '../../cubes/ingest/fdp.js';
import { odsCsvLoader } from '../../records/ingest/ods-csv.js';
import { odsJsonLoader } from '../../records/ingest/ods-json.js';
import { genericRecordsLoader } from '../../records/ingest/records-generic.js';
import { usaspendingCsvLoader } from '../../awards/ingest/usaspending-csv.js';
import { usaspendingFixtureLoader } from '../../awards/ingest/usaspending-fixture.js';

/** Every loader, most specific first: the first whose detect() accepts a path loads it. */
export const loaders: Loader[] = [
  usaspendingFixtureLoader,
  usaspendingCsvLoader,
  babbageLoader,
  fdpLoader,
  odsJsonLoader,
  odsCsvLoader,
  genericRecordsLoader,
];
