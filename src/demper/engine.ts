import type { I18n } from '@grammyjs/i18n';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

import { cityLabel, mainCityOf, priceIn, setCityPrice } from '../catalog/city-prices.js';
import {
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
import { buildPricefeedItem, offerCityPrices, OfferWriteError, type PricefeedItem } from '../kaspi/offer-writes.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import type { MarketView } from '../kaspi/storefront-client.js';
import { findDueProducts, nextCheckAfter } from './due.js';
import { pickProductsWithinBudget, runAllowance } from './budget.js';
import { recordCheck, type CheckContext } from './market-check.js';
import type { DemperNotifier, DigestLine } from './notifier.js';
import { DemperReadBack } from './read-back.js';
import { explainDecision, reasonDetailsOf } from './reasons.js';
import { demperCitiesOf, demperSettingsOf } from './settings.js';
import { decide, type Decision } from './strategy.js';
import { cheapestAtLastCheck } from './strategy-memory.js';

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
  /** The longest gap between the clock's runs, in minutes: how many runs share Kaspi's change window. */
  tickMinutes?: number;
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
  /** Products whose change waited for the store's change budget. */
  waited?: number;
  errors: { storeId: number; message: string }[];
}

/** One city's decided price of one product. */
interface PlannedChange {
  product: Product;
  cityId: string;
  /** The city's price when the market was read. */
  oldPrice: number;
  decision: Decision;
  /** Id of the latest price change of this product in this city when this run read its history (0: none). */
  after: number;
  change?: PriceChange;
}

