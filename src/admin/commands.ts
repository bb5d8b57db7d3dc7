import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createKey, revokeKey } from '../access/keys.js';
import { parseGrant } from '../access/principal.js';
import { db, migrate } from '../db.js';
import { ingest } from '../shared/ingest/index.js';
import type { Progress } from '../shared/ingest/progress.js';
import { IngestError } from '../shared/ingest/types.js';

/** Where a command writes: the terminal when run directly, the admin channel when run inside the server. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  progress: Progress;
  /** The caller's working directory, against which paths on its command line are read. */
  cwd: string;
}

export type Command = (argv: string[], io: CommandIo) => Promise<number>;

const ingestUsage = 'usage: npm run ingest -- <path> [--name <dataset-name>] [--private]';

async function ingestCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: { name?: string; private?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { name: { type: 'string' }, private: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${ingestUsage}`);
    return 1;
  }
  if (values.help || positionals.length !== 1) {
    io.err(ingestUsage);
    return values.help ? 0 : 2;
  }
  try {
    await migrate();
    const started = Date.now();
    const path = io.cwd === process.cwd() ? positionals[0]! : resolve(io.cwd, positionals[0]!);
    const result = await ingest(db, { path, name: values.name, private: values.private }, io.progress);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.out(`loaded ${result.family.toLowerCase()} dataset "${result.name}": ${result.rows} rows in ${seconds}s`);
    // maxRSS is the loading process's peak so far (the server's, when the load ran there through the admin channel).
    io.out(`  peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (resident, loading process)`);
    for (const note of result.notes ?? []) io.out(`  ${note}`);
    return 0;
  } catch (error) {
    io.err(`ingest failed: ${(error as Error).message}`);
    if (error instanceof IngestError) io.err('nothing was changed: the previous version of the dataset, if any, is intact');
    return 1;
  }
}

const keysUsage = `usage:
  npm run keys -- create --name <name> --grant <dataset|*>:<read|write|admin> [--grant ...]
  npm run keys -- list
  npm run keys -- revoke <id|name>`;

async function keys(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, grant: { type: 'string', multiple: true } },
  });
  const [command, ...rest] = positionals;
  await migrate();
  switch (command) {
    case 'create': {
      if (!values.name) throw new Error('create needs --name');
      const grants = (values.grant ?? []).map(parseGrant);
      if (grants.length === 0) throw new Error('create needs at least one --grant <dataset|*>:<read|write|admin>');
      const created = await createKey(db, values.name, grants);
      io.out(`created key ${created.id} "${created.name}" with ${JSON.stringify(created.grants)}`);
      io.out(`key (shown once, store it now): ${created.key}`);
      return 0;
    }
    case 'list': {
      const found = await db.apiKey.findMany({ orderBy: { id: 'asc' } });
      for (const key of found) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        io.out(`${key.id}\t${key.name}\t${state}\t${JSON.stringify(key.grants)}`);
      }
      if (found.length === 0) io.out('no keys');
      return 0;
    }
    case 'revoke': {
      if (rest.length !== 1) throw new Error('revoke needs one <id|name>');
      const count = await revokeKey(db, rest[0]!);
      if (count === 0) throw new Error(`no active key with id or name "${rest[0]}"`);
      io.out(`revoked ${count} key(s)`);
      return 0;
    }
    default:
      io.err(keysUsage);
      return 2;
  }
}

async function keysCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    return await keys(argv, io);
  } catch (error) {
    io.err(`keys: ${(error as Error).message}`);
    return 1;
  }
}

/** The operator's commands that write to the database, by name: run directly, or by a server for its caller. */
export const commands: Record<string, Command> = { ingest: ingestCommand, keys: keysCommand };
