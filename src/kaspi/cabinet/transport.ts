import type { CookieJar } from '../cookie-jar.js';
import type { KaspiHttp, KaspiRequest, KaspiResponse } from '../http.js';

/**
 * The request plumbing of the merchant cabinet (`mc.shop.kaspi.kz`): every call carries the cabinet's own
 * headers and the account's cookie jar; answers are classified by KaspiHttp (answers.ts, errors.ts).
 */
export class CabinetTransport {
  private readonly origin: string;

  constructor(
    private readonly http: KaspiHttp,
    private readonly mcUrl: string,
    shopUrl: string,
  ) {
    this.origin = new URL(shopUrl).origin;
  }

  /** A read is safe to repeat, so a transient failure is retried. */
  read(jar: CookieJar, endpoint: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<KaspiResponse> {
    return this.http.send({ ...this.base(jar, endpoint, method, path), body, expect: 'json', retry: true });
  }

  /** A write is sent once: repeating it could apply a change twice or spend the store's change budget. */
  write(
    jar: CookieJar,
    endpoint: string,
    path: string,
    body: unknown,
    expect: 'json' | 'text',
  ): Promise<KaspiResponse> {
    return this.http.send({ ...this.base(jar, endpoint, 'POST', path), body, expect, retry: false });
  }

  private base(
    jar: CookieJar,
    endpoint: string,
    method: 'GET' | 'POST',
    path: string,
  ): Omit<KaspiRequest, 'expect' | 'retry'> {
    return {
      endpoint,
      service: 'cabinet',
      method,
      url: `${this.mcUrl}${path}`,
      jar,
      headers: {
        accept: 'application/json, text/plain, */*',
        'x-auth-version': '3',
        origin: this.origin,
        referer: `${this.origin}/`,
      },
    };
  }
}
