import type { I18n } from '@grammyjs/i18n';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

import { cityLabel, setCityPrice } from '../catalog/city-prices.js';
import { StoreSchema, type Store } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { MAX_BATCH_ITEMS } from '../kaspi/cabinet-client.js';
import { KaspiRateLimitedError } from '../kaspi/errors.js';
import type { Kaspi } from '../kaspi/index.js';
import { buildPricefeedItem, offerCityPrices, OfferWriteError } from '../kaspi/offer-writes.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import { STOPPED_BY_SELLER, type PriceOutbox } from '../pricing/outbox.js';
import { PriceWrites, type BatchEntry, type CabinetSession } from '../pricing/price-writes.js';
import type { HeldLocks, ProductWriteLock } from '../pricing/write-lock.js';
import type { DemperNotifier } from './notifier.js';
import { byProduct, rememberDecision, type PlannedChange } from './planning.js';
import { explainDecision, reasonDetailsOf } from './reasons.js';
import type { RunSummary } from './run-summary.js';
import type { SentPriceReadBack } from './sent-prices.js';

export interface SendingOptions {
  orm: MikroORM;
  kaspi: Kaspi;
  sessions: KaspiSessionManager;
  notifier: DemperNotifier;
  i18n: I18n;
  logger: Logger;
  outbox: PriceOutbox;
  lock: ProductWriteLock;
  verifyAfterMs: number;
  /** Reads the sent changes back as soon as Kaspi applies them; without it only the next run does. */
  sentReadBack?: SentPriceReadBack;
}

type Entry = BatchEntry<PlannedChange[]>;

/**
 * The sending half of a store's run. The picked products' write locks are taken without waiting (a product
 * another writer is on waits for the next tick) and held from the check that nothing changed since planning
 * to the write: each change recorded as `planned` in the outbox before Kaspi hears of it, each offer re-read
 * right before the write, the changes of the store sent as batches within Kaspi's limits. A run's picked
 * changes are bounded by the change budget, so the locks are held for a few reads and a batch or two.
 */
export class DemperSender {
  private readonly writes: PriceWrites;

  constructor(private readonly options: SendingOptions) {
    this.writes = new PriceWrites(options.kaspi.cabinet, options.outbox);
  }

  /** Sends the picked changes of one store; returns those Kaspi took (or may have: the read-back decides). */
  async send(em: EntityManager, store: Store, plans: PlannedChange[], summary: RunSummary, now: Date) {
    const locks = await this.options.lock.acquire(
      plans.map((plan) => plan.product.id),
      0,
    );
    try {
      const current = await this.stillCurrent(this.free(plans, locks, summary, now), now);
      const recorded = await this.record(store, current, now);
      // The strategy's memory moves on only with a change that is really going out (one that waits is decided again).
      for (const plan of recorded) rememberDecision(plan.product, plan.cityId, plan.decision);
      await em.flush();
      summary.planned += recorded.length;
      return recorded.length ? await this.write(em, store, recorded, summary) : [];
    } finally {
      await locks.release();
    }
  }

  /** The plans of products this run holds; another writer's products are decided again at the next tick. */
  private free(plans: PlannedChange[], locks: HeldLocks, summary: RunSummary, now: Date): PlannedChange[] {
    const busy = plans.filter((plan) => !locks.held.has(plan.product.id));
    for (const plan of busy) plan.product.nextCheckAt = now;
    summary.deferred += busy.length;
    return plans.filter((plan) => locks.held.has(plan.product.id));
  }

  /**
   * The plans whose product's history is still the one they were decided from: a change recorded since (a
   * manual edit, a rollback, another run) means the market read is stale, and the product is decided again.
   */
  private async stillCurrent(plans: PlannedChange[], now: Date): Promise<PlannedChange[]> {
    const ids = [...new Set(plans.map((plan) => plan.product.id))];
    const lastChange = await this.options.outbox.lastChangeIds(ids);
    const unsettled = await this.options.outbox.unsettledProducts(ids);
    return byProduct(plans).flatMap((group) => {
      const { product } = group[0]!;
      const moved = group.some((plan) => (lastChange.get(`${product.id}:${plan.cityId}`) ?? 0) !== plan.after);
      if (!unsettled.has(product.id) && !moved) return group;
      product.nextCheckAt = unsettled.has(product.id) ? new Date(now.getTime() + this.options.verifyAfterMs) : now;
      return [];
    });
  }

