import type { I18n } from '@grammyjs/i18n';
import { inUnitOfWork } from '../db/unit-of-work.js';
import type { MikroORM } from '@mikro-orm/postgresql';

import { cityLabel } from '../catalog/city-prices.js';
import { ProductSchema, StoreSchema, type Store } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { recordDemperRun } from '../metrics.js';
import { KaspiRateLimitedError, KaspiSessionExpiredError } from '../kaspi/errors.js';
import type { Kaspi } from '../kaspi/index.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import { PriceOutbox } from '../pricing/outbox.js';
import { ProductWriteLock } from '../pricing/write-lock.js';
import { findDueProducts } from './due.js';
import { pickProductsWithinBudget, runAllowance } from './budget.js';
import type { DemperNotifier, DigestLine } from './notifier.js';
import { planStore, type PlannedChange } from './planning.js';
import { DemperReadBack } from './read-back.js';
import { explainDecision } from './reasons.js';
import { emptySummary, type RunSummary } from './run-summary.js';
import { DemperSender } from './sending.js';
import type { SentPriceReadBack } from './sent-prices.js';
import { demperSettingsOf } from './settings.js';

export { emptySummary, type RunSummary };

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
  /** Reads sent changes back as soon as Kaspi applies them (durable follow-ups); else the next run does. */
  sentReadBack?: SentPriceReadBack;
}

export interface RunOptions {
  storeId?: number;
  dryRun?: boolean;
  /** Restrict the run to these products (used by BullMQ jobs). */
  productIds?: number[];
}

/**
 * One demper run: settle earlier writes by reading them back, then for every due store plan (read the markets
 * and decide, src/demper/planning.ts), spend the change budget on the most valuable changes, send them through
 * the price outbox under the products' write locks (src/demper/sending.ts), and tell the seller in one digest
 * per store.
 */
export class DemperEngine {
  private readonly verifyAfterMs: number;
  private readonly readBack: DemperReadBack;
  private readonly outbox: PriceOutbox;
  private readonly sender: DemperSender;

  constructor(private readonly options: DemperEngineOptions) {
    this.verifyAfterMs = options.verifyAfterMs ?? 60_000;
    const writeLock = new ProductWriteLock(options.orm);
    this.outbox = new PriceOutbox(options.orm);
    this.readBack = new DemperReadBack({
      ...options,
      verifyAfterMs: this.verifyAfterMs,
      verifyTimeoutMs: options.verifyTimeoutMs ?? 15 * 60_000,
      writeLock,
    });
    this.sender = new DemperSender({
      ...options,
      outbox: this.outbox,
      lock: writeLock,
      verifyAfterMs: this.verifyAfterMs,
    });
  }

  /** One run is one unit of work (`inUnitOfWork`): the notifier's reads within it share one identity map. */
  runOnce(run: RunOptions = {}): Promise<RunSummary> {
    return inUnitOfWork(this.options.orm, () => this.run(run));
  }

  private async run(run: RunOptions): Promise<RunSummary> {
    const summary = emptySummary();
    await this.readBack.recoverInterrupted(run.storeId);
    await this.readBack.verifyPending(summary, run.storeId);
    const em = this.options.orm.em.fork();
    let due = await findDueProducts(em, new Date(), this.options.maxProductsPerRun ?? 500, run.storeId);
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
    const now = new Date();
    const plans = await planStore(
      { ...this.options, outbox: this.outbox, verifyAfterMs: this.verifyAfterMs },
      em,
      store,
      products,
      summary,
      now,
    );
    if (plans.length === 0) return;
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
    const waited = new Set(picked.waiting.map((plan) => plan.product.id)).size;
    summary.waited = (summary.waited ?? 0) + waited;
    if (picked.now.length === 0) {
      await em.flush();
      if (picked.waiting.length) await this.options.notifier.digest(storeId, [], false, { waited: summary.waited });
      return;
    }

    const sent = await this.sender.send(em, store, picked.now, summary, now);
    if (sent.length || waited)
      await this.options.notifier.digest(
        storeId,
        sent.map((plan) => this.digestLine(store, plan)),
        false,
        waited ? { waited } : undefined,
      );
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
