import { randomUUID } from 'node:crypto';

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

import {
  PriceChangeSchema,
  ProductSchema,
  type PriceChange,
  type PriceChangeSource,
  type PriceReasonDetails,
  type Product,
} from '../db/entities/index.js';
import type { StorePoint } from '../db/entities/store.js';
import type { Logger } from '../logger.js';
import { MAX_BATCH_ITEMS, type KaspiCabinetClient } from '../kaspi/cabinet-client.js';
import type { CookieJar } from '../kaspi/cookie-jar.js';
import { KaspiTransientError } from '../kaspi/errors.js';
import {
  buildPointSave,
  buildPricefeedItem,
  KASPI_MIN_PRICE,
  offerCityPrices,
  OfferWriteError,
  prefixStoreId,
  type PricefeedItem,
} from '../kaspi/offer-writes.js';
import { refusalCodes } from '../kaspi/refusals.js';
import type { CabinetOffer } from '../kaspi/schemas.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import { AvailabilityActions, type AvailabilityResult } from './availability-actions.js';
import { cityIdsOf, floorIn, mainCityOf, setCityPrice } from './city-prices.js';

export type { AvailabilityResult };

export type SetPriceResult =
  | {
      status: 'sent';
      changeId: number;
      changeIds: number[];
      oldPrice: number;
      newPrice: number;
      cities: { cityId: string; oldPrice: number }[];
    }
  | { status: 'unchanged'; price: number }
  | { status: 'already-sent'; changeId: number }
  | { status: 'below-floor'; floor: number }
  | { status: 'below-kaspi-minimum' }
  | { status: 'changed-outside'; livePrice: number }
  | { status: 'not-found' }
  | { status: 'city-not-sold'; cityId: string }
  | { status: 'refused'; codes: string[] }
  | { status: 'cannot-write'; why: string }
  | { status: 'budget-spent'; retryInMinutes: number };

export type VerifyOutcome = 'applied' | 'pending' | 'failed';

export interface PriceOptions {
  /** The one city to set; undefined = every city of the offer. */
  cityId?: string;
  /** The floor the seller was warned about and said «Да» to. */
  confirmedFloor?: number;
  reasonText: string;
  source?: PriceChangeSource;
  reasonCode?: string;
  reasonDetails?: PriceReasonDetails;
}

const BUDGET_SPENT = 'not sent: the store’s 30-minute change budget is spent';

/**
 * What a seller does to offers by hand: set a price (in every city or one), take offers on or off sale. Every
 * price change is recorded per city as `planned` before it is sent and settled by reading Kaspi back; nothing
 * is retried blindly.
 */
