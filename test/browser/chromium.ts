/**
 * Debian's Chromium for the browser tests, driven by playwright-core (which cannot download a
 * browser here). Missing Chromium fails the tests with what to do: never skipped.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Chromium may be: `CHROMIUM_PATH` first, then Debian's and other distributions' paths. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
];

/** The Chromium executable, or an error that says how to install it. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.CHROMIUM_PATH === undefined ? CANDIDATES : [env.CHROMIUM_PATH, ...CANDIDATES];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there: the next one.
    }
  }
  throw new Error(
    `Chromium is not installed (looked for ${candidates.join(', ')}). The browser tests need it: ` +
      'run `apt-get update && apt-get install -y --no-install-recommends chromium` (as .ci/run does), ' +
      'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
  );
}

/** Headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
