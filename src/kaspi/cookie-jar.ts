import { isIP } from 'node:net';

import { Cookie, CookieJar as ToughCookieJar, getPublicSuffix } from 'tough-cookie';

/** A cookie the browser of an e-mail login holds (Playwright's shape). */
export interface BrowserCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Seconds since the epoch; -1 for a session cookie. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
}

/**
 * The cookies of one Kaspi login or cabinet session, kept by RFC 6265's domain and path rules (tough-cookie):
 * Kaspi sets its login cookies on `.kaspi.kz`, shared by idmc, mc and the storefront, and host-only cookies that
 * belong to one host; a browser sends each only where it belongs, and so does this jar.
 *
 * The jar is stored (sealed) as a flat map, one entry per cookie keyed `name@domain/path`, so a refresh can be
 * merged cookie by cookie into the latest stored copy. A session sealed before the jar knew domains holds bare
 * `name → value` pairs that were sent to every Kaspi host; they are given the registrable domain of the first
 * Kaspi URL they are used with, which is where they came from.
 */
export class CookieJar {
  private readonly jar = new ToughCookieJar(undefined, { rejectPublicSuffixes: true, allowSecureOnLocal: true });
  private legacy = new Map<string, string>();
  /** Called after `absorb` changed cookies (the session manager stores a rotated session cookie at once). */
  onChange: ((names: string[]) => void) | undefined;

  constructor(initial?: Record<string, string>) {
    for (const [key, value] of Object.entries(initial ?? {})) {
      if (!key.includes('@')) this.legacy.set(key, value);
      else {
        const cookie = Cookie.fromJSON(value);
        if (cookie) this.put(cookie);
      }
    }
  }

  /** Takes every `Set-Cookie` header of a response from `url`; an expired or emptied cookie is removed. */
  absorb(setCookie: string[] | string | undefined, url: string): string[] {
    const headers = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
    if (headers.length === 0) return [];
    this.adoptLegacy(url);
    const before = this.toJSON();
    for (const header of headers) {
      const cookie = Cookie.parse(header);
      if (!cookie) continue;
      // Max-Age counts from when the cookie arrived (tough-cookie would count it from the last access).
      if (typeof cookie.maxAge === 'number') {
        cookie.expires = new Date(cookie.maxAge > 0 ? Date.now() + cookie.maxAge * 1000 : 0);
        cookie.maxAge = null;
      }
      // An emptied value is how Kaspi (and the sandbox) clears a cookie without an expiry date.
      if (cookie.value === '') cookie.expires = new Date(0);
      this.jar.setCookieSync(cookie, url, { ignoreError: true });
    }
    const changed = changedNames(before, this.toJSON());
    if (changed.length) this.onChange?.(changed);
    return changed;
  }

  /** Takes the cookies a login browser ended with. */
  absorbBrowserCookies(cookies: readonly BrowserCookie[]): void {
    for (const browserCookie of cookies) {
      const domainCookie = browserCookie.domain.startsWith('.');
      const host = browserCookie.domain.replace(/^\./, '');
      const cookie = new Cookie({
        key: browserCookie.name,
        value: browserCookie.value,
        path: browserCookie.path || '/',
        expires: browserCookie.expires > 0 ? new Date(browserCookie.expires * 1000) : 'Infinity',
        httpOnly: browserCookie.httpOnly,
        secure: browserCookie.secure,
        ...(domainCookie ? { domain: host } : {}),
      });
      this.jar.setCookieSync(cookie, `https://${host}${cookie.path ?? '/'}`, { ignoreError: true });
    }
  }

  /** The `Cookie` header a browser would send to `url`; undefined when no cookie belongs there. */
  header(url: string): string | undefined {
    this.adoptLegacy(url);
    return this.jar.getCookieStringSync(url) || undefined;
  }

  /** A cookie's value on any host. */
  get(name: string): string | undefined {
    return this.legacy.get(name) ?? this.cookies().find((cookie) => cookie.key === name)?.value;
  }

  /** Whether every one of `names` is held (on any host). */
  has(...names: string[]): boolean {
    const held = new Set([...this.legacy.keys(), ...this.cookies().map((cookie) => cookie.key)]);
    return names.every((name) => held.has(name));
  }

  toJSON(): Record<string, string> {
    const entries: [string, string][] = [...this.legacy];
    for (const cookie of this.cookies()) entries.push([storedKey(cookie), storedValue(cookie)]);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  clone(): CookieJar {
    return new CookieJar(this.toJSON());
  }

  /** The live cookies (expired ones are dropped as a browser would). */
  private cookies(): Cookie[] {
    const now = Date.now();
    return (this.jar.serializeSync()?.cookies ?? [])
      .map((serialized) => Cookie.fromJSON(serialized))
      .filter((cookie): cookie is Cookie => cookie !== undefined && (cookie.expiryTime() ?? Infinity) > now);
  }

  private put(cookie: Cookie): void {
    const host = cookie.domain ?? '';
    const path = cookie.path ?? '/';
    const copy = cookie.clone();
    if (copy && cookie.hostOnly) copy.domain = null;
    if (copy) this.jar.setCookieSync(copy, `https://${host}${path}`, { ignoreError: true });
  }

  private adoptLegacy(url: string): void {
    if (this.legacy.size === 0) return;
    const host = new URL(url).hostname;
    const domain = isIP(host) || host === 'localhost' ? undefined : getPublicSuffix(host);
    for (const [name, value] of this.legacy) {
      const cookie = new Cookie({ key: name, value, path: '/', ...(domain ? { domain } : {}) });
      this.jar.setCookieSync(cookie, url, { ignoreError: true });
    }
    this.legacy = new Map();
  }
}

function storedKey(cookie: Cookie): string {
  return `${cookie.key}@${cookie.domain ?? ''}${cookie.path ?? '/'}`;
}

/**
 * What is kept of a cookie: its value, scope and absolute expiry. Access times are left out (they change on
 * every request and would make every call look like a rotation).
 */
function storedValue(cookie: Cookie): string {
  const expiry = cookie.expiryTime() ?? Infinity;
  return JSON.stringify({
    key: cookie.key,
    value: cookie.value,
    domain: cookie.domain,
    path: cookie.path,
    hostOnly: cookie.hostOnly,
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
    ...(Number.isFinite(expiry) ? { expires: new Date(expiry).toISOString() } : {}),
  });
}

/** The names of cookies that appeared, changed or went between two stored forms. */
function changedNames(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const names = [...keys].filter((key) => before[key] !== after[key]).map((key) => key.split('@')[0]!);
  return [...new Set(names)];
}
