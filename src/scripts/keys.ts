// Usage:
//   npm run keys -- create --name <name> --grant <dataset|*>:<read|write|admin> [--grant ...]
//   npm run keys -- list
//   npm run keys -- revoke <id|name>
import { parseArgs } from 'node:util';
import { createKey, revokeKey } from '../access/keys.js';
import { parseGrant } from '../access/principal.js';
import { closeDb, db, migrate } from '../db.js';

const usage = `usage:
  npm run keys -- create --name <name> --grant <dataset|*>:<read|write|admin> [--grant ...]
  npm run keys -- list
  npm run keys -- revoke <id|name>`;

async function main(argv: string[]): Promise<number> {
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
      console.log(`created key ${created.id} "${created.name}" with ${JSON.stringify(created.grants)}`);
      console.log(`key (shown once, store it now): ${created.key}`);
      return 0;
    }
    case 'list': {
      const keys = await db.apiKey.findMany({ orderBy: { id: 'asc' } });
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        console.log(`${key.id}\t${key.name}\t${state}\t${JSON.stringify(key.grants)}`);
      }
      if (keys.length === 0) console.log('no keys');
      return 0;
    }
    case 'revoke': {
      if (rest.length !== 1) throw new Error('revoke needs one <id|name>');
      const count = await revokeKey(db, rest[0]!);
      if (count === 0) throw new Error(`no active key with id or name "${rest[0]}"`);
      console.log(`revoked ${count} key(s)`);
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

let code = 1;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  console.error(`keys: ${(error as Error).message}`);
} finally {
  await closeDb();
}
process.exit(code);
