import { beforeAll } from 'vitest';
import { migrate } from '../src/db.js';

beforeAll(async () => {
  await migrate();
});
