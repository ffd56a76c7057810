import { randomUUID } from 'node:crypto';

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

import { PriceChangeSchema, ProductSchema, StoreSchema, type PriceChange, type PriceChangeSource, type PriceReasonDetails, type Product } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { MAX_BATCH_ITEMS, type KaspiCabinetClient } from '../kaspi/cabinet-client.js';
import { KaspiTransientError } from '../kaspi/errors.js';
import { buildPricefeedItem, currentPrice, KASPI_MIN_PRICE, OfferWriteError, type PricefeedItem } from '../kaspi/offer-writes.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';

export type SetPriceResult =
  | { status: 'sent'; changeId: number; oldPrice: number; newPrice: number }
  | { status: 'unchanged'; price: number }
  | { status: 'already-sent'; changeId: number }
  | { status: 'below-floor'; floor: number }
  | { status: 'below-kaspi-minimum' }
  | { status: 'changed-outside'; livePrice: number }
  | { status: 'not-found' }
  | { status: 'budget-spent'; retryInMinutes: number };

export interface AvailabilityResult {
  /** Products whose write Kaspi accepted. */
  sent: Product[];
  /** Already in the asked state at Kaspi: nothing was sent for them. */
  unchanged: Product[];
  /** Not found in the cabinet or refused before sending, with why. */
  skipped: { product: Product; why: string }[];
  /** Not sent because the store's 30-minute change budget is spent. */
  deferred: Product[];
}

export type VerifyOutcome = 'applied' | 'pending' | 'failed';

/**
 * What a seller does to offers by hand: set a price, take offers on or off sale. Every price change is
 * recorded as `planned` before it is sent and settled by reading Kaspi back; nothing is retried blindly.
 */
