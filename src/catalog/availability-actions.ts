import type { MikroORM } from '@mikro-orm/postgresql';

import { ProductSchema, StoreSchema, type Product } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { MAX_BATCH_ITEMS, type KaspiCabinetClient } from '../kaspi/cabinet-client.js';
import type { CookieJar } from '../kaspi/cookie-jar.js';
import {
  buildPricefeedItem,
  OfferWriteError,
  validationForEnable,
  type PricefeedItem,
  type ValidationOffer,
} from '../kaspi/offer-writes.js';
import { refusalCodes } from '../kaspi/refusals.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';

export interface AvailabilityResult {
  /** Products whose write Kaspi accepted. */
  sent: Product[];
  /** Already in the asked state at Kaspi: nothing was sent for them. */
  unchanged: Product[];
  /** Not found in the cabinet or refused before sending, with why (`not-found`, `refused:<CODE,…>`, or a reason). */
  skipped: { product: Product; why: string }[];
  /** Not sent because the store's 30-minute change budget is spent. */
  deferred: Product[];
}

interface Ready {
  product: Product;
  item: PricefeedItem;
  validation: ValidationOffer;
}

/**
 * The one owner of availability changes, end to end: the only code that takes offers on or off sale (the bot,
 * an Excel import and OfferActions all come here) and that reads the result back into `product.onSale` and
 * `availabilities`. It does as the cabinet's «Выставить на продажу» / «Снять с продажи» do: the same batch item,
 * each city at the price Kaspi shows now (an on/off never moves a price, and records no price change), and before
 * offers go on sale the same `validate/v2` (`ON_SALE__BATCH`) the cabinet asks; refused offers are not sent.
 */
export class AvailabilityActions {
  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: KaspiSessionManager,
    private readonly cabinet: KaspiCabinetClient,
    private readonly logger: Logger,
  ) {}

  async setAvailability(storeId: number, productIds: number[], available: boolean): Promise<AvailabilityResult> {
    const em = this.orm.em.fork();
    const store = await em.findOneOrFail(StoreSchema, storeId);
    const products = await em.find(ProductSchema, { id: { $in: productIds }, store }, { orderBy: { id: 'ASC' } });
    const result: AvailabilityResult = { sent: [], unchanged: [], skipped: [], deferred: [] };
    await this.sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      const ready: Ready[] = [];
      for (const product of products) {
        const fresh = await this.cabinet.findOffer(jar, merchantUid, product.sku);
        if (!fresh) {
          result.skipped.push({ product, why: 'not-found' });
          continue;
        }
        if (fresh.availabilities.every((point) => (point.available === 'yes') === available)) {
          result.unchanged.push(product);
          product.onSale = available;
          product.availabilities = fresh.availabilities as Product['availabilities'];
          continue;
        }
        try {
          const item = buildPricefeedItem(merchantUid, fresh, { available }, store.points);
          ready.push({ product, item, validation: validationForEnable(merchantUid, fresh, item, store.points) });
        } catch (error) {
          if (!(error instanceof OfferWriteError)) throw error;
          result.skipped.push({ product, why: error.message });
        }
      }
      const accepted = available ? await this.validated(jar, merchantUid, ready, result) : ready;
      await this.send(jar, merchantUid, accepted, result);
    });
    await em.flush();
    this.logger.info(
      {
        storeId,
        available,
        sent: result.sent.length,
        unchanged: result.unchanged.length,
        skipped: result.skipped.length,
        deferred: result.deferred.length,
      },
      'availability change sent to Kaspi',
    );
    return result;
  }

  /** The offers `validate/v2` accepts for sale; the others are skipped with Kaspi's reasons. */
  private async validated(
    jar: CookieJar,
    merchantUid: string,
    ready: Ready[],
    result: AvailabilityResult,
  ): Promise<Ready[]> {
    const accepted: Ready[] = [];
    for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
      const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
      const answer = await this.cabinet.validate(
        jar,
        merchantUid,
        'ON_SALE__BATCH',
        chunk.map((entry) => entry.validation),
      );
      if (answer.valid) {
        accepted.push(...chunk);
        continue;
      }
      const refused = answer.errorOffers ?? [];
      for (const entry of chunk) {
        const own = refused.filter(
          (offer) =>
            offer &&
            typeof offer === 'object' &&
            String((offer as { masterSku?: unknown }).masterSku) === entry.validation.masterSku,
        );
        // An answer that names no offer refuses the whole request: nothing of it is sent.
        if (own.length || !refused.some((offer) => offer && typeof offer === 'object' && 'masterSku' in offer)) {
          result.skipped.push({
            product: entry.product,
            why: `refused:${refusalCodes(own.length ? own : refused).join(',')}`,
          });
        } else accepted.push(entry);
      }
    }
    return accepted;
  }

  private async send(jar: CookieJar, merchantUid: string, ready: Ready[], result: AvailabilityResult): Promise<void> {
    for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
      const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
      const written = await this.cabinet.writeBatch(
        jar,
        merchantUid,
        chunk.map((entry) => entry.item),
      );
      const sentSkus = new Set(written.sent.map((item) => item.sku));
      for (const entry of chunk) (sentSkus.has(entry.item.sku) ? result.sent : result.deferred).push(entry.product);
      if (written.deferred.length) {
        result.deferred.push(...ready.slice(start + MAX_BATCH_ITEMS).map((entry) => entry.product));
        return;
      }
    }
  }

  /** Reads products back: those Kaspi now shows in the asked state at every point are updated locally. */
  async verifyAvailability(
    storeId: number,
    productIds: number[],
    available: boolean,
  ): Promise<{ applied: number[]; pending: number[] }> {
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
}
