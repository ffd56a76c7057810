import { readFileSync } from 'node:fs';

import { demoProduct } from './assortment.js';
import { SeededRandom } from './random.js';
import type { SandboxAccount, SandboxAvailability, SandboxOffer } from './types.js';

interface SandboxPoint {
  code: string;
  /** What the seller named the point in the cabinet; Kaspi sends the code as the name of a point never named. */
  name?: string;
  cityId: string;
  cityName: string;
}

export interface SandboxMerchant {
  uid: string;
  name: string;
  points: SandboxPoint[];
}

/** A competitor's offer of one product in one city; `verbatim` rivals are replayed exactly as Kaspi sent them. */
export interface Rival {
  merchantId: string;
  merchantName: string;
  price: number;
  rating: number | null;
  reviews: number | null;
  deliveryType: string;
  deliveryDuration: string;
  preorder: number;
  /** Dempers answer when we undercut them, never below their floor. */
  demper: boolean;
  floor: number;
  step: number;
  /** Ships to this city from another one: its storefront offer has no `pickup` and no `pointsWithAvailability`. */
  intercity?: boolean;
  verbatim?: Record<string, unknown>;
}

export const MERCHANTS: SandboxMerchant[] = [
  {
    uid: '30067228',
    name: 'Sandbox Electronics',
    points: [
      { code: 'PP1', name: 'ТЦ Mega', cityId: '750000000', cityName: 'Алматы' },
      { code: 'PP2', cityId: '710000000', cityName: 'Астана' },
    ],
  },
  {
    uid: '30463421',
    name: 'Sandbox Home',
    points: [
      { code: 'PP1', name: 'Склад на Тауке хана', cityId: '511010000', cityName: 'Шымкент' },
      { code: 'PP2', name: 'Dostyk Plaza', cityId: '750000000', cityName: 'Алматы' },
    ],
  },
];

export const ACCOUNTS: SandboxAccount[] = [
  { kind: 'sms', phone: '+7 (701) 000-00-01', merchantUids: ['30067228'] },
  { kind: 'sms', phone: '+7 (701) 000-00-02', merchantUids: ['30067228', '30463421'] },
  { kind: 'sms', phone: '+7 (701) 000-00-03', merchantUids: [] },
  { kind: 'email', email: 'seller@example.kz', password: 'Sandbox-Pass-1', merchantUids: ['30067228'], mfa: true },
  { kind: 'email', email: 'nomfa@example.kz', password: 'Sandbox-Pass-2', merchantUids: ['30463421'], mfa: false },
];

/** The recorded real storefront answer (product 102298404, Almaty) that the sandbox replays verbatim. */
export const SAMPLE_MASTER_SKU = '102298404';
const SAMPLE_OFFERS = (
  JSON.parse(readFileSync(new URL('./fixtures/storefront-offers-102298404.json', import.meta.url), 'utf8')) as {
    offers: Record<string, unknown>[];
  }
).offers;

const RIVAL_NAMES = [
  'Tehno Trade',
  'MOOD PLACE',
  'ProUnit',
  'Gadgetkz',
  'Alma Market',
  'Sulpak Store',
  'Mechta Seller',
  'Best Price KZ',
  'Astana Shop',
  'Tech House',
  'Ozon Partner',
  'Kaspi Pro',
];
const DURATIONS = ['EXPRESS', 'TODAY', 'TOMORROW', 'TILL_2_DAYS', 'TILL_3_DAYS', 'TILL_5_DAYS', 'TILL_7_DAYS'];

export interface GeneratedWorld {
  offers: Map<string, SandboxOffer[]>;
  rivals: Map<string, Rival[]>;
}

export const rivalKey = (masterSku: string, cityId: string) => `${masterSku}:${cityId}`;

