import type { EntityManager } from '@mikro-orm/postgresql';

import { cityNameOf, priceIn } from '../catalog/city-prices.js';
import { CompetitorSnapshotSchema, type CityDemperState, type Product, type Store } from '../db/entities/index.js';
import type { MarketView } from '../kaspi/storefront-client.js';
import type { DemperNotifier } from './notifier.js';
import type { Decision } from './strategy.js';

export interface CheckContext {
  em: EntityManager;
  notifier: DemperNotifier;
  store: Store;
  ownMerchantIds: string[];
  now: Date;
}

/**
 * Records what one city's storefront showed (a snapshot for the chart and the strategy's memory), the city's
 * state (place, cheapest rival, rival moves), and sends each alert once per episode. The product's own fields
 * mirror its main city, where the card and the list read them.
 */
export async function recordCheck(
  context: CheckContext,
  product: Product,
  cityId: string,
  main: boolean,
  view: MarketView,
  decision: Decision,
  previousCheapest: number | null,
): Promise<void> {
  const { em, store, ownMerchantIds, now } = context;
  const ourPrice = priceIn(product, cityId);
  // The seller's other stores are not rivals here either: our place must agree with what the strategy saw.
  const rivals = view.offers.filter((offer) => !ownMerchantIds.includes(offer.merchantId));
  const place = 1 + rivals.filter((offer) => offer.price < ourPrice).length;
  em.create(CompetitorSnapshotSchema, {
    product,
    cityId,
    takenAt: now,
    offers: rivals.map((offer) => ({
      merchantId: offer.merchantId,
      merchantName: offer.merchantName,
      price: offer.price,
      rating: offer.rating,
      reviews: offer.reviews,
      deliveryDuration: offer.deliveryDuration,
      preorder: offer.preorder,
      intercity: offer.intercity,
    })),
    ourPrice,
    ourPlace: place,
    cheapestRivalPrice: decision.leader?.price ?? null,
  });
  const state: CityDemperState = { ...product.cityStates?.[cityId] };
  const wasFirst = state.lastPlace === 1;
  if (decision.leader && previousCheapest !== null && previousCheapest !== decision.leader.price) {
    state.rivalMovedAt = now.toISOString();
    product.rivalMovedAt = now;
  }
  state.lastPlace = place;
  state.lastCheapestRivalPrice = decision.leader?.price ?? null;
  state.lastCheckedAt = now.toISOString();
  if (main) {
    product.lastPlace = place;
    product.lastCheapestRivalPrice = decision.leader?.price ?? null;
  }

  // Alerts on transitions only: once when the floor stops us, once when first place is lost for good. Each names
  // the product, its city, our price before and what the decision makes of it (held or moved, and the place).
  const alert = {
    productId: product.id,
    sku: product.sku,
    title: product.title,
    cityName: cityNameOf(store.points, cityId),
    decision,
  };
  const outcome = { old: ourPrice, price: decision.price, place: decision.place, action: decision.action };
  let floorTold = false;
  if (decision.floorReached && !state.floorReached && (await claimCityAlert(em, product.id, cityId, 'floorReached'))) {
    floorTold = true;
    await context.notifier.alert(store.id, {
      kind: 'floor-reached',
      ...alert,
      details: {
        floor: decision.details.floor ?? product.minPrice ?? 0,
        rivalPrice: decision.leader?.price ?? 0,
        rivalName: decision.leader?.merchantName ?? '',
        ...outcome,
        ...(decision.details.needFloor !== undefined ? { needFloor: decision.details.needFloor } : {}),
        city: alert.cityName,
      },
    });
  }
  state.floorReached = decision.floorReached;
  const losesFirst =
    decision.place > 1 &&
    (decision.action === 'hold' || decision.floorReached || decision.reason === 'price_war_retreat');
  if (
    losesFirst &&
    wasFirst &&
    !state.lostFirstPlace &&
    (await claimCityAlert(em, product.id, cityId, 'lostFirstPlace')) &&
    // The floor alert of this same check already said which place we hold and why: one message, not two.
    !floorTold
  ) {
    await context.notifier.alert(store.id, {
      kind: 'lost-first-place',
      ...alert,
      details: {
        ...outcome,
        ...(decision.floorReached && decision.details.needFloor !== undefined
          ? { needFloor: decision.details.needFloor }
          : {}),
        city: alert.cityName,
      },
    });
  }
  state.lostFirstPlace = losesFirst;
  product.cityStates = { ...product.cityStates, [cityId]: state };
  if (main) product.demperAlerts = { floorReached: state.floorReached, lostFirstPlace: state.lostFirstPlace };
}

/**
 * Claims an alert's transition in the database itself: two runs checking the same product at once (a stalled
 * job run again while its first run lives, a Redis restart) both see the transition in the row they loaded;
 * only the run whose update flips the city's flag tells the seller.
 */
async function claimCityAlert(
  em: EntityManager,
  productId: number,
  cityId: string,
  flag: 'floorReached' | 'lostFirstPlace',
): Promise<boolean> {
  const result = await em.getConnection().execute(
    `update "product"
        set "city_states" = "city_states" || jsonb_build_object(?::text, coalesce("city_states" -> ?::text, '{}'::jsonb) || jsonb_build_object(?::text, true))
      where "id" = ? and coalesce(("city_states" -> ?::text ->> ?)::boolean, false) = false`,
    [cityId, cityId, flag, productId, cityId, flag],
    'run',
  );
  return (result as { affectedRows?: number }).affectedRows === 1;
}
