// Usage: npm run ingest -- <path> [--name N] [--private]
import { runCli } from '../admin/cli.js';

process.exit(await runCli('ingest', process.argv.slice(2)));
