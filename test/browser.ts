import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// Debian's chromium; CHROMIUM_PATH points elsewhere. Without a browser the tests using it fail: they do not skip.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launched by the test itself, so a missing browser fails that test instead of skipping it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
