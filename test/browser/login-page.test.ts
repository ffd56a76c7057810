import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';

import { launchChromium, personContextOptions } from '../../src/browser/chromium.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { captureLogger } from '../helpers/logs.js';

/** The sandbox's idmc page, driven in Chromium by the selectors of Kaspi's real page (REFERENCE §1.3). */
let sandbox: KaspiSandbox;
let browser: Browser;
beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: 12,
    timeScale: 100,
    rivalTickMs: 0,
    productsPerMerchant: 1,
    logger: captureLogger('silent').logger,
  });
  browser = await launchChromium(undefined);
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

async function loginPage() {
  const context = await browser.newContext(personContextOptions(browser));
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${sandbox.idmcUrl}/login`);
  return { context, page };
}

describe('the sandbox login page has the real page’s markup', () => {
  it('phone tab: #phone_tab → #user_phone_field → input[name=security-code], errors in .help.is-danger, then the cabinet', async () => {
    const { context, page } = await loginPage();
    try {
      await page.click('#phone_tab');
      // One form on screen at a time: `.button.is-primary` means this tab's button.
      expect(await page.locator('.button.is-primary').count()).toBe(1);
      await page.fill('#user_phone_field', '8 701 999 99 99');
      await page.click('.button.is-primary');
      await page.waitForSelector('.help.is-danger', { state: 'visible' });
      expect(await page.textContent('.help.is-danger')).toBe('Номер не найден');

      await page.fill('#user_phone_field', '8 701 000 00 01');
      await page.click('.button.is-primary');
      await page.waitForSelector('input[name=security-code]', { state: 'visible' });
      expect(await page.isVisible('.help.is-danger')).toBe(false);
      await page.fill('input[name=security-code]', sandbox.lastCode('+7 (701) 000-00-01')!);
      await page.click('.button.is-primary');
      await page.waitForSelector('nav.navbar', { state: 'visible' });
      const names = (await context.cookies()).map((cookie) => cookie.name);
      expect(names).toEqual(expect.arrayContaining(['mc-session', 'mc-sid']));
    } finally {
      await context.close();
    }
  });

  it('e-mail tab: #user_email_field → #password_field, both shown; a wrong password in .notification.is-danger; `su` shows a choice', async () => {
    const { context, page } = await loginPage();
    try {
      expect(await page.locator('.button.is-primary').count()).toBe(1);
      await page.fill('#user_email_field', 'owner@example.kz');
      await page.click('.button.is-primary');
      await page.waitForSelector('#password_field', { state: 'visible' });
      expect(await page.isVisible('#user_email_field')).toBe(true);
      await page.fill('#password_field', 'wrong');
      await page.click('.button.is-primary');
      await page.waitForSelector('.notification.is-danger', { state: 'visible' });
      expect(await page.textContent('.notification.is-danger')).toBe('Неверный логин или пароль');

      await page.fill('#password_field', 'Sandbox-Pass-3');
      await page.click('.button.is-primary');
      await page.waitForSelector('input[name=merchant]', { state: 'visible' });
      expect(await page.locator('input[name=merchant]').count()).toBe(2);
      await page.locator('input[name=merchant]').nth(1).check();
      await page.click('.button.is-primary');
      await page.waitForSelector('nav.navbar', { state: 'visible' });
      // The session covers the chosen merchant only.
      expect((await page.textContent('nav.navbar'))?.split(', ')).toHaveLength(1);
    } finally {
      await context.close();
    }
  });
});
