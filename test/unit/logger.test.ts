import { describe, expect, it } from 'vitest';

import { REDACTED, registerSecretValue } from '../../src/logger.js';
import { captureLogger } from '../helpers/logs.js';

const SECRETS = {
  mcSession: 'mcsess-7f3a9c1d2e',
  mcSid: 'mcsid-55aa66bb77',
  sso: 'sso-0123456789abcdef',
  password: 'P@ssw0rd-Kaspi!',
  smsCode: '458801',
  token: '7012345678:AAHfakeTokenValueForTests_abcdefghij',
  secretKey: 'c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGVzIQ==',
  shopToken: 'shop-api-token-xyz987',
};

describe('logger redaction', () => {
  it('keeps cookies, passwords, codes, tokens and SECRET_KEY out of every log line', () => {
    const { logger, text, lines } = captureLogger();
    registerSecretValue(SECRETS.secretKey);

    logger.info(
      {
        store: 42,
        cookies: { 'mc-session': SECRETS.mcSession, 'mc-sid': SECRETS.mcSid },
        jar: [{ name: 'MS_AUTH_SSO', value: SECRETS.sso }],
        login: { _ph: '+7 (701) 234-56-78', _c: SECRETS.smsCode },
        loginForm: { email: 'seller@example.kz', password: SECRETS.password },
        botToken: SECRETS.token,
        headers: { Cookie: `mc-session=${SECRETS.mcSession}; mc-sid=${SECRETS.mcSid}`, 'x-auth-version': '3' },
        config: { SECRET_KEY: SECRETS.secretKey, httpPort: 8080 },
        nested: { deeper: { deepest: { 'X-Auth-Token': SECRETS.shopToken, code: SECRETS.smsCode } } },
      },
      'login step done',
    );

    const axiosLikeError = Object.assign(new Error(`Request failed; sent mc-session=${SECRETS.mcSession}`), {
      config: { headers: { Cookie: `mc-sid=${SECRETS.mcSid}` }, data: JSON.stringify({ _p: SECRETS.password }) },
      request: { _header: `Cookie: MS_AUTH_SSO=${SECRETS.sso}` },
      response: {
        status: 401,
        statusText: 'Unauthorized',
        headers: { 'set-cookie': [`mc-session=${SECRETS.mcSession}`] },
      },
    });
    logger.error({ err: axiosLikeError }, 'kaspi call failed');
    logger.warn(`raw text with mc-sid=${SECRETS.mcSid} and token ${SECRETS.token} and key ${SECRETS.secretKey}`);
    logger.debug(
      { sessionSealed: 'v1.abc.def.ghi.jkl', passwordSealed: 'v1.x.y.z.w' },
      'sealed values are not logged either',
    );

    const output = text();
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(output, `${name} leaked`).not.toContain(secret);
    }
    expect(output).not.toContain('v1.abc.def.ghi.jkl');

    const [first, second, third] = lines();
    // What is not secret stays readable, so the logs remain useful.
    expect(first).toMatchObject({
      store: 42,
      msg: 'login step done',
      login: { _ph: '+7 (701) 234-56-78', _c: REDACTED },
      loginForm: { email: 'seller@example.kz', password: REDACTED },
      jar: [{ name: 'MS_AUTH_SSO', value: REDACTED }],
      headers: { 'x-auth-version': '3' },
      config: { httpPort: 8080 },
    });
    expect(second).toMatchObject({ err: { type: 'Error', response: { status: 401 } } });
    expect(String((second!.err as Record<string, unknown>).message)).toContain(`mc-session=${REDACTED}`);
    expect(String(third!.msg)).toContain(`mc-sid=${REDACTED}`);
  });

  it('survives circular objects and buffers', () => {
    const { logger, lines } = captureLogger();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    logger.info({ circular, blob: Buffer.from('secret bytes') }, 'odd shapes');
    const [line] = lines();
    expect(line).toMatchObject({ circular: { name: 'loop', self: '[circular]' }, blob: '[12 bytes]' });
  });
});
