// Runs `prisma generate` without network access. The Prisma CLI insists on locating its native schema engine
// before generating, even though generation never runs it; any existing executable satisfies that check.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');
const env = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH ?? ''}`,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const stub = join(root, 'node_modules', '.cache', 'spendgraph', 'schema-engine-stub');
  if (!existsSync(stub)) {
    mkdirSync(dirname(stub), { recursive: true });
    writeFileSync(stub, '#!/bin/sh\necho "migrations run through the WASM schema engine: npm run db:migrate" >&2\nexit 1\n');
    chmodSync(stub, 0o755);
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
const result = spawnSync(join(bin, 'prisma'), ['generate'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
