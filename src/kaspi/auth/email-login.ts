import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { chromiumAvailability, launchChromium, personContextOptions } from '../../browser/chromium.js';
import type { Logger } from '../../logger.js';
import type { KaspiCabinetClient } from '../cabinet-client.js';
import { CookieJar } from '../cookie-jar.js';
import { KaspiLoginError } from '../errors.js';
import { readMerchantChoice, type MerchantChoice } from './login-answer.js';
import type { KaspiUrls } from './oauth-handoff.js';
import type { LoggedIn } from './sms-login.js';

/** The real login page's selectors (REFERENCE §1.3). */
const SELECTORS = {
  email: '#user_email_field',
  password: '#password_field',
  code: '#sms_code_field',
  submit: '.button.is-primary',
  success: 'nav.navbar',
  error: '.notification.is-danger',
} as const;

/** What the page's own calls to `/api/p/login` answered last: Kaspi's words, more reliable than the page's. */
interface LoginApiWatch {
  errorCode: string | undefined;
  breakTimeSeconds: number | undefined;
  su: unknown;
}

interface PendingBrowserLogin {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  timer: NodeJS.Timeout;
  api: LoginApiWatch;
}

/** Where an e-mail login stands: Kaspi e-mailed a code, asks which merchant, or the session is there. */
export type EmailLoginStep =
  | { status: 'code-required'; loginId: string }
  | { status: 'choose-merchant'; loginId: string; merchants: MerchantChoice[] }
  | { status: 'done'; result: LoggedIn };

export type EmailLoginStart = Exclude<EmailLoginStep, { status: 'choose-merchant' }>;

