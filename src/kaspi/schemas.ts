import { z } from 'zod';

import { kaspiSchemaErrors } from '../metrics.js';
import { KaspiSchemaError } from './errors.js';

/**
 * What we rely on in Kaspi's answers (REFERENCE §1–5). Unknown fields are allowed and kept (`looseObject`),
 * because writes must echo an offer's availabilities exactly as read; a missing or mistyped field we rely on
 * becomes a `KaspiSchemaError` naming it.
 */

/** Kaspi ids arrive as strings in most answers and as numbers in a few; we always hold strings. */
const kaspiId = z.union([z.string().min(1), z.number().int()]).transform(String);
const tenge = z.number().finite();

export const merchantsResponse = z.looseObject({
  merchants: z.array(z.looseObject({ uid: kaspiId, name: z.string().optional() })),
});

export const getMerchantResponse = z.looseObject({
  data: z.looseObject({
    merchant: z.looseObject({
      id: kaspiId,
      name: z.string(),
      logo: z.looseObject({ url: z.string().nullable().optional() }).nullable().optional(),
      points: z.array(
        z.looseObject({
          id: kaspiId,
          name: z.string(),
          enabled: z.boolean().optional(),
          virtual: z.boolean().optional(),
          type: z.string().optional(),
          city: z.looseObject({ id: kaspiId, name: z.string() }),
        }),
      ),
    }),
  }),
});

export const offerAvailability = z.looseObject({
  storeId: z.string().min(1),
  available: z.enum(['yes', 'no']),
  preOrder: z.number().int().min(0).optional(),
  stockCount: z.number().nullable().optional(),
  stockSpecified: z.boolean().optional(),
  stockEnabled: z.boolean().optional(),
});

export const cabinetOffer = z.looseObject({
  sku: z.string().min(1),
  masterSku: kaspiId,
  masterTitle: z.string().nullable().optional(),
  model: z.string().nullable().optional(),
  title: z.string().nullable().optional(),
  brand: z.string().nullable().optional(),
  brandName: z.string().nullable().optional(),
  price: tenge,
  minPrice: tenge.nullable().optional(),
  available: z.boolean().optional(),
  availabilities: z.array(offerAvailability).default([]),
  allCityPrices: z
    .record(z.string(), z.looseObject({ price: tenge, oldPrice: tenge.nullable().optional(), discount: z.number().nullable().optional() }))
    .nullable()
    .optional(),
  stocks: z.array(z.looseObject({ stockLevel: z.record(z.string(), z.looseObject({ value: z.number() })).optional() })).optional(),
  shopLink: z.string().nullable().optional(),
  offerId: z.string().nullable().optional(),
});

export const offerListResponse = z.looseObject({
  data: z.array(cabinetOffer),
  total: z.number().int().min(0),
});

export const offerDetailsResponse = z.looseObject({
  masterSku: kaspiId,
  title: z.string().nullable().optional(),
  availabilities: z.array(offerAvailability).optional(),
  cityInfo: z
    .array(
      z.looseObject({
        id: kaspiId,
        price: tenge.nullable().optional(),
        pickupPoints: z.array(z.looseObject({ name: z.string(), available: z.union([z.boolean(), z.string()]) })).optional(),
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

export const storefrontOffer = z.looseObject({
  masterSku: kaspiId,
  merchantId: kaspiId,
  merchantName: z.string(),
  merchantSku: z.string().optional(),
  merchantRating: z.number().nullable().optional(),
  merchantReviewsQuantity: z.number().int().nullable().optional(),
  title: z.string().optional(),
  price: tenge,
  preorder: z.number().int().min(0).nullable().optional(),
  deliveryType: z.string().nullable().optional(),
  deliveryDuration: z.string().nullable().optional(),
  kdPoints: z.array(z.string()).optional(),
  locatedInPoint: z.string().nullable().optional(),
});

export const storefrontOffersResponse = z.looseObject({
  offers: z.array(storefrontOffer),
  total: z.number().int().min(0),
  offersCount: z.number().int().min(0).optional(),
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
export type MerchantPointRead = z.infer<typeof getMerchantResponse>['data']['merchant']['points'][number];

export function parseKaspi<T extends z.ZodType>(schema: T, data: unknown, endpoint: string): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  kaspiSchemaErrors.inc({ endpoint });
  throw new KaspiSchemaError(endpoint, issue.path.map(String).join('.'), issue.message);
}
