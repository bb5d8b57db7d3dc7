import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded database is a set of files that one process at a time may open. Whoever opens it first writes
 * `owner.json` into the data directory (mode 0600); a running server adds its port and the token of its admin
 * channel, so commands can hand their work to it instead of opening the files a second time.
 */
export interface OwnerRecord {
  pid: number;
  /** "server", or the command line of the process holding the database. */
  role: string;
  since: string;
  /** The public HTTP port of a server. */
  port?: number;
  /** The server's admin channel on 127.0.0.1, for commands run next to it. */
  admin?: { port: number; token: string };
}

export type Claim = { claimed: true } | { claimed: false; owner: OwnerRecord };

const FILE = 'owner.json';
const POLL_MS = 250;

export function ownerFile(dataDir: string): string {
  return join(dataDir, FILE);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readOwner(dataDir: string): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(ownerFile(dataDir), 'utf8')) as OwnerRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${ownerFile(dataDir)} is unreadable: ${(error as Error).message}`);
  }
}

function writePrivate(path: string, record: OwnerRecord): void {
  try {
    unlinkSync(path);
  } catch {
    // no leftover from an earlier run
  }
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

const held = new Set<string>();

function releaseAllOnExit(): void {
  for (const dataDir of held) releaseDataDir(dataDir);
}

/** Removes the record of a process that died without removing it; puts it back if another process won a race. */
function breakStale(dataDir: string, stale: OwnerRecord): void {
  const moved = `${ownerFile(dataDir)}.stale-${process.pid}`;
  try {
    renameSync(ownerFile(dataDir), moved);
  } catch {
    return;
  }
  const taken = JSON.parse(readFileSync(moved, 'utf8')) as OwnerRecord;
  if (taken.pid !== stale.pid || taken.since !== stale.since) {
    try {
      linkSync(moved, ownerFile(dataDir));
    } catch {
      // a third process holds it now; the moved record's owner will find its file gone when it releases
    }
  }
  unlinkSync(moved);
}

/** Claims the data directory for this process once; answers who holds it when a live process does. */
export function tryClaimDataDir(dataDir: string, role: string): Claim {
  const record: OwnerRecord = { pid: process.pid, role, since: new Date().toISOString() };
  const temporary = `${ownerFile(dataDir)}.${process.pid}`;
  for (;;) {
    const owner = readOwner(dataDir);
    if (owner?.pid === process.pid) return { claimed: true };
    if (owner && isAlive(owner.pid)) return { claimed: false, owner };
    if (owner) {
      breakStale(dataDir, owner);
      continue;
    }
    writePrivate(temporary, record);
    try {
      linkSync(temporary, ownerFile(dataDir));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      continue;
    } finally {
      unlinkSync(temporary);
    }
    if (held.size === 0) process.once('exit', releaseAllOnExit);
    held.add(dataDir);
    return { claimed: true };
  }
}

/**
 * Claims the data directory, waiting while another command holds it (saying so once through `onWait`). A running
 * server is not waited for: its record is returned, and the caller hands its work to the server or refuses.
 * A server that is still starting is waited for until its admin channel is open.
 */
export async function claimDataDir(
  dataDir: string,
  role: string,
  onWait: (owner: OwnerRecord) => void,
): Promise<Claim> {
  let told = false;
  for (;;) {
    const claim = tryClaimDataDir(dataDir, role);
    if (claim.claimed || (claim.owner.role === 'server' && claim.owner.admin)) return claim;
    if (!told) onWait(claim.owner);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Adds to this process's record (a server's ports and token). */
export function updateOwner(dataDir: string, patch: Partial<OwnerRecord>): void {
  const current = readOwner(dataDir);
  if (current?.pid !== process.pid) throw new Error(`${ownerFile(dataDir)} is not held by this process`);
  const temporary = `${ownerFile(dataDir)}.${process.pid}`;
  writePrivate(temporary, { ...current, ...patch });
  renameSync(temporary, ownerFile(dataDir));
}

export function releaseDataDir(dataDir: string): void {
  held.delete(dataDir);
  try {
    if (readOwner(dataDir)?.pid === process.pid) unlinkSync(ownerFile(dataDir));
  } catch {
    // already gone
  }
}

/** How a holder is named in messages: "the Spendgraph server (pid 12, port 4000)" or the command it runs. */
export function describeOwner(owner: OwnerRecord): string {
  return owner.role === 'server'
    ? `the Spendgraph server (pid ${owner.pid}${owner.port !== undefined ? `, port ${owner.port}` : ', starting'})`
    : `\`${owner.role}\` (pid ${owner.pid})`;
}
