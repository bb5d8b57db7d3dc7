// Usage: npm run ingest -- <path> [--name N] [--private]
import { parseArgs } from 'node:util';
import { closeDb, db, migrate } from '../db.js';
import { ingest } from '../shared/ingest/index.js';
import { terminalProgress } from '../shared/ingest/progress.js';
import { IngestError } from '../shared/ingest/types.js';

const usage = 'usage: npm run ingest -- <path> [--name <dataset-name>] [--private]';

let exitCode = 0;
try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, private: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1) {
    console.error(usage);
    exitCode = values.help ? 0 : 2;
  } else {
    await migrate();
    const started = Date.now();
    const result = await ingest(
      db,
      { path: positionals[0]!, name: values.name, private: values.private },
      terminalProgress(),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`loaded ${result.family.toLowerCase()} dataset "${result.name}": ${result.rows} rows in ${seconds}s`);
    for (const note of result.notes ?? []) console.log(`  ${note}`);
  }
} catch (error) {
  if (error instanceof IngestError) {
    console.error(`ingest failed: ${error.message}`);
    console.error('nothing was changed: the previous version of the dataset, if any, is intact');
  } else if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error(`${(error as Error).message}\n${usage}`);
  } else {
    console.error(`ingest failed: ${(error as Error).message}`);
  }
  exitCode = 1;
} finally {
  await closeDb();
}
process.exit(exitCode);
