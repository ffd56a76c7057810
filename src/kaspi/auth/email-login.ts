import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { launchChromium } from '../../browser/chromium.js';
import type { Logger } from '../../logger.js';
import type { KaspiCabinetClient } from '../cabinet-client.js';
import { CookieJar } from '../cookie-jar.js';
import { KaspiLoginError } from '../errors.js';
import type { LoggedIn } from './sms-login.js';
import type { KaspiUrls } from './oauth-handoff.js';

/** The real login page's selectors (REFERENCE §1.3). */
const SELECTORS = {
  email: '#user_email_field',
  password: '#password_field',
  code: '#sms_code_field',
  submit: '.button.is-primary',
  success: 'nav.navbar',
  error: '.notification.is-danger',
} as const;

interface PendingBrowserLogin {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  timer: NodeJS.Timeout;
  lastErrorCode: { value: string | undefined };
}

export type EmailLoginStart = { status: 'code-required'; loginId: string } | { status: 'done'; result: LoggedIn };

/**
 * E-mail + password login in Debian Chromium on Kaspi's own login page. Since 16.09.2026 Kaspi e-mails a
 * code for this kind of login, so the page may have to wait for the seller's next message; it is closed on
 * success, on failure, on cancel, and after `ttlMs` at the latest — a browser never outlives its login.
 */
export class EmailLogin {
  private readonly pending = new Map<string, PendingBrowserLogin>();

  constructor(
    private readonly cabinet: KaspiCabinetClient,
    private readonly urls: KaspiUrls,
    private readonly chromiumPath: string | undefined,
    private readonly logger: Logger,
    private readonly options: { ttlMs?: number; stepTimeoutMs?: number } = {},
  ) {}

