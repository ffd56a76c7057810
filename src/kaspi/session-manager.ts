import type { MikroORM } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';

import { SellerSchema, StoreSchema, type Store } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { SecretBox } from '../security/secret-box.js';
import type { KaspiCabinetClient } from './cabinet-client.js';
import { CookieJar } from './cookie-jar.js';
import { KaspiSessionExpiredError } from './errors.js';

export interface ConnectStoreInput {
  sellerId: number;
  merchantUid: string;
  cookies: Record<string, string>;
  loginMethod: 'sms' | 'email';
  /** Phone or e-mail; sealed at rest. */
  identity: string;
  /** E-mail logins only: kept sealed so an expired session can be renewed. */
  password?: string;
}

export interface SessionContext {
  store: Store;
  merchantUid: string;
  jar: CookieJar;
}

/**
 * Kaspi cabinet sessions of the sellers' stores: sealed cookies in the database, refreshed cookies saved after
 * every call, expiry recorded on the store so the bot asks the seller to log in again (once).
 */
export class KaspiSessionManager {
  /** Per store: refreshed cookies this process could not store yet, and the stored jar they replace. */
  private readonly unsaved = new Map<number, { base: Record<string, string>; cookies: Record<string, string> }>();

  constructor(
    private readonly orm: MikroORM,
    private readonly secretBox: SecretBox,
    private readonly cabinet: KaspiCabinetClient,
    private readonly logger: Logger,
  ) {}

  /** Creates or renews the store for a logged-in merchant: name and points from Kaspi, cookies sealed. */
  async connectStore(input: ConnectStoreInput): Promise<Store> {
    const jar = new CookieJar(input.cookies);
    const merchant = await this.cabinet.getMerchant(jar, input.merchantUid);
    const em = this.orm.em.fork();
    const seller = await em.findOneOrFail(SellerSchema, input.sellerId);
    let store = await em.findOne(StoreSchema, { seller, merchantUid: input.merchantUid });
    if (!store) {
      store = em.create(StoreSchema, {
        seller,
        merchantUid: input.merchantUid,
        name: merchant.name,
        loginMethod: input.loginMethod,
        points: merchant.points,
      });
      await em.flush(); // the id is part of the sealed values' associated data
    }
    store.name = merchant.name;
    store.points = merchant.points;
    store.loginMethod = input.loginMethod;
    store.sessionSealed = this.secretBox.sealJson(jar.toJSON(), sessionAad(store.id));
    store.loginIdentitySealed = this.secretBox.seal(input.identity, identityAad(store.id));
    store.passwordSealed = input.password ? this.secretBox.seal(input.password, passwordAad(store.id)) : null;
    store.sessionState = 'active';
    store.sessionCheckedAt = new Date();
    // A new session starts a new episode: its expiry is told again, and may be renewed again.
    store.reloginAskedAt = null;
    store.renewalBlocked = null;
    await em.flush();
    this.logger.info(
      { storeId: store.id, merchantUid: store.merchantUid, points: merchant.points.length },
      'Kaspi store connected',
    );
    return store;
  }

  /**
   * Runs `task` with the store's cabinet session. Cookies Kaspi refreshes during the task are saved as soon as
   * they arrive (merged into the latest stored jar under a row lock, so parallel tasks never roll each other's
   * refresh back); a 401 marks the session expired.
   *
   * Why at once and not when the task ends: Kaspi rotates `mc-session` on the fly and retires the previous value
   * shortly after. A process killed in the middle of a task, or a database that is down when the task ends, lost
   * the rotated cookie, and a minute later the store's stored session was dead and the seller asked to log in
   * again (the fault suite's SIGKILL and PostgreSQL restart). A rotation that cannot be stored now is kept in this
   * process and stored by the next task of the store, unless the stored session changed meanwhile (a new login).
   */
  async withSession<T>(storeId: number, task: (session: SessionContext) => Promise<T>): Promise<T> {
    const em = this.orm.em.fork();
    const store = await em.findOneOrFail(StoreSchema, storeId);
    if (store.sessionState !== 'active' || !store.sessionSealed) {
      // An «active» store without cookies would be scheduled forever; say it needs a login instead.
      if (store.sessionState === 'active') await this.markExpired(storeId, 'session.load');
      throw new KaspiSessionExpiredError(`store ${storeId} has no active Kaspi session`, 'session.load');
    }
    const original = this.secretBox.openJson<Record<string, string>>(store.sessionSealed, sessionAad(store.id));
    const unsaved = this.unsaved.get(storeId);
    if (unsaved && !sameCookies(unsaved.base, original)) this.unsaved.delete(storeId);
    const carried = unsaved && sameCookies(unsaved.base, original) ? unsaved.cookies : undefined;
    const jar = new CookieJar(carried ?? original);
    let stored = original;
    let saving: Promise<void> = Promise.resolve();
    const persist = () => {
      saving = saving.then(async () => {
        const current = jar.toJSON();
        if (sameCookies(current, stored)) return;
        try {
          await this.saveRefreshedCookies(storeId, stored, current);
          stored = current;
          this.unsaved.delete(storeId);
        } catch (error) {
          this.unsaved.set(storeId, { base: stored, cookies: current });
          this.logger.warn(
            { err: error, storeId },
            'could not store refreshed Kaspi cookies; the next task of this store tries again',
          );
        }
      });
      return saving;
    };
    jar.onChange = () => void persist();
    if (carried) void persist();
    try {
      return await task({ store, merchantUid: store.merchantUid, jar });
    } catch (error) {
      if (error instanceof KaspiSessionExpiredError) await this.markExpired(storeId, error.endpoint);
      throw error;
    } finally {
      jar.onChange = undefined;
      await persist();
    }
  }

