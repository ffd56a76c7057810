import { MERCHANTS, rivalKey, storefrontOffer } from './catalogue.js';
import { sparseStorefrontOffer } from './sparse.js';
import type { SandboxWorld } from './state.js';

/**
 * The storefront's offers of one product in one city, cheapest first: our merchants' offers on sale at a point there,
 * and the simulated rivals (the recorded ones verbatim).
 */
export function storefrontListing(world: SandboxWorld, masterSku: string, cityId: string): Record<string, unknown>[] {
  const listed: { price: number; offer: Record<string, unknown>; verbatim?: boolean }[] = [];
  const rivals = world.rivals.get(rivalKey(masterSku, cityId)) ?? [];
  let category = 'Master - Products';
  let title = `Товар ${masterSku}`;
  for (const merchant of MERCHANTS) {
    for (const offer of world.offers.get(merchant.uid)!) {
      if (offer.masterSku !== masterSku) continue;
      category = offer.masterCategory;
      title = offer.masterTitle;
      const point = merchant.points.find(
        (candidate) =>
          candidate.cityId === cityId &&
          offer.availabilities.some((a) => a.storeId === `${merchant.uid}_${candidate.code}` && a.available === 'yes'),
      );
      if (!point) continue;
      const storeId = `${merchant.uid}_${point.code}`;
      const price = offer.allCityPrices[cityId]?.price ?? offer.price;
      const preorder = offer.availabilities.find((a) => a.storeId === storeId)?.preOrder ?? 0;
      listed.push({
        price,
        offer: storefrontOffer(
          masterSku,
          category,
          offer.model,
          {
            merchantId: merchant.uid,
            merchantName: merchant.name,
            merchantSku: offer.sku,
            rating: 4.9,
            reviews: 120,
          },
          price,
          {
            type: 'PICKUP',
            duration: 'TOMORROW',
            preorder,
            point: storeId,
            kaspiDelivery: true,
          },
        ),
      });
    }
  }
  for (const rival of rivals) {
    listed.push({
      price: rival.price,
      verbatim: rival.verbatim !== undefined,
      offer: rival.verbatim
        ? structuredClone(rival.verbatim)
        : storefrontOffer(
            masterSku,
            category,
            title,
            {
              merchantId: rival.merchantId,
              merchantName: rival.merchantName,
              merchantSku: `${masterSku}_${rival.merchantId}`,
              rating: rival.rating,
              reviews: rival.reviews,
            },
            rival.price,
            {
              type: rival.deliveryType,
              duration: rival.deliveryDuration,
              preorder: rival.preorder,
              point: `${rival.merchantId}_PP1`,
              kaspiDelivery: rival.deliveryType !== 'PICKUP',
              intercity: rival.intercity,
            },
          ),
    });
  }
  return listed
    .sort((a, b) => a.price - b.price)
    .map((entry) => (entry.verbatim ? entry.offer : sparseStorefrontOffer(world.seed, entry.offer)));
}
