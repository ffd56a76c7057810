import type { CookieJar } from '../cookie-jar.js';
import { KaspiLoginError } from '../errors.js';
import type { KaspiHttp } from '../http.js';

export interface KaspiUrls {
  idmcUrl: string;
  mcUrl: string;
  shopUrl: string;
}

const MAX_HOPS = 10;

/**
 * Walks the idmc → mc OAuth2 hand-off by hand (REFERENCE §1.1): automatic redirects would hide the cookies set
 * on intermediate hops. Starts at the cabinet's own kick-off, follows at most 10 hops and only to Kaspi's
 * configured hosts, and requires `mc-session` and `mc-sid` at the end.
 */
export async function walkOAuthHandoff(http: KaspiHttp, jar: CookieJar, urls: KaspiUrls): Promise<void> {
  const allowedOrigins = new Set([urls.idmcUrl, urls.mcUrl, urls.shopUrl].map((url) => new URL(url).origin));
  const landing = `${new URL(urls.shopUrl).origin}/mc/`;
  let url = `${urls.mcUrl}/oauth2/authorization/1?redirectUrl=${encodeURIComponent(landing)}`;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const response = await http.send({
      endpoint: 'login.oauth-handoff',
      service: 'login',
      method: 'GET',
      url,
      jar,
      retry: false,
      expect: 'redirect',
    });
    if (response.status < 300 || response.status >= 400 || !response.location) break;
    const next = new URL(response.location, url);
    if (!allowedOrigins.has(next.origin)) {
      throw new KaspiLoginError(
        `OAuth hand-off tried to leave Kaspi (${next.origin})`,
        'login.oauth-handoff',
        'FAILED',
      );
    }
    if (/\/login\/?$/.test(next.pathname) && next.origin === new URL(urls.idmcUrl).origin) {
      // Sent back to the login page: the idmc session did not authenticate.
      throw new KaspiLoginError('Kaspi sent the hand-off back to the login page', 'login.oauth-handoff', 'NO_SESSION');
    }
    url = next.toString();
  }
  if (!jar.has('mc-session', 'mc-sid')) {
    throw new KaspiLoginError(
      'login finished without mc-session and mc-sid cookies',
      'login.oauth-handoff',
      'MISSING_COOKIES',
    );
  }
}
