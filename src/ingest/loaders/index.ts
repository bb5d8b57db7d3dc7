import type { Loader } from '../types.js';
import { babbageLoader } from './babbage.js';
import { fdpLoader } from './fdp.js';
import { odsCsvLoader } from './ods-csv.js';
import { odsJsonLoader } from './ods-json.js';
import { genericRecordsLoader } from './records-generic.js';
import { usaspendingCsvLoader } from './usaspending-csv.js';
import { usaspendingFixtureLoader } from './usaspending-fixture.js';

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
