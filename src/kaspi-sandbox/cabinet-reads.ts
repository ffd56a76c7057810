import type { CabinetSessions } from './cabinet-session.js';
import { MERCHANTS } from './catalogue.js';
import { readJson, sendJson } from './http-util.js';
import type { Handler } from './router.js';
import { sparseCabinetOffer, sparseMerchantPoint } from './sparse.js';
import type { SandboxWorld } from './state.js';
import type { SandboxOffer } from './types.js';

/** What the cabinet (mc) lets a logged-in seller read: its merchants, a merchant's points, its offers, one offer. */
export function cabinetReadRoutes(world: SandboxWorld, sessions: CabinetSessions): Record<string, Handler> {
  return {
    'GET /s/m': (request, response) =>
      sessions.guard(request, response, undefined, (session, refresh) =>
        sendJson(
          response,
          200,
          {
            merchants: session.account.merchantUids.map((uid) => ({
              uid,
              name: MERCHANTS.find((merchant) => merchant.uid === uid)!.name,
            })),
          },
          refresh,
        ),
      ),
    'POST /mc/facade/graphql': async (request, response) => {
      const body = (await readJson(request)) as { operationName?: string; variables?: { id?: string } } | undefined;
      const uid = body?.variables?.id;
      return sessions.guard(request, response, uid, (_session, refresh) => {
        if (body?.operationName !== 'getMerchant')
          return sendJson(response, 400, { errors: [{ message: 'unknown operation' }] });
        const merchant = MERCHANTS.find((candidate) => candidate.uid === uid)!;
        sendJson(
          response,
          200,
          {
            data: {
              merchant: {
                id: merchant.uid,
                name: merchant.name,
                logo: { url: null },
                points: merchant.points.map((point) =>
                  sparseMerchantPoint(world.seed, {
                    id: `${merchant.uid}_${point.code}`,
                    name: point.name ?? point.code,
                    enabled: true,
                    virtual: false,
                    type: 'PICKUP_POINT',
                    city: { id: point.cityId, name: point.cityName },
                  }),
                ),
              },
            },
          },
          refresh,
        );
      });
    },
    'GET /bff/offer-view/list': (request, response, url) =>
      sessions.guard(request, response, url.searchParams.get('m') ?? undefined, (_session, refresh) => {
        const page = Number(url.searchParams.get('p') ?? 0);
        const limit = Number(url.searchParams.get('l') ?? 10);
        if (
          !Number.isInteger(limit) ||
          limit < 1 ||
          limit > world.limits.listPageMax ||
          !Number.isInteger(page) ||
          page < 0
        ) {
          return sendJson(response, 400, { errorCode: 'INVALID_PAGE' });
        }
        const onSale = url.searchParams.get('a') !== 'false';
        const text = url.searchParams.get('t')?.toLowerCase();
        const all = world.offers.get(url.searchParams.get('m')!)!.filter((offer) => isOnSale(offer) === onSale);
        const matching = text
          ? all.filter((offer) => offer.sku.toLowerCase().includes(text) || offer.model.toLowerCase().includes(text))
          : all;
        const data = matching
          .slice(page * limit, (page + 1) * limit)
          .map((offer) => sparseCabinetOffer(world.seed, offer));
        sendJson(response, 200, world.faults.drift('cabinet', { data, total: matching.length }), refresh);
      }),
    'GET /bff/offer-view/details': (request, response, url) =>
      sessions.guard(request, response, url.searchParams.get('m') ?? undefined, (_session, refresh) => {
        const merchant = MERCHANTS.find((candidate) => candidate.uid === url.searchParams.get('m'))!;
        const offer = world.offers.get(merchant.uid)!.find((candidate) => candidate.sku === url.searchParams.get('s'));
        if (!offer) return sendJson(response, 404, { errorCode: 'OFFER_NOT_FOUND' });
        const cityIds = [...new Set(merchant.points.map((point) => point.cityId))];
        sendJson(
          response,
          200,
          world.faults.drift('cabinet', {
            masterSku: offer.masterSku,
            title: offer.model,
            availabilities: structuredClone(offer.availabilities),
            cityInfo: cityIds.map((cityId) => ({
              id: cityId,
              price: offer.allCityPrices[cityId]?.price ?? offer.price,
              pickupPoints: merchant.points
                .filter((point) => point.cityId === cityId)
                .map((point) => ({
                  name: point.code,
                  available:
                    offer.availabilities.find((a) => a.storeId === `${merchant.uid}_${point.code}`)?.available ===
                    'yes',
                })),
            })),
          }),
          refresh,
        );
      }),
  };
}

/** The list's «on sale» tab: offered at one point at least. */
function isOnSale(offer: SandboxOffer): boolean {
  return offer.availabilities.some((availability) => availability.available === 'yes');
}
