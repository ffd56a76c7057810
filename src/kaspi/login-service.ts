import type { Store } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { SecretBox } from '../security/secret-box.js';
import type { EmailLogin, EmailLoginStep } from './auth/email-login.js';
import type { LoginLock } from './auth/login-lock.js';
import { maskPhone, normalizeKazakhPhone } from './auth/phone.js';
import type { LoggedIn, PendingSmsLogin, SmsLogin, SmsLoginStep } from './auth/sms-login.js';
import { KaspiLoginError } from './errors.js';
import type { KaspiSessionManager } from './session-manager.js';

/**
 * Sealed tokens carry login state between chat messages. Conversation state is stored (Redis or the database),
 * so nothing in it may be a readable cookie: each token is AES-GCM sealed and bound to the seller.
 */
export type SealedToken = string;

type Merchants = { uid: string; name: string | undefined }[];

export type LoginOutcome =
  | { status: 'connected'; store: Store }
  | { status: 'choose-merchant'; merchants: Merchants; token: SealedToken }
  /** SMS login: after the SMS code Kaspi e-mailed a code as well (to `email`, masked as Kaspi wrote it). */
  | { status: 'email-code'; email: string; token: SealedToken };

export type EmailLoginOutcome = LoginOutcome | { status: 'code-required'; loginId: string };

