// Usage: npm run schema — writes schema.graphql (sorted SDL) when it differs from the code's schema.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../db/schema-engine.js';
import { printedSchema } from '../schema-print.js';

const file = join(projectRoot, 'schema.graphql');
const sdl = printedSchema();
if (existsSync(file) && readFileSync(file, 'utf8') === sdl) {
  console.log('schema.graphql is up to date');
} else {
  writeFileSync(file, sdl);
  console.log('wrote schema.graphql');
}
process.exit(0);
