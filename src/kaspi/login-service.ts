import type { Store } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { SecretBox } from '../security/secret-box.js';
import type { EmailLogin } from './auth/email-login.js';
import type { LoginLock } from './auth/login-lock.js';
import { maskPhone, normalizeKazakhPhone } from './auth/phone.js';
import type { LoggedIn, PendingSmsLogin, SmsLogin } from './auth/sms-login.js';
import { KaspiLoginError } from './errors.js';
import type { KaspiSessionManager } from './session-manager.js';

/**
 * Sealed tokens carry login state between chat messages. Conversation state is stored (Redis or the database),
 * so nothing in it may be a readable cookie: each token is AES-GCM sealed and bound to the seller.
 */
export type SealedToken = string;

export type LoginOutcome =
  | { status: 'connected'; store: Store }
  | { status: 'choose-merchant'; merchants: { uid: string; name: string | undefined }[]; token: SealedToken };

interface LoggedInToken {
  login: LoggedIn;
  method: 'sms' | 'email';
  identity: string;
  password?: string;
  at: number;
}

const TOKEN_TTL_MS = 15 * 60_000;

/** The login steps the bot's conversations call, in order; each returns plain JSON-safe data. */
export class KaspiLoginService {
  constructor(
    private readonly sms: SmsLogin,
    private readonly email: EmailLogin,
    private readonly lock: LoginLock,
    private readonly sessions: KaspiSessionManager,
    private readonly secretBox: SecretBox,
    private readonly logger: Logger,
  ) {}

  /** Step 1 of the SMS login: Kaspi sends the code. */
  async startSms(sellerId: number, phoneInput: string): Promise<{ phone: string; token: SealedToken }> {
    const phone = normalizeKazakhPhone(phoneInput);
    if (!phone) throw new KaspiLoginError('not a Kazakhstan mobile number', 'login.phone', 'PHONE_INVALID');
    const pending = await this.lock.run(`phone:${phone}`, () => this.sms.start(phone));
    return { phone: maskPhone(phone), token: this.secretBox.sealJson(pending, aad(sellerId, 'sms')) };
  }

  /** Step 2 of the SMS login: the code; connects the store, or asks which merchant when there are several. */
  async verifySms(sellerId: number, token: SealedToken, code: string): Promise<LoginOutcome> {
    const pending = this.openToken<PendingSmsLogin>(sellerId, 'sms', token, (value) => value.startedAt);
    const login = await this.lock.run(`phone:${pending.phone}`, () => this.sms.verify(pending, code));
    return this.finish(sellerId, { login, method: 'sms', identity: pending.phone, at: Date.now() });
  }

  /** «Отправить код снова»: a new SMS for the phone of a pending login (Kaspi's flood limits still apply). */
  async resendSms(sellerId: number, token: SealedToken): Promise<{ phone: string; token: SealedToken }> {
    const pending = this.openToken<PendingSmsLogin>(sellerId, 'sms', token, (value) => value.startedAt);
    return this.startSms(sellerId, pending.phone);
  }

  /** E-mail login: either done at once, or Kaspi e-mailed a code (`loginId` names the open browser page). */
  async startEmail(sellerId: number, email: string, password: string): Promise<LoginOutcome | { status: 'code-required'; loginId: string }> {
    const account = email.trim().toLowerCase();
    const started = await this.lock.run(`email:${account}`, () => this.email.start(account, password));
    if (started.status === 'code-required') {
      this.pendingPasswords.set(started.loginId, { sellerId, email: account, password });
      return started;
    }
    return this.finish(sellerId, { login: started.result, method: 'email', identity: account, password, at: Date.now() });
  }

  async verifyEmailCode(sellerId: number, loginId: string, code: string): Promise<LoginOutcome> {
    const pending = this.pendingPasswords.get(loginId);
    if (!pending || pending.sellerId !== sellerId) throw new KaspiLoginError('the login page expired', 'login.email', 'TIMEOUT_EXCEEDED');
    const login = await this.email.submitCode(loginId, code);
    this.pendingPasswords.delete(loginId);
    return this.finish(sellerId, { login, method: 'email', identity: pending.email, password: pending.password, at: Date.now() });
  }

  async cancelEmail(loginId: string): Promise<void> {
    this.pendingPasswords.delete(loginId);
    await this.email.cancel(loginId);
  }

  /** After «which store?»: connects the chosen merchant of a finished login. */
  async chooseMerchant(sellerId: number, token: SealedToken, merchantUid: string): Promise<Store> {
    const done = this.openToken<LoggedInToken>(sellerId, 'merchant', token, (value) => value.at);
    if (!done.login.merchants.some((merchant) => merchant.uid === merchantUid)) {
      throw new KaspiLoginError(`merchant ${merchantUid} is not in this login`, 'login.merchant', 'INSUFFICIENT_PERMISSIONS');
    }
    return this.connect(sellerId, done, merchantUid);
  }

  /** Passwords wait here (in memory, never in conversation state) while Kaspi's e-mailed code is pending. */
  private readonly pendingPasswords = new Map<string, { sellerId: number; email: string; password: string }>();

  private async finish(sellerId: number, done: LoggedInToken): Promise<LoginOutcome> {
    if (done.login.merchants.length === 1) {
      return { status: 'connected', store: await this.connect(sellerId, done, done.login.merchants[0]!.uid) };
    }
    return { status: 'choose-merchant', merchants: done.login.merchants, token: this.secretBox.sealJson(done, aad(sellerId, 'merchant')) };
  }

  private async connect(sellerId: number, done: LoggedInToken, merchantUid: string): Promise<Store> {
    const store = await this.sessions.connectStore({
      sellerId,
      merchantUid,
      cookies: done.login.cookies,
      loginMethod: done.method,
      identity: done.identity,
      password: done.password,
    });
    this.logger.info({ sellerId, storeId: store.id, method: done.method }, 'seller connected a Kaspi store');
    return store;
  }

  private openToken<T>(sellerId: number, purpose: string, token: SealedToken, startedAt: (value: T) => number): T {
    let value: T;
    try {
      value = this.secretBox.openJson<T>(token, aad(sellerId, purpose));
    } catch {
      throw new KaspiLoginError('login state is not valid for this seller', 'login.token', 'NO_SESSION');
    }
    if (Date.now() - startedAt(value) > TOKEN_TTL_MS) throw new KaspiLoginError('login state expired', 'login.token', 'TIMEOUT_EXCEEDED');
    return value;
  }
}

const aad = (sellerId: number, purpose: string) => `seller:${sellerId}:login:${purpose}`;
