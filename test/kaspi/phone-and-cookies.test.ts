import { describe, expect, it } from 'vitest';

import { maskPhone, normalizeKazakhPhone } from '../../src/kaspi/auth/phone.js';
import { CookieJar } from '../../src/kaspi/cookie-jar.js';

describe('normalizeKazakhPhone', () => {
  it.each([
    ['+7 701 234 56 78', '+7 (701) 234-56-78'],
    ['87012345678', '+7 (701) 234-56-78'],
    ['77012345678', '+7 (701) 234-56-78'],
    ['7012345678', '+7 (701) 234-56-78'],
    ['+7(701)234-56-78', '+7 (701) 234-56-78'],
    ['+7 (701) 234-56-78', '+7 (701) 234-56-78'],
    ['8 (747) 000 11 22', '+7 (747) 000-11-22'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeKazakhPhone(input)).toBe(expected);
  });

  it.each([
    '',
    'abc',
    '12345',
    '+7 927 123 45 67',
    '+1 415 555 0100',
    '870123456789',
    '+7 701 234 56 7x',
    '7012345678; drop table',
  ])('refuses %j', (input) => {
    expect(normalizeKazakhPhone(input)).toBeUndefined();
  });

  it('masks for logs and chats', () => {
    expect(maskPhone('+7 (701) 234-56-78')).toBe('+7 (701) ***-**-78');
  });
});

describe('CookieJar', () => {
  const mc = 'https://mc.shop.kaspi.kz/s/m';
  const idmc = 'https://idmc.shop.kaspi.kz/api/p/login';
  const shop = 'https://kaspi.kz/yml/offer-view/offers/1';

  it('absorbs Set-Cookie headers, replaces values and drops expired cookies', () => {
    const jar = new CookieJar();
    expect(jar.absorb(['MS_AUTH_SSO=a1; Path=/; HttpOnly; SameSite=Lax', 'mc-session=s1; Path=/'], mc)).toEqual([
      'MS_AUTH_SSO',
      'mc-session',
    ]);
    expect(jar.absorb('MS_AUTH_SSO=a2; Path=/', mc)).toEqual(['MS_AUTH_SSO']);
    expect(jar.absorb('MS_AUTH_SSO=a2; Path=/', mc)).toEqual([]);
    expect(jar.header(mc)).toBe('MS_AUTH_SSO=a2; mc-session=s1');
    jar.absorb('mc-session=; Max-Age=0; Path=/', mc);
    jar.absorb(`old=x; Path=/; Expires=${new Date(Date.now() - 1000).toUTCString()}`, mc);
    expect(new CookieJar(jar.toJSON()).header(mc)).toBe('MS_AUTH_SSO=a2');
    expect(new CookieJar(jar.toJSON()).has('MS_AUTH_SSO')).toBe(true);
    expect(jar.has('mc-session')).toBe(false);
  });

  it('sends a .kaspi.kz cookie to every Kaspi host and a host-only cookie only to its host', () => {
    const jar = new CookieJar();
    jar.absorb(['MS_AUTH_SSO=sso; Domain=.kaspi.kz; Path=/; Secure', 'idmc-flow=f1; Path=/'], idmc);
    jar.absorb('mc-session=s1; Path=/; Secure', mc);
    expect(jar.header(mc)).toBe('MS_AUTH_SSO=sso; mc-session=s1');
    expect(jar.header(idmc)).toBe('MS_AUTH_SSO=sso; idmc-flow=f1');
    expect(jar.header(shop)).toBe('MS_AUTH_SSO=sso');
    // Never to a host outside Kaspi's domain, and a Secure cookie never over plain HTTP.
    expect(jar.header('https://evil.example/')).toBeUndefined();
    expect(jar.header('http://mc.shop.kaspi.kz/s/m')).toBeUndefined();
  });

  it('keeps path rules and refuses a cookie for a public suffix or a foreign domain', () => {
    const jar = new CookieJar();
    jar.absorb(['scoped=1; Path=/offers', 'kz=1; Domain=.kz; Path=/', 'foreign=1; Domain=example.com; Path=/'], mc);
    expect(jar.header('https://mc.shop.kaspi.kz/offers/list')).toBe('scoped=1');
    expect(jar.header(mc)).toBeUndefined();
    expect(jar.has('kz')).toBe(false);
    expect(jar.has('foreign')).toBe(false);
  });

  it('stores scopes and expiry across a round trip, and reading does not count as a change', () => {
    const jar = new CookieJar();
    jar.absorb(['mc-session=s1; Path=/; Max-Age=3600', 'MS_AUTH_SSO=sso; Domain=kaspi.kz; Path=/'], mc);
    const stored = jar.toJSON();
    jar.header(mc);
    expect(jar.toJSON()).toEqual(stored);
    const restored = new CookieJar(stored);
    expect(restored.header(mc)?.split('; ').sort()).toEqual(['MS_AUTH_SSO=sso', 'mc-session=s1']);
    expect(restored.header(idmc)).toBe('MS_AUTH_SSO=sso');
    expect(restored.toJSON()).toEqual(stored);
  });

  it('adopts a session stored as bare name → value pairs for the Kaspi domain it is first used with', () => {
    const legacy = new CookieJar({ 'mc-session': 's1', 'mc-sid': 'd1' });
    expect(legacy.has('mc-session', 'mc-sid')).toBe(true);
    expect(legacy.header(mc)?.split('; ').sort()).toEqual(['mc-session=s1', 'mc-sid=d1']);
    expect(legacy.header(idmc)?.split('; ').sort()).toEqual(['mc-session=s1', 'mc-sid=d1']);
    expect(legacy.header('https://evil.example/')).toBeUndefined();
    expect(Object.keys(legacy.toJSON())).toEqual(['mc-session@kaspi.kz/', 'mc-sid@kaspi.kz/']);
    // The sandbox runs on a loopback address: there the cookies stay with that host.
    expect(new CookieJar({ a: '1' }).header('http://127.0.0.1:4000/s/m')).toBe('a=1');
  });

  it("takes a login browser's cookies with their scope", () => {
    const jar = new CookieJar();
    jar.absorbBrowserCookies([
      {
        name: 'mc-session',
        value: 's1',
        domain: 'mc.shop.kaspi.kz',
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: true,
      },
      { name: 'MS_AUTH_SSO', value: 'sso', domain: '.kaspi.kz', path: '/', expires: -1, httpOnly: true, secure: true },
    ]);
    expect(jar.header(mc)?.split('; ').sort()).toEqual(['MS_AUTH_SSO=sso', 'mc-session=s1']);
    expect(jar.header(idmc)).toBe('MS_AUTH_SSO=sso');
  });
});
