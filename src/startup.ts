import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { adapter, db, migrate } from './db.js';
import { projectRoot } from './db/schema-engine.js';
import { ingest } from './shared/ingest/index.js';
import { DatasetBusyError } from './shared/ingest/store.js';

let migrated = false;

export function isMigrated(): boolean {
  return migrated;
}

export interface Sample {
  path: string;
  /** The dataset name the sample loads as. */
  name: string;
}

export function bundledSamples(): Sample[] {
  const index = join(projectRoot, 'samples', 'index.json');
  if (!existsSync(index)) return [];
  const samples = JSON.parse(readFileSync(index, 'utf8')) as Sample[];
  return samples.map((sample) => ({ ...sample, path: join(projectRoot, sample.path) }));
}

/**
 * Loads the bundled samples that are not in the database yet; returns the names loaded. A sample that fails is
 * reported and skipped, and so is one another process (a server started at the same time) is loading.
 */
export async function loadSamples(log: (line: string) => void = () => {}): Promise<string[]> {
  const loaded: string[] = [];
  for (const sample of bundledSamples()) {
    if ((await db.dataset.count({ where: { name: sample.name } })) > 0) continue;
    try {
      const result = await ingest(db, { path: sample.path, name: sample.name });
      loaded.push(result.name);
      log(`loaded sample ${result.name} (${result.rows} rows)`);
    } catch (error) {
      if (error instanceof DatasetBusyError) log(`sample ${sample.name} is being loaded by another process`);
      else log(`sample ${sample.path} failed to load: ${(error as Error).message}`);
    }
  }
  return loaded;
}

/** Migrates the database and, when it holds no dataset yet, loads the bundled samples. */
export async function prepare(options: { samples: boolean; log?: (line: string) => void }): Promise<void> {
  const log = options.log ?? (() => {});
  const applied = await migrate(log);
  if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
  // Replicas are checked before the first request, so reads go to them from the start.
  await adapter.replicas?.start();
  migrated = true;
  if (options.samples && (await db.dataset.count()) === 0) await loadSamples(log);
}