  /**
   * Every change is in the database as `planned`, with its reason and city, before Kaspi hears of it. Its key
   * names the change it follows in the city's history: two runs that decided from the same history (two workers
   * on one store, a stalled job run again while its first run is still alive) produce the same key, and only the
   * first is recorded and sent. A product's cities are recorded in one statement, so one run owns all of them or
   * none: two runs each winning one city would each send an item echoing the other city as it was.
   */
  private async record(store: Store, plans: PlannedChange[], now: Date): Promise<PlannedChange[]> {
    const recorded: PlannedChange[] = [];
    for (const group of byProduct(plans)) {
      // Cities in a fixed order, so two such statements wait on each other instead of deadlocking.
      const cities = [...group].sort((a, b) => a.cityId.localeCompare(b.cityId));
      const changes = await this.options.outbox.recordPlanned(
        cities.map((plan) => ({
          storeId: store.id,
          productId: plan.product.id,
          cityId: plan.cityId,
          oldPrice: plan.oldPrice,
          newPrice: plan.decision.price,
          source: 'demper' as const,
          reasonCode: plan.decision.reason,
          reasonText: explainDecision(this.options.i18n, 'ru', plan.decision, plan.oldPrice),
          reasonDetails: reasonDetailsOf(plan.decision),
          cheapestRivalPrice: plan.decision.leader?.price ?? null,
          idempotencyKey: `demper:${plan.product.id}:${plan.cityId}:after:${plan.after}`,
          createdAt: now,
        })),
      );
      // Another run already planned a change of this product that follows the same history: that one sends.
      if (!changes) continue;
      cities.forEach((plan, index) => (plan.change = changes[index]));
      recorded.push(...group);
    }
    return recorded;
  }

