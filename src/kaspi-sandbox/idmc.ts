import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from '../logger.js';
import { ACCOUNTS, MERCHANTS } from './catalogue.js';
import { cookie, cookiesOf, readJson, redirect, sendHtml, sendJson } from './http-util.js';
import { loginPageHtml } from './login-page.js';
import type { SeededRandom } from './random.js';
import type { Handler } from './router.js';
import type { SandboxAccount, SandboxFaults, SandboxLimits } from './types.js';

/**
 * Accounts that make the login service answer its rarer ways (REFERENCE §1.3). They are not among the demo
 * logins the sandbox prints: tests name them.
 */
const LOGIN_VARIANT_ACCOUNTS: SandboxAccount[] = [
  // idmc asks which merchant before it hands out a session: `200 {su: […]}`, then `{_s_m: uid}`.
  { kind: 'sms', phone: '+7 (701) 000-00-04', merchantUids: ['30067228', '30463421'], chooseAtLogin: true },
  // After the SMS code Kaspi also e-mails one: `200 {email}`, then `{_u, _m_c, _r_d}`.
  { kind: 'sms', phone: '+7 (701) 000-00-05', merchantUids: ['30067228'], mfaEmail: 'phone-owner@example.kz' },
  {
    kind: 'email',
    email: 'owner@example.kz',
    password: 'Sandbox-Pass-3',
    merchantUids: ['30067228', '30463421'],
    mfa: false,
    chooseAtLogin: true,
  },
];

const ALL_ACCOUNTS = [...ACCOUNTS, ...LOGIN_VARIANT_ACCOUNTS];
const PHONE_FORMAT = /^\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}$/;
/** Kaspi's WAF walls a browser that says it is headless. */
const HEADLESS = /HeadlessChrome/i;

interface SsoSession {
  stage: 'anonymous' | 'code-sent' | 'choose-merchant' | 'authenticated';
  account?: SandboxAccount;
  code?: string;
  codeSentAt?: number;
  /** Where the pending code went: the SMS, or an e-mail (the password login, or the second step after an SMS). */
  channel?: 'sms' | 'email';
  attempts: number;
  /** The chosen merchant when idmc asked (`su`): the session covers it only. */
  merchantUid?: string;
  emailVerified?: boolean;
}

export interface IdmcWorld {
  limits: SandboxLimits;
  scaled(ms: number): number;
  random: SeededRandom;
  logger: Logger;
  token(bytes?: number): string;
  urls: { idmc: string; mc: string; shop: string };
  /** The next injected login refusal, if a test queued one. */
  nextLoginError(): NonNullable<SandboxFaults['loginErrors']>[number] | undefined;
}

/** Kaspi's login service (idmc): the login page, `POST /api/p/login` with every answer we know, OAuth authorize. */
export class IdmcSandbox {
  private readonly sso = new Map<string, SsoSession>();
  private readonly codes = new Map<string, string>();
  private readonly lastSend = new Map<string, number>();
  private readonly authorizationCodes = new Map<string, SandboxAccount>();

  constructor(private readonly world: IdmcWorld) {}

  lastCode(identity: string): string | undefined {
    return this.codes.get(identity) ?? this.codes.get(identity.toLowerCase());
  }

  /** The mc side of the OAuth hand-off: an authorization code is good once. */
  takeAuthorizationCode(code: string): SandboxAccount | undefined {
    const account = this.authorizationCodes.get(code);
    this.authorizationCodes.delete(code);
    return account;
  }