export class OfferActions {
  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: KaspiSessionManager,
    private readonly cabinet: KaspiCabinetClient,
    private readonly logger: Logger,
  ) {}

  /**
   * Sets a manual price. Below the product's floor only with `confirmedFloor`: the floor the seller was warned
   * about and said «Да» to; a floor raised since is a new question (`below-floor`), however short the gap.
   * The offer is re-read first: its availabilities are echoed as Kaspi has them now.
   */
  async setPrice(
    productId: number,
    newPrice: number,
    options: { confirmedFloor?: number; reasonText: string; source?: PriceChangeSource; reasonCode?: string; reasonDetails?: PriceReasonDetails },
  ): Promise<SetPriceResult> {
    if (!Number.isInteger(newPrice) || newPrice < KASPI_MIN_PRICE) return { status: 'below-kaspi-minimum' };
    const em = this.orm.em.fork();
    const product = await em.findOneOrFail(ProductSchema, productId, { populate: ['store'] });
    const floorConfirmed = options.confirmedFloor !== undefined && product.minPrice !== null && product.minPrice !== undefined && options.confirmedFloor >= product.minPrice;
    if (product.minPrice !== null && product.minPrice !== undefined && newPrice < product.minPrice && !floorConfirmed) {
      return { status: 'below-floor', floor: product.minPrice };
    }
    // A double tap, a retried button or a second bot process must not send the same change twice.
    const unsettled = await em.findOne(PriceChangeSchema, { product, newPrice, status: { $in: ['planned', 'sent'] } });
    if (unsettled) return { status: 'already-sent', changeId: unsettled.id };
    return this.sessions.withSession(product.store.id, async ({ jar, merchantUid, store }) => {
      const fresh = await this.cabinet.findOffer(jar, merchantUid, product.sku);
      if (!fresh) return { status: 'not-found' } as const;
      const livePrice = currentPrice(fresh);
      await this.settleEarlier(em, product, livePrice);
      if (livePrice === newPrice) {
        product.price = livePrice;
        await em.flush();
        return { status: 'unchanged', price: livePrice } as const;
      }
      const item = buildPricefeedItem(merchantUid, fresh, { price: newPrice }, store.points, { batch: true });
      const change = em.create(PriceChangeSchema, {
        store: product.store,
        product,
        oldPrice: livePrice,
        newPrice,
        reasonCode: options.reasonCode ?? options.source ?? 'manual',
        reasonText: options.reasonText,
        reasonDetails: options.reasonDetails ?? null,
        source: options.source ?? 'manual',
        status: 'planned',
        idempotencyKey: `${options.source ?? 'manual'}:${product.id}:${randomUUID()}`,
      });
      product.price = livePrice;
      await em.flush(); // recorded before anything is sent
      try {
        const result = await this.cabinet.writeBatch(jar, merchantUid, [item]);
        if (result.sent.length === 0) {
          this.settle(change, 'failed', 'not sent: the store’s 30-minute change budget is spent');
          await em.flush();
          return { status: 'budget-spent', retryInMinutes: Math.max(1, Math.ceil(result.retryInMs / 60_000)) } as const;
        }
        change.status = 'sent';
        change.sentAt = new Date();
      } catch (error) {
        if (error instanceof KaspiTransientError) {
          // Kaspi may have taken it: the read-back decides, never a second write.
          change.status = 'sent';
          change.sentAt = new Date();
          change.error = `outcome unknown (${error.message}); verified by read-back`;
        } else {
          this.settle(change, 'failed', `not sent: ${error instanceof Error ? error.message : String(error)}`);
          await em.flush();
          throw error;
        }
      }
      await em.flush();
      this.logger.info({ productId, changeId: change.id, oldPrice: livePrice, newPrice }, 'manual price sent to Kaspi');
      return { status: 'sent', changeId: change.id, oldPrice: livePrice, newPrice } as const;
    });
  }

  /**
   * Many prices of one store at once (an Excel import): each recorded as `planned`, then written in batches of
   * 50 within Kaspi's limits. Below a product's floor is refused per product; nothing is retried blindly.
   */
  async setPrices(
    storeId: number,
    items: { productId: number; price: number }[],
    options: { source: PriceChangeSource; reasonText: string },
  ): Promise<{ sent: number[]; unchanged: number[]; deferred: number[]; failed: { productId: number; why: string }[] }> {
    const em = this.orm.em.fork();
    const result = { sent: [] as number[], unchanged: [] as number[], deferred: [] as number[], failed: [] as { productId: number; why: string }[] };
    const products = await em.find(ProductSchema, { id: { $in: items.map((item) => item.productId) }, store: storeId, removedAt: null });
    const wanted = new Map(items.map((item) => [item.productId, item.price]));
    await this.sessions.withSession(storeId, async ({ jar, merchantUid, store }) => {
      const ready: { product: Product; change: PriceChange; item: PricefeedItem }[] = [];
      for (const product of products) {
        const price = wanted.get(product.id)!;
        if (!Number.isInteger(price) || price < KASPI_MIN_PRICE) {
          result.failed.push({ productId: product.id, why: 'below-kaspi-minimum' });
          continue;
        }
        if (product.minPrice !== null && product.minPrice !== undefined && price < product.minPrice) {
          result.failed.push({ productId: product.id, why: 'below-floor' });
          continue;
        }
        const fresh = await this.cabinet.findOffer(jar, merchantUid, product.sku);
        if (!fresh) {
          result.failed.push({ productId: product.id, why: 'not-found' });
          continue;
        }
        const livePrice = currentPrice(fresh);
        await this.settleEarlier(em, product, livePrice);
        product.price = livePrice;
        if (livePrice === price) {
          result.unchanged.push(product.id);
          continue;
        }
        const change = em.create(PriceChangeSchema, {
          store: storeId,
          product,
          oldPrice: livePrice,
          newPrice: price,
          reasonCode: options.source,
          reasonText: options.reasonText,
          source: options.source,
          status: 'planned',
          idempotencyKey: `${options.source}:${product.id}:${randomUUID()}`,
        });
        ready.push({ product, change, item: buildPricefeedItem(merchantUid, fresh, { price }, store.points, { batch: true }) });
      }
      await em.flush(); // every change on record before Kaspi hears of it
      for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
        const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
        let written;
        try {
          written = await this.cabinet.writeBatch(jar, merchantUid, chunk.map((entry) => entry.item));
        } catch (error) {
          if (error instanceof KaspiTransientError) {
            for (const entry of chunk) Object.assign(entry.change, { status: 'sent', sentAt: new Date(), error: `outcome unknown (${error.message}); verified by read-back` });
            result.sent.push(...chunk.map((entry) => entry.product.id));
            continue;
          }
          for (const entry of ready.slice(start)) this.settle(entry.change, 'failed', `not sent: ${error instanceof Error ? error.message : String(error)}`);
          await em.flush();
          throw error;
        }
        const sentSkus = new Set(written.sent.map((item) => item.sku));
        for (const entry of chunk) {
          if (sentSkus.has(entry.item.sku)) {
            Object.assign(entry.change, { status: 'sent', sentAt: new Date() });
            result.sent.push(entry.product.id);
          } else {
            this.settle(entry.change, 'failed', 'not sent: the store’s 30-minute change budget is spent');
            result.deferred.push(entry.product.id);
          }
        }
        if (written.deferred.length) {
          for (const rest of ready.slice(start + MAX_BATCH_ITEMS)) {
            this.settle(rest.change, 'failed', 'not sent: the store’s 30-minute change budget is spent');
            result.deferred.push(rest.product.id);
          }
          break;
        }
      }
      await em.flush();
    });
    this.logger.info({ storeId, sent: result.sent.length, deferred: result.deferred.length, failed: result.failed.length }, 'batch of prices sent to Kaspi');
    return result;
  }

  /** Reads a sent change back once: applied when Kaspi shows the price, failed after `timeoutMs` since sending. */
  async verifyPriceChange(changeId: number, timeoutMs: number): Promise<{ outcome: VerifyOutcome; change: PriceChange }> {
    const em = this.orm.em.fork();
    const change = await em.findOneOrFail(PriceChangeSchema, changeId, { populate: ['product', 'store'] });
    if (change.status === 'applied' || change.status === 'failed') return { outcome: change.status, change };
    const fresh = await this.sessions.withSession(change.store.id, ({ jar, merchantUid }) => this.cabinet.findOffer(jar, merchantUid, change.product.sku));
    const livePrice = fresh ? currentPrice(fresh) : undefined;
    if (livePrice === change.newPrice) {
      this.settle(change, 'applied');
      change.product.price = change.newPrice;
    } else if (Date.now() - (change.sentAt?.getTime() ?? 0) > timeoutMs) {
      this.settle(change, 'failed', `Kaspi did not apply the price (shows ${livePrice ?? 'no offer'})`);
      if (livePrice !== undefined) change.product.price = livePrice;
    }
    await em.flush();
    const settled: string = change.status;
    return { outcome: settled === 'applied' ? 'applied' : settled === 'failed' ? 'failed' : 'pending', change };
  }

  /** Takes products on or off sale at every point, in batches; stock, preorders and other fields are echoed. */
  async setAvailability(storeId: number, productIds: number[], available: boolean): Promise<AvailabilityResult> {
    const em = this.orm.em.fork();
    const store = await em.findOneOrFail(StoreSchema, storeId);
    const products = await em.find(ProductSchema, { id: { $in: productIds }, store }, { orderBy: { id: 'ASC' } });
    const result: AvailabilityResult = { sent: [], unchanged: [], skipped: [], deferred: [] };
    await this.sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      const ready: { product: Product; item: PricefeedItem }[] = [];
      for (const product of products) {
        const fresh = await this.cabinet.findOffer(jar, merchantUid, product.sku);
        if (!fresh) {
          result.skipped.push({ product, why: 'not-found' });
          continue;
        }
        const everywhere = fresh.availabilities.every((point) => (point.available === 'yes') === available);
        if (everywhere) {
          result.unchanged.push(product);
          product.onSale = available;
          product.availabilities = fresh.availabilities as Product['availabilities'];
          continue;
        }
        try {
          ready.push({ product, item: buildPricefeedItem(merchantUid, fresh, { available }, store.points, { batch: true }) });
        } catch (error) {
          if (!(error instanceof OfferWriteError)) throw error;
          result.skipped.push({ product, why: error.message });
        }
      }
      for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
        const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
        const written = await this.cabinet.writeBatch(jar, merchantUid, chunk.map((entry) => entry.item));
        const sentSkus = new Set(written.sent.map((item) => item.sku));
        for (const entry of chunk) (sentSkus.has(entry.item.sku) ? result.sent : result.deferred).push(entry.product);
        if (written.deferred.length) {
          result.deferred.push(...ready.slice(start + MAX_BATCH_ITEMS).map((entry) => entry.product));
          break;
        }
      }
    });
    await em.flush();
    this.logger.info(
      { storeId, available, sent: result.sent.length, unchanged: result.unchanged.length, skipped: result.skipped.length, deferred: result.deferred.length },
      'availability change sent to Kaspi',
    );
    return result;
  }

  /** Reads products back: those Kaspi now shows in the asked state at every point are updated locally. */
  async verifyAvailability(storeId: number, productIds: number[], available: boolean): Promise<{ applied: number[]; pending: number[] }> {
    const em = this.orm.em.fork();
    const products = await em.find(ProductSchema, { id: { $in: productIds }, store: storeId });
    const applied: number[] = [];
    const pending: number[] = [];
    await this.sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      for (const product of products) {
        const fresh = await this.cabinet.findOffer(jar, merchantUid, product.sku);
        if (fresh && fresh.availabilities.every((point) => (point.available === 'yes') === available)) {
          product.onSale = available;
          product.availabilities = fresh.availabilities as Product['availabilities'];
          applied.push(product.id);
        } else pending.push(product.id);
      }
    });
    await em.flush();
    return { applied, pending };
  }

  /**
   * Earlier changes still waiting for their read-back are settled by this fresh read before a new change
   * hides them: shown → applied; anything else → failed as superseded (not a false «Kaspi did not apply» later).
   */
  private async settleEarlier(em: EntityManager, product: Product, livePrice: number): Promise<void> {
    const waiting = await em.find(PriceChangeSchema, { product, status: 'sent' });
    for (const change of waiting) {
      if (change.newPrice === livePrice) this.settle(change, 'applied');
      else this.settle(change, 'failed', `superseded by a later change while Kaspi showed ${livePrice}`);
    }
  }

  private settle(change: PriceChange, status: 'applied' | 'failed', error?: string): void {
    change.status = status;
    change.settledAt = new Date();
    if (error) change.error = error;
  }
}
