import { app } from '../../src/app.js';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';

let loaded: Promise<void> | undefined;

/** Loads the bundled award samples once per test process (fixture first: it keeps its own ids). */
export function loadAwardSamples(): Promise<void> {
  loaded ??= (async () => {
    await ingest(db, { path: 'samples/awards/endpoint_fixture_db.2017-02-28.json', name: 'usaspending-fixture' });
    await ingest(db, { path: 'samples/awards/usaspending_treasury_contracts.csv', name: 'usaspending-treasury-contracts' });
    await ingest(db, { path: 'samples/awards/usaspending_fin_assist_direct_payments.csv', name: 'usaspending-direct-payments' });
  })();
  return loaded;
}

export async function rest(path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await app.request(
    path,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) },
  );
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV and other non-JSON bodies stay text
  }
  return { status: response.status, json };
}
