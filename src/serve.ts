import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { openAdminChannel } from './admin/channel.js';
import { app } from './app.js';
import { savedRequestDays } from './awards/query/saved.js';
import { loadConfig } from './config.js';
import { adapter, closeDb } from './db.js';
import { claimDataDir, describeOwner } from './db/owner.js';
import { backgroundSettled } from './shared/background.js';
import { prepare } from './startup.js';

const config = loadConfig();
const log = (line: string) => console.log(line);
try {
  savedRequestDays();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

log(`database: ${adapter.describe}`);
const { dataDir } = adapter;
if (dataDir) {
  const claim = await claimDataDir(dataDir, 'server', (owner) =>
    log(`waiting for ${describeOwner(owner)} to release the embedded database in ${dataDir}`),
  );
  if (!claim.claimed) {
    console.error(
      `the embedded database in ${dataDir} is already served by ${describeOwner(claim.owner)}: ` +
        'stop it first, or give this server another SPENDGRAPH_DATA_DIR',
    );
    process.exit(1);
  }
}
await prepare({ samples: config.loadSamples, log });

let server!: ReturnType<typeof serve>;
const info = await new Promise<AddressInfo>((resolve) => {
  server = serve({ fetch: app.fetch, port: config.port }, resolve);
});
const admin = dataDir ? await openAdminChannel(dataDir, info.port) : undefined;
log(`Spendgraph is serving GraphiQL at http://localhost:${info.port}/graphql`);

async function shutdown() {
  admin?.close();
  server.close();
  await backgroundSettled();
  await closeDb();
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
