import type { MikroORM } from '@mikro-orm/postgresql';

import { StoreSchema } from '../db/entities/index.js';
import type { KaspiLimits } from '../kaspi/limits/kaspi-limits.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import { renewsByItself, type SessionKeeper } from '../kaspi/session-keeper.js';
import type { Logger } from '../logger.js';
import type { DemperNotifier } from './notifier.js';

export interface KeepAliveOptions {
  orm: MikroORM;
  sessions: KaspiSessionManager;
  keeper: SessionKeeper;
  limits: KaspiLimits;
  notifier: DemperNotifier;
  logger: Logger;
  /** At most one keep-alive read per store this often (default 10 minutes). */
  probeEveryMs?: number;
  /** Reads per tick at most; the rest wait for the next tick, least recently confirmed first (default 50). */
  maxProbesPerTick?: number;
  /** Automatic logins per tick at most: each opens Chromium for seconds (default 2). */
  maxRenewalsPerTick?: number;
}

export interface KeepAliveSummary {
  /** Keep-alive reads sent to Kaspi. */
  probed: number;
  /** Of those, sessions Kaspi no longer accepts. */
  expired: number;
  /** Expired e-mail sessions logged in again without the seller. */
  renewed: number;
  /** Stores whose seller was asked to log in again (one message per expiry; the notifier drops repeats). */
  asked: number;
}

/**
 * Keeps the sessions of stores whose demper runs: one cheap cabinet read (`GET /s/m`) per store every
 * `probeEveryMs`, spaced through the shared limits so no process or replica reads a store more often, which
 * also stores the cookies Kaspi rotates on the way. An expired session is noticed here rather than by the
 * demper's next write. E-mail stores log in again by themselves (SessionKeeper); the others, and e-mail stores
 * that cannot, get one «Войти снова» message, and their demper stays paused without another word.
 */
export class SessionKeepAlive {
  private readonly probeEveryMs: number;

  constructor(private readonly options: KeepAliveOptions) {
    this.probeEveryMs = options.probeEveryMs ?? 10 * 60_000;
  }

  async run(now = new Date()): Promise<KeepAliveSummary> {
    const summary: KeepAliveSummary = { probed: 0, expired: 0, renewed: 0, asked: 0 };
    await this.probe(now, summary);
    await this.settleExpired(now, summary);
    if (summary.expired + summary.renewed + summary.asked > 0) this.options.logger.info(summary, 'session keep-alive');
    else if (summary.probed > 0) this.options.logger.debug(summary, 'session keep-alive');
    return summary;
  }

  private async probe(now: Date, summary: KeepAliveSummary): Promise<void> {
    const { orm, sessions, limits, logger } = this.options;
    const confirmedBefore = new Date(now.getTime() - this.probeEveryMs);
    const stores = await orm.em.fork().find(
      StoreSchema,
      {
        demperEnabled: true,
        sessionState: 'active',
        $or: [{ sessionCheckedAt: null }, { sessionCheckedAt: { $lte: confirmedBefore } }],
      },
      {
        orderBy: { sessionCheckedAt: 'ASC NULLS FIRST', id: 'ASC' },
        limit: this.options.maxProbesPerTick ?? 50,
        fields: ['id', 'merchantUid'],
      },
    );
    for (const store of stores) {
      if (!(await limits.keepAliveSlot(String(store.id), store.merchantUid, this.probeEveryMs))) continue;
      summary.probed++;
      try {
        if ((await sessions.probe(store.id)) === 'expired') summary.expired++;
      } catch (error) {
        // Kaspi slow or refusing: the session is neither confirmed nor lost; the store's next slot reads again.
        logger.warn({ err: error, storeId: store.id }, 'session keep-alive read failed');
      }
    }
  }

  private async settleExpired(now: Date, summary: KeepAliveSummary): Promise<void> {
    const { orm, keeper, notifier, logger } = this.options;
    const em = orm.em.fork();
    // Stores already asked that cannot renew themselves are left alone: their demper waits for the seller.
    const stores = await em.find(
      StoreSchema,
      {
        demperEnabled: true,
        sessionState: 'expired',
        $or: [{ reloginAskedAt: null }, { loginMethod: 'email', passwordSealed: { $ne: null }, renewalBlocked: null }],
      },
      { orderBy: { id: 'ASC' } },
    );
    let renewals = 0;
    for (const store of stores) {
      try {
        if (renewsByItself(store, now)) {
          if (renewals >= (this.options.maxRenewalsPerTick ?? 2)) continue;
          const outcome = await keeper.renew(store.id, now);
          if (outcome === 'not-due' || outcome === 'busy') continue;
          renewals++;
          if (outcome === 'renewed') {
            summary.renewed++;
            await notifier.sessionRestored?.(store.id);
            continue;
          }
          const fresh = await em.fork().findOne(StoreSchema, store.id);
          if (!fresh || fresh.reloginAskedAt || renewsByItself(fresh, now)) continue;
        } else if (store.reloginAskedAt) {
          continue; // tries spent for this hour and already told; the next hour tries again
        }
        summary.asked++;
        await notifier.alert(store.id, { kind: 'session-expired' });
      } catch (error) {
        logger.error({ err: error, storeId: store.id }, 'could not settle an expired Kaspi session');
      }
    }
  }
}
