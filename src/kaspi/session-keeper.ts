import type { MikroORM } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';

import { StoreSchema, type Store } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { EmailLogin } from './auth/email-login.js';
import type { LoginLock } from './auth/login-lock.js';
import { KaspiLoginError } from './errors.js';
import type { KaspiSessionManager } from './session-manager.js';

/** Automatic e-mail logins per store per rolling hour: more would look like a password being guessed. */
export const RENEWALS_PER_HOUR = 3;
const HOUR_MS = 60 * 60_000;

/**
 * Why an expiry needs the seller: Kaspi wants the code it e-mailed (only the seller can read it), the stored
 * e-mail or password no longer works, the account no longer manages this merchant, this machine has no browser
 * for the e-mail login, or the hour's tries are spent.
 */
export type RenewalBlock = 'code-required' | 'credentials-invalid' | 'merchant-missing' | 'unavailable';
export type RenewalNote = RenewalBlock | 'tries-spent';

export type RenewalOutcome =
  /** The store has a working session again. */
  | 'renewed'
  /** This store cannot renew itself now (SMS, no stored password, blocked, tries spent, too soon after the last). */
  | 'not-due'
  /** Another login of the same account holds the login lock; no try was used. */
  | 'busy'
  /** Tried and failed for a reason that may pass (Kaspi slow or down); counted against the hour. */
  | 'failed'
  | RenewalBlock;

type RenewalFields = Pick<
  Store,
  'loginMethod' | 'passwordSealed' | 'renewalBlocked' | 'renewalTries' | 'demperEnabled'
>;

/** Tries of the last hour, oldest first. */
function recentTries(store: Pick<Store, 'renewalTries'>, now: Date): number[] {
  const tries = Array.isArray(store.renewalTries) ? store.renewalTries : [];
  return tries.filter((at) => typeof at === 'number' && at > now.getTime() - HOUR_MS).sort((a, b) => a - b);
}

/**
 * Whether an expired session of this store is the keep-alive's to renew (the seller is not asked, yet): an e-mail
 * store with its password stored, whose demper runs, not blocked for this expiry, with tries left this hour.
 */
export function renewsByItself(store: RenewalFields, now: Date): boolean {
  return (
    store.demperEnabled &&
    store.loginMethod === 'email' &&
    Boolean(store.passwordSealed) &&
    !store.renewalBlocked &&
    recentTries(store, now).length < RENEWALS_PER_HOUR
  );
}

/** What the seller is told about an e-mail store that did not renew itself; nothing for SMS stores. */
export function renewalNote(store: RenewalFields, now: Date): RenewalNote | undefined {
  if (store.loginMethod !== 'email' || !store.passwordSealed) return undefined;
  if (store.renewalBlocked) return store.renewalBlocked as RenewalBlock;
  return recentTries(store, now).length >= RENEWALS_PER_HOUR ? 'tries-spent' : undefined;
}

/**
 * Claims the one «log in again» message of the current expiry. `false` when it was already sent (by this or any
 * other process) or the session works again. A new session clears the claim (`connectStore`).
 */
export async function claimReloginNotice(orm: MikroORM, storeId: number, now = new Date()): Promise<boolean> {
  const changed = await orm.em
    .fork()
    .nativeUpdate(
      StoreSchema,
      { id: storeId, reloginAskedAt: null, sessionState: { $ne: 'active' } },
      { reloginAskedAt: now },
    );
  return changed === 1;
}

export interface SessionKeeperOptions {
  /** Least time between two automatic tries of one store (default 5 minutes). */
  retryAfterMs?: number;
}

/**
 * Logs an e-mail store in again with its sealed e-mail and password when its session expired, under the same
 * login lock as the seller's own logins, at most RENEWALS_PER_HOUR times an hour, counted in the database so a
 * restart does not reset the count. A login that needs Kaspi's e-mailed code is closed at once and the store
 * waits for the seller, as an SMS store does.
 */