  routes(): Record<string, Handler> {
    return {
      'GET /login': (request, response) => {
        if (HEADLESS.test(request.headers['user-agent'] ?? '')) {
          return sendHtml(
            response,
            403,
            '<!doctype html><html><body><h1>Доступ ограничен</h1><p>Проверка браузера не пройдена.</p></body></html>',
          );
        }
        const cookies = cookiesOf(request);
        const setCookies: string[] = [];
        if (!cookies.MS_AUTH_SSO || !this.sso.has(cookies.MS_AUTH_SSO)) {
          const id = this.world.token();
          this.sso.set(id, { stage: 'anonymous', attempts: 0 });
          setCookies.push(cookie('MS_AUTH_SSO', id));
        }
        sendHtml(
          response,
          200,
          loginPageHtml(this.world.urls.mc, this.world.urls.shop),
          setCookies.length ? { 'set-cookie': setCookies } : {},
        );
      },
      'POST /api/p/login': async (request, response) => this.apiLogin(request, response),
      'GET /oauth2/authorize': (request, response, url) => {
        const cookies = cookiesOf(request);
        const sso = cookies.MS_AUTH_SSO ? this.sso.get(cookies.MS_AUTH_SSO) : undefined;
        const redirectUri = url.searchParams.get('redirect_uri') ?? '';
        const state = url.searchParams.get('state') ?? '';
        if (!sso) {
          const id = this.world.token();
          this.sso.set(id, { stage: 'anonymous', attempts: 0 });
          return redirect(response, '/login', [cookie('MS_AUTH_SSO', id)]);
        }
        if (sso.stage !== 'authenticated' || !sso.account || !redirectUri.startsWith(this.world.urls.mc))
          return redirect(response, '/login');
        const code = this.world.token(12);
        this.authorizationCodes.set(
          code,
          sso.merchantUid ? { ...sso.account, merchantUids: [sso.merchantUid] } : sso.account,
        );
        redirect(response, `${redirectUri}?code=${code}&state=${encodeURIComponent(state)}`);
      },
    };
  }