/** What «which store?» continues: a finished login, the login service's own question (`su`), or a browser page. */
type MerchantToken =
  | { kind?: 'done'; login: LoggedIn; method: 'sms' | 'email'; identity: string; password?: string; at: number }
  | { kind: 'idmc'; pending: PendingSmsLogin; at: number }
  | { kind: 'browser'; loginId: string; at: number };

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

  /** False when this machine has no browser: the e-mail login is then offered as unavailable, before any password. */
  get emailLoginAvailable(): boolean {
    return this.email.available;
  }

  /** Step 1 of the SMS login: Kaspi sends the code. */
  async startSms(sellerId: number, phoneInput: string): Promise<{ phone: string; token: SealedToken }> {
    const phone = normalizeKazakhPhone(phoneInput);
    if (!phone) throw new KaspiLoginError('not a Kazakhstan mobile number', 'login.phone', 'PHONE_INVALID');
    const pending = await this.lock.run(`phone:${phone}`, () => this.sms.start(phone));
    return { phone: maskPhone(phone), token: this.secretBox.sealJson(pending, aad(sellerId, 'sms')) };
  }

  /** Step 2 of the SMS login: the code; connects the store, or asks which merchant, or for Kaspi's e-mailed code. */
  async verifySms(sellerId: number, token: SealedToken, code: string): Promise<LoginOutcome> {
    const pending = this.openToken<PendingSmsLogin>(sellerId, 'sms', token, (value) => value.startedAt);
    const step = await this.lock.run(`phone:${pending.phone}`, () => this.sms.verifyStep(pending, code));
    return this.afterSmsStep(sellerId, step, pending.phone);
  }

  /** The code Kaspi e-mailed after the SMS one (`email-code`). */
  async verifySmsEmailCode(sellerId: number, token: SealedToken, code: string): Promise<LoginOutcome> {
    const pending = this.openToken<PendingSmsLogin>(sellerId, 'sms', token, (value) => value.startedAt);
    const step = await this.lock.run(`phone:${pending.phone}`, () => this.sms.submitEmailCode(pending, code));
    return this.afterSmsStep(sellerId, step, pending.phone);
  }

  /** «Отправить код снова»: a new SMS for the phone of a pending login (Kaspi's flood limits still apply). */
  async resendSms(sellerId: number, token: SealedToken): Promise<{ phone: string; token: SealedToken }> {
    const pending = this.openToken<PendingSmsLogin>(sellerId, 'sms', token, (value) => value.startedAt);
    return this.startSms(sellerId, pending.phone);
  }

  /** E-mail login: done at once, or Kaspi e-mailed a code (`loginId` names the open browser page), or asks which merchant. */
  async startEmail(sellerId: number, email: string, password: string): Promise<EmailLoginOutcome> {
    const account = email.trim().toLowerCase();
    const step = await this.lock.run(`email:${account}`, () => this.email.begin(account, password));
    return this.afterEmailStep(sellerId, step, { sellerId, email: account, password });
  }

  async verifyEmailCode(sellerId: number, loginId: string, code: string): Promise<LoginOutcome> {
    const pending = this.pendingPassword(sellerId, loginId);
    const step = await this.email.submitCode(loginId, code);
    if (step.status === 'done') this.pendingPasswords.delete(loginId);
    return this.afterEmailStep(sellerId, step, pending) as Promise<LoginOutcome>;
  }

  /**
   * Kaspi's e-mailed code expired (TIMEOUT_EXCEEDED): the login starts over with the password it is waiting with,
   * so Kaspi e-mails a fresh code, and the seller is not asked for the password again.
   */
  async renewEmailCode(sellerId: number, loginId: string): Promise<EmailLoginOutcome> {
    const pending = this.pendingPassword(sellerId, loginId);
    await this.cancelEmail(loginId);
    return this.startEmail(sellerId, pending.email, pending.password);
  }

  async cancelEmail(loginId: string): Promise<void> {
    this.pendingPasswords.delete(loginId);
    await this.email.cancel(loginId);
  }

  /** After «which store?»: connects the chosen merchant of a finished login, or tells Kaspi the choice first. */
  async chooseMerchant(sellerId: number, token: SealedToken, merchantUid: string): Promise<Store> {
    const done = this.openToken<MerchantToken>(sellerId, 'merchant', token, (value) => value.at);
    if (done.kind === 'idmc') {
      const login = await this.lock.run(`phone:${done.pending.phone}`, () =>
        this.sms.chooseMerchant(done.pending, merchantUid),
      );
      return this.connect(
        sellerId,
        { login, method: 'sms', identity: done.pending.phone, at: Date.now() },
        merchantUid,
      );
    }
    if (done.kind === 'browser') {
      const pending = this.pendingPassword(sellerId, done.loginId);
      const login = await this.email.chooseMerchant(done.loginId, merchantUid);
      this.pendingPasswords.delete(done.loginId);
      return this.connect(
        sellerId,
        { login, method: 'email', identity: pending.email, password: pending.password, at: Date.now() },
        merchantUid,
      );
    }
    if (!done.login.merchants.some((merchant) => merchant.uid === merchantUid)) {
      throw new KaspiLoginError(
        `merchant ${merchantUid} is not in this login`,
        'login.merchant',
        'INSUFFICIENT_PERMISSIONS',
      );
    }
    return this.connect(sellerId, done, merchantUid);
  }

  /** «Отмена» at «which store?»: a browser page waiting for the answer is closed now rather than at its timeout. */
  async abandonMerchantChoice(sellerId: number, token: SealedToken): Promise<void> {
    try {
      const done = this.openToken<MerchantToken>(sellerId, 'merchant', token, (value) => value.at);
      if (done.kind === 'browser') await this.cancelEmail(done.loginId);
    } catch {
      // An expired or foreign token holds nothing to close.
    }
  }

  /** Passwords wait here (in memory, never in conversation state) while Kaspi's e-mailed code is pending. */
  private readonly pendingPasswords = new Map<string, { sellerId: number; email: string; password: string }>();

  private pendingPassword(sellerId: number, loginId: string): { sellerId: number; email: string; password: string } {
    const pending = this.pendingPasswords.get(loginId);
    if (!pending || pending.sellerId !== sellerId)
      throw new KaspiLoginError('the login page expired', 'login.email', 'LOGIN_EXPIRED');
    return pending;
  }

  private async afterSmsStep(sellerId: number, step: SmsLoginStep, phone: string): Promise<LoginOutcome> {
    if (step.status === 'email-code')
      return {
        status: 'email-code',
        email: step.email,
        token: this.secretBox.sealJson(step.pending, aad(sellerId, 'sms')),
      };
    if (step.status === 'choose-merchant') {
      const token: MerchantToken = { kind: 'idmc', pending: step.pending, at: Date.now() };
      return {
        status: 'choose-merchant',
        merchants: step.merchants,
        token: this.secretBox.sealJson(token, aad(sellerId, 'merchant')),
      };
    }
    return this.finish(sellerId, { login: step.login, method: 'sms', identity: phone, at: Date.now() });
  }

  private async afterEmailStep(
    sellerId: number,
    step: EmailLoginStep,
    account: { sellerId: number; email: string; password: string },
  ): Promise<EmailLoginOutcome> {
    if (step.status === 'code-required') {
      this.pendingPasswords.set(step.loginId, account);
      return step;
    }
    if (step.status === 'choose-merchant') {
      this.pendingPasswords.set(step.loginId, account);
      const token: MerchantToken = { kind: 'browser', loginId: step.loginId, at: Date.now() };
      return {
        status: 'choose-merchant',
        merchants: step.merchants,
        token: this.secretBox.sealJson(token, aad(sellerId, 'merchant')),
      };
    }
    return this.finish(sellerId, {
      login: step.result,
      method: 'email',
      identity: account.email,
      password: account.password,
      at: Date.now(),
    });
  }

  private async finish(sellerId: number, done: Extract<MerchantToken, { login: LoggedIn }>): Promise<LoginOutcome> {
    if (done.login.merchants.length === 1) {
      return { status: 'connected', store: await this.connect(sellerId, done, done.login.merchants[0]!.uid) };
    }
    return {
      status: 'choose-merchant',
      merchants: done.login.merchants,
      token: this.secretBox.sealJson(done, aad(sellerId, 'merchant')),
    };
  }

  private async connect(
    sellerId: number,
    done: Extract<MerchantToken, { login: LoggedIn }>,
    merchantUid: string,
  ): Promise<Store> {
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
    if (Date.now() - startedAt(value) > TOKEN_TTL_MS)
      throw new KaspiLoginError('login state expired', 'login.token', 'LOGIN_EXPIRED');
    return value;
  }
}

const aad = (sellerId: number, purpose: string) => `seller:${sellerId}:login:${purpose}`;
