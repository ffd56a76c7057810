import type { I18n } from '@grammyjs/i18n';
import type { MikroORM } from '@mikro-orm/postgresql';

import { PriceChangeSchema, ProductSchema, StoreSchema, type PriceChange } from '../db/entities/index.js';
import type { Locale } from '../i18n.js';
import type { OfferActions, SetPriceResult } from '../catalog/offer-actions.js';
import type { KaspiStorefrontClient } from '../kaspi/storefront-client.js';
import type { Logger } from '../logger.js';
import { PriceOutbox, STOPPED_BY_SELLER } from '../pricing/outbox.js';
import { ProductWriteLock } from '../pricing/write-lock.js';
import { explainDecision, reasonDetailsOf } from './reasons.js';
import { mainCityOf, priceIn } from '../catalog/city-prices.js';
import { demperSettingsOf } from './settings.js';
import { decide } from './strategy.js';

export type ProposalOutcome =
  | { status: 'sent'; result: SetPriceResult; price: number; reason: string }
  | { status: 'market-moved'; reason: string }
  | { status: 'not-configured' };

/**
 * The seller's hands on the demper: the panic stop, the rollback of the last cycle, and ✅ on a dry-run
 * proposal (which looks at the market again before anything is written).
 */
export class DemperControls {
  private readonly outbox: PriceOutbox;
  private readonly lock: ProductWriteLock;

  constructor(
    private readonly orm: MikroORM,
    private readonly storefront: KaspiStorefrontClient,
    private readonly offers: OfferActions,
    private readonly i18n: I18n,
    private readonly logger: Logger,
  ) {
    this.outbox = new PriceOutbox(orm);
    this.lock = new ProductWriteLock(orm);
  }

  /**
   * «Остановить демпер»: the store's demper is off and changes not yet sent never will be. The switch goes first:
   * a demper sending right now reads it again before its write and fails its own planned changes.
   */
  async stop(storeId: number): Promise<{ cancelled: number }> {
    const em = this.orm.em.fork();
    await em.nativeUpdate(StoreSchema, { id: storeId }, { demperEnabled: false });
    const cancelled = await this.outbox.cancelPlanned(this.lock, storeId, STOPPED_BY_SELLER);
    this.logger.warn({ storeId, cancelled }, 'seller stopped the demper');
    return { cancelled };
  }

  /** The demper's changes of its last cycle for this store (one run records them with one timestamp). */
  async lastCycle(storeId: number): Promise<PriceChange[]> {
    const em = this.orm.em.fork();
    const latest = await em.findOne(
      PriceChangeSchema,
      { store: storeId, source: 'demper', status: { $in: ['sent', 'applied'] } },
      { orderBy: { createdAt: 'DESC', id: 'DESC' } },
    );
    if (!latest) return [];
    return em.find(
      PriceChangeSchema,
      { store: storeId, source: 'demper', status: { $in: ['sent', 'applied'] }, createdAt: latest.createdAt },
      { populate: ['product'], orderBy: { id: 'ASC' } },
    );
  }

  /**
   * «Откатить»: stops the demper first (or the next tick would cut again), then puts back the price each
   * product had before the last cycle.
   */
  async rollback(
    storeId: number,
    reasonText: string,
    expectedLastChangeId?: number,
  ): Promise<{ product: string; productId: number; result: SetPriceResult }[] | 'moved-on'> {
    // The seller confirmed a preview of one cycle; a newer one is not theirs to undo. Checked before the stop
    // (an outdated button changes nothing) and after it (a cycle may have run in between).
    const previewed = (changes: PriceChange[]) =>
      expectedLastChangeId === undefined || changes.at(-1)?.id === expectedLastChangeId;
    if (!previewed(await this.lastCycle(storeId))) return 'moved-on';
    await this.stop(storeId);
    const changes = await this.lastCycle(storeId);
    if (!previewed(changes)) return 'moved-on';
    const results: { product: string; productId: number; result: SetPriceResult }[] = [];
    for (const change of changes) {
      // Never below today's floor, even to undo: such a product is reported and left for the seller.
      const result = await this.offers.setPrice(change.product.id, change.oldPrice, {
        cityId: change.cityId ?? undefined,
        reasonText,
        source: 'rollback',
        reasonCode: 'rollback',
      });
      results.push({ product: change.product.title, productId: change.product.id, result });
    }
    this.logger.warn({ storeId, changes: changes.length }, 'seller rolled back the last demper cycle');
    return results;
  }

  /** ✅ on a dry-run proposal: decide again on today's market of that city; write only what the strategy still wants. */
  async confirmProposal(productId: number, locale: Locale, proposedCity?: string): Promise<ProposalOutcome> {
    const em = this.orm.em.fork();
    const product = await em.findOneOrFail(ProductSchema, productId, { populate: ['store'] });
    const cityId =
      proposedCity && product.store.points.some((point) => point.cityId === proposedCity)
        ? proposedCity
        : mainCityOf(product, product.store.points);
    const settings = demperSettingsOf(product, cityId);
    if (!settings || !cityId) return { status: 'not-configured' };
    const ourPrice = priceIn(product, cityId);
    const own = (await em.find(StoreSchema, { seller: product.store.seller })).map((store) => store.merchantUid);
    const view = await this.storefront.offers(product.masterSku, cityId);
    const decision = decide(
      settings,
      product.demperMemory?.[cityId],
      { ourPrice, ownMerchantIds: own, offers: view.offers },
      Date.now(),
    );
    const reason = explainDecision(this.i18n, locale, decision, ourPrice);
    if (decision.action !== 'change') return { status: 'market-moved', reason };
    const result = await this.offers.setPrice(product.id, decision.price, {
      cityId,
      reasonText: explainDecision(this.i18n, 'ru', decision, ourPrice),
      source: 'demper',
      reasonCode: decision.reason,
      reasonDetails: reasonDetailsOf(decision),
    });
    if (result.status === 'sent') {
      product.demperMemory = { ...product.demperMemory, [cityId]: decision.memory };
      await em.flush();
    }
    return { status: 'sent', result, price: decision.price, reason };
  }
}
