import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { expect, onTestFailed } from 'vitest';

import { launchChromium } from '../../src/browser/chromium.js';

/** Where a failing browser test leaves a picture of the page it saw. */
const SCREENSHOT_DIR = join(import.meta.dirname, 'screenshots');

/** Debian Chromium with a phone-sized page, as a seller would hold it; `timezoneId` is the phone's clock. */
export async function openPhonePage(
  url: string,
  options: { width?: number; height?: number; timezoneId?: string } = {},
): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await launchChromium(undefined);
  const context = await browser.newContext({
    viewport: { width: options.width ?? 412, height: options.height ?? 860 },
    locale: 'ru-RU',
    acceptDownloads: true,
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { browser, page, errors };
}

/** Call at the top of a test: on failure the page is saved as test/sandbox/screenshots/<name>.png. */
export function screenshotOnFailure(page: () => Page | undefined, name: string): void {
  onTestFailed(async () => {
    const current = page();
    if (!current || current.isClosed()) return;
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = join(SCREENSHOT_DIR, `${name.replace(/[^\p{L}\p{N}_-]+/gu, '-').slice(0, 80)}.png`);
    await current.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`screenshot of the failing page: ${file}`);
  });
}

/** Retries until the assertion holds, as the page updates over its live stream (playwright-core has no expect). */
export function eventually<T>(read: () => Promise<T> | T, timeoutMs = 15_000) {
  return expect.poll(read, { timeout: timeoutMs, interval: 100 });
}

/** The texts of every element the locator matches now, joined, for `toContain`. */
export function textOf(locator: Locator): Promise<string> {
  return locator.allTextContents().then((texts) => texts.join(' | '));
}