const STOPPED_BY_SELLER = 'stopped by the seller';

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
  private readonly readBack: DemperReadBack;

  constructor(private readonly options: DemperEngineOptions) {
    this.verifyAfterMs = options.verifyAfterMs ?? 60_000;
    this.readBack = new DemperReadBack({
      ...options,
      verifyAfterMs: this.verifyAfterMs,
      verifyTimeoutMs: options.verifyTimeoutMs ?? 15 * 60_000,
    });
  }

  async runOnce(run: RunOptions = {}): Promise<RunSummary> {
    const summary = emptySummary();
    await this.readBack.recoverInterrupted(run.storeId);
    await this.readBack.verifyPending(summary, run.storeId);
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
        if (error instanceof KaspiSessionExpiredError)
          await this.options.notifier.alert(storeId, { kind: 'session-expired' });
      }
    }
    recordDemperRun(summary);
    return summary;
  }

  /** Reads sent changes back (see DemperReadBack); kept here for callers that settle outside a run. */
  verifyPending(summary: RunSummary, storeId?: number): Promise<void> {
    return this.readBack.verifyPending(summary, storeId);
  }

  private async processStore(
    storeId: number,
    productIds: number[],
    runDryRun: boolean,
    summary: RunSummary,
  ): Promise<void> {
    const em = this.options.orm.em.fork();
    const store = await em.findOneOrFail(StoreSchema, storeId);
    // A store in dry-run mode only gets proposals (the seller confirms each in the chat), whoever runs the engine.
    const dryRun = runDryRun || store.demperDryRun;
    const products = await em.find(ProductSchema, { id: { $in: productIds } });
    const ownMerchantIds = (await em.find(StoreSchema, { seller: store.seller })).map((own) => own.merchantUid);
    // Read before the unsettled changes: a change another run records in between then shows up as unsettled
    // (the product waits), never as a newer history this run would key its own change after.
    const lastChange = await this.lastChangeIds(em, productIds);
    const unsettled = new Set(
      (
        await em.find(
          PriceChangeSchema,
          { product: { $in: productIds }, status: { $in: ['planned', 'sent'] } },
          { fields: ['product'] },
        )
      ).map((change) => change.product.id),
    );
    const now = new Date();
    // Decided with the budget left in Kaspi's rolling window (the seller's own edits, on/off and preorders count too).
    const changesLeft = await this.options.kaspi.limits.changesLeft(store.merchantUid);
    const spareBudget = changesLeft >= this.options.kaspi.limits.changesPerWindow / 2;
    const check: CheckContext = { em, notifier: this.options.notifier, store, ownMerchantIds, now };
    let plans: PlannedChange[] = [];
    const recheck: number[] = [];

    products: for (const product of products) {
      if (unsettled.has(product.id)) {
        // The last change is not read back yet; deciding again could stack a second change on top of it.
        product.nextCheckAt = new Date(now.getTime() + this.verifyAfterMs);
        continue;
      }
      const main = mainCityOf(product, store.points);
      // Each city is its own market: its own storefront, its own price, decided on its own.
      for (const cityId of demperCitiesOf(product, store.points)) {
        const settings = demperSettingsOf(product, cityId);
        if (!settings) continue;
        let view: MarketView;
        try {
          view = await this.options.kaspi.storefront.offers(product.masterSku, cityId);
        } catch (error) {
          if (!isKaspiError(error)) throw error;
          product.nextCheckAt = new Date(now.getTime() + 60_000);
          summary.errors.push({ storeId, message: `${product.sku}: ${error.message}` });
          if (error instanceof KaspiRateLimitedError) break products; // every exit is resting: leave the rest for the next tick
          continue products;
        }
        const ourPrice = priceIn(product, cityId);
        const memory = product.demperMemory?.[cityId];
        const decision = decide(
          settings,
          memory,
          { ourPrice, ownMerchantIds, offers: view.offers, spareBudget },
          now.getTime(),
        );
        summary.checked++;
        await recordCheck(check, product, cityId, cityId === main, view, decision, cheapestAtLastCheck(memory));
        if (decision.action === 'change') {
          plans.push({
            product,
            cityId,
            oldPrice: ourPrice,
            decision,
            after: lastChange.get(`${product.id}:${cityId}`) ?? 0,
          });
        } else {
          rememberDecision(product, cityId, decision);
          summary.held++;
        }
        if (decision.recheckInMs !== undefined) recheck.push(decision.recheckInMs);
        else recheck.push(0);
      }
      product.lastCheckedAt = now;
      product.nextCheckAt = nextCheckAfter(product, now);
      // A market best left alone (a bot we do not fight) is looked at less often, unless another city needs us.
      const later = Math.min(...recheck.splice(0));
      if (Number.isFinite(later) && later > product.nextCheckAt.getTime() - now.getTime())
        product.nextCheckAt = new Date(now.getTime() + later);
    }
    await em.flush();
    if (plans.length === 0) return;

    // The change budget goes to the most contested products first.
    plans.sort(
      (a, b) =>
        (b.product.rivalMovedAt?.getTime() ?? 0) - (a.product.rivalMovedAt?.getTime() ?? 0) ||
        Math.abs(b.decision.price - b.oldPrice) - Math.abs(a.decision.price - a.oldPrice),
    );
    if (dryRun) {
      await this.options.notifier.digest(
        storeId,
        plans.map((plan) => this.digestLine(store, plan)),
        true,
      );
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

    // Kaspi's rolling budget is shared with the seller's own edits: spend part of what is left, the most valuable first.
    const { limits } = this.options.kaspi;
    const runsPerWindow = limits.changeWindowMs / 60_000 / (this.options.tickMinutes ?? 1);
    const allowance = runAllowance(await limits.changesLeft(store.merchantUid), {
      limit: limits.changesPerWindow,
      runsPerWindow,
    });
    const picked = pickProductsWithinBudget(
      plans,
      allowance,
      (plan) => demperSettingsOf(plan.product, plan.cityId)?.minPrice,
    );
    for (const plan of picked.waiting) plan.product.nextCheckAt = now;
    summary.deferred += picked.waiting.length;
    summary.waited = (summary.waited ?? 0) + new Set(picked.waiting.map((plan) => plan.product.id)).size;
    plans = picked.now;
    if (plans.length === 0) {
      await em.flush();
      if (picked.waiting.length) await this.options.notifier.digest(storeId, [], false, { waited: summary.waited });
      return;
    }

    const recorded = await this.recordPlanned(em, store, plans, now);
    // The strategy's memory moves on only with a change that is really going out (one that waits is decided again).
    for (const plan of recorded) rememberDecision(plan.product, plan.cityId, plan.decision);
    await em.flush();
    summary.planned += recorded.length;
    if (recorded.length === 0) return;
    const sent = await this.send(em, store, recorded, summary);
    const waited = new Set(picked.waiting.map((plan) => plan.product.id)).size;
    if (sent.length || waited)
      await this.options.notifier.digest(
        storeId,
        sent.map((plan) => this.digestLine(store, plan)),
        false,
        waited ? { waited } : undefined,
      );
  }

  /** The id of the latest price change of each product in each city (`<product>:<city>`), whatever its status. */
  private async lastChangeIds(em: EntityManager, productIds: number[]): Promise<Map<string, number>> {
    if (productIds.length === 0) return new Map();
    const rows = (await em
      .getKnex()('price_change')
      .select('product_id', 'city_id')
      .max('id as last')
      .whereIn('product_id', productIds)
      .groupBy('product_id', 'city_id')) as { product_id: number; city_id: string | null; last: number }[];
    return new Map(rows.map((row) => [`${Number(row.product_id)}:${row.city_id ?? ''}`, Number(row.last)]));
  }

  /**
   * Every change is in the database as `planned`, with its reason and city, before Kaspi hears of it. Its key
   * names the change it follows in the city's history: two runs that decided from the same history (two workers
   * on one store, a stalled job run again while its first run is still alive) produce the same key, and only the
   * first is recorded and sent. A key per minute did not hold: runs on either side of a minute boundary, or on
   * hosts whose clocks differ, both sent the same change (the fault suite's racing workers).
   *
   * A product's cities are recorded in one statement, so one run owns all of them or none: two runs each winning
   * one city of a product would each send an item echoing the other city as it was, and whichever Kaspi applied
   * second undid the other's change (the fault suite's racing workers). Cities go in a fixed order, so two such
   * statements wait on each other instead of deadlocking.
   */
  private async recordPlanned(
    em: EntityManager,
    store: Store,
    plans: PlannedChange[],
    now: Date,
  ): Promise<PlannedChange[]> {
    const recorded: PlannedChange[] = [];
    const byProduct = new Map<number, PlannedChange[]>();
    for (const plan of plans) byProduct.set(plan.product.id, [...(byProduct.get(plan.product.id) ?? []), plan]);
    for (const group of byProduct.values()) {
      const cities = [...group].sort((a, b) => a.cityId.localeCompare(b.cityId));
      const keyOf = (plan: PlannedChange) => `demper:${plan.product.id}:${plan.cityId}:after:${plan.after}`;
      try {
        await em.insertMany(
          PriceChangeSchema,
          cities.map((plan) => ({
            store: store.id,
            product: plan.product.id,
            cityId: plan.cityId,
            oldPrice: plan.oldPrice,
            newPrice: plan.decision.price,
            reasonCode: plan.decision.reason,
            reasonText: explainDecision(this.options.i18n, 'ru', plan.decision, plan.oldPrice),
            reasonDetails: reasonDetailsOf(plan.decision),
            source: 'demper',
            status: 'planned',
            idempotencyKey: keyOf(plan),
            cheapestRivalPrice: plan.decision.leader?.price ?? null,
            createdAt: now,
          })) as never,
        );
      } catch (error) {
        // Another run already planned a change of this product that follows the same history: that one sends.
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        continue;
      }
      const changes = await em.find(PriceChangeSchema, { idempotencyKey: { $in: cities.map(keyOf) } });
      for (const plan of group) plan.change = changes.find((change) => change.idempotencyKey === keyOf(plan));
      recorded.push(...group);
    }
    return recorded;
  }

  private async send(
    em: EntityManager,
    store: Store,
    plans: PlannedChange[],
    summary: RunSummary,
  ): Promise<PlannedChange[]> {
    const sent: PlannedChange[] = [];
    // A deferred change is settled as failed (it was not sent) but counted as deferred: it is decided again.
    const fail = (plan: PlannedChange, reason: string, counted: 'failed' | 'deferred' = 'failed') => {
      plan.change!.status = 'failed';
      plan.change!.error = reason;
      plan.change!.settledAt = new Date();
      summary[counted]++;
    };
    // A product's decided cities travel in one item: each city at its own price, only the decided ones moved.
    const byProduct = new Map<number, PlannedChange[]>();
    for (const plan of plans) byProduct.set(plan.product.id, [...(byProduct.get(plan.product.id) ?? []), plan]);
    try {
      await this.options.sessions.withSession(store.id, async ({ jar, merchantUid }) => {
        // Re-read each offer right before the write: every other city and point is sent as Kaspi has it now.
        const ready: { plans: PlannedChange[]; item: PricefeedItem }[] = [];
        for (const group of byProduct.values()) {
          const { product } = group[0]!;
          const fresh = await this.options.kaspi.cabinet.findOffer(jar, merchantUid, product.sku);
          if (!fresh) {
            for (const plan of group) fail(plan, 'offer not found in the cabinet');
            continue;
          }
          let live: Map<string, number>;
          try {
            live = offerCityPrices(merchantUid, fresh, store.points);
          } catch (error) {
            if (!(error instanceof OfferWriteError)) throw error;
            for (const plan of group) fail(plan, error.message);
            continue;
          }
          const current = group.filter((plan) => {
            const shown = live.get(plan.cityId);
            if (shown === plan.oldPrice) return true;
            if (shown !== undefined) setCityPrice(product, store.points, plan.cityId, shown);
            fail(plan, `price changed outside the demper (now ${shown ?? 'not sold there'}); decided again next check`);
            return false;
          });
          if (current.length === 0) continue;
          try {
            const cityPrices = Object.fromEntries(current.map((plan) => [plan.cityId, plan.decision.price]));
            ready.push({ plans: current, item: buildPricefeedItem(merchantUid, fresh, { cityPrices }, store.points) });
          } catch (error) {
            if (!(error instanceof OfferWriteError)) throw error;
            for (const plan of current) fail(plan, error.message);
          }
        }
        for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
          const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
          // Panic stop: the seller may have switched the demper off since this run read the store; that switch
          // must win over changes decided a moment earlier, so it is read from the database right before sending.
          if (!(await this.demperStillOn(store.id))) {
            for (const entry of ready.slice(start)) for (const plan of entry.plans) fail(plan, STOPPED_BY_SELLER);
            this.options.logger.info(
              { storeId: store.id, products: ready.length - start },
              'demper switched off by the seller; planned changes not sent',
            );
            break;
          }
          await em.flush();
          let result;
          try {
            result = await this.options.kaspi.cabinet.writeBatch(
              jar,
              merchantUid,
              chunk.map((entry) => entry.item),
            );
          } catch (error) {
            if (error instanceof KaspiTransientError) {
              // Kaspi may or may not have taken the batch. Never resend blindly: mark it sent and let the
              // read-back settle each change as applied or failed.
              for (const entry of chunk)
                for (const plan of entry.plans)
                  this.markSent(plan, `outcome unknown (${error.message}); verified by read-back`, summary, sent);
              continue;
            }
            throw error;
          }
          const sentSkus = new Set(result.sent.map((item) => item.sku));
          const deferred = (entry: { plans: PlannedChange[] }, why: string) => {
            for (const plan of entry.plans) {
              fail(plan, why, 'deferred');
              plan.product.nextCheckAt = new Date(Date.now() + result.retryInMs);
            }
          };
          for (const entry of chunk) {
            if (sentSkus.has(entry.item.sku))
              for (const plan of entry.plans) this.markSent(plan, undefined, summary, sent);
            else
              deferred(
                entry,
                `not sent: the store's 30-minute change budget is spent; next try in ${Math.ceil(result.retryInMs / 60_000)} min`,
              );
          }
          if (result.deferred.length) {
            for (const rest of ready.slice(start + MAX_BATCH_ITEMS))
              deferred(rest, "not sent: the store's 30-minute change budget is spent");
            break;
          }
        }
      });
    } catch (error) {
      for (const plan of plans)
        if (plan.change!.status === 'planned')
          fail(plan, `not sent: ${error instanceof Error ? error.message : String(error)}`);
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

  private markSent(plan: PlannedChange, note: string | undefined, summary: RunSummary, sent: PlannedChange[]): void {
    plan.change!.status = 'sent';
    plan.change!.sentAt = new Date();
    if (note) plan.change!.error = note;
    summary.sent++;
    sent.push(plan);
  }

  private digestLine(store: Store, plan: PlannedChange): DigestLine {
    return {
      productId: plan.product.id,
      sku: plan.product.sku,
      title: plan.product.title,
      oldPrice: plan.oldPrice,
      newPrice: plan.decision.price,
      reason: explainDecision(this.options.i18n, 'ru', plan.decision, plan.oldPrice),
      decision: plan.decision,
      rivalName: plan.decision.leader?.merchantName,
      rivalPrice: plan.decision.leader?.price,
      cityId: plan.cityId,
      cityName: cityLabel(store.points, plan.cityId),
    };
  }
}

/** The strategy's memory of this city after `decision`, kept on the product (one JSON value per city). */
function rememberDecision(product: Product, cityId: string, decision: Decision): void {
  product.demperMemory = { ...product.demperMemory, [cityId]: decision.memory };
}
