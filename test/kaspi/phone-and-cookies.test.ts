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
  it('absorbs Set-Cookie headers, replaces values and drops expired cookies', () => {
    const jar = new CookieJar();
    expect(jar.absorb(['MS_AUTH_SSO=a1; Path=/; HttpOnly; SameSite=Lax', 'mc-session=s1; Path=/'])).toEqual([
      'MS_AUTH_SSO',
      'mc-session',
    ]);
    expect(jar.absorb('MS_AUTH_SSO=a2; Path=/')).toEqual(['MS_AUTH_SSO']);
    expect(jar.absorb('MS_AUTH_SSO=a2; Path=/')).toEqual([]);
    expect(jar.header()).toBe('MS_AUTH_SSO=a2; mc-session=s1');
    jar.absorb('mc-session=; Max-Age=0');
    jar.absorb(`old=x; Expires=${new Date(Date.now() - 1000).toUTCString()}`);
    expect(jar.toJSON()).toEqual({ MS_AUTH_SSO: 'a2' });
    expect(new CookieJar(jar.toJSON()).has('MS_AUTH_SSO')).toBe(true);
  });
});
