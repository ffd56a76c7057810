import type { MikroORM } from '@mikro-orm/postgresql';

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
import { buildPricefeedItem, offerCityPrices, OfferWriteError } from '../kaspi/offer-writes.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import { PriceOutbox, type PlannedPrice } from '../pricing/outbox.js';
import { highestFloorAbove, isKaspiPrice, priceRefusal } from '../pricing/price-rules.js';
import { BUDGET_SPENT, PriceWrites, type BatchEntry, type CabinetSession } from '../pricing/price-writes.js';
import { ProductWriteLock } from '../pricing/write-lock.js';
import { AvailabilityActions, type AvailabilityResult } from './availability-actions.js';
import { applySettledPrice, cityIdsOf, mainCityOf, setCityPrice } from './city-prices.js';

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

/** How long a seller's edit, an import or a rollback waits for a product another writer is sending. */
const WRITE_LOCK_WAIT_MS = 30_000;

type PricesResult = {
  sent: number[];
  /** The recorded changes of each sent product, for their read-back. */
  sentChanges: { productId: number; changeIds: number[] }[];
  unchanged: number[];
  deferred: number[];
  failed: { productId: number; why: string }[];
};

/**
 * What a seller does to offers by hand: set a price (in every city or one), take offers on or off sale. Every
 * price change is recorded per city as `planned` in the outbox before it is sent and settled by reading Kaspi
 * back; nothing is retried blindly. A product's read, decision, record and send happen under its write lock, so
 * the demper, an import or a rollback never interleave with them.
 */