/**
 * E-mail + password login in Debian Chromium on Kaspi's own login page, in a context that looks like a seller's
 * desktop browser. Since 16.09.2026 Kaspi e-mails a code for this kind of login, so the page may have to wait for
 * the seller's next message; it is closed on success, on failure, on cancel, and after `ttlMs` at the latest —
 * a browser never outlives its login.
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

  /** Whether this machine has a browser for the e-mail login at all. */
  get available(): boolean {
    return chromiumAvailability(this.chromiumPath).available;
  }

  /**
   * For a login without anyone to ask (logging a store in again by itself): `merchantUid` answers Kaspi's «which
   * merchant?»; without it that question is a MERCHANT_CHOICE_REQUIRED failure.
   */
  async start(email: string, password: string, merchantUid?: string): Promise<EmailLoginStart> {
    const step = await this.begin(email, password);
    if (step.status !== 'choose-merchant') return step;
    if (merchantUid === undefined || !step.merchants.some((merchant) => merchant.uid === merchantUid)) {
      await this.cancel(step.loginId);
      throw new KaspiLoginError('Kaspi asks which merchant to log in to', 'login.email', 'MERCHANT_CHOICE_REQUIRED');
    }
    return { status: 'done', result: await this.chooseMerchant(step.loginId, merchantUid) };
  }

  /** E-mail and password on the login page; the page stays open when Kaspi wants a code or a merchant next. */
  async begin(email: string, password: string): Promise<EmailLoginStep> {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
      throw new KaspiLoginError('not an e-mail address', 'login.email', 'CREDENTIALS_INVALID');
    if (password.length === 0) throw new KaspiLoginError('empty password', 'login.email', 'CREDENTIALS_INVALID');
    const browser = await this.launch();
    const loginId = randomUUID();
    let keep = false;
    try {
      const context = await browser.newContext(personContextOptions(browser));
      const page = await context.newPage();
      page.setDefaultTimeout(this.options.stepTimeoutMs ?? 30_000);
      const api = watchLoginApi(page);
      const landed = await page.goto(`${this.urls.idmcUrl}/login`);
      if (landed && landed.status() >= 400)
        throw new KaspiLoginError(
          `the Kaspi login page answered ${landed.status()}`,
          'login.email',
          'LOGIN_PAGE_BLOCKED',
        );
      await page.fill(SELECTORS.email, email.trim());
      await page.click(SELECTORS.submit);
      await this.waitFor(page, api, { password: true });
      await page.fill(SELECTORS.password, password);
      await page.click(SELECTORS.submit);
      const outcome = await this.waitFor(page, api, { code: true, done: true });
      if (outcome === 'done') return { status: 'done', result: await this.finish(context) };
      keep = true;
      this.hold(loginId, { browser, context, page, api });
      if (outcome === 'code') return { status: 'code-required', loginId };
      return { status: 'choose-merchant', loginId, merchants: readMerchantChoice(api.su) };
    } finally {
      if (!keep) await browser.close().catch(() => undefined);
    }
  }

  /** The code Kaspi e-mailed; a wrong one leaves the page open for another try. */
  async submitCode(loginId: string, code: string): Promise<Exclude<EmailLoginStep, { status: 'code-required' }>> {
    const login = this.pending.get(loginId);
    if (!login) throw new KaspiLoginError('the login page expired', 'login.email', 'LOGIN_EXPIRED');
    const digits = code.replace(/\s|-/g, '');
    if (!/^\d{4,8}$/.test(digits))
      throw new KaspiLoginError('the code is digits only', 'login.email', 'SECURITY_CODE_INVALID');
    return this.step(loginId, login, async () => {
      await login.page.fill(SELECTORS.code, digits);
      await login.page.click(SELECTORS.submit);
      const outcome = await this.waitFor(login.page, login.api, { done: true });
      if (outcome === 'done') return { status: 'done', result: await this.finish(login.context) };
      return { status: 'choose-merchant', loginId, merchants: readMerchantChoice(login.api.su) };
    });
  }

  /**
   * The merchant the seller chose when Kaspi asked (`su`). The choice goes to the login API from the page itself,
   * with its cookies, as the page's own picker sends it; then the cabinet's kick-off opens the session.
   */
  async chooseMerchant(loginId: string, merchantUid: string): Promise<LoggedIn> {
    const login = this.pending.get(loginId);
    if (!login) throw new KaspiLoginError('the login page expired', 'login.email', 'LOGIN_EXPIRED');
    const result = await this.step(loginId, login, async () => {
      const answer = await login.page.evaluate(
        async (body) => {
          const response = await fetch('/api/p/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          return { status: response.status, text: await response.text() };
        },
        { _s_m: merchantUid },
      );
      const body = parseJson(answer.text);
      const errorCode = typeof body?.errorCode === 'string' ? body.errorCode : undefined;
      if (answer.status >= 400 || errorCode || body?.redirectUrl === undefined) {
        throw new KaspiLoginError(
          `Kaspi refused the merchant (${answer.status} ${errorCode ?? 'no redirect'})`,
          'login.email',
          errorCode ?? 'FAILED',
        );
      }
      login.api.su = undefined;
      await login.page.goto(
        `${this.urls.mcUrl}/oauth2/authorization/1?redirectUrl=${encodeURIComponent(`${new URL(this.urls.shopUrl).origin}/mc/`)}`,
      );
      await this.waitFor(login.page, login.api, { done: true });
      return { status: 'done' as const, result: await this.finish(login.context) };
    });
    if (result.status !== 'done') throw new KaspiLoginError('Kaspi asks which merchant again', 'login.email', 'FAILED');
    if (!result.result.merchants.some((merchant) => merchant.uid === merchantUid)) {
      throw new KaspiLoginError(
        'the session does not cover the chosen merchant',
        'login.email',
        'INSUFFICIENT_PERMISSIONS',
      );
    }
    return result.result;
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

  private async launch(): Promise<Browser> {
    try {
      return await launchChromium(this.chromiumPath);
    } catch (error) {
      this.logger.warn(
        { reason: error instanceof Error ? error.message.split('\n')[0] : String(error) },
        'Chromium cannot start: e-mail login is unavailable',
      );
      throw new KaspiLoginError('no browser for the e-mail login', 'login.email', 'BROWSER_UNAVAILABLE');
    }
  }

  private hold(loginId: string, login: Omit<PendingBrowserLogin, 'timer'>): void {
    const timer = setTimeout(() => void this.cancel(loginId), this.options.ttlMs ?? 5 * 60_000);
    timer.unref();
    this.pending.set(loginId, { ...login, timer });
  }

  /** Runs a step on an open page; only a wrong code keeps the page for another try, anything else ends it. */
  private async step<T extends { status: string }>(
    loginId: string,
    login: PendingBrowserLogin,
    run: () => Promise<T>,
  ): Promise<T> {
    login.api.errorCode = undefined;
    login.api.breakTimeSeconds = undefined;
    let keep = false;
    try {
      const result = await run();
      keep = result.status === 'choose-merchant';
      return result;
    } catch (error) {
      keep =
        error instanceof KaspiLoginError && ['SECURITY_CODE_INVALID', 'MFA_CODE_INVALID'].includes(error.errorCode);
      throw error;
    } finally {
      if (!keep) await this.cancel(loginId);
    }
  }

  /**
   * Polls until the page shows what Kaspi answered: the next field, the code field, the cabinet, an error — or the
   * login API asked which merchant. A comma selector would wait on its first match only (a hidden code field),
   * and the page navigates through the OAuth hand-off on success, which a page function would not survive.
   */
  private async waitFor(
    page: Page,
    api: LoginApiWatch,
    accept: { password?: boolean; code?: boolean; done?: boolean },
  ): Promise<'password' | 'code' | 'done' | 'choose'> {
    const visible = (selector: string) =>
      page
        .locator(selector)
        .first()
        .isVisible()
        .catch(() => false);
    const deadline = Date.now() + (this.options.stepTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (await visible(SELECTORS.error)) {
        const text = (
          (await page
            .locator(SELECTORS.error)
            .first()
            .textContent()
            .catch(() => '')) ?? ''
        ).trim();
        await page.waitForTimeout(50).catch(() => undefined); // the answer's JSON may still be on its way
        throw new KaspiLoginError(
          `Kaspi login page: ${text}`,
          'login.email',
          api.errorCode ?? errorCodeFromText(text),
          api.breakTimeSeconds,
        );
      }
      if (api.su !== undefined && api.su !== null) return 'choose';
      if (accept.password && (await visible(SELECTORS.password))) return 'password';
      if (accept.code && (await visible(SELECTORS.code))) return 'code';
      if (accept.done && (await visible(SELECTORS.success))) return 'done';
      await page.waitForTimeout(100).catch(() => undefined);
    }
    throw new KaspiLoginError('the Kaspi login page did not answer in time', 'login.email', 'PAGE_TIMEOUT');
  }

  private async finish(context: BrowserContext): Promise<LoggedIn> {
    const jar = new CookieJar();
    jar.absorbBrowserCookies(await context.cookies());
    if (!jar.has('mc-session', 'mc-sid'))
      throw new KaspiLoginError('login finished without cabinet cookies', 'login.email', 'MISSING_COOKIES');
    const merchants = await this.cabinet.listMerchants(jar);
    if (merchants.length === 0)
      throw new KaspiLoginError('the account has no merchants', 'cabinet.merchants', 'NO_MERCHANTS');
    this.logger.info({ merchants: merchants.length }, 'Kaspi e-mail login finished');
    return { cookies: jar.toJSON(), merchants };
  }
}

function watchLoginApi(page: Page): LoginApiWatch {
  const watch: LoginApiWatch = { errorCode: undefined, breakTimeSeconds: undefined, su: undefined };
  page.on('response', (response) => {
    if (!response.url().includes('/api/p/login')) return;
    response
      .json()
      .then((body: unknown) => {
        if (!body || typeof body !== 'object') return;
        const answer = body as { errorCode?: unknown; errorData?: { breakTimeSeconds?: unknown } | null; su?: unknown };
        if (typeof answer.errorCode === 'string') watch.errorCode = answer.errorCode;
        if (typeof answer.errorData?.breakTimeSeconds === 'number')
          watch.breakTimeSeconds = answer.errorData.breakTimeSeconds;
        if (answer.su !== undefined) watch.su = answer.su;
      })
      .catch(() => undefined);
  });
  return watch;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function errorCodeFromText(text: string): string {
  if (/парол|логин|учетн|учётн/i.test(text)) return 'CREDENTIALS_INVALID';
  if (/истек|устар/i.test(text)) return 'TIMEOUT_EXCEEDED';
  if (/попыт/i.test(text)) return 'MFA_CODE_ATTEMPT_LIMIT';
  if (/много|повтор/i.test(text)) return 'MFA_SEND_FLOOD';
  if (/код/i.test(text)) return 'SECURITY_CODE_INVALID';
  return 'FAILED';
}
