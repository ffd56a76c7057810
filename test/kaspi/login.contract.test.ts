import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KaspiLoginError } from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';

let sandbox: KaspiSandbox;
let kaspi: Kaspi;
const { logger, text: logText } = captureLogger('info');

beforeAll(async () => {
  sandbox = await startKaspiSandbox({ seed: 3, timeScale: 100, rivalTickMs: 0, productsPerMerchant: 5, logger: captureLogger('silent').logger });
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
    expect(Object.keys(pending.cookies)).toContain('MS_AUTH_SSO');
    const code = sandbox.lastCode('+7 (701) 000-00-01');
    expect(code).toMatch(/^\d{6}$/);

    const loggedIn = await kaspi.smsLogin.verify(pending, code!);
    expect(loggedIn.merchants.map((merchant) => merchant.uid)).toEqual(['30067228']);
    expect(Object.keys(loggedIn.cookies)).toEqual(expect.arrayContaining(['mc-session', 'mc-sid']));
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
    const first = kaspi.loginLock.run('phone:+7 (701) 000-00-09', () => new Promise<void>((resolve) => (release = resolve)));
    expect((await loginError(kaspi.loginLock.run('phone:+7 (701) 000-00-09', async () => undefined))).errorCode).toBe('LOGIN_IN_PROGRESS');
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
    const result = await kaspi.emailLogin.submitCode(started.loginId, sandbox.lastCode('seller@example.kz')!);
    expect(result.merchants.map((merchant) => merchant.uid)).toEqual(['30067228']);
    expect(Object.keys(result.cookies)).toEqual(expect.arrayContaining(['mc-session', 'mc-sid']));
    expect(kaspi.emailLogin.openLogins).toBe(0);
  });

  it('logs in at once without MFA', async () => {
    const started = await kaspi.emailLogin.start('nomfa@example.kz', 'Sandbox-Pass-2');
    expect(started.status).toBe('done');
    if (started.status === 'done') expect(started.result.merchants.map((merchant) => merchant.uid)).toEqual(['30463421']);
  });

  it('says the password is wrong, and leaves no browser open', async () => {
    expect((await loginError(kaspi.emailLogin.start('nomfa@example.kz', 'wrong-password'))).errorCode).toBe('CREDENTIALS_INVALID');
    expect(kaspi.emailLogin.openLogins).toBe(0);
  });
});
