import type { I18n } from '@grammyjs/i18n';
import { FlushMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

import {
  CompetitorSnapshotSchema,
  PriceChangeSchema,
  ProductSchema,
  StoreSchema,
  type PriceChange,
  type Product,
  type Store,
} from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { recordDemperRun } from '../metrics.js';
import { isKaspiError, KaspiRateLimitedError, KaspiSessionExpiredError, KaspiTransientError } from '../kaspi/errors.js';
import type { Kaspi } from '../kaspi/index.js';
import { MAX_BATCH_ITEMS } from '../kaspi/cabinet-client.js';
import { buildPricefeedItem, currentPrice, OfferWriteError, type PricefeedItem } from '../kaspi/offer-writes.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import type { MarketView } from '../kaspi/storefront-client.js';
import { findDueProducts, nextCheckAfter } from './due.js';
import type { DemperNotifier, DigestLine } from './notifier.js';
import { explainDecision, reasonDetailsOf } from './reasons.js';
import { decisiveCityOf, demperSettingsOf } from './settings.js';
import { decide, type Decision, type MarketRound } from './strategy.js';

export interface DemperEngineOptions {
  orm: MikroORM;
  kaspi: Kaspi;
  sessions: KaspiSessionManager;
  notifier: DemperNotifier;
  i18n: I18n;
  logger: Logger;
  /** Read a sent change back after this long (Kaspi applies writes asynchronously). */
  verifyAfterMs?: number;
  /** A change Kaspi still does not show after this long is failed and reported. */
  verifyTimeoutMs?: number;
  /** Products looked at per run (keeps one tick within the storefront budget). */
  maxProductsPerRun?: number;
}

export interface RunOptions {
  storeId?: number;
  dryRun?: boolean;
  /** Restrict the run to these products (used by BullMQ jobs). */
  productIds?: number[];
}

export interface RunSummary {
  stores: number;
  checked: number;
  held: number;
  planned: number;
  sent: number;
  deferred: number;
  applied: number;
  failed: number;
  errors: { storeId: number; message: string }[];
}

interface PlannedChange {
  product: Product;
  decision: Decision;
  /** Id of the product's latest price change when this run read its history (0: none). */
  after: number;
  change?: PriceChange;
}

const RECENT_ROUNDS = 6;
const STOPPED_BY_SELLER = 'stopped by the seller';
/** A run takes seconds; a change still `planned` after this long belongs to a run that died. */
const INTERRUPTED_AFTER_MS = 5 * 60_000;
const INTERRUPTED_NOTE = 'outcome unknown after an interrupted run; settled by read-back';

export function emptySummary(): RunSummary {
  return { stores: 0, checked: 0, held: 0, planned: 0, sent: 0, deferred: 0, applied: 0, failed: 0, errors: [] };
}

/**
 * One demper run: settle earlier writes by reading them back, then for every due product read the market,
 * decide, record each change as `planned` before anything is sent, write the changes of a store as batches
 * within Kaspi's limits, and tell the seller in one digest per store.
 */
export class DemperEngine {
  private readonly verifyAfterMs: number;
  private readonly verifyTimeoutMs: number;

  constructor(private readonly options: DemperEngineOptions) {
    this.verifyAfterMs = options.verifyAfterMs ?? 60_000;
    this.verifyTimeoutMs = options.verifyTimeoutMs ?? 15 * 60_000;
  }

  async runOnce(run: RunOptions = {}): Promise<RunSummary> {
    const summary = emptySummary();
    await this.recoverInterrupted(run.storeId);
    await this.verifyPending(summary, run.storeId);
    const em = this.options.orm.em.fork();
    const now = new Date();
    let due = await findDueProducts(em, now, this.options.maxProductsPerRun ?? 500, run.storeId);
    if (run.productIds) due = due.filter((product) => run.productIds!.includes(product.id));
    const byStore = new Map<number, number[]>();
    for (const product of due) byStore.set(product.store.id, [...(byStore.get(product.store.id) ?? []), product.id]);
    for (const [storeId, productIds] of byStore) {
      summary.stores++;
      try {
        await this.processStore(storeId, productIds, Boolean(run.dryRun), summary);
      } catch (error) {
        summary.errors.push({ storeId, message: error instanceof Error ? error.message : String(error) });
        this.options.logger.error({ err: error, storeId }, 'demper run failed for a store');
        if (error instanceof KaspiSessionExpiredError) await this.options.notifier.alert(storeId, { kind: 'session-expired' });
      }
    }
    recordDemperRun(summary);
    return summary;
  }

  private async processStore(storeId: number, productIds: number[], runDryRun: boolean, summary: RunSummary): Promise<void> {
    const em = this.options.orm.em.fork();
    const store = await em.findOneOrFail(StoreSchema, storeId);
    // A store in dry-run mode only gets proposals (the seller confirms each in the chat), whoever runs the engine.
    const dryRun = runDryRun || store.demperDryRun;
    const products = await em.find(ProductSchema, { id: { $in: productIds } });
    const ownMerchantIds = (await em.find(StoreSchema, { seller: store.seller })).map((own) => own.merchantUid);
    const unsettled = new Set(
      (await em.find(PriceChangeSchema, { product: { $in: productIds }, status: { $in: ['planned', 'sent'] } }, { fields: ['product'] })).map(
        (change) => change.product.id,
      ),
    );
    const lastChange = await this.lastChangeIds(em, productIds);
    const now = new Date();
    const plans: PlannedChange[] = [];

    for (const product of products) {
      if (unsettled.has(product.id)) {
        // The last change is not read back yet; deciding again could stack a second change on top of it.
        product.nextCheckAt = new Date(now.getTime() + this.verifyAfterMs);
        continue;
      }
      const settings = demperSettingsOf(product);
      const cityId = decisiveCityOf(product, store.points);
      if (!settings || !cityId) continue;
      let view: MarketView;
      try {
        view = await this.options.kaspi.storefront.offers(product.masterSku, cityId);
      } catch (error) {
        if (!isKaspiError(error)) throw error;
        product.nextCheckAt = new Date(now.getTime() + 60_000);
        summary.errors.push({ storeId, message: `${product.sku}: ${error.message}` });
        if (error instanceof KaspiRateLimitedError) break; // every exit is resting: leave the rest for the next tick
        continue;
      }
      const rounds = await this.recentRounds(em, product);
      const decision = decide({
        ourPrice: product.price,
        ownMerchantIds,
        offers: view.offers,
        settings,
        now: now.getTime(),
        lastCutAt: product.lastCutAt?.getTime() ?? null,
        recentRounds: rounds,
      });
      summary.checked++;
      await this.recordCheck(em, store, product, view, decision, rounds, now, ownMerchantIds);
      if (decision.action === 'change') plans.push({ product, decision, after: lastChange.get(product.id) ?? 0 });
      else summary.held++;
    }
    await em.flush();
    if (plans.length === 0) return;

    // The change budget goes to the most contested products first.
    plans.sort(
      (a, b) =>
        (b.product.rivalMovedAt?.getTime() ?? 0) - (a.product.rivalMovedAt?.getTime() ?? 0) ||
        Math.abs(b.decision.price - b.product.price) - Math.abs(a.decision.price - a.product.price),
    );
    if (dryRun) {
      await this.options.notifier.digest(storeId, plans.map((plan) => this.digestLine(plan)), true);
      summary.planned += plans.length;
      return;
    }

    // While the merchant's writes are frozen after a 429, recording changes would only fail them and alert the
    // seller again on every tick of the freeze; they were told when it began. Decide again when it ends.
    const frozen = await this.writesFrozen(store.merchantUid);
    if (frozen) {
      for (const plan of plans) plan.product.nextCheckAt = new Date(Date.now() + frozen.retryAfterMs);
      summary.deferred += plans.length;
      summary.errors.push({ storeId, message: frozen.message });
      await em.flush();
      return;
    }

    const recorded = await this.recordPlanned(em, store, plans, now);
    summary.planned += recorded.length;
    if (recorded.length === 0) return;
    const sent = await this.send(em, store, recorded, summary);
    if (sent.length) await this.options.notifier.digest(storeId, sent.map((plan) => this.digestLine(plan)), false);
  }

  /** The id of each product's latest price change, whatever its status. */
  private async lastChangeIds(em: EntityManager, productIds: number[]): Promise<Map<number, number>> {
    if (productIds.length === 0) return new Map();
    const rows = (await em
      .getKnex()('price_change')
      .select('product_id')
      .max('id as last')
      .whereIn('product_id', productIds)
      .groupBy('product_id')) as { product_id: number; last: number }[];
    return new Map(rows.map((row) => [Number(row.product_id), Number(row.last)]));
  }

  /**
   * Every change is in the database as `planned`, with its reason, before Kaspi hears of it. Its key names the
   * change it follows in the product's history: two runs that decided from the same history (two workers on one
   * store, a stalled job run again while its first run is still alive) produce the same key, and only the first
   * is recorded and sent. A key per minute did not hold: runs on either side of a minute boundary, or on hosts
   * whose clocks differ, both sent the same change (the fault suite's racing workers).
   */
  private async recordPlanned(em: EntityManager, store: Store, plans: PlannedChange[], now: Date): Promise<PlannedChange[]> {
    const recorded: PlannedChange[] = [];
    for (const plan of plans) {
      try {
        const id = await em.insert(PriceChangeSchema, {
          store: store.id,
          product: plan.product.id,
          oldPrice: plan.product.price,
          newPrice: plan.decision.price,
          reasonCode: plan.decision.reason,
          reasonText: explainDecision(this.options.i18n, 'ru', plan.decision, plan.product.price),
          reasonDetails: reasonDetailsOf(plan.decision),
          source: 'demper',
          status: 'planned',
          idempotencyKey: `demper:${plan.product.id}:after:${plan.after}`,
          cheapestRivalPrice: plan.decision.leader?.price ?? null,
          createdAt: now,
        } as never);
        plan.change = await em.findOneOrFail(PriceChangeSchema, id as number);
        recorded.push(plan);
      } catch (error) {
        // Another run already planned the change that follows the same history: that one sends it, not us.
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
      }
    }
    return recorded;
  }

  private async send(em: EntityManager, store: Store, plans: PlannedChange[], summary: RunSummary): Promise<PlannedChange[]> {
    const sent: PlannedChange[] = [];
    const fail = (plan: PlannedChange, reason: string) => {
      plan.change!.status = 'failed';
      plan.change!.error = reason;
      plan.change!.settledAt = new Date();
      summary.failed++;
    };
    try {
      await this.options.sessions.withSession(store.id, async ({ jar, merchantUid }) => {
        // Re-read each offer right before the write: its availabilities are echoed exactly as Kaspi has them now.
        const ready: { plan: PlannedChange; item: PricefeedItem }[] = [];
        for (const plan of plans) {
          const fresh = await this.options.kaspi.cabinet.findOffer(jar, merchantUid, plan.product.sku);
          if (!fresh) {
            fail(plan, 'offer not found in the cabinet');
            continue;
          }
          const livePrice = currentPrice(fresh);
          if (livePrice !== plan.product.price) {
            plan.product.price = livePrice;
            fail(plan, `price changed outside the demper (now ${livePrice}); decided again next check`);
            continue;
          }
          try {
            ready.push({ plan, item: buildPricefeedItem(merchantUid, fresh, { price: plan.decision.price }, store.points, { batch: true }) });
          } catch (error) {
            if (!(error instanceof OfferWriteError)) throw error;
            fail(plan, error.message);
          }
        }
        for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
          const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
          // Panic stop: the seller may have switched the demper off since this run read the store; that switch
          // must win over changes decided a moment earlier, so it is read from the database right before sending.
          if (!(await this.demperStillOn(store.id))) {
            for (const entry of ready.slice(start)) fail(entry.plan, STOPPED_BY_SELLER);
            this.options.logger.info({ storeId: store.id, changes: ready.length - start }, 'demper switched off by the seller; planned changes not sent');
            break;
          }
          await em.flush();
          let result;
          try {
            result = await this.options.kaspi.cabinet.writeBatch(jar, merchantUid, chunk.map((entry) => entry.item));
          } catch (error) {
            if (error instanceof KaspiTransientError) {
              // Kaspi may or may not have taken the batch. Never resend blindly: mark it sent and let the
              // read-back settle each change as applied or failed.
              for (const entry of chunk) this.markSent(entry.plan, `outcome unknown (${error.message}); verified by read-back`);
              summary.sent += chunk.length;
              sent.push(...chunk.map((entry) => entry.plan));
              continue;
            }
            throw error;
          }
          const sentSkus = new Set(result.sent.map((item) => item.sku));
          for (const entry of chunk) {
            if (sentSkus.has(entry.item.sku)) {
              this.markSent(entry.plan);
              summary.sent++;
              sent.push(entry.plan);
            } else {
              fail(entry.plan, `not sent: the store's 30-minute change budget is spent; next try in ${Math.ceil(result.retryInMs / 60_000)} min`);
              entry.plan.product.nextCheckAt = new Date(Date.now() + result.retryInMs);
              summary.deferred++;
            }
          }
          if (result.deferred.length) {
            for (const rest of ready.slice(start + MAX_BATCH_ITEMS)) {
              fail(rest.plan, 'not sent: the store\'s 30-minute change budget is spent');
              rest.plan.product.nextCheckAt = new Date(Date.now() + result.retryInMs);
              summary.deferred++;
            }
            break;
          }
        }
      });
    } catch (error) {
      for (const plan of plans) if (plan.change!.status === 'planned') fail(plan, `not sent: ${error instanceof Error ? error.message : String(error)}`);
      await em.flush();
      if (error instanceof KaspiRateLimitedError) {
        await this.options.notifier.alert(store.id, { kind: 'rate-limited', details: { minutes: Math.ceil(error.retryAfterMs / 60_000) } });
        return sent;
      }
      throw error;
    }
    await em.flush();
    return sent;
  }

  private async demperStillOn(storeId: number): Promise<boolean> {
    const fresh = await this.options.orm.em.fork().findOne(StoreSchema, storeId);
    return fresh?.demperEnabled === true;
  }

  private async writesFrozen(merchantUid: string): Promise<KaspiRateLimitedError | undefined> {
    try {
      await this.options.kaspi.limits.assertWritesAllowed(merchantUid);
      return undefined;
    } catch (error) {
      if (error instanceof KaspiRateLimitedError) return error;
      throw error;
    }
  }

  private markSent(plan: PlannedChange, note?: string): void {
    plan.change!.status = 'sent';
    plan.change!.sentAt = new Date();
    if (note) plan.change!.error = note;
  }

  /**
   * A run killed between recording a change and marking it sent leaves it `planned`: it may or may not have
   * reached Kaspi. It is never re-sent blindly; it becomes `sent` with that note and the read-back settles it.
   */
  private async recoverInterrupted(storeId?: number): Promise<void> {
    const em = this.options.orm.em.fork();
    const stale = await em.find(PriceChangeSchema, {
      status: 'planned',
      source: 'demper',
      createdAt: { $lt: new Date(Date.now() - INTERRUPTED_AFTER_MS) },
      ...(storeId ? { store: storeId } : {}),
    });
    for (const change of stale) {
      change.status = 'sent';
      change.sentAt = change.createdAt;
      change.error = INTERRUPTED_NOTE;
    }
    if (stale.length) {
      await em.flush();
      this.options.logger.warn({ changes: stale.length }, 'recovered price changes of an interrupted demper run');
    }
  }

  /** Reads sent changes back from the cabinet: applied when Kaspi shows the new price, failed after the timeout. */
  async verifyPending(summary: RunSummary, storeId?: number): Promise<void> {
    const em = this.options.orm.em.fork();
    const cutoff = new Date(Date.now() - this.verifyAfterMs);
    const pending = await em.find(
      PriceChangeSchema,
      { status: 'sent', sentAt: { $lte: cutoff }, ...(storeId ? { store: storeId } : {}) },
      { populate: ['product', 'store'], orderBy: { id: 'ASC' } },
    );
    const byStore = new Map<number, PriceChange[]>();
    for (const change of pending) byStore.set(change.store.id, [...(byStore.get(change.store.id) ?? []), change]);
    for (const [id, changes] of byStore) {
      const recoveredApplied: PriceChange[] = [];
      try {
        await this.options.sessions.withSession(id, async ({ jar, merchantUid }) => {
          for (const change of changes) {
            const fresh = await this.options.kaspi.cabinet.findOffer(jar, merchantUid, change.product.sku);
            const livePrice = fresh ? currentPrice(fresh) : undefined;
            if (livePrice === change.newPrice) {
              if (!(await this.claimSettlement(em, change, 'applied'))) continue;
              change.product.price = change.newPrice;
              if (change.newPrice < change.oldPrice) change.product.lastCutAt = change.sentAt ?? new Date();
              summary.applied++;
              if (change.error === INTERRUPTED_NOTE) recoveredApplied.push(change);
            } else if (Date.now() - (change.sentAt?.getTime() ?? 0) > this.verifyTimeoutMs) {
              if (!(await this.claimSettlement(em, change, 'failed', `Kaspi did not apply the price (shows ${livePrice ?? 'no offer'})`))) continue;
              if (livePrice !== undefined) change.product.price = livePrice;
              summary.failed++;
              await this.options.notifier.alert(id, {
                kind: 'not-applied',
                productId: change.product.id,
                sku: change.product.sku,
                title: change.product.title,
                details: { newPrice: change.newPrice, ...(livePrice !== undefined ? { shown: livePrice } : {}) },
              });
            }
          }
        });
      } catch (error) {
        summary.errors.push({ storeId: id, message: `verification: ${error instanceof Error ? error.message : String(error)}` });
        if (error instanceof KaspiSessionExpiredError) await this.options.notifier.alert(id, { kind: 'session-expired' });
      }
      await em.flush();
      // The run that sent these died before its digest: without this the seller never hears that Kaspi took them.
      if (recoveredApplied.length) {
        await this.options.notifier.digest(
          id,
          recoveredApplied.map((change) => ({
            productId: change.product.id,
            sku: change.product.sku,
            title: change.product.title,
            oldPrice: change.oldPrice,
            newPrice: change.newPrice,
            reason: change.reasonText,
            rivalName: undefined,
            rivalPrice: change.cheapestRivalPrice ?? undefined,
          })),
          false,
        );
      }
    }
  }

  /**
   * Settles a sent change in the database first, conditionally on it still being `sent`: two runs reading the
   * same store back at once (racing workers) both saw it pending, and only the one whose update lands may count
   * it and tell the seller (a second «not applied» alert, or a second digest of a recovered change, otherwise).
   */
  private async claimSettlement(em: EntityManager, change: PriceChange, status: 'applied' | 'failed', error?: string): Promise<boolean> {
    // The loaded entity is left as it was: this fork is dropped after the read-back, and its flush only stores
    // the products' prices.
    const claimed = await em.nativeUpdate(PriceChangeSchema, { id: change.id, status: 'sent' }, { status, settledAt: new Date(), ...(error ? { error } : {}) });
    return claimed === 1;
  }

  private async recentRounds(em: EntityManager, product: Product): Promise<MarketRound[]> {
    // Snapshots of this run are only added after this read, so nothing pending needs flushing first: without
    // COMMIT mode MikroORM flushes before every query, one transaction per product (bench: 0.52 → 0.93 × limit).
    const snapshots = await em.find(CompetitorSnapshotSchema, { product }, { orderBy: { takenAt: 'DESC' }, limit: RECENT_ROUNDS, flushMode: FlushMode.COMMIT });
    return snapshots.reverse().map((snapshot) => ({
      at: snapshot.takenAt.getTime(),
      ourPrice: snapshot.ourPrice ?? product.price,
      leaderMerchantId: snapshot.offers[0]?.merchantId ?? null,
      leaderPrice: snapshot.cheapestRivalPrice ?? null,
    }));
  }

  private async recordCheck(
    em: EntityManager,
    store: Store,
    product: Product,
    view: MarketView,
    decision: Decision,
    rounds: MarketRound[],
    now: Date,
    ownMerchantIds: string[],
  ) {
    // The seller's other stores are not rivals here either: our place must agree with what the strategy saw.
    const rivals = view.offers.filter((offer) => !ownMerchantIds.includes(offer.merchantId));
    em.create(CompetitorSnapshotSchema, {
      product,
      cityId: view.cityId,
      takenAt: now,
      offers: rivals.map((offer) => ({
        merchantId: offer.merchantId,
        merchantName: offer.merchantName,
        price: offer.price,
        rating: offer.rating,
        reviews: offer.reviews,
        deliveryDuration: offer.deliveryDuration,
        preorder: offer.preorder,
      })),
      ourPrice: product.price,
      ourPlace: 1 + rivals.filter((offer) => offer.price < product.price).length,
      cheapestRivalPrice: decision.leader?.price ?? null,
    });
    const previousLeader = rounds.at(-1)?.leaderPrice;
    if (decision.leader && previousLeader !== undefined && previousLeader !== null && previousLeader !== decision.leader.price) product.rivalMovedAt = now;
    const place = 1 + rivals.filter((offer) => offer.price < product.price).length;
    const wasFirst = product.lastPlace === 1;
    product.lastPlace = place;
    product.lastCheapestRivalPrice = decision.leader?.price ?? null;
    product.lastCheckedAt = now;
    product.nextCheckAt = nextCheckAfter(product, now);

    // Alerts on transitions only: once when the floor stops us, once when first place is lost for good.
    const alerts = { ...product.demperAlerts };
    if (decision.floorReached && !alerts.floorReached && (await this.claimAlert(em, product.id, 'floorReached'))) {
      await this.options.notifier.alert(store.id, {
        kind: 'floor-reached',
        productId: product.id,
        sku: product.sku,
        title: product.title,
        details: { floor: product.minPrice ?? 0, rivalPrice: decision.leader?.price ?? 0, rivalName: decision.leader?.merchantName ?? '' },
      });
    }
    alerts.floorReached = decision.floorReached;
    const losesFirst = decision.place > 1 && (decision.action === 'hold' || decision.floorReached);
    if (losesFirst && wasFirst && !alerts.lostFirstPlace && (await this.claimAlert(em, product.id, 'lostFirstPlace'))) {
      await this.options.notifier.alert(store.id, { kind: 'lost-first-place', productId: product.id, sku: product.sku, title: product.title });
    }
    alerts.lostFirstPlace = losesFirst;
    product.demperAlerts = alerts;
  }

  /**
   * Claims an alert's transition in the database itself: two runs checking the same product at once (a stalled
   * job run again while its first run lives, a Redis restart) both see the transition in the row they loaded;
   * only the run whose update flips the flag tells the seller.
   */
  private async claimAlert(em: EntityManager, productId: number, flag: keyof Product['demperAlerts']): Promise<boolean> {
    const result = await em
      .getConnection()
      .execute(
        `update "product" set "demper_alerts" = "demper_alerts" || jsonb_build_object(?::text, true) where "id" = ? and coalesce(("demper_alerts" ->> ?)::boolean, false) = false`,
        [flag, productId, flag],
        'run',
      );
    return (result as { affectedRows?: number }).affectedRows === 1;
  }

  private digestLine(plan: PlannedChange): DigestLine {
    return {
      productId: plan.product.id,
      sku: plan.product.sku,
      title: plan.product.title,
      oldPrice: plan.product.price,
      newPrice: plan.decision.price,
      reason: explainDecision(this.options.i18n, 'ru', plan.decision, plan.product.price),
      decision: plan.decision,
      rivalName: plan.decision.leader?.merchantName,
      rivalPrice: plan.decision.leader?.price,
    };
  }
}
