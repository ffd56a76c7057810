import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';

import {
  chromiumAvailability,
  launchChromium,
  personContextOptions,
  resolveChromiumPath,
} from '../../src/browser/chromium.js';
import { BROWSER_USER_AGENT } from '../../src/browser/desktop-chrome.js';

describe('Debian Chromium through playwright-core', () => {
  it('finds the installed binary and refuses a wrong CHROMIUM_PATH', () => {
    expect(resolveChromiumPath(undefined)).toMatch(/chromium/);
    expect(() => resolveChromiumPath('/nowhere/chromium')).toThrow(/does not exist/);
  });

  it('says whether a browser is there, and why not', () => {
    expect(chromiumAvailability(undefined)).toMatchObject({ available: true, path: expect.stringMatching(/chromium/) });
    expect(chromiumAvailability('/nowhere/chromium')).toEqual({
      available: false,
      reason: 'CHROMIUM_PATH /nowhere/chromium does not exist',
    });
  });

  it('a person’s desktop Chrome: its own version, never «Headless», Russian in Kazakhstan, Almaty time, a laptop window', async () => {
    const seen: Record<string, string | undefined> = {};
    const server = createServer((request, response) => {
      seen['user-agent'] = request.headers['user-agent'];
      seen['accept-language'] = request.headers['accept-language'];
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<p>ok</p>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium(undefined);
    try {
      const context = await browser.newContext(personContextOptions(browser));
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      // A string runs in the page, where `navigator` and `innerWidth` exist (this file has no DOM types).
      const inPage = (await page.evaluate(`({
        userAgent: navigator.userAgent,
        language: navigator.language,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        width: innerWidth,
        height: innerHeight,
        webdriver: navigator.webdriver,
      })`)) as {
        userAgent: string;
        language: string;
        timeZone: string;
        width: number;
        height: number;
        webdriver: boolean;
      };
      const major = browser.version().split('.')[0]!;
      expect(inPage.userAgent).toBe(
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`,
      );
      expect(seen['user-agent']).toBe(inPage.userAgent);
      expect(seen['user-agent']).not.toMatch(/headless/i);
      expect(seen['accept-language']).toMatch(/^ru-KZ,ru;q=0\.9/);
      expect(inPage).toMatchObject({ language: 'ru-KZ', timeZone: 'Asia/Almaty', webdriver: false });
      expect(inPage.width).toBeGreaterThanOrEqual(1280);
      expect(inPage.height).toBeGreaterThanOrEqual(700);
      // The HTTP client introduces itself as the same browser.
      expect(BROWSER_USER_AGENT).toMatch(
        /^Mozilla\/5\.0 \(Windows NT 10\.0; Win64; x64\) .* Chrome\/\d{3}\.0\.0\.0 Safari\/537\.36$/,
      );
    } finally {
      await browser.close();
      server.close();
    }
  });

  it('fills and submits a form on a local page and reads the cookie it set', async () => {
    const server = createServer((request, response) => {
      if (request.method === 'POST') {
        response.writeHead(200, {
          'set-cookie': 'mc-session=from-form; Path=/',
          'content-type': 'text/html; charset=utf-8',
        });
        response.end('<nav class="navbar">Кабинет</nav>');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        '<form method="post"><input id="user_email_field" name="e"><button class="button is-primary">Далее</button></form>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/login`;
    const browser = await launchChromium(undefined);
    try {
      const context = await browser.newContext({ locale: 'ru-RU' });
      const page = await context.newPage();
      await page.goto(url);
      await page.fill('#user_email_field', 'seller@example.kz');
      await page.click('.button.is-primary');
      await page.waitForSelector('nav.navbar');
      expect(await page.textContent('nav.navbar')).toBe('Кабинет');
      const cookies = await context.cookies();
      expect(cookies.find((cookie) => cookie.name === 'mc-session')?.value).toBe('from-form');
    } finally {
      await browser.close();
      server.close();
    }
  });
});
