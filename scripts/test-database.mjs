// Usage: node scripts/test-database.mjs create|drop <admin-url> <database>
// Creates (dropping any leftover first) or drops a scratch database for a test run on a PostgreSQL server.
import pg from 'pg';

const [action, adminUrl, name] = process.argv.slice(2);
if (!['create', 'drop'].includes(action) || !adminUrl || !/^[a-z_][a-z0-9_]*$/.test(name ?? '')) {
  console.error('usage: node scripts/test-database.mjs create|drop <admin-url> <database>');
  process.exit(2);
}
const client = new pg.Client({ connectionString: adminUrl });
await client.connect();
try {
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  if (action === 'create') await client.query(`CREATE DATABASE ${name}`);
  console.log(`${action === 'create' ? 'created' : 'dropped'} database ${name}`);
} finally {
  await client.end();
}
