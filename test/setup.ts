import { beforeAll } from 'vitest';
import { loadSamples, prepare } from '../src/startup.js';

beforeAll(async () => {
  await prepare({ samples: false });
  await loadSamples();
});
