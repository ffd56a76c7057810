import { InlineKeyboard } from 'grammy';

import { cityLabel, mainCityOf, priceIn } from '../../catalog/city-prices.js';
import type { ProductDirectory } from '../../catalog/product-directory.js';
import type { ProductHistory } from '../../catalog/product-history.js';
import type { CityPrice, Product, Store, StorePoint } from '../../db/entities/index.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { cityPricesLabel } from './city-price-label.js';
import { formatPrice, html, localTimeOrDate } from './format.js';

// The product card is drawn both for an update (a seller's press) and for a follow-up in a fresh process (a redraw
// once Kaspi shows an on/off): it sits below bot features and follow-ups alike.

/** The store's points of a product loaded with its store (none when the store is a bare reference). */
function pointsOf(product: Product): StorePoint[] {
  return (product.store as Store | undefined)?.points ?? [];
}

/** What the card says of the market: the latest check's rivals, and when that check was. */
interface CardMarket {
  /** Our place at today's price among those rivals (1 = cheapest). */
  place: number;
  cheapestRival: number | null;
  checkedAt: Date;
}

/**
 * What drawing a card needs besides the product: the reader's words and clock, and the database. An update has
 * them in its context; a follow-up in a fresh process has them from what it stored.
 */
export interface CardView {
  t: (key: string, variables?: Record<string, string | number>) => string;
  timezone: string;
  products: Pick<ProductDirectory, 'storeProduct' | 'pendingPrices'>;
  history: Pick<ProductHistory, 'latestSnapshot'>;
}

export function cardViewOf(ctx: BotContext, deps: Pick<CardView, 'products' | 'history'>): CardView {
  return { t: ctx.t.bind(ctx), timezone: ctx.seller.timezone, products: deps.products, history: deps.history };
}

/**
 * The place is counted at the current price, not the one the check saw: after a price change (by the demper
 * or by hand) the card would otherwise show the place the old price had until the next check.
 */
async function cardMarket(history: CardView['history'], product: Product): Promise<CardMarket | undefined> {
  // The card speaks of the product's main city; /offers shows every other city.
  const cityId = mainCityOf(product, pointsOf(product));
  const snapshot = await history.latestSnapshot(product.id, cityId);
  if (!snapshot) return undefined;
  const price = priceIn(product, cityId);
  return {
    place: 1 + snapshot.offers.filter((offer) => offer.price < price).length,
    cheapestRival: snapshot.cheapestRivalPrice ?? null,
    checkedAt: snapshot.takenAt,
  };
}

/**
 * «⏳ Отправлено в Kaspi: …, ждём подтверждения» for prices Kaspi has not shown yet (undefined when none): a card
 * and a price prompt show the confirmed price as the price and these as on their way.
 */
export function pendingPricesLine(
  t: CardView['t'],
  points: Pick<StorePoint, 'cityId' | 'cityName'>[],
  pending: CityPrice[],
): string | undefined {
  if (pending.length === 0) return undefined;
  const prices = pending
    .map((entry) => {
      const city = cityLabel(points, entry.cityId);
      return city ? `${html(city)} ${formatPrice(entry.price)}` : formatPrice(entry.price);
    })
    .join(', ');
  return t('card-price-pending', { prices });
}

function productCardText(
  { t, timezone }: CardView,
  product: Product,
  market: CardMarket | undefined,
  pending: CityPrice[],
): string {
  const lines = [
    `<b>${html(product.title)}</b>`,
    t('card-sku', { sku: html(product.sku), masterSku: html(product.masterSku) }),
    t('card-price', { price: cityPricesLabel(product, pointsOf(product)) }),
  ];
  const sending = pendingPricesLine(t, pointsOf(product), pending);
  if (sending) lines.push(sending);
  lines.push(t(product.onSale ? 'card-on-sale' : 'card-off-sale'));
  if (market) {
    lines.push(
      t('card-place', {
        place: market.place,
        rival: market.cheapestRival ? formatPrice(market.cheapestRival) : '—',
        checked: localTimeOrDate(market.checkedAt, timezone),
      }),
    );
  }
  lines.push(
    t(product.demperEnabled ? 'card-demper-on' : 'card-demper-off', {
      min: product.minPrice ? formatPrice(product.minPrice) : '—',
      max: product.maxPrice ? formatPrice(product.maxPrice) : '—',
      step: product.stepIsPercent ? `${product.step}%` : formatPrice(product.step),
    }),
  );
  return lines.join('\n');
}

/** A product's card as it is now: its text and buttons («К списку» back to `page`). */
export async function productCard(
  view: CardView,
  product: Product,
  page: number,
): Promise<{ text: string; keyboard: InlineKeyboard }> {
  return {
    text: productCardText(
      view,
      product,
      await cardMarket(view.history, product),
      await view.products.pendingPrices(product.id),
    ),
    keyboard: cardKeyboard(view, product, page),
  };
}

/**
 * The card of a product of `storeId` as it is now, to redraw one shown earlier (a follow-up after Kaspi showed
 * an on/off); undefined once the product is gone.
 */
export async function currentProductCard(
  view: CardView,
  storeId: number,
  productId: number,
  page: number,
): Promise<{ text: string; keyboard: InlineKeyboard } | undefined> {
  const product = await view.products.storeProduct(storeId, productId);
  return product ? productCard(view, product, page) : undefined;
}

/**
 * Two buttons a row (a phone shows about 14 letters of each), the on/off switch alone on its row (its label is
 * long and it must never be pressed by mistake for its neighbour), «Настроить» beside «К списку» last.
 */
function cardKeyboard({ t }: CardView, product: Product, page: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('button-edit-price'), callbackData(ACTIONS.priceEdit, product.id))
    .text(t('button-demper'), callbackData(ACTIONS.demperProduct, product.id))
    .row()
    .text(t('button-competitors'), callbackData(ACTIONS.competitors, product.id))
    .text(t('button-history'), callbackData(ACTIONS.history, product.id))
    .row()
    .text(
      t(product.onSale ? 'button-take-off-sale' : 'button-put-on-sale'),
      callbackData(ACTIONS.onSale, product.id, product.onSale ? 0 : 1),
    )
    .row()
    .text(t('button-demper-configure'), callbackData(ACTIONS.demperTap, product.id, 'v'))
    .text(t('button-back-to-list'), callbackData(ACTIONS.list, page));
}
