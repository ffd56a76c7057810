import type { Logger } from '../../logger.js';
import type { KaspiCabinetClient } from '../cabinet-client.js';
import { CookieJar } from '../cookie-jar.js';
import { KaspiLoginError } from '../errors.js';
import type { KaspiHttp, KaspiResponse } from '../http.js';
import { checkLoginAnswer, nextLoginStep, type MerchantChoice } from './login-answer.js';
import { walkOAuthHandoff, type KaspiUrls } from './oauth-handoff.js';
import { maskPhone, normalizeKazakhPhone } from './phone.js';

/**
 * What must survive between two steps of the login (two chat messages, possibly two processes): the cookie jar
 * of the last step — without it Kaspi answers FAILED. The caller seals it before storing it.
 */
export interface PendingSmsLogin {
  phone: string;
  cookies: Record<string, string>;
  startedAt: number;
  /** Set when Kaspi e-mailed a code after the SMS: the address it named, sent back with that code. */
  mfaUser?: string;
}

export interface LoggedIn {
  cookies: Record<string, string>;
  merchants: { uid: string; name: string | undefined }[];
}

/** Where the login stands after a step the login service accepted. */
export type SmsLoginStep =
  | { status: 'done'; login: LoggedIn }
  | { status: 'email-code'; email: string; pending: PendingSmsLogin }
  | { status: 'choose-merchant'; merchants: MerchantChoice[]; pending: PendingSmsLogin };

/** Phone + SMS login over plain HTTP (REFERENCE §1.2), no browser. */
export class SmsLogin {
  constructor(
    private readonly http: KaspiHttp,
    private readonly cabinet: KaspiCabinetClient,
    private readonly urls: KaspiUrls,
    private readonly logger: Logger,
  ) {}

  /** Normalises the phone, primes the idmc session the way the cabinet does, and asks Kaspi to send the SMS. */
  async start(phoneInput: string): Promise<PendingSmsLogin> {
    const phone = normalizeKazakhPhone(phoneInput);
    if (!phone) throw new KaspiLoginError('not a Kazakhstan mobile number', 'login.phone', 'PHONE_INVALID');
    const jar = new CookieJar();
    // Priming MS_AUTH_SSO through the OAuth kick-off, as the cabinet itself does, is the safer order (§1.2).
    await this.primeSession(jar);
    await this.http.send({
      endpoint: 'login.page',
      service: 'login',
      method: 'GET',
      url: `${this.urls.idmcUrl}/login`,
      jar,
      retry: true,
      expect: 'text',
    });
    const response = await this.postLogin(jar, { _ph: phone });
    const body = checkLoginAnswer(response);
    if (!body.phone) throw new KaspiLoginError('Kaspi did not confirm the SMS was sent', 'login.api', 'FAILED');
    this.logger.info({ phone: maskPhone(phone) }, 'Kaspi SMS code requested');
    return { phone, cookies: jar.toJSON(), startedAt: Date.now() };
  }

  /** The SMS code, for callers that expect the login to end there (a test, a script); the bot uses `verifyStep`. */
  async verify(pending: PendingSmsLogin, codeInput: string): Promise<LoggedIn> {
    const step = await this.verifyStep(pending, codeInput);
    if (step.status !== 'done')
      throw new KaspiLoginError(`Kaspi asks for another step (${step.status})`, 'login.api', 'FAILED');
    return step.login;
  }

  /** Sends the SMS code; Kaspi may then want the code it e-mailed, or which merchant, before the hand-off. */
  async verifyStep(pending: PendingSmsLogin, codeInput: string): Promise<SmsLoginStep> {
    const code = digitsOf(codeInput);
    const jar = new CookieJar(pending.cookies);
    return this.next(pending, jar, await this.postLogin(jar, { _c: code }));
  }

