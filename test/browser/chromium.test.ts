import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';

import { launchChromium, resolveChromiumPath } from '../../src/browser/chromium.js';

describe('Debian Chromium through playwright-core', () => {
  it('finds the installed binary and refuses a wrong CHROMIUM_PATH', () => {
    expect(resolveChromiumPath(undefined)).toMatch(/chromium/);
    expect(() => resolveChromiumPath('/nowhere/chromium')).toThrow(/does not exist/);
  });

  it('fills and submits a form on a local page and reads the cookie it set', async () => {
    const server = createServer((request, response) => {
      if (request.method === 'POST') {
        response.writeHead(200, { 'set-cookie': 'mc-session=from-form; Path=/', 'content-type': 'text/html; charset=utf-8' });
        response.end('<nav class="navbar">Кабинет</nav>');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<form method="post"><input id="user_email_field" name="e"><button class="button is-primary">Далее</button></form>');
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
