/**
 * Read throughput of one gateway on the primary, one gateway reading from a streaming replica, and two gateways
 * reading from it behind a round-robin balancer (this script), on a primary and replica made with the server binaries
 * on the machine (as test/replica does). Prints a table of requests per second and latencies.
 *
 *   npx tsx bench/scale-out.ts [--seconds 20] [--connections 16]
 *
 * Everything (two PostgreSQL servers, the gateways and the load generator) shares this machine's cores, so the
 * numbers say how the pieces behave together here, not what separate machines would do.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { killAll, runScript, startServer, stopServer, type Started } from '../test/processes.js';
import { commits, sql, startClusters } from '../test/replica/postgres-cluster.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, connections: { type: 'string', default: '16' } } });
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const database = 'spendgraph';
const records = 'geonames-all-cities-with-a-population-1000';

const requests: { name: string; init: (port: number) => [string, RequestInit?] }[] = [
  { name: 'cube aggregate (REST)', init: (port) => [`http://127.0.0.1:${port}/api/3/cubes/boost-moldova/aggregate?drilldown=functional_classification.func1_code`] },
  { name: 'records search + facet (REST)', init: (port) => [`http://127.0.0.1:${port}/api/records/1.0/search?dataset=${records}&q=war&facet=country_code&rows=10`] },
  {
    name: 'catalog (GraphQL)',
    init: (port) => [
      `http://127.0.0.1:${port}/graphql`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ datasets { totalCount nodes { name family title } } }' }) },
    ],
  },
];

interface Result {
  setup: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  replicaShare: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : 0;
}

/** `connections` clients, each sending the mix in turn to the gateways in turn, for `seconds`. */
async function load(ports: number[], duration = seconds): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = Date.now() + duration * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const i = next++;
        const [url, init] = requests[i % requests.length]!.init(ports[i % ports.length]!);
        const started = performance.now();
        try {
          const response = await fetch(url, init);
          await response.arrayBuffer();
          if (response.status !== 200) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors };
}

const clusters = await startClusters();
const gateways: Started[] = [];
try {
  await sql(clusters.primary.url('postgres'), `CREATE DATABASE ${database}`);
  const primaryUrl = clusters.primary.url(database);
  const replicaUrl = clusters.replica.url(database);
  for (const [path, name] of [
    ['samples/cubes/md-sample', 'boost-moldova'],
    ['samples/records/geonames-pl-ods-v1-export.json', records],
  ]) {
    const run = await runScript('ingest', [path!, '--name', name!], { DATABASE_URL: primaryUrl });
    if (run.code !== 0) throw new Error(`ingest ${path} failed:\n${run.stderr}`);
  }
  // Every request of the mix must succeed before anything is timed.
  const probe = await startServer({ DATABASE_URL: primaryUrl, SPENDGRAPH_SAMPLES: 'off', SPENDGRAPH_QUOTA_ANONYMOUS: '0' });
  for (const { name, init } of requests) {
    const [url, options] = init(probe.port);
    const response = await fetch(url, options);
    const body = await response.text();
    if (response.status !== 200 || body.includes('"errors"')) throw new Error(`${name}: ${response.status} ${body.slice(0, 300)}`);
  }
  await stopServer(probe.child);

  const base = { SPENDGRAPH_SAMPLES: 'off', SPENDGRAPH_QUOTA_ANONYMOUS: '0', NODE_ENV: 'production' };
  const setups: { setup: string; env: NodeJS.ProcessEnv; count: number }[] = [
    { setup: '1 gateway, primary only', env: { ...base, DATABASE_URL: primaryUrl }, count: 1 },
    { setup: '1 gateway, reads on the replica', env: { ...base, DATABASE_URL: primaryUrl, DATABASE_REPLICA_URLS: replicaUrl }, count: 1 },
    { setup: '2 gateways, reads on the replica', env: { ...base, DATABASE_URL: primaryUrl, DATABASE_REPLICA_URLS: replicaUrl }, count: 2 },
  ];
  const results: Result[] = [];
  for (const { setup, env, count } of setups) {
    const started = await Promise.all(Array.from({ length: count }, () => startServer(env)));
    gateways.push(...started);
    const ports = started.map((gateway) => gateway.port);
    await load(ports, 3); // warm-up
    const before = [await commits(clusters.primary.url('postgres'), database), await commits(clusters.replica.url('postgres'), database)];
    const { latencies, errors } = await load(ports);
    await new Promise((resolve) => setTimeout(resolve, 11_000)); // statistics are published within 10 s
    const after = [await commits(clusters.primary.url('postgres'), database), await commits(clusters.replica.url('postgres'), database)];
    const [onPrimary, onReplica] = [after[0]! - before[0]!, after[1]! - before[1]!];
    results.push({
      setup,
      requests: latencies.length,
      errors,
      perSecond: Math.round(latencies.length / seconds),
      p50: Math.round(percentile(latencies, 50) * 10) / 10,
      p99: Math.round(percentile(latencies, 99) * 10) / 10,
      replicaShare: `${Math.round((100 * onReplica) / Math.max(1, onPrimary + onReplica))}% (${onReplica} of ${onPrimary + onReplica})`,
    });
    await Promise.all(started.map((gateway) => stopServer(gateway.child)));
    gateways.length = 0;
  }
  console.log(`\n${connections} connections, ${seconds} s per setup, mix: ${requests.map((r) => r.name).join(', ')}`);
  console.log(`load average at the end: ${loadavg().map((n) => n.toFixed(1)).join(', ')}\n`);
  console.log('| setup | requests | errors | req/s | p50 ms | p99 ms | transactions on the replica |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) console.log(`| ${r.setup} | ${r.requests} | ${r.errors} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.replicaShare} |`);
} finally {
  await Promise.all(gateways.map((gateway) => stopServer(gateway.child)));
  killAll();
  clusters.stop();
}