  /** The code Kaspi e-mailed after the SMS one: sent with the address its answer named, as the login page does. */
  async submitEmailCode(pending: PendingSmsLogin, codeInput: string): Promise<SmsLoginStep> {
    if (!pending.mfaUser) throw new KaspiLoginError('no e-mailed code was asked for', 'login.api', 'FAILED');
    const code = digitsOf(codeInput);
    const jar = new CookieJar(pending.cookies);
    return this.next(pending, jar, await this.postLogin(jar, { _u: pending.mfaUser, _m_c: code, _r_d: true }));
  }

  /** The merchant the seller chose when the login service asked (`su`); the session then covers it. */
  async chooseMerchant(pending: PendingSmsLogin, merchantUid: string): Promise<LoggedIn> {
    const jar = new CookieJar(pending.cookies);
    const step = await this.next(pending, jar, await this.postLogin(jar, { _s_m: merchantUid }));
    if (step.status !== 'done')
      throw new KaspiLoginError(
        `Kaspi asks for another step after the merchant (${step.status})`,
        'login.api',
        'FAILED',
      );
    return step.login;
  }

  private async next(pending: PendingSmsLogin, jar: CookieJar, response: KaspiResponse): Promise<SmsLoginStep> {
    const step = nextLoginStep(checkLoginAnswer(response));
    const carried = { ...pending, cookies: jar.toJSON() };
    if (step.next === 'email-code')
      return { status: 'email-code', email: step.email, pending: { ...carried, mfaUser: step.email } };
    if (step.next === 'choose-merchant')
      return { status: 'choose-merchant', merchants: step.merchants, pending: carried };
    return { status: 'done', login: await completeLogin(this.http, this.cabinet, jar, this.urls) };
  }

  private async primeSession(jar: CookieJar): Promise<void> {
    const landing = `${new URL(this.urls.shopUrl).origin}/mc/`;
    let url = `${this.urls.mcUrl}/oauth2/authorization/1?redirectUrl=${encodeURIComponent(landing)}`;
    // Two hops: mc kick-off → idmc authorize (→ idmc login page). Each sets the cookies the next step needs.
    for (let hop = 0; hop < 3; hop++) {
      const response = await this.http.send({
        endpoint: 'login.prime',
        service: 'login',
        method: 'GET',
        url,
        jar,
        retry: true,
        expect: 'redirect',
      });
      if (!response.location || response.status < 300 || response.status >= 400) break;
      const next = new URL(response.location, url);
      if (next.origin !== new URL(this.urls.idmcUrl).origin && next.origin !== new URL(this.urls.mcUrl).origin) break;
      if (/\/login\/?$/.test(next.pathname)) break;
      url = next.toString();
    }
  }

  private postLogin(jar: CookieJar, body: Record<string, unknown>): Promise<KaspiResponse> {
    const origin = new URL(this.urls.idmcUrl).origin;
    return this.http.send({
      endpoint: 'login.api',
      service: 'login',
      method: 'POST',
      url: `${this.urls.idmcUrl}/api/p/login`,
      jar,
      body,
      retry: false, // every call may send an SMS or spend a code attempt
      expect: 'json',
      headers: { accept: 'application/json, text/plain, */*', origin, referer: `${origin}/login` },
    });
  }
}

function digitsOf(codeInput: string): string {
  const code = codeInput.replace(/\s|-/g, '');
  if (!/^\d{4,8}$/.test(code))
    throw new KaspiLoginError('the code is digits only', 'login.code', 'SECURITY_CODE_INVALID');
  return code;
}

/** After idmc accepted the account: OAuth hand-off, then the merchants the account may manage. */
async function completeLogin(
  http: KaspiHttp,
  cabinet: KaspiCabinetClient,
  jar: CookieJar,
  urls: KaspiUrls,
): Promise<LoggedIn> {
  await walkOAuthHandoff(http, jar, urls);
  const merchants = await cabinet.listMerchants(jar);
  if (merchants.length === 0)
    throw new KaspiLoginError('the account has no merchants', 'cabinet.merchants', 'NO_MERCHANTS');
  return { cookies: jar.toJSON(), merchants };
}