  /** Validity probe: `GET /s/m` answers 200 with our merchant while the cookies work. */
  async probe(storeId: number): Promise<'active' | 'expired'> {
    try {
      await this.withSession(storeId, async ({ jar, merchantUid }) => {
        const merchants = await this.cabinet.listMerchants(jar);
        if (!merchants.some((merchant) => merchant.uid === merchantUid)) {
          throw new KaspiSessionExpiredError(
            `the session no longer manages merchant ${merchantUid}`,
            'cabinet.merchants',
          );
        }
      });
    } catch (error) {
      if (error instanceof KaspiSessionExpiredError) return 'expired';
      throw error;
    }
    const em = this.orm.em.fork();
    await em.nativeUpdate(StoreSchema, { id: storeId }, { sessionCheckedAt: new Date() });
    return 'active';
  }

  /** The e-mail and password of an e-mail login, for an automatic renewal. */
  async credentials(store: Store): Promise<{ identity: string; password: string | undefined } | undefined> {
    if (!store.loginIdentitySealed) return undefined;
    return {
      identity: this.secretBox.open(store.loginIdentitySealed, identityAad(store.id)),
      password: store.passwordSealed ? this.secretBox.open(store.passwordSealed, passwordAad(store.id)) : undefined,
    };
  }

  /** `/logout`: the store and everything stored for it, credentials included, are deleted. */
  async forgetStore(storeId: number): Promise<void> {
    const em = this.orm.em.fork();
    await em.nativeDelete(StoreSchema, { id: storeId });
    await em.nativeUpdate(SellerSchema, { activeStoreId: storeId }, { activeStoreId: null });
  }

  private async markExpired(storeId: number, endpoint: string): Promise<void> {
    const em = this.orm.em.fork();
    const changed = await em.nativeUpdate(
      StoreSchema,
      { id: storeId, sessionState: 'active' },
      { sessionState: 'expired', sessionCheckedAt: new Date() },
    );
    if (changed) this.logger.warn({ storeId, endpoint }, 'Kaspi session expired; the seller must log in again');
  }

  private async saveRefreshedCookies(
    storeId: number,
    before: Record<string, string>,
    after: Record<string, string>,
  ): Promise<void> {
    const changed = Object.keys(after).filter((name) => after[name] !== before[name]);
    const removed = Object.keys(before).filter((name) => !(name in after));
    if (changed.length === 0 && removed.length === 0) return;
    await this.orm.em.fork().transactional(async (em) => {
      const store = await em.findOne(StoreSchema, storeId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!store?.sessionSealed) return;
      const latest = this.secretBox.openJson<Record<string, string>>(store.sessionSealed, sessionAad(store.id));
      for (const name of changed) latest[name] = after[name]!;
      for (const name of removed) delete latest[name];
      store.sessionSealed = this.secretBox.sealJson(latest, sessionAad(store.id));
    });
    this.logger.debug({ storeId, cookies: changed.length }, 'saved refreshed Kaspi cookies');
  }
}

function sameCookies(a: Record<string, string>, b: Record<string, string>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

export const sessionAad = (storeId: number) => `store:${storeId}:session`;
const identityAad = (storeId: number) => `store:${storeId}:identity`;
const passwordAad = (storeId: number) => `store:${storeId}:password`;