  private async apiLogin(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const cookies = cookiesOf(request);
    const ssoId = cookies.MS_AUTH_SSO;
    const sso = ssoId ? this.sso.get(ssoId) : undefined;
    if (!ssoId || !sso) return sendJson(response, 401, { errorCode: 'NO_SESSION' });
    const body = (await readJson(request)) as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return sendJson(response, 400, { errorCode: 'BAD_REQUEST' });
    const fault = this.world.nextLoginError();
    if (fault) {
      const errorData = fault.breakTimeSeconds === undefined ? undefined : { breakTimeSeconds: fault.breakTimeSeconds };
      return sendJson(response, fault.status ?? 401, {
        errorCode: fault.errorCode,
        ...(errorData ? { errorData } : {}),
      });
    }

    const rotate = (next: SsoSession) => {
      // Kaspi answers each step with a new MS_AUTH_SSO; the old value is void (REFERENCE §1.2 step 3).
      this.sso.delete(ssoId);
      const id = this.world.token();
      this.sso.set(id, next);
      return [cookie('MS_AUTH_SSO', id)];
    };
    const sendCode = (
      identity: string,
      channel: 'sms' | 'email',
      next: Omit<SsoSession, 'stage' | 'attempts'>,
      reply: Record<string, unknown>,
    ) => {
      const last = this.lastSend.get(identity);
      const now = Date.now();
      const wait = last === undefined ? 0 : last + this.world.scaled(this.world.limits.smsResendMs) - now;
      if (wait > 0)
        return sendJson(response, 401, {
          errorCode: 'MFA_SEND_FLOOD',
          errorData: { breakTimeSeconds: Math.max(1, Math.ceil(wait / 1000)) },
        });
      this.lastSend.set(identity, now);
      const code = String(this.world.random.int(100_000, 999_999));
      this.codes.set(identity, code);
      this.world.logger.info(`${channel === 'sms' ? 'SMS' : 'E-mail'} code for ${identity}: ${code}`);
      sendJson(response, 200, reply, {
        'set-cookie': rotate({ ...next, stage: 'code-sent', code, codeSentAt: now, channel, attempts: 0 }),
      });
    };
    /** The account is who it says: the next step is another code, the merchant choice, or the session. */
    const proceed = (account: SandboxAccount, emailVerified: boolean) => {
      if (account.kind === 'sms' && account.mfaEmail && !emailVerified) {
        return sendCode(
          account.mfaEmail,
          'email',
          { account, emailVerified: false },
          { email: maskEmail(account.mfaEmail) },
        );
      }
      if (account.merchantUids.length === 0) return sendJson(response, 401, { errorCode: 'NO_MERCHANTS' });
      if (account.chooseAtLogin && account.merchantUids.length > 1) {
        const su = account.merchantUids.map((uid) => ({
          merchantUid: uid,
          merchantName: MERCHANTS.find((merchant) => merchant.uid === uid)?.name ?? uid,
        }));
        return sendJson(
          response,
          200,
          { su },
          { 'set-cookie': rotate({ stage: 'choose-merchant', account, attempts: 0, emailVerified }) },
        );
      }
      sendJson(
        response,
        200,
        { redirectUrl: '/' },
        { 'set-cookie': rotate({ stage: 'authenticated', account, attempts: 0, emailVerified }) },
      );
    };
    const checkCode = (code: unknown, channel: 'sms' | 'email') => {
      if (sso.stage !== 'code-sent' || !sso.account || !sso.code || sso.channel !== channel)
        return sendJson(response, 401, { errorCode: 'FAILED' });
      if ((sso.codeSentAt ?? 0) + this.world.scaled(this.world.limits.codeTtlMs) < Date.now()) {
        // The code is void; a new one has to be asked for.
        Object.assign(sso, { stage: 'anonymous', code: undefined });
        return sendJson(response, 401, { errorCode: 'TIMEOUT_EXCEEDED' });
      }
      if (String(code) !== sso.code) {
        sso.attempts++;
        if (sso.attempts >= 3) {
          this.sso.delete(ssoId);
          return sendJson(response, 401, { errorCode: 'MFA_CODE_ATTEMPT_LIMIT' });
        }
        return sendJson(response, 401, { errorCode: 'SECURITY_CODE_INVALID' });
      }
      proceed(sso.account, sso.emailVerified || channel === 'email');
    };

    if (typeof body._ph === 'string') {
      if (!PHONE_FORMAT.test(body._ph)) return sendJson(response, 400, { errorCode: 'PHONE_INVALID' });
      const account = ALL_ACCOUNTS.find((candidate) => candidate.kind === 'sms' && candidate.phone === body._ph);
      if (!account) return sendJson(response, 400, { errorCode: 'PHONE_NOT_FOUND' });
      return sendCode(body._ph, 'sms', { account }, { phone: body._ph });
    }
    if (body._c !== undefined) return checkCode(body._c, 'sms');
    if (typeof body._u === 'string' && body._p !== undefined) {
      const account = ALL_ACCOUNTS.find(
        (candidate) => candidate.kind === 'email' && candidate.email === String(body._u).toLowerCase(),
      );
      if (!account || account.kind !== 'email' || account.password !== body._p)
        return sendJson(response, 401, { errorCode: 'CREDENTIALS_INVALID' });
      if (!account.mfa) return proceed(account, true);
      return sendCode(account.email, 'email', { account }, { email: maskEmail(account.email) });
    }
    if (typeof body._u === 'string' && body._m_c !== undefined) {
      // `_u` is the address the page typed, or the masked one the previous answer named.
      const expected = sso.account?.kind === 'email' ? sso.account.email : sso.account?.mfaEmail;
      if (!expected || (body._u.toLowerCase() !== expected && body._u !== maskEmail(expected)))
        return sendJson(response, 401, { errorCode: 'FAILED' });
      return checkCode(body._m_c, 'email');
    }
    if (body._s_m !== undefined) {
      if (sso.stage !== 'choose-merchant' || !sso.account) return sendJson(response, 401, { errorCode: 'FAILED' });
      if (!sso.account.merchantUids.includes(String(body._s_m)))
        return sendJson(response, 400, { errorCode: 'INSUFFICIENT_PERMISSIONS' });
      const chosen = {
        stage: 'authenticated' as const,
        account: sso.account,
        attempts: 0,
        merchantUid: String(body._s_m),
      };
      return sendJson(response, 200, { redirectUrl: '/' }, { 'set-cookie': rotate(chosen) });
    }
    sendJson(response, 400, { errorCode: 'BAD_REQUEST' });
  }
}

/** `s***@example.kz`, the way the login service names the address it e-mailed. */
function maskEmail(email: string): string {
  return email.replace(/^(.)[^@]*@/, '$1***@');
}
