import type { EntityManager } from '@mikro-orm/postgresql';

import { mainCityOf, priceIn } from '../catalog/city-prices.js';
import { StoreSchema, type PriceChange, type Product, type Store } from '../db/entities/index.js';
import { isKaspiError, KaspiRateLimitedError } from '../kaspi/errors.js';
import type { Kaspi } from '../kaspi/index.js';
import type { MarketView } from '../kaspi/storefront-client.js';
import type { PriceOutbox } from '../pricing/outbox.js';
import { nextCheckAfter } from './due.js';
import { recordCheck, type CheckContext } from './market-check.js';
import type { DemperNotifier } from './notifier.js';
import type { RunSummary } from './run-summary.js';
import { demperCitiesOf, demperSettingsOf } from './settings.js';
import { decide, type Decision } from './strategy.js';
import { cheapestAtLastCheck } from './strategy-memory.js';

/** One city's decided price of one product. */
export interface PlannedChange {
  product: Product;
  cityId: string;
  /** The city's price when the market was read. */
  oldPrice: number;
  decision: Decision;
  /** Id of the latest price change of this product in this city when this run read its history (0: none). */
  after: number;
  change?: PriceChange;
}

export interface PlanningOptions {
  kaspi: Kaspi;
  notifier: DemperNotifier;
  outbox: PriceOutbox;
  /** A product whose last change is not read back yet is looked at again after this long. */
  verifyAfterMs: number;
}

/**
 * The planning half of a store's run: every due product's market read in each of its cities, a decision per city,
 * the check recorded, and the next check scheduled. Returns the changes to make, the most contested (and then the
 * biggest) first, for the change budget to go to. Nothing is recorded as a price change here.
 */
export async function planStore(
  options: PlanningOptions,
  em: EntityManager,
  store: Store,
  products: Product[],
  summary: RunSummary,
  now: Date,
): Promise<PlannedChange[]> {
  const productIds = products.map((product) => product.id);
  const ownMerchantIds = (await em.find(StoreSchema, { seller: store.seller })).map((own) => own.merchantUid);
  // Read before the unsettled changes: a change another writer records in between then shows up as unsettled
  // (the product waits), never as a newer history this run would key its own change after.
  const lastChange = await options.outbox.lastChangeIds(productIds);
  const unsettled = await options.outbox.unsettledProducts(productIds);
  // Decided with the budget left in Kaspi's rolling window (the seller's own edits, on/off and preorders count too).
  const changesLeft = await options.kaspi.limits.changesLeft(store.merchantUid);
  const spareBudget = changesLeft >= options.kaspi.limits.changesPerWindow / 2;
  const check: CheckContext = { em, notifier: options.notifier, store, ownMerchantIds, now };
  const plans: PlannedChange[] = [];
  const recheck: number[] = [];

  products: for (const product of products) {
    if (unsettled.has(product.id)) {
      // The last change is not read back yet; deciding again could stack a second change on top of it.
      product.nextCheckAt = new Date(now.getTime() + options.verifyAfterMs);
      continue;
    }
    const main = mainCityOf(product, store.points);
    // Each city is its own market: its own storefront, its own price, decided on its own.
    for (const cityId of demperCitiesOf(product, store.points)) {
      const settings = demperSettingsOf(product, cityId);
      if (!settings) continue;
      let view: MarketView;
      try {
        view = await options.kaspi.storefront.offers(product.masterSku, cityId);
      } catch (error) {
        if (!isKaspiError(error)) throw error;
        product.nextCheckAt = new Date(now.getTime() + 60_000);
        summary.errors.push({ storeId: store.id, message: `${product.sku}: ${error.message}` });
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
      recheck.push(decision.recheckInMs ?? 0);
    }
    product.lastCheckedAt = now;
    product.nextCheckAt = nextCheckAfter(product, now);
    // A market best left alone (a bot we do not fight) is looked at less often, unless another city needs us.
    const later = Math.min(...recheck.splice(0));
    if (Number.isFinite(later) && later > product.nextCheckAt.getTime() - now.getTime())
      product.nextCheckAt = new Date(now.getTime() + later);
  }
  await em.flush();

  // The change budget goes to the most contested products first.
  return plans.sort(
    (a, b) =>
      (b.product.rivalMovedAt?.getTime() ?? 0) - (a.product.rivalMovedAt?.getTime() ?? 0) ||
      Math.abs(b.decision.price - b.oldPrice) - Math.abs(a.decision.price - a.oldPrice),
  );
}

/** The strategy's memory of this city after `decision`, kept on the product (one JSON value per city). */
export function rememberDecision(product: Product, cityId: string, decision: Decision): void {
  product.demperMemory = { ...product.demperMemory, [cityId]: decision.memory };
}

/** The plans grouped by product, in their order: a product's decided cities are recorded and sent together. */
export function byProduct(plans: PlannedChange[]): PlannedChange[][] {
  const groups = new Map<number, PlannedChange[]>();
  for (const plan of plans) groups.set(plan.product.id, [...(groups.get(plan.product.id) ?? []), plan]);
  return [...groups.values()];
}
