import { SeededRandom } from './random.js';
import type { SandboxOffer } from './types.js';

/**
 * Kaspi leaves fields out of some items: the recorded list item has `price: 0` next to `minPrice`, an
 * availability without `preOrder`, storefront offers without ratings (REFERENCE §2.2, §4.2). The sandbox does the
 * same with every field public clients treat as optional, so our reads are exercised on every run. Which
 * fields an item lacks is seeded by the item, so one item reads the same every time (as a real one does) and a
 * product does not flip between syncs.
 *
 * Left alone on purpose: what only the sender could know and what writes echo — `sku`, `masterSku`, `model`
 * (a write names the offer by it), `availabilities[].storeId/available` and stock fields (a write re-sends them),
 * `allCityPrices` (each city's own price), storefront `merchantId`, `merchantName` and `price`, and the decision
 * inputs whose absence would mean something else (ratings, `deliveryDuration`, a preorder of some days).
 */

/** A per-item generator: the same seed and key give the same choices. */
function randomFor(seed: number, key: string): SeededRandom {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return new SeededRandom(hash >>> 0);
}

function omit(
  item: Record<string, unknown>,
  random: SeededRandom,
  fields: readonly string[],
  probability: number,
): void {
  for (const field of fields) if (random.chance(probability)) delete item[field];
}

/** A `bff/offer-view/list` item as Kaspi may send it: some optional fields missing, null or 0. */
export function sparseCabinetOffer(seed: number, offer: SandboxOffer): Record<string, unknown> {
  const item = structuredClone(offer) as unknown as Record<string, unknown>;
  const random = randomFor(seed, `list:${offer.sku}`);
  omit(item, random, ['masterTitle', 'brand', 'masterCategory', 'images', 'available', 'offerId', 'shopLink'], 0.15);
  // The price the list shows may come as `price`, `minPrice` or only the cities' prices; one of them is always there.
  const cityPrices = Object.values(offer.allCityPrices);
  const citiesAgree = cityPrices.length > 0 && cityPrices.every((entry) => entry.price === offer.price);
  const roll = random.next();
  if (roll < 0.08) delete item.price;
  else if (roll < 0.12) item.price = null;
  else if (roll < 0.18)
    item.price = 0; // as in the recorded item
  else if (roll < 0.3) delete item.minPrice;
  else if (roll < 0.34 && citiesAgree) {
    delete item.price;
    item.minPrice = null;
  }
  for (const availability of item.availabilities as Record<string, unknown>[]) {
    // Absent is what Kaspi sends for «no preorder» (the recorded PP3); a real preorder is always spelled out.
    if (!availability.preOrder && random.chance(0.3)) delete availability.preOrder;
  }
  return item;
}

/** A storefront offer as Kaspi may send it; the recorded real offers are replayed as they are. */
export function sparseStorefrontOffer(seed: number, offer: Record<string, unknown>): Record<string, unknown> {
  const item = { ...offer };
  const random = randomFor(seed, `shop:${String(offer.masterSku)}:${String(offer.merchantId)}`);
  omit(item, random, ['masterSku', 'masterCategory', 'merchantSku', 'title', 'kaspiDelivery', 'deliveryType'], 0.12);
  omit(
    item,
    random,
    [
      'delivery',
      'deliveryMovedBySlot',
      'kdPickupDate',
      'availabilityDate',
      'pickup',
      'postomat',
      'pointsWithAvailability',
    ],
    0.2,
  );
  // A seller with stock here keeps one of the two: with neither it would read as shipping from another city.
  if (!('pickup' in item) && !('pointsWithAvailability' in item) && 'pointsWithAvailability' in offer)
    item.pointsWithAvailability = offer.pointsWithAvailability;
  // At most one of the two goes: each with a 10 % chance, the second only when the first stays.
  const dropped = random.chance(0.1) ? 'kdPoints' : random.chance(0.1) ? 'locatedInPoint' : undefined;
  if (dropped) delete item[dropped];
  if (item.preorder === 0 && random.chance(0.2)) delete item.preorder;
  return item;
}

/** A getMerchant point as Kaspi may send it: the descriptive flags are optional (`enabled` absent = enabled). */
export function sparseMerchantPoint(seed: number, point: Record<string, unknown>): Record<string, unknown> {
  const item = { ...point };
  omit(
    item,
    randomFor(seed, `point:${String(point.id)}`),
    ['virtual', 'type', ...(point.enabled === true ? ['enabled'] : [])],
    0.3,
  );
  return item;
}
