import { adapter, closeDb } from '../db.js';
import { claimDataDir, describeOwner } from '../db/owner.js';
import { terminalProgress } from '../shared/ingest/progress.js';
import { runOnServer } from './channel.js';
import { commands, type CommandIo } from './commands.js';

/**
 * Runs an operator command from the command line. On a database server it runs here; on the embedded database it
 * runs here only while no server holds the data directory, and is handed to the server that does, so the running
 * server sees the change at once and nothing writes the database files behind its back.
 */
export async function runCli(command: string, argv: string[]): Promise<number> {
  const io: CommandIo = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    progress: terminalProgress(),
    cwd: process.cwd(),
  };
  try {
    const { dataDir } = adapter;
    if (dataDir) {
      const role = `npm run ${command} -- ${argv.join(' ')}`.slice(0, 200);
      const claim = await claimDataDir(dataDir, role, (owner) =>
        io.err(`waiting for ${describeOwner(owner)} to release the embedded database in ${dataDir}`),
      );
      if (!claim.claimed) {
        io.err(`${describeOwner(claim.owner)} holds the embedded database in ${dataDir}: it runs this command`);
        return await runOnServer(claim.owner, command, argv, io);
      }
    }
    return await commands[command]!(argv, io);
  } catch (error) {
    io.err(`${command} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await closeDb();
  }
}
