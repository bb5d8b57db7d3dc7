/**
 * A PostgreSQL primary and a streaming replica of it, made from the server binaries on the machine (initdb,
 * pg_basebackup -R, pg_ctl) in a temporary directory, on free ports, as the `postgres` user when run as root (the
 * server refuses to run as root). `stop()` removes both, and so does the exit of the process that made them.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new Error('no PostgreSQL server binaries found (set PG_BIN to the directory holding initdb and pg_ctl)');
  return found;
}

const asRoot = process.getuid?.() === 0;

function run(tool: string, args: string[]): string {
  const path = join(binDir(), tool);
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Server {
  port: number;
  dir: string;
  url(database: string): string;
  start(): void;
  stop(): void;
  running(): boolean;
}

function server(dir: string, port: number, socketDir: string): Server {
  const log = join(socketDir, `${port}.log`);
  const self: Server = {
    port,
    dir,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start: () => void run('pg_ctl', ['-D', dir, '-l', log, '-w', '-t', '60', 'start']),
    stop: () => void run('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']),
    running: () => existsSync(join(dir, 'postmaster.pid')),
  };
  return self;
}

export interface Clusters {
  primary: Server;
  replica: Server;
  /** Stops both servers and removes their files. */
  stop(): void;
}

function settings(port: number, socketDir: string): string {
  return [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${socketDir}'`,
    'wal_level = replica',
    'max_wal_senders = 5',
    'hot_standby = on',
    'fsync = off',
    'full_page_writes = off',
    'max_connections = 100',
    'shared_buffers = 32MB',
    'wal_receiver_status_interval = 1s',
    '',
  ].join('\n');
}

/** Makes and starts a primary and a streaming replica of it; the caller creates databases on the primary. */
export async function startClusters(): Promise<Clusters> {
  const root = mkdtempSync(join(tmpdir(), 'spendgraph-replica-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const started: Server[] = [];
  const stop = () => {
    for (const one of started.reverse()) {
      try {
        if (one.running()) run('pg_ctl', ['-D', one.dir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
    }
    started.length = 0;
    rmSync(root, { recursive: true, force: true });
    process.off('exit', stop);
  };
  process.on('exit', stop);
  try {
    const [primaryPort, replicaPort] = [await freePort(), await freePort()];
    run('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    appendFileSync(join(primaryDir, 'postgresql.conf'), settings(primaryPort, root));
    const primary = server(primaryDir, primaryPort, root);
    started.push(primary);
    primary.start();
    run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '--no-sync']);
    appendFileSync(join(replicaDir, 'postgresql.conf'), `port = ${replicaPort}\n`);
    const replica = server(replicaDir, replicaPort, root);
    started.push(replica);
    replica.start();
    return { primary, replica, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** Runs one statement on a server and returns its rows. */
export async function sql<T extends object>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A counter of pg_stat_database for one database, as that server counts it (stats flushed at most a second late). */
async function databaseStat(url: string, database: string, counter: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string }>(`SELECT (${counter})::text AS n FROM pg_stat_database WHERE datname = $1`, [database]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Committed transactions of a database. */
export function commits(url: string, database: string): Promise<number> {
  return databaseStat(url, database, 'xact_commit');
}

/** Rows a database has read (sequential and index). */
export function rowsRead(url: string, database: string): Promise<number> {
  return databaseStat(url, database, 'tup_returned + tup_fetched');
}
