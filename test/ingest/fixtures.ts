import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Test files share this module (and may remove the folder when they end): every case recreates it.
export const work = mkdtempSync(join(tmpdir(), 'spendgraph-ingest-values-'));

/** Writes `files` (name -> text, or bytes for other encodings) into a new folder and returns its path. */
export function folder(files: Record<string, string | Buffer>): string {
  mkdirSync(work, { recursive: true });
  const dir = mkdtempSync(join(work, 'case-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/**
 * A small Fiscal Data Package: `data.csv` with a programme (code + label) dimension, a year and an amount, read
 * through the given resource options (encoding, dialect, schema fields).
 */
export function fdp(csv: string | Buffer, resource: Record<string, unknown> = {}, name = 'pkg'): string {
  const datapackage = {
    name,
    resources: [
      {
        name: 'data',
        path: 'data.csv',
        schema: {
          fields: [
            { name: 'code', type: 'string' },
            { name: 'label', type: 'string' },
            { name: 'year', type: 'integer' },
            { name: 'amount', type: 'number' },
          ],
        },
        ...resource,
      },
    ],
    model: {
      measures: { amount: { source: 'amount', currency: 'EUR' } },
      dimensions: {
        programme: {
          attributes: { code: { source: 'code' }, label: { source: 'label', labelfor: 'code' } },
          primaryKey: 'code',
        },
        year: { attributes: { year: { source: 'year' } }, primaryKey: 'year', dimensionType: 'datetime' },
      },
    },
  };
  return folder({ 'datapackage.json': JSON.stringify(datapackage, null, 2), 'data.csv': csv });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run ingest`'s script as a child process (its own database unless TEST_DATABASE_URL is set). */
export function cli(...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/scripts/ingest.ts', ...args], {
      cwd: new URL('../..', import.meta.url),
      env: { ...process.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