export function generateWorld(seed: number, productsPerMerchant: number): GeneratedWorld {
  const random = new SeededRandom(seed);
  const offers = new Map<string, SandboxOffer[]>();
  const rivals = new Map<string, Rival[]>();
  for (const merchant of MERCHANTS) {
    const list: SandboxOffer[] = [];
    const models = new Set<string>();
    for (let i = 0; i < productsPerMerchant; i++) {
      // The draws keep the order and count they always had, so a seed keeps its SKUs, stock and rivals' shape.
      const kindDraw = random.next();
      const masterSku = String(random.int(100_000_000, 899_999_999));
      const priceDraw = random.next();
      const offSale = random.chance(0.08);
      const availabilities: SandboxAvailability[] = merchant.points.map((point) => {
        const specified = random.chance(0.4);
        const availability: SandboxAvailability = {
          storeId: `${merchant.uid}_${point.code}`,
          available: offSale ? 'no' : 'yes',
          preOrder: random.chance(0.1) ? random.int(1, 30) : 0,
        };
        availability.stockSpecified = specified;
        availability.stockCount = specified ? random.int(0, 40) : 0;
        return availability;
      });
      const lineDraw = random.next();
      const product = demoProduct(
        merchant.uid,
        { kind: kindDraw, price: priceDraw, line: lineDraw, variant: random.next() },
        models,
      );
      const price = product.price;
      const offer: SandboxOffer = {
        sku: `${masterSku}_${random.digits(9)}`,
        masterSku,
        masterTitle: product.masterTitle,
        model: product.model,
        brand: product.brand,
        masterCategory: product.category,
        images: [`https://resources.cdn-kaspi.kz/img/m/p/${masterSku}.jpg`],
        available: !offSale,
        price,
        minPrice: price,
        availabilities,
        allCityPrices: Object.fromEntries(
          merchant.points.map((point) => [point.cityId, { price, oldPrice: null, discount: 0 }]),
        ),
        offerId: random.digits(12),
        shopLink: `/p/${product.slug}-${masterSku}/`,
      };
      if (availabilities.some((availability) => availability.stockSpecified)) {
        offer.stocks = [
          {
            stockLevel: Object.fromEntries(
              availabilities.filter((a) => a.stockSpecified).map((a) => [a.storeId, { value: a.stockCount ?? 0 }]),
            ),
          },
        ];
      }
      list.push(offer);
      for (const point of merchant.points) {
        const key = rivalKey(masterSku, point.cityId);
        if (rivals.has(key)) continue;
        const count = random.chance(0.03) ? random.int(66, 80) : random.int(2, 8);
        const cityRivals: Rival[] = [];
        for (let r = 0; r < count; r++) {
          const reviewed = random.chance(0.8);
          const rivalPrice = Math.max(
            10,
            Math.round((price * (0.88 + random.next() * 0.3)) / 10) * 10 - random.int(0, 9),
          );
          cityRivals.push({
            merchantId: String(10_000_000 + r * 7_919 + random.int(0, 7_000)),
            merchantName: r < RIVAL_NAMES.length ? RIVAL_NAMES[r]! : `Seller ${r + 1}`,
            price: rivalPrice,
            rating: reviewed ? Math.round((3.5 + random.next() * 1.5) * 10) / 10 : null,
            reviews: reviewed ? random.int(1, 3_000) : null,
            deliveryType: random.pick(['EXPRESS', 'TO_DOOR', 'PICKUP']),
            deliveryDuration: random.pick(DURATIONS),
            preorder: random.chance(0.1) ? random.int(1, 10) : 0,
            demper: random.chance(0.25),
            floor: Math.round(rivalPrice * (0.8 + random.next() * 0.1)),
            step: random.int(1, 10),
          });
        }
        rivals.set(key, cityRivals);
      }
    }
    offers.set(merchant.uid, list);
  }

  priceSomeCitiesApart(seed, offers, rivals);
  placeIntercitySellers(seed, rivals);

  // The recorded real product: our demo electronics store sells it in Almaty, against the real four rivals.
  const electronics = offers.get('30067228')!;
  electronics.push({
    sku: `${SAMPLE_MASTER_SKU}_${random.digits(9)}`,
    masterSku: SAMPLE_MASTER_SKU,
    masterTitle: 'Смартфон Apple iPhone 13 128Gb черный',
    model: 'Apple iPhone 13 128Gb Midnight',
    brand: 'Apple',
    masterCategory: 'Master - Smartphones',
    images: [],
    available: true,
    price: 365_000,
    minPrice: 365_000,
    availabilities: [
      { storeId: '30067228_PP1', available: 'yes', preOrder: 0, stockSpecified: true, stockCount: 5 },
      { storeId: '30067228_PP2', available: 'no', preOrder: 0, stockSpecified: false, stockCount: 0 },
    ],
    stocks: [{ stockLevel: { '30067228_PP1': { value: 5 } } }],
    allCityPrices: {
      '750000000': { price: 365_000, oldPrice: null, discount: 0 },
      '710000000': { price: 365_000, oldPrice: null, discount: 0 },
    },
    offerId: random.digits(12),
    shopLink: `/p/apple-iphone-13-128gb-${SAMPLE_MASTER_SKU}/`,
  });
  rivals.set(
    rivalKey(SAMPLE_MASTER_SKU, '750000000'),
    SAMPLE_OFFERS.map((offer) => ({
      merchantId: String(offer.merchantId),
      merchantName: String(offer.merchantName),
      price: Number(offer.price),
      rating: (offer.merchantRating as number | undefined) ?? null,
      reviews: (offer.merchantReviewsQuantity as number | undefined) ?? null,
      deliveryType: String(offer.deliveryType),
      deliveryDuration: String(offer.deliveryDuration),
      preorder: Number(offer.preorder),
      demper: false,
      floor: Number(offer.price),
      step: 1,
      verbatim: offer,
    })),
  );
  return { offers, rivals };
}

