// PostGraphile 5 peer for the benchmark: connection-filter (with relation filters) and pg-aggregates over the same
// database. Usage: DATABASE_URL=... PORT=... node server.mjs   (Node 22)
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { PostGraphileConnectionFilterPreset } from 'postgraphile-plugin-connection-filter';
import { PgAggregatesPreset } from '@graphile/pg-aggregates';

const port = Number(process.env.PORT ?? 4392);
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgAggregatesPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'], poolConfig: { max: 10 } })],
  schema: { connectionFilterRelations: true, connectionFilterLogicalOperators: true },
  grafserv: { port, graphqlPath: '/graphql', graphiql: false },
  grafast: { explain: false },
  // Amber only exposes filters and ordering on indexed columns; lift that so the peer can express every scenario.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (e) => { console.error(e); process.exit(1); });
serv.addTo(server).then(() => {
  server.listen(port, () => console.log(`peer listening on ${port}`));
}, (e) => { console.error(e); process.exit(1); });
process.once('SIGTERM', async () => { server.close(); await pgl.release(); process.exit(0); });
