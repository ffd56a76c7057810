import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';

import {
  BROWSER_ACCEPT_LANGUAGE,
  BROWSER_DEVICE_SCALE,
  BROWSER_LOCALE,
  BROWSER_SCREEN,
  BROWSER_TIME_ZONE,
  BROWSER_VIEWPORT,
  CHROME_MAJOR,
  desktopChromeUserAgent,
} from './desktop-chrome.js';

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

/** Whether a browser can be started at all, and if not, why (for the one start-up warning). */
export function chromiumAvailability(
  configured: string | undefined,
): { available: true; path: string } | { available: false; reason: string } {
  try {
    return { available: true, path: resolveChromiumPath(configured) };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Headless Debian Chromium through playwright-core (never a downloaded browser). The background-networking
 * flags keep it from calling Google's hosts, which this closed network refuses; the automation flag would
 * set `navigator.webdriver`, which no person's browser has.
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
      '--disable-blink-features=AutomationControlled',
      `--lang=${BROWSER_LOCALE}`,
    ],
  });
}

/**
 * A context that looks like a seller at their desk: desktop Chrome of the installed engine's own version (never
 * «HeadlessChrome»), Russian in Kazakhstan, Almaty time, a laptop-sized window.
 */
export function personContextOptions(browser: Browser): BrowserContextOptions {
  const major = Number(/^(\d+)\./.exec(browser.version())?.[1]) || CHROME_MAJOR;
  return {
    userAgent: desktopChromeUserAgent(major),
    locale: BROWSER_LOCALE,
    timezoneId: BROWSER_TIME_ZONE,
    viewport: { ...BROWSER_VIEWPORT },
    screen: { ...BROWSER_SCREEN },
    deviceScaleFactor: BROWSER_DEVICE_SCALE,
    extraHTTPHeaders: { 'accept-language': BROWSER_ACCEPT_LANGUAGE },
  };
}
