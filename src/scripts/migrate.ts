// Usage: npm run db:migrate — applies pending migrations to the configured database (DATABASE_URL or PGlite).
import { adapter, closeDb, migrate } from '../db.js';

try {
  const applied = await migrate();
  console.log(
    applied.length > 0
      ? `applied ${applied.length} migration(s) to ${adapter.describe}: ${applied.join(', ')}`
      : `${adapter.describe} is up to date`,
  );
} catch (error) {
  console.error(`migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
