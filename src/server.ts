import { serve } from '@hono/node-server';
import { app } from './app.js';
import { loadConfig } from './config.js';
import { adapter, closeDb } from './db.js';
import { prepare } from './startup.js';

const config = loadConfig();
const log = (line: string) => console.log(line);

log(`database: ${adapter.describe}`);
await prepare({ samples: config.loadSamples, log });

const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
  log(`Spendgraph is serving GraphiQL at http://localhost:${info.port}/graphql`);
});

async function shutdown() {
  server.close();
  await closeDb();
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
