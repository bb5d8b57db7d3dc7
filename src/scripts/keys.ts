// Usage:
//   npm run keys -- create --name <name> --grant <dataset|*>:<read|write|admin> [--grant ...]
//   npm run keys -- list
//   npm run keys -- revoke <id|name>
import { runCli } from '../admin/cli.js';

process.exit(await runCli('keys', process.argv.slice(2)));