export class OfferActions {
  private readonly availability: AvailabilityActions;
  private readonly outbox: PriceOutbox;
  private readonly writes: PriceWrites;
  private readonly lock: ProductWriteLock;

  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: KaspiSessionManager,
    private readonly cabinet: KaspiCabinetClient,
    private readonly logger: Logger,
  ) {
    this.availability = new AvailabilityActions(orm, sessions, cabinet, logger);
    this.outbox = new PriceOutbox(orm);
    this.writes = new PriceWrites(cabinet, this.outbox);
    this.lock = new ProductWriteLock(orm);
  }

  /**
   * Sets a manual price. Below a city's floor only with `confirmedFloor`: the floor the seller was warned about
   * and said «Да» to; a floor raised since is a new question (`below-floor`), however short the gap. The offer is
   * re-read first: every other city keeps the price Kaspi shows now.
   */
  async setPrice(productId: number, newPrice: number, options: PriceOptions): Promise<SetPriceResult> {
    if (!isKaspiPrice(newPrice)) return { status: 'below-kaspi-minimum' };
    return this.lock.withProducts([productId], WRITE_LOCK_WAIT_MS, () =>
      this.setPriceHeld(productId, newPrice, options),
    );
  }

  private async setPriceHeld(productId: number, newPrice: number, options: PriceOptions): Promise<SetPriceResult> {
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
      await this.supersedeEarlier(product, points, live);
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
      const changes = await this.record(
        changing.map((cityId) => ({
          storeId: product.store.id,
          productId: product.id,
          cityId,
          oldPrice: live.get(cityId)!,
          newPrice,
          reasonCode: options.reasonCode ?? source,
          reasonText: options.reasonText,
          reasonDetails: options.reasonDetails ?? null,
          source,
        })),
      );
      await em.flush();
      const ids = changes.map((change) => change.id);
      const cityPrices = Object.fromEntries(changing.map((cityId) => [cityId, newPrice]));
      const outcome = await this.writes.writeProduct({ jar, merchantUid }, fresh, points, live, cityPrices, ids);
      if (outcome.status === 'budget-spent')
        return { status: 'budget-spent', retryInMinutes: Math.max(1, Math.ceil(outcome.retryInMs / 60_000)) } as const;
      if (outcome.status !== 'sent') return outcome;
      this.logger.info({ productId, changes: ids, cities: changing, newPrice }, 'manual price sent to Kaspi');
      return {
        status: 'sent',
        changeId: ids[0]!,
        changeIds: ids,
        oldPrice: changes[0]!.oldPrice,
        newPrice,
        cities: changes.map((change) => ({ cityId: change.cityId!, oldPrice: change.oldPrice })),
      } as const;
    });
  }

  /**
   * Many prices of one store at once (an Excel import, a rollback): per batch of 50 products, under their write
   * locks, each product re-read, each city's change recorded as `planned`, then one batch item per product within
   * Kaspi's limits. Below a city's floor is refused per product. An item without `cityId` sets every city of its
   * product; one with it, that city only. A product another writer holds past the wait fails as `busy`.
   */
  async setPrices(
    storeId: number,
    items: { productId: number; price: number; cityId?: string }[],
    options: { source: PriceChangeSource; reasonText: string },
  ): Promise<PricesResult> {
    const em = this.orm.em.fork();
    const result: PricesResult = { sent: [], sentChanges: [], unchanged: [], deferred: [], failed: [] };
    const products = await em.find(
      ProductSchema,
      { id: { $in: items.map((item) => item.productId) }, store: storeId, removedAt: null },
      { orderBy: { id: 'ASC' } },
    );
    await this.sessions.withSession(storeId, async ({ jar, merchantUid, store }) => {
      for (let start = 0; start < products.length; start += MAX_BATCH_ITEMS) {
        const chunk = products.slice(start, start + MAX_BATCH_ITEMS);
        const locks = await this.lock.acquire(
          chunk.map((product) => product.id),
          WRITE_LOCK_WAIT_MS,
        );
        try {
          const ready: BatchEntry<number>[] = [];
          for (const product of chunk) {
            if (!locks.held.has(product.id)) {
              result.failed.push({ productId: product.id, why: 'busy' });
              continue;
            }
            const wanted = items.filter((item) => item.productId === product.id);
            const entry = await this.prepare({ jar, merchantUid, points: store.points }, product, wanted, options);
            if (typeof entry === 'string') {
              if (entry === 'unchanged') result.unchanged.push(product.id);
              else result.failed.push({ productId: product.id, why: entry });
            } else ready.push(entry);
          }
          await em.flush();
          if (ready.length === 0) continue;
          const written = await this.writes.writeBatch({ jar, merchantUid }, ready, () => BUDGET_SPENT);
          result.sent.push(...written.sent.map((entry) => entry.key));
          result.sentChanges.push(
            ...written.sent.map((entry) => ({ productId: entry.key, changeIds: entry.changeIds })),
          );
          result.deferred.push(...written.deferred.map((entry) => entry.key));
          if (written.budgetSpent) {
            // Kaspi's window is spent: the rest is neither recorded nor sent, and reported as deferred.
            result.deferred.push(...products.slice(start + MAX_BATCH_ITEMS).map((product) => product.id));
            break;
          }
        } finally {
          await locks.release();
        }
      }
    });
    this.logger.info(
      { storeId, sent: result.sent.length, deferred: result.deferred.length, failed: result.failed.length },
      'batch of prices sent to Kaspi',
    );
    return result;
  }

  /**
   * One product of a batch, its lock held: re-read, refused or unchanged (returns why), else its cities recorded
   * as `planned` and its batch item built.
   */
  private async prepare(
    session: CabinetSession & { points: StorePoint[] },
    product: Product,
    wanted: { price: number; cityId?: string }[],
    options: { source: PriceChangeSource; reasonText: string },
  ): Promise<BatchEntry<number> | string> {
    const { jar, merchantUid, points } = session;
    const fresh = await this.cabinet.findOffer(jar, merchantUid, product.sku);
    if (!fresh) return 'not-found';
    let live: Map<string, number>;
    try {
      live = offerCityPrices(merchantUid, fresh, points);
    } catch (error) {
      if (!(error instanceof OfferWriteError)) throw error;
      return 'not-found';
    }
    const target = new Map<string, number>();
    for (const item of wanted.filter((entry) => entry.cityId === undefined))
      for (const cityId of live.keys()) target.set(cityId, item.price);
    if (wanted.some((entry) => entry.cityId !== undefined && !live.has(entry.cityId))) return 'city-not-sold';
    for (const item of wanted.filter((entry) => entry.cityId !== undefined)) target.set(item.cityId!, item.price);
    const refusal = priceRefusal(product, target);
    if (refusal) return refusal;
    await this.supersedeEarlier(product, points, live);
    for (const [cityId, price] of live) setCityPrice(product, points, cityId, price);
    const changing = [...target].filter(([cityId, price]) => live.get(cityId) !== price);
    if (changing.length === 0) return 'unchanged';
    let item;
    try {
      item = buildPricefeedItem(merchantUid, fresh, { cityPrices: Object.fromEntries(changing) }, points);
    } catch (error) {
      if (!(error instanceof OfferWriteError)) throw error;
      return 'not-found';
    }
    const changes = await this.record(
      changing.map(([cityId, price]) => ({
        storeId: product.store.id,
        productId: product.id,
        cityId,
        oldPrice: live.get(cityId)!,
        newPrice: price,
        reasonCode: options.source,
        reasonText: options.reasonText,
        source: options.source,
      })),
    );
    return { key: product.id, changeIds: changes.map((change) => change.id), item };
  }

  /**
   * Reads changes of one product back once: applied when Kaspi shows each city's new price, failed after
   * `timeoutMs` since sending. Each is settled in the outbox only if it is still open (the demper's read-back
   * may settle it first); the answer is what the database holds afterwards, whoever settled it. The outcome is
   * `applied` only when every change is, `failed` when any failed.
   */
  async verifyPriceChange(
    changeIds: number | number[],
    timeoutMs: number,
  ): Promise<{ outcome: VerifyOutcome; change: PriceChange; changes: PriceChange[]; failedHere: boolean }> {
    const ids = Array.isArray(changeIds) ? changeIds : [changeIds];
    const em = this.orm.em.fork();
    const load = (from: typeof em) =>
      from.find(PriceChangeSchema, { id: { $in: ids } }, { populate: ['product', 'store'], orderBy: { id: 'ASC' } });
    const open = (await load(em)).filter((change) => change.status === 'planned' || change.status === 'sent');
    let failedHere = false;
    if (open.length) {
      failedHere = await this.readBack(open, timeoutMs);
      await em.flush();
    }
    const changes = await load(this.orm.em.fork());
    const statuses = changes.map((change) => change.status as string);
    const outcome: VerifyOutcome = statuses.some((status) => status === 'planned' || status === 'sent')
      ? 'pending'
      : statuses.includes('failed')
        ? 'failed'
        : 'applied';
    return { outcome, change: changes[0]!, changes, failedHere };
  }

  /**
   * Settles what Kaspi shows; the product's cached prices move only with a settlement this call won. True when
   * this call failed a change (another owner that settled it first tells the seller instead).
   */
  private async readBack(open: PriceChange[], timeoutMs: number): Promise<boolean> {
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
    // A change still `planned` is its writer's, who holds the product's lock until it is sent; only a change
    // whose writer died (the lock free) is settled from `planned`, timed from its creation.
    const orphans = open.some((change) => change.status === 'planned')
      ? await this.lock.acquire([product.id], 0)
      : undefined;
    let failedHere = false;
    try {
      for (const change of open) {
        if (change.status === 'planned' && !orphans?.held.has(product.id)) continue;
        const from = change.status === 'planned' ? (['planned'] as const) : (['sent'] as const);
        const cityId = change.cityId ?? mainCityOf(product, store.points);
        const shown = cityId ? live?.get(cityId) : undefined;
        if (shown === change.newPrice) {
          if (await this.outbox.settle(change.id, 'applied', undefined, [...from]))
            applySettledPrice(product, store.points, cityId!, change);
        } else if (Date.now() - (change.sentAt ?? change.createdAt).getTime() > timeoutMs) {
          const why = `Kaspi did not apply the price (shows ${shown ?? 'no offer'})`;
          if (!(await this.outbox.settle(change.id, 'failed', why, [...from]))) continue;
          failedHere = true;
          if (shown !== undefined && cityId) setCityPrice(product, store.points, cityId, shown);
        }
      }
    } finally {
      await orphans?.release();
    }
    return failedHere;
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

  /** Earlier changes still waiting for their read-back are settled by this fresh read before a new change hides them. */
  private async supersedeEarlier(product: Product, points: StorePoint[], live: Map<string, number>): Promise<void> {
    const main = mainCityOf(product, points);
    await this.outbox.supersedeEarlier(product.id, (change) => live.get(change.cityId ?? main ?? ''));
  }

  /** Records changes with fresh keys: never refused as another writer's (undefined only for a reused key). */
  private async record(changes: PlannedPrice[]): Promise<PriceChange[]> {
    const recorded = await this.outbox.recordPlanned(changes);
    if (!recorded) throw new Error('a fresh idempotency key was already taken');
    return recorded;
  }
}