export class SessionKeeper {
  private readonly retryAfterMs: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: KaspiSessionManager,
    private readonly emailLogin: EmailLogin,
    private readonly lock: LoginLock,
    private readonly logger: Logger,
    options: SessionKeeperOptions = {},
  ) {
    this.retryAfterMs = options.retryAfterMs ?? 5 * 60_000;
  }

  async renew(storeId: number, now = new Date()): Promise<RenewalOutcome> {
    const store = await this.orm.em.fork().findOne(StoreSchema, storeId);
    // Checked before the lock too: a store not due must not hold the lock a seller's own login step needs.
    if (!store || !this.due(store, now)) return 'not-due';
    const credentials = await this.sessions.credentials(store);
    if (!credentials?.password) return 'not-due';
    const account = credentials.identity.trim().toLowerCase();
    if (!this.emailLogin.available) return this.block(storeId, 'unavailable');
    try {
      return await this.lock.run(`email:${account}`, async () => {
        // Claimed under the lock: a login of the seller that just finished is seen, and no try is spent on it.
        if (!(await this.claimTry(storeId, now))) return 'not-due';
        return this.login(store, account, credentials.password!);
      });
    } catch (error) {
      if (error instanceof KaspiLoginError && error.errorCode === 'LOGIN_IN_PROGRESS') return 'busy';
      throw error;
    }
  }

  private async login(store: Store, account: string, password: string): Promise<RenewalOutcome> {
    const log = { storeId: store.id, merchantUid: store.merchantUid };
    try {
      // The merchant answers Kaspi's «which store?» of an account with several: nobody is there to ask.
      const started = await this.emailLogin.start(account, password, store.merchantUid);
      if (started.status === 'code-required') {
        await this.emailLogin.cancel(started.loginId);
        return this.block(store.id, 'code-required');
      }
      if (!started.result.merchants.some((merchant) => merchant.uid === store.merchantUid))
        return this.block(store.id, 'merchant-missing');
      await this.sessions.connectStore({
        sellerId: store.seller.id,
        merchantUid: store.merchantUid,
        cookies: started.result.cookies,
        loginMethod: 'email',
        identity: account,
        password,
      });
      this.logger.info(log, 'Kaspi e-mail store logged in again by itself');
      return 'renewed';
    } catch (error) {
      if (error instanceof KaspiLoginError && error.errorCode === 'CREDENTIALS_INVALID')
        return this.block(store.id, 'credentials-invalid');
      if (
        error instanceof KaspiLoginError &&
        ['NO_MERCHANTS', 'INSUFFICIENT_PERMISSIONS', 'MERCHANT_CHOICE_REQUIRED'].includes(error.errorCode)
      ) {
        return this.block(store.id, 'merchant-missing');
      }
      if (error instanceof KaspiLoginError && error.errorCode === 'BROWSER_UNAVAILABLE')
        return this.block(store.id, 'unavailable');
      // Never the error object of a login as a whole: only what names the failure.
      const reason =
        error instanceof KaspiLoginError ? error.errorCode : error instanceof Error ? error.name : 'unknown';
      this.logger.warn({ ...log, reason }, 'automatic Kaspi e-mail login failed; tried again later');
      return 'failed';
    }
  }

  /** Expired, renewable, tries left this hour, and the last one long enough ago. */
  private due(store: Store, now: Date): boolean {
    if (store.sessionState === 'active' || !renewsByItself(store, now)) return false;
    const last = recentTries(store, now).at(-1);
    return last === undefined || now.getTime() - last >= this.retryAfterMs;
  }

  /** Records a try now, unless the store is no longer due for one (renewed meanwhile, another process tried). */
  private async claimTry(storeId: number, now: Date): Promise<boolean> {
    return this.orm.em.fork().transactional(async (em) => {
      const store = await em.findOne(StoreSchema, storeId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!store || !this.due(store, now)) return false;
      store.renewalTries = [...recentTries(store, now), now.getTime()];
      return true;
    });
  }

  private async block(storeId: number, reason: RenewalBlock): Promise<RenewalBlock> {
    await this.orm.em
      .fork()
      .nativeUpdate(StoreSchema, { id: storeId, sessionState: { $ne: 'active' } }, { renewalBlocked: reason });
    this.logger.info({ storeId, reason }, 'Kaspi e-mail store cannot log in again by itself; the seller is asked');
    return reason;
  }
}
