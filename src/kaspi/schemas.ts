import { z } from 'zod';

import { kaspiSchemaErrors } from '../metrics.js';
import { KaspiSchemaError } from './errors.js';

/**
 * What we rely on in Kaspi's answers (REFERENCE §1–5). Unknown fields are allowed and kept (`looseObject`),
 * because writes must echo an offer's availabilities exactly as read. Reads are forgiving: a field public
 * clients treat as optional may be missing or null (`maybe`), and one that only labels things may even be
 * mistyped (`loose`); list items are read one by one (item-reads.ts). A missing or mistyped field we rely on
 * becomes a `KaspiSchemaError` naming it.
 */

/** Kaspi ids arrive as strings in most answers and as numbers in a few; we always hold strings. */
const kaspiId = z.union([z.string().min(1), z.number().int()]).transform(String);
const tenge = z.number().finite();

/** Missing or null: read as absent. A wrong type still fails, for fields something is decided on. */
const maybe = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value): z.output<T> | undefined => value ?? undefined);
/** Missing, null or unreadable: read as absent. Only for fields that merely label or describe. */
const loose = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .catch(undefined)
    .transform((value): z.output<T> | undefined => value ?? undefined);

export const merchantsResponse = z.looseObject({
  merchants: z.array(z.looseObject({ uid: kaspiId, name: z.string().optional() })),
});

/** A pickup point of getMerchant; read one by one, so a point without its city does not hide the others. */
export const merchantPoint = z.looseObject({
  id: kaspiId,
  name: loose(z.string()),
  enabled: maybe(z.boolean()),
  virtual: loose(z.boolean()),
  type: loose(z.string()),
  city: maybe(z.looseObject({ id: kaspiId, name: loose(z.string()) })),
});

export const getMerchantResponse = z.looseObject({
  data: z.looseObject({
    merchant: z.looseObject({
      id: kaspiId,
      name: loose(z.string()),
      logo: loose(z.looseObject({ url: loose(z.string()) })),
      points: maybe(z.array(z.unknown())),
    }),
  }),
});

const offerAvailability = z.looseObject({
  storeId: z.string().min(1),
  available: z.enum(['yes', 'no']),
  preOrder: maybe(z.number().int().min(0)),
  stockCount: z.number().nullable().optional(),
  stockSpecified: maybe(z.boolean()),
  stockEnabled: maybe(z.boolean()),
});

/**
 * One item of `bff/offer-view/list`. Needed: `sku`, `masterSku` (the storefront's id) and readable points
 * (writes echo them). The price may come as `price`, else `minPrice`, else the cities' prices (REFERENCE §2.2),
 * or not at all: `currentPrice` then says 0, which no caller may take for a price.
 */
export const cabinetOffer = z.looseObject({
  sku: z.string().min(1),
  masterSku: kaspiId,
  masterTitle: maybe(z.string()),
  model: maybe(z.string()),
  title: maybe(z.string()),
  brand: loose(z.string()),
  brandName: loose(z.string()),
  price: maybe(tenge),
  minPrice: maybe(tenge),
  available: loose(z.boolean()),
  availabilities: z
    .array(offerAvailability)
    .nullish()
    .transform((value) => value ?? []),
  allCityPrices: maybe(
    z.record(z.string(), z.looseObject({ price: maybe(tenge), oldPrice: loose(tenge), discount: loose(z.number()) })),
  ),
  stocks: maybe(
    z.array(z.looseObject({ stockLevel: maybe(z.record(z.string(), z.looseObject({ value: z.number() }))) })),
  ),
  shopLink: loose(z.string()),
  offerId: loose(z.string()),
});

/** The list's envelope; the client reads its items one by one. `total` may be missing: the read is then unverified. */
export const offerListPage = z.looseObject({
  data: z.array(z.unknown()),
  total: loose(z.number().int().min(0)),
});

/** A whole list answer with every item read (fixtures and tests; the client reads `offerListPage`). */
export const offerListResponse = offerListPage.extend({ data: z.array(cabinetOffer) });

export const offerDetailsResponse = z.looseObject({
  masterSku: kaspiId,
  title: maybe(z.string()),
  availabilities: maybe(z.array(offerAvailability)),
  cityInfo: z
    .array(
      z.looseObject({
        id: kaspiId,
        price: maybe(tenge),
        pickupPoints: maybe(
          z.array(z.looseObject({ name: loose(z.string()), available: maybe(z.union([z.boolean(), z.string()])) })),
        ),
      }),
    )
    .optional(),
});

export const jobResponse = z.looseObject({ id: kaspiId });

export const validationResponse = z.looseObject({
  valid: z.boolean(),
  errorOffers: z.array(z.unknown()).optional(),
});

export const fileStatusResponse = z.looseObject({
  status: z.string(),
  errors: z.array(z.unknown()).optional(),
});

/** One way an offer reaches the buyer (typed public clients: `deliveryOptions{<key>:{…, interCity}}`). */
const storefrontDeliveryOption = z.looseObject({ interCity: loose(z.boolean()) });

/**
 * One competitor offer. Needed: `merchantId` and `price`; the rest describes the offer and may be missing.
 * `pickup`, `pointsWithAvailability` and `deliveryOptions` only tell whether the seller has stock in the buyer's
 * city (storefront-client.ts decides that over the whole answer), so each reads as absent when unreadable;
 * `deliveryOptions` is read as a list whether it comes keyed (as public clients show it) or as an array.
 */
export const storefrontOffer = z.looseObject({
  masterSku: loose(kaspiId),
  merchantId: kaspiId,
  merchantName: loose(z.string()),
  merchantSku: loose(z.string()),
  merchantRating: maybe(z.number()),
  merchantReviewsQuantity: maybe(z.number().int()),
  title: loose(z.string()),
  price: tenge,
  preorder: maybe(z.number().int().min(0)),
  deliveryType: loose(z.string()),
  deliveryDuration: maybe(z.string()),
  kdPoints: loose(z.array(z.string())),
  locatedInPoint: loose(z.string()),
  pickup: loose(z.union([z.string().min(1), z.number()])),
  pointsWithAvailability: loose(z.array(z.unknown())),
  deliveryOptions: loose(
    z
      .union([z.array(storefrontDeliveryOption), z.record(z.string(), storefrontDeliveryOption)])
      .transform((options) => (Array.isArray(options) ? options : Object.values(options))),
  ),
});

export const storefrontOffersResponse = z.looseObject({
  offers: z.array(z.unknown()),
  total: loose(z.number().int().min(0)),
  offersCount: loose(z.number().int().min(0)),
});

/** Every answer of `POST /api/p/login`: success variants and Kaspi's `{errorCode, errorData}` failures. */
export const loginResponse = z.looseObject({
  phone: z.string().optional(),
  email: z.string().optional(),
  redirectUrl: z.string().optional(),
  su: z.unknown().optional(),
  errorCode: z.string().optional(),
  errorData: z.looseObject({ breakTimeSeconds: z.number().optional() }).nullable().optional(),
});

export type CabinetOffer = z.infer<typeof cabinetOffer>;
export type OfferAvailabilityRead = z.infer<typeof offerAvailability>;
export type StorefrontOfferRead = z.infer<typeof storefrontOffer>;

/** Parses a whole answer; `at` is where `data` sits in it (e.g. `data.3` for one list item), for the field path. */
export function parseKaspi<T extends z.ZodType>(
  schema: T,
  data: unknown,
  endpoint: string,
  at: (string | number)[] = [],
): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  kaspiSchemaErrors.inc({ endpoint });
  throw new KaspiSchemaError(endpoint, [...at, ...issue.path].map(String).join('.'), issue.message);
}