  async start(email: string, password: string): Promise<EmailLoginStart> {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) throw new KaspiLoginError('not an e-mail address', 'login.email', 'CREDENTIALS_INVALID');
    if (password.length === 0) throw new KaspiLoginError('empty password', 'login.email', 'CREDENTIALS_INVALID');
    const browser = await launchChromium(this.chromiumPath);
    const loginId = randomUUID();
    let keep = false;
    try {
      const context = await browser.newContext({ locale: 'ru-RU' });
      const page = await context.newPage();
      page.setDefaultTimeout(this.options.stepTimeoutMs ?? 30_000);
      const lastErrorCode = watchLoginApi(page);
      await page.goto(`${this.urls.idmcUrl}/login`);
      await page.fill(SELECTORS.email, email.trim());
      await page.click(SELECTORS.submit);
      await this.waitForAnyVisible(page, [SELECTORS.password, SELECTORS.error]);
      await this.throwIfError(page, lastErrorCode);
      await page.fill(SELECTORS.password, password);
      await page.click(SELECTORS.submit);
      const outcome = await this.waitForOutcome(page, lastErrorCode, true);
      if (outcome === 'code') {
        keep = true;
        const timer = setTimeout(() => void this.cancel(loginId), this.options.ttlMs ?? 5 * 60_000);
        timer.unref();
        this.pending.set(loginId, { browser, context, page, timer, lastErrorCode });
        return { status: 'code-required', loginId };
      }
      return { status: 'done', result: await this.finish(context) };
    } finally {
      if (!keep) await browser.close().catch(() => undefined);
    }
  }

  async submitCode(loginId: string, code: string): Promise<LoggedIn> {
    const login = this.pending.get(loginId);
    if (!login) throw new KaspiLoginError('the login page expired', 'login.email', 'TIMEOUT_EXCEEDED');
    const digits = code.replace(/\s|-/g, '');
    if (!/^\d{4,8}$/.test(digits)) throw new KaspiLoginError('the code is digits only', 'login.email', 'SECURITY_CODE_INVALID');
    let done = false;
    try {
      await login.page.fill(SELECTORS.code, digits);
      login.lastErrorCode.value = undefined;
      await login.page.click(SELECTORS.submit);
      await this.waitForOutcome(login.page, login.lastErrorCode, false);
      const result = await this.finish(login.context);
      done = true;
      return result;
    } catch (error) {
      // A wrong code leaves the page usable for another try; anything else ends the login.
      done = !(error instanceof KaspiLoginError && error.errorCode === 'SECURITY_CODE_INVALID');
      throw error;
    } finally {
      if (done) await this.cancel(loginId);
    }
  }

  async cancel(loginId: string): Promise<void> {
    const login = this.pending.get(loginId);
    if (!login) return;
    this.pending.delete(loginId);
    clearTimeout(login.timer);
    await login.browser.close().catch(() => undefined);
  }

  get openLogins(): number {
    return this.pending.size;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((loginId) => this.cancel(loginId)));
  }

  private async waitForOutcome(page: Page, lastErrorCode: { value: string | undefined }, codeAllowed: boolean): Promise<'done' | 'code'> {
    await this.waitForAnyVisible(page, [SELECTORS.success, SELECTORS.error, ...(codeAllowed ? [SELECTORS.code] : [])]);
    await this.throwIfError(page, lastErrorCode);
    if (codeAllowed && (await page.isVisible(SELECTORS.code))) return 'code';
    return 'done';
  }

  /**
   * Polls until one of the selectors is visible. A comma selector would wait on its first match only (a hidden
   * code field), and the page navigates through the OAuth hand-off on success, which a page function would not survive.
   */
  private async waitForAnyVisible(page: Page, selectors: string[]): Promise<void> {
    const deadline = Date.now() + (this.options.stepTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      for (const selector of selectors) {
        if (await page.locator(selector).first().isVisible().catch(() => false)) return;
      }
      await page.waitForTimeout(100).catch(() => undefined);
    }
    throw new KaspiLoginError('the Kaspi login page did not answer in time', 'login.email', 'TIMEOUT_EXCEEDED');
  }

  private async throwIfError(page: Page, lastErrorCode: { value: string | undefined }): Promise<void> {
    const error = page.locator(SELECTORS.error);
    if (!(await error.isVisible())) return;
    const text = (await error.textContent())?.trim() ?? '';
    throw new KaspiLoginError(`Kaspi login page: ${text}`, 'login.email', lastErrorCode.value ?? errorCodeFromText(text));
  }

  private async finish(context: BrowserContext): Promise<LoggedIn> {
    const jar = new CookieJar();
    for (const cookie of await context.cookies()) jar.absorb(`${cookie.name}=${cookie.value}`);
    if (!jar.has('mc-session', 'mc-sid')) throw new KaspiLoginError('login finished without cabinet cookies', 'login.email', 'MISSING_COOKIES');
    const merchants = await this.cabinet.listMerchants(jar);
    if (merchants.length === 0) throw new KaspiLoginError('the account has no merchants', 'cabinet.merchants', 'NO_MERCHANTS');
    this.logger.info({ merchants: merchants.length }, 'Kaspi e-mail login finished');
    return { cookies: jar.toJSON(), merchants };
  }
}

/** The page's own calls to `/api/p/login` carry Kaspi's errorCode; more reliable than the page's wording. */
function watchLoginApi(page: Page): { value: string | undefined } {
  const last: { value: string | undefined } = { value: undefined };
  page.on('response', (response) => {
    if (!response.url().includes('/api/p/login') || response.status() < 400) return;
    response
      .json()
      .then((body: unknown) => {
        if (body && typeof body === 'object' && 'errorCode' in body && typeof body.errorCode === 'string') last.value = body.errorCode;
      })
      .catch(() => undefined);
  });
  return last;
}

function errorCodeFromText(text: string): string {
  if (/парол|логин|учетн|учётн/i.test(text)) return 'CREDENTIALS_INVALID';
  if (/код/i.test(text)) return 'SECURITY_CODE_INVALID';
  if (/много|повтор|попыт/i.test(text)) return 'MFA_SEND_FLOOD';
  return 'FAILED';
}
