import { fileURLToPath } from 'node:url';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';

export const GEONAMES = 'geonames-all-cities-with-a-population-1000';
export const samplePath = (name: string): string => fileURLToPath(new URL(`../../samples/records/${name}`, import.meta.url));

let loading: Promise<void> | undefined;

/** Loads the bundled geonames export once per test run (replacing whatever version an earlier run left). */
export function geonames(): Promise<void> {
  loading ??= (async () => {
    await ingest(db, { path: samplePath('geonames-pl-ods-v1-export.json') });
  })();
  return loading;
}
