import type { Logger } from '../../logger.js';
import type { KaspiCabinetClient } from '../cabinet-client.js';
import { CookieJar } from '../cookie-jar.js';
import { KaspiLoginError } from '../errors.js';
import type { KaspiHttp, KaspiResponse } from '../http.js';
import { loginResponse, parseKaspi } from '../schemas.js';
import { walkOAuthHandoff, type KaspiUrls } from './oauth-handoff.js';
import { maskPhone, normalizeKazakhPhone } from './phone.js';

/**
 * What must survive between "send the code" and "check the code" (two chat messages, possibly two processes):
 * the cookie jar of step 2 — without it Kaspi answers FAILED. The caller seals it before storing it.
 */
export interface PendingSmsLogin {
  phone: string;
  cookies: Record<string, string>;
  startedAt: number;
}

export interface LoggedIn {
  cookies: Record<string, string>;
  merchants: { uid: string; name: string | undefined }[];
}

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
    await this.http.send({ endpoint: 'login.page', service: 'login', method: 'GET', url: `${this.urls.idmcUrl}/login`, jar, retry: true, expect: 'text' });
    const response = await this.postLogin(jar, { _ph: phone });
    const body = checkLoginAnswer(response);
    if (!body.phone) throw new KaspiLoginError('Kaspi did not confirm the SMS was sent', 'login.api', 'FAILED');
    this.logger.info({ phone: maskPhone(phone) }, 'Kaspi SMS code requested');
    return { phone, cookies: jar.toJSON(), startedAt: Date.now() };
  }

  /** Sends the code, walks the OAuth hand-off and lists the account's merchants. */
  async verify(pending: PendingSmsLogin, codeInput: string): Promise<LoggedIn> {
    const code = codeInput.replace(/\s|-/g, '');
    if (!/^\d{4,8}$/.test(code)) throw new KaspiLoginError('the SMS code is digits only', 'login.code', 'SECURITY_CODE_INVALID');
    const jar = new CookieJar(pending.cookies);
    const response = await this.postLogin(jar, { _c: code });
    const body = checkLoginAnswer(response);
    if (body.redirectUrl === undefined) throw new KaspiLoginError('Kaspi accepted the code but gave no redirect', 'login.api', 'FAILED');
    return completeLogin(this.http, this.cabinet, jar, this.urls);
  }

  private async primeSession(jar: CookieJar): Promise<void> {
    const landing = `${new URL(this.urls.shopUrl).origin}/mc/`;
    let url = `${this.urls.mcUrl}/oauth2/authorization/1?redirectUrl=${encodeURIComponent(landing)}`;
    // Two hops: mc kick-off → idmc authorize (→ idmc login page). Each sets the cookies the next step needs.
    for (let hop = 0; hop < 3; hop++) {
      const response = await this.http.send({ endpoint: 'login.prime', service: 'login', method: 'GET', url, jar, retry: true, expect: 'redirect' });
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

/** Reads `POST /api/p/login`: Kaspi's errorCode becomes a KaspiLoginError with a seller-readable key. */
export function checkLoginAnswer(response: KaspiResponse) {
  if (response.status >= 400 || response.json === undefined) {
    const parsed = loginResponse.safeParse(response.json);
    const errorCode = (parsed.success ? parsed.data.errorCode : undefined) ?? 'FAILED';
    const breakTime = parsed.success ? (parsed.data.errorData?.breakTimeSeconds ?? undefined) : undefined;
    throw new KaspiLoginError(`Kaspi refused the login step (${response.status} ${errorCode})`, 'login.api', errorCode, breakTime);
  }
  const body = parseKaspi(loginResponse, response.json, 'login.api');
  if (body.errorCode) throw new KaspiLoginError(`Kaspi refused the login step (${body.errorCode})`, 'login.api', body.errorCode, body.errorData?.breakTimeSeconds ?? undefined);
  return body;
}

/** After idmc accepted the account: OAuth hand-off, then the merchants the account may manage. */
export async function completeLogin(http: KaspiHttp, cabinet: KaspiCabinetClient, jar: CookieJar, urls: KaspiUrls): Promise<LoggedIn> {
  await walkOAuthHandoff(http, jar, urls);
  const merchants = await cabinet.listMerchants(jar);
  if (merchants.length === 0) throw new KaspiLoginError('the account has no merchants', 'cabinet.merchants', 'NO_MERCHANTS');
  return { cookies: jar.toJSON(), merchants };
}