  private async write(em: EntityManager, store: Store, plans: PlannedChange[], summary: RunSummary) {
    const sent: PlannedChange[] = [];
    const settled = new Set<PlannedChange>();
    // A deferred change is settled as failed (it was not sent) but counted as deferred: it is decided again.
    const fail = async (group: PlannedChange[], reason: string, counted: 'failed' | 'deferred' = 'failed') => {
      await this.options.outbox.failUnsent(
        group.map((plan) => plan.change!.id),
        reason,
      );
      for (const plan of group) settled.add(plan);
      summary[counted] += group.length;
    };
    try {
      await this.options.sessions.withSession(store.id, async ({ jar, merchantUid }) => {
        const ready = await this.reread(store, { jar, merchantUid }, plans, fail);
        for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
          // Panic stop: the seller may have switched the demper off since this run read the store; that switch
          // must win over changes decided a moment earlier, so it is read from the database right before sending.
          if (!(await this.demperStillOn(store.id))) {
            await fail(
              ready.slice(start).flatMap((entry) => entry.key),
              STOPPED_BY_SELLER,
            );
            this.options.logger.info(
              { storeId: store.id, products: ready.length - start },
              'demper switched off by the seller; planned changes not sent',
            );
            break;
          }
          await em.flush();
          const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
          const result = await this.writes.writeBatch(
            { jar, merchantUid },
            chunk,
            (retryInMs) =>
              `not sent: the store's 30-minute change budget is spent; next try in ${Math.ceil(retryInMs / 60_000)} min`,
          );
          for (const plan of result.sent.flatMap((entry) => entry.key)) {
            settled.add(plan);
            summary.sent++;
            sent.push(plan);
          }
          await this.readBackSent(store, result.sent);
          const retryAt = new Date(Date.now() + result.retryInMs);
          for (const plan of result.deferred.flatMap((entry) => entry.key)) {
            settled.add(plan);
            summary.deferred++;
            plan.product.nextCheckAt = retryAt;
          }
          if (result.budgetSpent) {
            const rest = ready.slice(start + MAX_BATCH_ITEMS).flatMap((entry) => entry.key);
            await fail(rest, "not sent: the store's 30-minute change budget is spent", 'deferred');
            for (const plan of rest) plan.product.nextCheckAt = retryAt;
            break;
          }
        }
      });
    } catch (error) {
      // Whatever this run had not settled yet was not sent (a batch that failed was failed by the outbox already).
      await fail(
        plans.filter((plan) => !settled.has(plan)),
        `not sent: ${error instanceof Error ? error.message : String(error)}`,
      );
      await em.flush();
      if (error instanceof KaspiRateLimitedError) {
        await this.options.notifier.alert(store.id, {
          kind: 'rate-limited',
          details: { minutes: Math.ceil(error.retryAfterMs / 60_000) },
        });
        return sent;
      }
      throw error;
    }
    await em.flush();
    return sent;
  }

  /** Hands the batch's sent products to the follow-ups; a failure to record them leaves the next run to settle them. */
  private async readBackSent(store: Store, entries: Entry[]): Promise<void> {
    if (!this.options.sentReadBack || entries.length === 0) return;
    const prices = entries.map(({ key: group, changeIds }) => {
      const [first] = group as [PlannedChange];
      const cityName = group.length === 1 ? cityLabel(store.points, first.cityId) : undefined;
      return {
        productId: first.product.id,
        title: first.product.title,
        ...(cityName ? { cityName } : {}),
        changeIds,
        oldPrice: first.oldPrice,
        newPrice: first.decision.price,
      };
    });
    try {
      await this.options.sentReadBack.sent(store.id, prices);
    } catch (error) {
      this.options.logger.warn({ err: error, storeId: store.id }, 'demper: read-back of sent prices not recorded');
    }
  }

  /** Re-reads each offer right before the write: every other city and point is sent as Kaspi has it now. */
  private async reread(
    store: Store,
    session: CabinetSession,
    plans: PlannedChange[],
    fail: (group: PlannedChange[], reason: string) => Promise<void>,
  ): Promise<Entry[]> {
    const ready: Entry[] = [];
    for (const group of byProduct(plans)) {
      const { product } = group[0]!;
      const fresh = await this.options.kaspi.cabinet.findOffer(session.jar, session.merchantUid, product.sku);
      if (!fresh) {
        await fail(group, 'offer not found in the cabinet');
        continue;
      }
      let live: Map<string, number>;
      try {
        live = offerCityPrices(session.merchantUid, fresh, store.points);
      } catch (error) {
        if (!(error instanceof OfferWriteError)) throw error;
        await fail(group, error.message);
        continue;
      }
      const current: PlannedChange[] = [];
      for (const plan of group) {
        const shown = live.get(plan.cityId);
        if (shown === plan.oldPrice) current.push(plan);
        else {
          if (shown !== undefined) setCityPrice(product, store.points, plan.cityId, shown);
          await fail(
            [plan],
            `price changed outside the demper (now ${shown ?? 'not sold there'}); decided again next check`,
          );
        }
      }
      if (current.length === 0) continue;
      try {
        const cityPrices = Object.fromEntries(current.map((plan) => [plan.cityId, plan.decision.price]));
        const item = buildPricefeedItem(session.merchantUid, fresh, { cityPrices }, store.points);
        ready.push({ key: current, changeIds: current.map((plan) => plan.change!.id), item });
      } catch (error) {
        if (!(error instanceof OfferWriteError)) throw error;
        await fail(current, error.message);
      }
    }
    return ready;
  }

  private async demperStillOn(storeId: number): Promise<boolean> {
    const fresh = await this.options.orm.em.fork().findOne(StoreSchema, storeId);
    return fresh?.demperEnabled === true;
  }
}
