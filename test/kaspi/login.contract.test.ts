import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CookieJar } from '../../src/kaspi/cookie-jar.js';
import { KaspiLoginError, loginNextStep } from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';

let sandbox: KaspiSandbox;
let kaspi: Kaspi;
const { logger, text: logText } = captureLogger('info');

beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: 3,
    timeScale: 100,
    rivalTickMs: 0,
    productsPerMerchant: 5,
    logger: captureLogger('silent').logger,
  });
  kaspi = kaspiFor(sandbox, logger);
});
afterAll(async () => {
  await kaspi?.close();
  await sandbox?.close();
});

async function loginError(task: Promise<unknown>): Promise<KaspiLoginError> {
  try {
    await task;
  } catch (error) {
    expect(error).toBeInstanceOf(KaspiLoginError);
    return error as KaspiLoginError;
  }
  throw new Error('expected a KaspiLoginError');
}

describe('SMS login against the Kaspi sandbox (plain HTTP)', () => {
  it('logs in with a phone typed any common way and a code from the SMS', async () => {
    const pending = await kaspi.smsLogin.start('8 701 000 00 01');
    expect(pending.phone).toBe('+7 (701) 000-00-01');
    expect(new CookieJar(pending.cookies).has('MS_AUTH_SSO')).toBe(true);
    const code = sandbox.lastCode('+7 (701) 000-00-01');
    expect(code).toMatch(/^\d{6}$/);

    const loggedIn = await kaspi.smsLogin.verify(pending, code!);
    expect(loggedIn.merchants.map((merchant) => merchant.uid)).toEqual(['30067228']);
    expect(new CookieJar(loggedIn.cookies).has('mc-session', 'mc-sid')).toBe(true);
    // Neither the code nor the cookies were logged.
    expect(logText()).not.toContain(code!);
    expect(logText()).not.toContain(loggedIn.cookies['mc-sid']!);
  });

  it('lists every merchant of an account that has several', async () => {
    const pending = await kaspi.smsLogin.start('+77010000002');
    const loggedIn = await kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-02')!);
    expect(loggedIn.merchants.map((merchant) => merchant.uid).sort()).toEqual(['30067228', '30463421']);
  });

  it('maps Kaspi’s refusals to typed errors with seller messages', async () => {
    expect((await loginError(kaspi.smsLogin.start('+1 415 555 0100'))).errorCode).toBe('PHONE_INVALID');
    expect((await loginError(kaspi.smsLogin.start('+7 701 999 99 99'))).errorCode).toBe('PHONE_NOT_FOUND');

    const pending = await kaspi.smsLogin.start('+7 701 000 00 03');
    const noMerchants = await loginError(kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-03')!));
    expect(noMerchants.errorCode).toBe('NO_MERCHANTS');
    expect(noMerchants.sellerMessage).toBe('kaspi-login-no-merchants');
  });

  it('a wrong code can be retried; the third wrong code voids the login', async () => {
    const sandbox2 = await startKaspiSandbox({ seed: 4, timeScale: 100, rivalTickMs: 0, productsPerMerchant: 1 });
    const kaspi2 = kaspiFor(sandbox2, captureLogger('silent').logger);
    try {
      const pending = await kaspi2.smsLogin.start('+7 701 000 00 01');
      const right = sandbox2.lastCode('+7 (701) 000-00-01')!;
      const wrong = right === '000000' ? '111111' : '000000';
      expect((await loginError(kaspi2.smsLogin.verify(pending, wrong))).errorCode).toBe('SECURITY_CODE_INVALID');
      expect((await loginError(kaspi2.smsLogin.verify(pending, 'abc'))).errorCode).toBe('SECURITY_CODE_INVALID'); // refused before Kaspi
      expect((await loginError(kaspi2.smsLogin.verify(pending, wrong))).errorCode).toBe('SECURITY_CODE_INVALID');
      expect((await loginError(kaspi2.smsLogin.verify(pending, wrong))).errorCode).toBe('MFA_CODE_ATTEMPT_LIMIT');
      expect((await loginError(kaspi2.smsLogin.verify(pending, right))).errorCode).not.toBeUndefined();
    } finally {
      await sandbox2.close();
    }
  });

  it('reports MFA_SEND_FLOOD with Kaspi’s break time when a code is requested again too soon', async () => {
    await kaspi.smsLogin.start('+7 701 000 00 01').catch(() => undefined);
    const flood = await loginError(kaspi.smsLogin.start('+7 701 000 00 01'));
    expect(flood.errorCode).toBe('MFA_SEND_FLOOD');
    expect(flood.breakTimeSeconds).toBeGreaterThan(0);
    expect(flood.sellerMessage).toBe('kaspi-login-flood');
  });

  it('keeps one login at a time per account', async () => {
    let release!: () => void;
    const first = kaspi.loginLock.run(
      'phone:+7 (701) 000-00-09',
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    expect((await loginError(kaspi.loginLock.run('phone:+7 (701) 000-00-09', async () => undefined))).errorCode).toBe(
      'LOGIN_IN_PROGRESS',
    );
    release();
    await first;
    await expect(kaspi.loginLock.run('phone:+7 (701) 000-00-09', async () => 'again')).resolves.toBe('again');
  });
});

describe('e-mail login in real Chromium on the sandbox login page', () => {
  it('asks for the e-mailed code, then logs in; the browser is closed afterwards', async () => {
    const started = await kaspi.emailLogin.start('seller@example.kz', 'Sandbox-Pass-1');
    expect(started.status).toBe('code-required');
    if (started.status !== 'code-required') return;
    expect(kaspi.emailLogin.openLogins).toBe(1);
    const step = await kaspi.emailLogin.submitCode(started.loginId, sandbox.lastCode('seller@example.kz')!);
    if (step.status !== 'done') throw new Error(`expected a finished login, got ${step.status}`);
    expect(step.result.merchants.map((merchant) => merchant.uid)).toEqual(['30067228']);
    expect(new CookieJar(step.result.cookies).has('mc-session', 'mc-sid')).toBe(true);
    expect(kaspi.emailLogin.openLogins).toBe(0);
  });

  it('logs in at once without MFA', async () => {
    const started = await kaspi.emailLogin.start('nomfa@example.kz', 'Sandbox-Pass-2');
    expect(started.status).toBe('done');
    if (started.status === 'done')
      expect(started.result.merchants.map((merchant) => merchant.uid)).toEqual(['30463421']);
  });

  it('says the password is wrong, and leaves no browser open', async () => {
    expect((await loginError(kaspi.emailLogin.start('nomfa@example.kz', 'wrong-password'))).errorCode).toBe(
      'CREDENTIALS_INVALID',
    );
    expect(kaspi.emailLogin.openLogins).toBe(0);
  });
});

describe('the login service’s other answers (REFERENCE §1.3) get their next step, by SMS and by e-mail', () => {
  /** A second SMS to one number within Kaspi's pause is MFA_SEND_FLOOD: wait it out (scaled). */
  async function startSms(client: Kaspi, phone: string) {
    for (let tries = 0; ; tries++) {
      try {
        return await client.smsLogin.start(phone);
      } catch (error) {
        if (!(error instanceof KaspiLoginError) || error.errorCode !== 'MFA_SEND_FLOOD' || tries > 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  }

  it('`su` after the SMS code: the merchant is chosen, and the session covers that merchant only', async () => {
    const pending = await startSms(kaspi, '+7 701 000 00 04');
    const step = await kaspi.smsLogin.verifyStep(pending, sandbox.lastCode('+7 (701) 000-00-04')!);
    if (step.status !== 'choose-merchant') throw new Error(`expected the merchant question, got ${step.status}`);
    expect(step.merchants.map((merchant) => merchant.uid).sort()).toEqual(['30067228', '30463421']);
    expect(step.merchants.every((merchant) => typeof merchant.name === 'string' && merchant.name.length > 0)).toBe(
      true,
    );
    // The old one-step call says so rather than pretend the login is over.
    const again = await startSms(kaspi, '+7 701 000 00 04');
    expect((await loginError(kaspi.smsLogin.verify(again, sandbox.lastCode('+7 (701) 000-00-04')!))).errorCode).toBe(
      'FAILED',
    );

    expect((await loginError(kaspi.smsLogin.chooseMerchant(step.pending, '99999999'))).errorCode).toBe(
      'INSUFFICIENT_PERMISSIONS',
    );
    const loggedIn = await kaspi.smsLogin.chooseMerchant(step.pending, '30463421');
    expect(loggedIn.merchants.map((merchant) => merchant.uid)).toEqual(['30463421']);
  });

  it('`email` after the SMS code: the e-mailed code is sent with the address Kaspi named', async () => {
    const pending = await startSms(kaspi, '+7 701 000 00 05');
    const step = await kaspi.smsLogin.verifyStep(pending, sandbox.lastCode('+7 (701) 000-00-05')!);
    if (step.status !== 'email-code') throw new Error(`expected an e-mailed code, got ${step.status}`);
    expect(step.email).toBe('p***@example.kz');
    const code = sandbox.lastCode('phone-owner@example.kz')!;
    const wrong = code === '111111' ? '222222' : '111111';
    expect((await loginError(kaspi.smsLogin.submitEmailCode(step.pending, wrong))).errorCode).toBe(
      'SECURITY_CODE_INVALID',
    );
    const done = await kaspi.smsLogin.submitEmailCode(step.pending, code);
    if (done.status !== 'done') throw new Error(`expected a finished login, got ${done.status}`);
    expect(done.login.merchants.map((merchant) => merchant.uid)).toEqual(['30067228']);
  });

  it('a code past Kaspi’s time is TIMEOUT_EXCEEDED, whose next step is a new code, and a new code works', async () => {
    const short = await startKaspiSandbox({
      seed: 6,
      timeScale: 100,
      rivalTickMs: 0,
      productsPerMerchant: 1,
      limits: { codeTtlMs: 20_000 },
      logger: captureLogger('silent').logger,
    });
    const client = kaspiFor(short, captureLogger('silent').logger);
    try {
      const pending = await client.smsLogin.start('+7 701 000 00 01');
      await new Promise((resolve) => setTimeout(resolve, 400)); // 20 s at timeScale 100 is 200 ms
      const expired = await loginError(client.smsLogin.verify(pending, short.lastCode('+7 (701) 000-00-01')!));
      expect(expired.errorCode).toBe('TIMEOUT_EXCEEDED');
      expect(expired.sellerMessage).toBe('kaspi-login-code-expired');
      expect(loginNextStep(expired.errorCode)).toBe('new-code');
      const fresh = await startSms(client, '+7 701 000 00 01');
      expect((await client.smsLogin.verify(fresh, short.lastCode('+7 (701) 000-00-01')!)).merchants).toHaveLength(1);
    } finally {
      await client.close();
      await short.close();
    }
  });

  it.each([
    ['MFA_SEND_FLOOD', 'wait', 'kaspi-login-flood'],
    ['MFA_CODE_TOO_MANY_SEND', 'wait', 'kaspi-login-flood'],
    ['MFA_CODE_ATTEMPT_LIMIT', 'restart', 'kaspi-login-code-attempts'],
    ['MFA_CODE_INVALID', 'retry', 'kaspi-login-code-invalid'],
    ['TIMEOUT_EXCEEDED', 'new-code', 'kaspi-login-code-expired'],
  ])('%s from the login service: next step %s, message %s', async (errorCode, next, key) => {
    const pending = await startSms(kaspi, '+7 701 000 00 01');
    sandbox.injectFaults({ target: 'idmc', loginErrors: [{ errorCode, breakTimeSeconds: 95 }] });
    const refused = await loginError(kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!));
    expect(refused.errorCode).toBe(errorCode);
    expect(refused.breakTimeSeconds).toBe(95);
    expect(loginNextStep(refused.errorCode)).toBe(next);
    expect(refused.sellerMessage).toBe(key);
  });

  it('by e-mail: `su` after the password — the merchant is chosen from the open page', async () => {
    const started = await kaspi.emailLogin.begin('owner@example.kz', 'Sandbox-Pass-3');
    if (started.status !== 'choose-merchant') throw new Error(`expected the merchant question, got ${started.status}`);
    expect(started.merchants.map((merchant) => merchant.uid).sort()).toEqual(['30067228', '30463421']);
    expect(kaspi.emailLogin.openLogins).toBe(1);
    const loggedIn = await kaspi.emailLogin.chooseMerchant(started.loginId, '30067228');
    expect(loggedIn.merchants.map((merchant) => merchant.uid)).toEqual(['30067228']);
    expect(kaspi.emailLogin.openLogins).toBe(0);
    // Without anyone to ask, the store's own merchant answers; without one the question is a failure.
    const auto = await kaspi.emailLogin.start('owner@example.kz', 'Sandbox-Pass-3', '30463421');
    expect(auto.status === 'done' && auto.result.merchants.map((merchant) => merchant.uid)).toEqual(['30463421']);
    expect((await loginError(kaspi.emailLogin.start('owner@example.kz', 'Sandbox-Pass-3'))).errorCode).toBe(
      'MERCHANT_CHOICE_REQUIRED',
    );
    expect(kaspi.emailLogin.openLogins).toBe(0);
  });

  it('by e-mail: Kaspi’s pause before a code, and an expired e-mailed code, come back with their codes', async () => {
    sandbox.injectFaults({ target: 'idmc', loginErrors: [{ errorCode: 'MFA_SEND_FLOOD', breakTimeSeconds: 42 }] });
    const flood = await loginError(kaspi.emailLogin.begin('seller@example.kz', 'Sandbox-Pass-1'));
    expect([flood.errorCode, flood.breakTimeSeconds, loginNextStep(flood.errorCode)]).toEqual([
      'MFA_SEND_FLOOD',
      42,
      'wait',
    ]);
    expect(kaspi.emailLogin.openLogins).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 700)); // the sandbox's own pause between two codes
    const started = await kaspi.emailLogin.begin('seller@example.kz', 'Sandbox-Pass-1');
    if (started.status !== 'code-required') throw new Error(`expected a code, got ${started.status}`);
    sandbox.injectFaults({ target: 'idmc', loginErrors: [{ errorCode: 'TIMEOUT_EXCEEDED' }] });
    const expired = await loginError(
      kaspi.emailLogin.submitCode(started.loginId, sandbox.lastCode('seller@example.kz')!),
    );
    expect(loginNextStep(expired.errorCode)).toBe('new-code');
    expect(kaspi.emailLogin.openLogins).toBe(0);
  });
});

describe('e-mail login like a person’s browser', () => {
  it('passes the login page’s check for headless browsers (the sandbox walls «HeadlessChrome» as Kaspi’s WAF does)', async () => {
    const wall = await fetch(`${sandbox.idmcUrl}/login`, {
      headers: {
        'user-agent':
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      },
    });
    expect(wall.status).toBe(403);
    const started = await kaspi.emailLogin.begin('nomfa@example.kz', 'Sandbox-Pass-2');
    expect(started.status).toBe('done');
  });

  it('without Chromium: unavailable at once, with the message that sends the seller to SMS', async () => {
    const { EmailLogin } = await import('../../src/kaspi/auth/email-login.js');
    const none = new EmailLogin(kaspi.cabinet, kaspi.urls, '/nowhere/chromium', captureLogger('silent').logger);
    expect(none.available).toBe(false);
    const refused = await loginError(none.begin('seller@example.kz', 'Sandbox-Pass-1'));
    expect(refused.errorCode).toBe('BROWSER_UNAVAILABLE');
    expect(refused.sellerMessage).toBe('kaspi-login-email-unavailable');
    expect(kaspi.emailLogin.available).toBe(true);
  });
});