export class OfferActions {
  private readonly availability: AvailabilityActions;

  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: KaspiSessionManager,
    private readonly cabinet: KaspiCabinetClient,
    private readonly logger: Logger,
  ) {
    this.availability = new AvailabilityActions(orm, sessions, cabinet, logger);
  }

  /**
   * Sets a manual price. Below a city's floor only with `confirmedFloor`: the floor the seller was warned about
   * and said «Да» to; a floor raised since is a new question (`below-floor`), however short the gap. The offer is
   * re-read first: every other city keeps the price Kaspi shows now.
   */
  async setPrice(productId: number, newPrice: number, options: PriceOptions): Promise<SetPriceResult> {
    if (!Number.isInteger(newPrice) || newPrice < KASPI_MIN_PRICE) return { status: 'below-kaspi-minimum' };
    const em = this.orm.em.fork();
    const product = await em.findOneOrFail(ProductSchema, productId, { populate: ['store'] });
    const points = product.store.points;
    const targets = options.cityId ? [options.cityId] : cityIdsOf(product, points);
    const floor = highestFloorAbove(product, targets, newPrice);
    if (floor !== null && !(options.confirmedFloor !== undefined && options.confirmedFloor >= floor))
      return { status: 'below-floor', floor };
    // A double tap, a retried button or a second bot process must not send the same change twice.
    const unsettled = await em.findOne(PriceChangeSchema, {
      product,
      newPrice,
      status: { $in: ['planned', 'sent'] },
      $or: targets.map((cityId) => ({ cityId })),
    });
    if (unsettled) return { status: 'already-sent', changeId: unsettled.id };
    return this.sessions.withSession(product.store.id, async ({ jar, merchantUid }) => {
      const fresh = await this.cabinet.findOffer(jar, merchantUid, product.sku);
      if (!fresh) return { status: 'not-found' } as const;
      let live: Map<string, number>;
      try {
        live = offerCityPrices(merchantUid, fresh, points);
      } catch (error) {
        if (error instanceof OfferWriteError) return { status: 'cannot-write', why: error.message } as const;
        throw error;
      }
      if (options.cityId && !live.has(options.cityId))
        return { status: 'city-not-sold', cityId: options.cityId } as const;
      await this.settleEarlier(em, product, points, live);
      for (const [cityId, price] of live) setCityPrice(product, points, cityId, price);
      const changing = (options.cityId ? [options.cityId] : [...live.keys()]).filter(
        (cityId) => live.get(cityId) !== newPrice,
      );
      // The floors of the cities Kaspi shows now (one added in the cabinet since the last sync included).
      const liveFloor = highestFloorAbove(product, changing, newPrice);
      if (liveFloor !== null && !(options.confirmedFloor !== undefined && options.confirmedFloor >= liveFloor)) {
        await em.flush();
        return { status: 'below-floor', floor: liveFloor } as const;
      }
      if (changing.length === 0) {
        await em.flush();
        return { status: 'unchanged', price: newPrice } as const;
      }
      const source = options.source ?? 'manual';
      const changes = changing.map((cityId) =>
        em.create(PriceChangeSchema, {
          store: product.store,
          product,
          cityId,
          oldPrice: live.get(cityId)!,
          newPrice,
          reasonCode: options.reasonCode ?? source,
          reasonText: options.reasonText,
          reasonDetails: options.reasonDetails ?? null,
          source,
          status: 'planned',
          idempotencyKey: `${source}:${product.id}:${cityId}:${randomUUID()}`,
        }),
      );
      await em.flush(); // recorded before anything is sent
      let outcome: SetPriceResult | undefined;
      try {
        outcome = await this.sendOne(jar, merchantUid, fresh, points, live, changing, newPrice, changes);
      } finally {
        await em.flush(); // a refused or failed write is settled on record too, never left `planned`
      }
      if (outcome) return outcome;
      this.logger.info(
        { productId, changes: changes.map((change) => change.id), cities: changing, newPrice },
        'manual price sent to Kaspi',
      );
      return {
        status: 'sent',
        changeId: changes[0]!.id,
        changeIds: changes.map((change) => change.id),
        oldPrice: changes[0]!.oldPrice,
        newPrice,
        cities: changes.map((change) => ({ cityId: change.cityId!, oldPrice: change.oldPrice })),
      } as const;
    });
  }

  /**
   * Writes one product's decided cities. One city of an offer sold in several, with one point there, is the
   * cabinet's own single-point save (validated first, only that city's price); anything else is one batch item
   * carrying every city at its own price. Returns the result to report when the changes were not sent.
   */
  private async sendOne(
    jar: CookieJar,
    merchantUid: string,
    fresh: CabinetOffer,
    points: StorePoint[],
    live: Map<string, number>,
    changing: string[],
    newPrice: number,
    changes: PriceChange[],
  ): Promise<SetPriceResult | undefined> {
    try {
      const pointsThere = onePointIn(merchantUid, fresh, points, changing);
      const pointSave =
        live.size > 1 && pointsThere ? pointSaveOf(merchantUid, fresh, pointsThere, newPrice, points) : undefined;
      if (pointSave) {
        const result = await this.cabinet.savePoint(jar, merchantUid, pointSave);
        if (result.refused) {
          const codes = refusalCodes(result.refused);
          for (const change of changes) settle(change, 'failed', `refused by Kaspi's validation: ${codes.join(', ')}`);
          return { status: 'refused', codes };
        }
        if (result.sent.length === 0) return this.budgetSpent(changes, result.retryInMs);
      } else {
        const item = buildPricefeedItem(
          merchantUid,
          fresh,
          { cityPrices: Object.fromEntries(changing.map((cityId) => [cityId, newPrice])) },
          points,
        );
        const result = await this.cabinet.writeBatch(jar, merchantUid, [item]);
        if (result.sent.length === 0) return this.budgetSpent(changes, result.retryInMs);
      }
      for (const change of changes) markSent(change);
    } catch (error) {
      if (!(error instanceof KaspiTransientError)) {
        for (const change of changes)
          settle(change, 'failed', `not sent: ${error instanceof Error ? error.message : String(error)}`);
        if (error instanceof OfferWriteError) return { status: 'cannot-write', why: error.message };
        throw error;
      }
      // Kaspi may have taken it: the read-back decides, never a second write.
      for (const change of changes) markSent(change, `outcome unknown (${error.message}); verified by read-back`);
    }
    return undefined;
  }

  private budgetSpent(changes: PriceChange[], retryInMs: number): SetPriceResult {
    for (const change of changes) settle(change, 'failed', BUDGET_SPENT);
    return { status: 'budget-spent', retryInMinutes: Math.max(1, Math.ceil(retryInMs / 60_000)) };
  }

  /**
   * Many prices of one store at once (an Excel import): each city's change recorded as `planned`, then one batch
   * item per product in batches of 50 within Kaspi's limits. Below a city's floor is refused per product.
   * An item without `cityId` sets every city of its product; one with it, that city only.
   */
  async setPrices(
    storeId: number,
    items: { productId: number; price: number; cityId?: string }[],
    options: { source: PriceChangeSource; reasonText: string },
  ): Promise<{
    sent: number[];
    unchanged: number[];
    deferred: number[];
    failed: { productId: number; why: string }[];
  }> {
    const em = this.orm.em.fork();
    const result = {
      sent: [] as number[],
      unchanged: [] as number[],
      deferred: [] as number[],
      failed: [] as { productId: number; why: string }[],
    };
    const products = await em.find(ProductSchema, {
      id: { $in: items.map((item) => item.productId) },
      store: storeId,
      removedAt: null,
    });
    await this.sessions.withSession(storeId, async ({ jar, merchantUid, store }) => {
      const ready: { product: Product; changes: PriceChange[]; item: PricefeedItem }[] = [];
      for (const product of products) {
        const wanted = items.filter((item) => item.productId === product.id);
        const fresh = await this.cabinet.findOffer(jar, merchantUid, product.sku);
        if (!fresh) {
          result.failed.push({ productId: product.id, why: 'not-found' });
          continue;
        }
        let live: Map<string, number>;
        try {
          live = offerCityPrices(merchantUid, fresh, store.points);
        } catch (error) {
          if (!(error instanceof OfferWriteError)) throw error;
          result.failed.push({ productId: product.id, why: 'not-found' });
          continue;
        }
        const target = new Map<string, number>();
        for (const item of wanted.filter((entry) => entry.cityId === undefined))
          for (const cityId of live.keys()) target.set(cityId, item.price);
        const elsewhere = wanted.find((entry) => entry.cityId !== undefined && !live.has(entry.cityId));
        if (elsewhere) {
          result.failed.push({ productId: product.id, why: 'city-not-sold' });
          continue;
        }
        for (const item of wanted.filter((entry) => entry.cityId !== undefined)) target.set(item.cityId!, item.price);
        const refusal = priceRefusal(product, target);
        if (refusal) {
          result.failed.push({ productId: product.id, why: refusal });
          continue;
        }
        await this.settleEarlier(em, product, store.points, live);
        for (const [cityId, price] of live) setCityPrice(product, store.points, cityId, price);
        const changing = [...target].filter(([cityId, price]) => live.get(cityId) !== price);
        if (changing.length === 0) {
          result.unchanged.push(product.id);
          continue;
        }
        let item: PricefeedItem;
        try {
          item = buildPricefeedItem(merchantUid, fresh, { cityPrices: Object.fromEntries(changing) }, store.points);
        } catch (error) {
          if (!(error instanceof OfferWriteError)) throw error;
          result.failed.push({ productId: product.id, why: 'not-found' });
          continue;
        }
        const changes = changing.map(([cityId, price]) =>
          em.create(PriceChangeSchema, {
            store: storeId,
            product,
            cityId,
            oldPrice: live.get(cityId)!,
            newPrice: price,
            reasonCode: options.source,
            reasonText: options.reasonText,
            source: options.source,
            status: 'planned',
            idempotencyKey: `${options.source}:${product.id}:${cityId}:${randomUUID()}`,
          }),
        );
        ready.push({ product, changes, item });
      }
      await em.flush(); // every change on record before Kaspi hears of it
      try {
        await this.sendBatches(jar, merchantUid, ready, result);
      } finally {
        await em.flush(); // what was sent, and what a failure stopped, is on record either way
      }
    });
    this.logger.info(
      { storeId, sent: result.sent.length, deferred: result.deferred.length, failed: result.failed.length },
      'batch of prices sent to Kaspi',
    );
    return result;
  }

  private async sendBatches(
    jar: CookieJar,
    merchantUid: string,
    ready: { product: Product; changes: PriceChange[]; item: PricefeedItem }[],
    result: { sent: number[]; deferred: number[] },
  ): Promise<void> {
    for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
      const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
      let written;
      try {
        written = await this.cabinet.writeBatch(
          jar,
          merchantUid,
          chunk.map((entry) => entry.item),
        );
      } catch (error) {
        if (error instanceof KaspiTransientError) {
          for (const entry of chunk)
            for (const change of entry.changes)
              markSent(change, `outcome unknown (${error.message}); verified by read-back`);
          result.sent.push(...chunk.map((entry) => entry.product.id));
          continue;
        }
        for (const entry of ready.slice(start))
          for (const change of entry.changes)
            settle(change, 'failed', `not sent: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
      const sentSkus = new Set(written.sent.map((item) => item.sku));
      for (const entry of chunk) {
        const sent = sentSkus.has(entry.item.sku);
        for (const change of entry.changes) {
          if (sent) markSent(change);
          else settle(change, 'failed', BUDGET_SPENT);
        }
        (sent ? result.sent : result.deferred).push(entry.product.id);
      }
      if (written.deferred.length) {
        for (const rest of ready.slice(start + MAX_BATCH_ITEMS)) {
          for (const change of rest.changes) settle(change, 'failed', BUDGET_SPENT);
          result.deferred.push(rest.product.id);
        }
        return;
      }
    }
  }

  /**
   * Reads sent changes of one product back once: applied when Kaspi shows each city's new price, failed after
   * `timeoutMs` since sending. The outcome is `applied` only when every change is, `failed` when any failed.
   */
  async verifyPriceChange(
    changeIds: number | number[],
    timeoutMs: number,
  ): Promise<{ outcome: VerifyOutcome; change: PriceChange; changes: PriceChange[] }> {
    const ids = Array.isArray(changeIds) ? changeIds : [changeIds];
    const em = this.orm.em.fork();
    const changes = await em.find(
      PriceChangeSchema,
      { id: { $in: ids } },
      { populate: ['product', 'store'], orderBy: { id: 'ASC' } },
    );
    const open = changes.filter((change) => change.status === 'planned' || change.status === 'sent');
    if (open.length) {
      const { product, store } = open[0]!;
      const fresh = await this.sessions.withSession(store.id, ({ jar, merchantUid }) =>
        this.cabinet.findOffer(jar, merchantUid, product.sku),
      );
      let live: Map<string, number> | undefined;
      try {
        live = fresh ? offerCityPrices(store.merchantUid, fresh, store.points) : undefined;
      } catch (error) {
        if (!(error instanceof OfferWriteError)) throw error;
      }
      for (const change of open) {
        const cityId = change.cityId ?? mainCityOf(product, store.points);
        const shown = cityId ? live?.get(cityId) : undefined;
        if (shown === change.newPrice) {
          settle(change, 'applied');
          setCityPrice(product, store.points, cityId!, change.newPrice);
        } else if (Date.now() - (change.sentAt?.getTime() ?? 0) > timeoutMs) {
          settle(change, 'failed', `Kaspi did not apply the price (shows ${shown ?? 'no offer'})`);
          if (shown !== undefined && cityId) setCityPrice(product, store.points, cityId, shown);
        }
      }
      await em.flush();
    }
    const statuses = changes.map((change) => change.status as string);
    const outcome: VerifyOutcome = statuses.some((status) => status === 'planned' || status === 'sent')
      ? 'pending'
      : statuses.includes('failed')
        ? 'failed'
        : 'applied';
    return { outcome, change: changes[0]!, changes };
  }

  setAvailability(storeId: number, productIds: number[], available: boolean): Promise<AvailabilityResult> {
    return this.availability.setAvailability(storeId, productIds, available);
  }

  verifyAvailability(
    storeId: number,
    productIds: number[],
    available: boolean,
  ): Promise<{ applied: number[]; pending: number[] }> {
    return this.availability.verifyAvailability(storeId, productIds, available);
  }

  /**
   * Earlier changes still waiting for their read-back are settled by this fresh read before a new change hides
   * them: shown → applied; anything else → failed as superseded (not a false «Kaspi did not apply» later).
   */
  private async settleEarlier(
    em: EntityManager,
    product: Product,
    points: StorePoint[],
    live: Map<string, number>,
  ): Promise<void> {
    const waiting = await em.find(PriceChangeSchema, { product, status: 'sent' });
    const main = mainCityOf(product, points);
    for (const change of waiting) {
      const shown = live.get(change.cityId ?? main ?? '');
      if (change.newPrice === shown) settle(change, 'applied');
      else settle(change, 'failed', `superseded by a later change while Kaspi showed ${shown ?? 'no price'}`);
    }
  }
}

/** The highest floor among `cities` that `price` is under (null: none). */
function highestFloorAbove(product: Product, cities: string[], price: number): number | null {
  let highest: number | null = null;
  for (const cityId of cities.length ? cities : [undefined]) {
    const floor = floorIn(product, cityId as string | undefined);
    if (floor !== null && price < floor && (highest === null || floor > highest)) highest = floor;
  }
  return highest;
}

function priceRefusal(product: Product, target: Map<string, number>): string | undefined {
  for (const [cityId, price] of target) {
    if (!Number.isInteger(price) || price < KASPI_MIN_PRICE) return 'below-kaspi-minimum';
    const floor = floorIn(product, cityId);
    if (floor !== null && price < floor) return 'below-floor';
  }
  return undefined;
}

/** The cabinet's single-point save, or undefined where it cannot carry the point as read (an unread stock count). */
function pointSaveOf(merchantUid: string, offer: CabinetOffer, storeId: string, price: number, points: StorePoint[]) {
  try {
    return buildPointSave(merchantUid, offer, storeId, price, points);
  } catch (error) {
    if (error instanceof OfferWriteError) return undefined;
    throw error;
  }
}

/** The offer's single point in the one city being changed, or undefined (several cities, or several points there). */
function onePointIn(
  merchantUid: string,
  offer: CabinetOffer,
  points: StorePoint[],
  cities: string[],
): string | undefined {
  if (cities.length !== 1) return undefined;
  const there = offer.availabilities
    .map((availability) => prefixStoreId(merchantUid, availability.storeId))
    .filter((storeId) => points.find((point) => point.storeId === storeId)?.cityId === cities[0]);
  return there.length === 1 ? there[0] : undefined;
}

function markSent(change: PriceChange, note?: string): void {
  change.status = 'sent';
  change.sentAt = new Date();
  if (note) change.error = note;
}

function settle(change: PriceChange, status: 'applied' | 'failed', error?: string): void {
  change.status = status;
  change.settledAt = new Date();
  if (error) change.error = error;
}
