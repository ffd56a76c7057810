import type { MikroORM } from '@mikro-orm/postgresql';

import { formatPrice, html, truncate } from '../bot/replies/format.js';
import type { SentPrice, SentPriceReadBack } from '../demper/sent-prices.js';
import type { Locale } from '../i18n.js';
import { StoreDirectory } from '../sellers/store-directory.js';
import type { FollowUps } from './types.js';

/**
 * The demper's sent changes as quiet price follow-ups, one per product (the kind an import's changes use): the
 * row is in the database, so the process that runs the demper only records it and whichever process runs
 * follow-ups reads it back, moving our copy of the offer once Kaspi shows it. The digest already told the
 * change; only a «не применил» this read-back settles is told.
 */
export function demperPriceFollowUps(orm: MikroORM, followUps: Pick<FollowUps, 'schedule'>): SentPriceReadBack {
  const stores = new StoreDirectory(orm);
  return {
    async sent(storeId: number, prices: SentPrice[]): Promise<void> {
      const owner = await stores.withSeller(storeId);
      if (!owner) return;
      const { seller } = owner;
      for (const price of prices)
        await followUps.schedule('price', {
          storeId,
          changeIds: price.changeIds,
          chatId: seller.chatId,
          locale: seller.language as Locale,
          title: html(truncate(price.title, 80)) + (price.cityName ? ` · ${html(price.cityName)}` : ''),
          old: formatPrice(price.oldPrice),
          new: formatPrice(price.newPrice),
          quiet: true,
        });
    },
  };
}
