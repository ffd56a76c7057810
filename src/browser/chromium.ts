import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's real binary first: the `/usr/bin/chromium` wrapper prints a harmless shell error on every start. */
const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function resolveChromiumPath(configured: string | undefined): string {
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH ${configured} does not exist`);
    return configured;
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) throw new Error('Chromium is not installed (apt-get install chromium) and CHROMIUM_PATH is not set');
  return found;
}

/**
 * Headless Debian Chromium through playwright-core (never a downloaded browser). The background-networking
 * flags keep it from calling Google's hosts, which this closed network refuses.
 */
export function launchChromium(configuredPath: string | undefined): Promise<Browser> {
  return chromium.launch({
    executablePath: resolveChromiumPath(configuredPath),
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--disable-default-apps',
    ],
  });
}