/** A storefront offer in the exact field order of Kaspi's answer (the recorded sample). */
export function storefrontOffer(
  masterSku: string,
  category: string,
  title: string,
  seller: {
    merchantId: string;
    merchantName: string;
    merchantSku: string;
    rating: number | null;
    reviews: number | null;
  },
  price: number,
  delivery: {
    type: string;
    duration: string;
    preorder: number;
    point: string;
    kaspiDelivery: boolean;
    intercity?: boolean;
  },
): Record<string, unknown> {
  const offer: Record<string, unknown> = {
    masterSku,
    masterCategory: category,
    merchantId: seller.merchantId,
    merchantName: seller.merchantName,
    merchantSku: seller.merchantSku,
  };
  if (seller.reviews !== null) offer.merchantReviewsQuantity = seller.reviews;
  if (seller.rating !== null) offer.merchantRating = seller.rating;
  Object.assign(offer, {
    title,
    price,
    delivery: '2026-11-27T18:00:00.000+00:00',
    deliveryMovedBySlot: false,
    kdPickupDate: '2026-11-26T15:00:00.000+00:00',
    availabilityDate: '2026-11-25T17:52:23.745+00:00',
    ...(delivery.intercity ? {} : { pickup: '2026-11-25T19:00:00.000+00:00' }),
    kaspiDelivery: delivery.kaspiDelivery,
    kdPoints: [delivery.point],
    ...(delivery.intercity ? {} : { pointsWithAvailability: [delivery.point] }),
    preorder: delivery.preorder,
    locatedInPoint: delivery.point,
    deliveryType: delivery.type,
    deliveryDuration: delivery.duration,
    postomat: '2026-11-27T18:00:00.000+00:00',
  });
  return offer;
}

/**
 * Sellers often price one offer differently per city (delivery costs differ): about a third of the demo offers
 * cost 2–6 % more in the merchant's second city, whose rivals sell around that city's price. A stream of its own,
 * so the rest of the seeded world stays as it was.
 */
function priceSomeCitiesApart(seed: number, offers: Map<string, SandboxOffer[]>, rivals: Map<string, Rival[]>): void {
  const random = new SeededRandom(seed * 104_729 + 3);
  for (const merchant of MERCHANTS) {
    const second = merchant.points[1];
    if (!second) continue;
    for (const offer of offers.get(merchant.uid) ?? []) {
      if (!random.chance(0.35)) continue;
      const factor = 1 + (2 + random.next() * 4) / 100;
      offer.allCityPrices[second.cityId] = {
        price: Math.round((offer.price * factor) / 10) * 10,
        oldPrice: null,
        discount: 0,
      };
      for (const rival of rivals.get(rivalKey(offer.masterSku, second.cityId)) ?? []) {
        rival.price = Math.max(10, Math.round(rival.price * factor));
        rival.floor = Math.max(10, Math.round(rival.floor * factor));
      }
    }
  }
}

/** Share of generated rival slots that ship from another city. */
const INTERCITY_SHARE = 0.04;

/**
 * Cheap sellers who ship from another city (like the recorded Tehno Trade offer: TO_DOOR in days, no pickup, no
 * stock at a point here): a few percent of rival slots, weakly rated, 3–8 % under the cheapest local rival, so
 * chasing them would be a mistake the demper must not make. A stream of its own, so the rest of the seeded world
 * stays as it was; a city keeps at least one local rival. Runs before the recorded product is added, which stays
 * verbatim.
 */
function placeIntercitySellers(seed: number, rivals: Map<string, Rival[]>): void {
  const random = new SeededRandom(seed * 15_485_863 + 7);
  for (const cityRivals of rivals.values()) {
    const chosen = cityRivals.filter(() => random.chance(INTERCITY_SHARE));
    const local = cityRivals.filter((rival) => !chosen.includes(rival));
    if (chosen.length === 0 || local.length === 0) continue;
    const cheapestLocal = Math.min(...local.map((rival) => rival.price));
    for (const rival of chosen) {
      const price = Math.max(10, Math.round(cheapestLocal * (1 - (3 + random.next() * 5) / 100)));
      Object.assign(rival, {
        intercity: true,
        price,
        rating: Math.round((3 + random.next() * 0.6) * 10) / 10,
        reviews: random.int(1, 8),
        deliveryType: 'TO_DOOR',
        deliveryDuration: random.pick(['TILL_5_DAYS', 'TILL_7_DAYS']),
        preorder: 0,
        demper: false, // they sell on price from afar and do not chase anyone
        floor: Math.max(10, Math.round(price * 0.97)),
      });
    }
  }
}
