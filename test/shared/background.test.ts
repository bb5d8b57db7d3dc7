import { describe, expect, it, vi } from 'vitest';
import { backgroundSettled, inBackground } from '../../src/shared/background.js';

describe('background work started by a read', () => {
  it('runs one task per key at a time, is awaited by backgroundSettled and logs a failure once', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let runs = 0;
    let finished = false;
    const slow = () => new Promise<void>((resolve) => setTimeout(() => ((finished = true), resolve()), 50));
    inBackground('counts of a', () => ((runs += 1), slow()));
    inBackground('counts of a', () => ((runs += 1), slow()));
    inBackground('counts of b', () => Promise.reject(new Error('no database')));
    await backgroundSettled();
    expect(runs).toBe(1);
    expect(finished).toBe(true);
    expect(errors.mock.calls.map((call) => call.join(' '))).toEqual(['background counts of b failed: no database']);
    inBackground('counts of a', () => ((runs += 1), Promise.resolve()));
    await backgroundSettled();
    expect(runs).toBe(2);
    errors.mockRestore();
  });
});
