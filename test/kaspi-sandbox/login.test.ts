import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { ALMATY, loginByHand, MERCHANT, raw, startTestSandbox } from './support.js';

let sandbox: KaspiSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.close());

describe('Kaspi sandbox login (idmc and the OAuth hand-off), spoken to by hand', () => {
  it('walks the SMS login and OAuth hand-off by hand, ending with cabinet cookies that work', async () => {
    const jar = await loginByHand(sandbox);
    expect(Object.keys(jar)).toEqual(expect.arrayContaining(['mc-session', 'mc-sid', 'mc_arr', 'MS_AUTH_SSO']));
    const merchants = await raw(`${sandbox.mcUrl}/s/m`, { cookies: jar, headers: { 'x-auth-version': '3' } });
    expect(merchants.json).toEqual({ merchants: [{ uid: MERCHANT, name: 'Sandbox Electronics' }] });
    expect((await raw(`${sandbox.mcUrl}/s/m`, { cookies: jar })).status).toBe(400); // x-auth-version: 3 is required
    const foreign = await raw(`${sandbox.mcUrl}/bff/offer-view/list?m=30463421&p=0&l=10&a=true`, {
      cookies: jar,
      headers: { 'x-auth-version': '3' },
    });
    expect(foreign.status).toBe(403);
    expect(
      (
        await raw(`${sandbox.mcUrl}/bff/offer-view/list?m=${MERCHANT}&p=0&l=101&a=true`, {
          cookies: jar,
          headers: { 'x-auth-version': '3' },
        })
      ).status,
    ).toBe(400);
  });

  it('refuses the login API without its session cookie, and the code step with the cookie from before the SMS', async () => {
    expect(
      (await raw(`${sandbox.idmcUrl}/api/p/login`, { method: 'POST', body: { _ph: '+7 (701) 000-00-01' } })).json,
    ).toEqual({ errorCode: 'NO_SESSION' });
    const page = await raw(`${sandbox.idmcUrl}/login`);
    await new Promise((resolve) => setTimeout(resolve, 60_000 / 100 + 20)); // past the previous SMS's resend pause
    const sent = await raw(`${sandbox.idmcUrl}/api/p/login`, {
      method: 'POST',
      body: { _ph: '+7 (701) 000-00-02' },
      cookies: page.setCookies,
    });
    expect(sent.status).toBe(200);
    const stale = await raw(`${sandbox.idmcUrl}/api/p/login`, {
      method: 'POST',
      body: { _c: sandbox.lastCode('+7 (701) 000-00-02') },
      cookies: page.setCookies,
    });
    expect(stale.json).toEqual({ errorCode: 'NO_SESSION' });
    expect(
      (
        await raw(`${sandbox.idmcUrl}/api/p/login`, {
          method: 'POST',
          body: { _ph: '77010000001' },
          cookies: sent.setCookies,
        })
      ).json,
    ).toEqual({ errorCode: 'PHONE_INVALID' });
  });

  it('hands out the sent codes and takes faults over its own HTTP endpoints (for other processes)', async () => {
    await loginByHand(sandbox, '+7 (701) 000-00-01');
    const code = await raw(`${sandbox.idmcUrl}/_sandbox/code?identity=${encodeURIComponent('+7 (701) 000-00-01')}`);
    expect(code.json).toEqual({ code: sandbox.lastCode('+7 (701) 000-00-01') });
    expect((await raw(`${sandbox.idmcUrl}/_sandbox/code?identity=nobody`)).status).toBe(404);
    expect(
      (
        await raw(`${sandbox.idmcUrl}/_sandbox/faults`, {
          method: 'POST',
          body: { target: 'storefront', serverErrors: 1 },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
          method: 'POST',
          body: { cityId: ALMATY },
          from: '127.0.0.5',
        })
      ).status,
    ).toBe(502);
    expect((await raw(`${sandbox.idmcUrl}/_sandbox/faults`, { method: 'POST', body: { target: 'moon' } })).status).toBe(
      400,
    );
  });
});
