import type { ServerResponse } from 'node:http';

import type { CabinetSessions } from './cabinet-session.js';
import { MERCHANTS } from './catalogue.js';
import { readJson, sendHtml, sendJson, SlidingCounter } from './http-util.js';
import type { Handler } from './router.js';
import type { SandboxWorld } from './state.js';
import { storefrontListing } from './storefront-listing.js';

/**
 * The storefront host (kaspi.kz): the offers API with its limits (POST only, `limit` ≤ 64, a source IP above its rate
 * is walled with 403 for a while) and the cabinet's landing page the login ends on.
 */
export function storefrontRoutes(world: SandboxWorld, sessions: CabinetSessions): Record<string, Handler> {
  const storefrontHits = new SlidingCounter();
  const ipBlockedUntil = new Map<string, number>();
  const blocked = (response: ServerResponse): void => {
    world.counters.storefront403++;
    sendHtml(response, 403, '<html><body><h1>403 Forbidden</h1></body></html>');
  };
  return {
    'GET /mc/': (request, response) => {
      const session = sessions.byCookies(request);
      if (!session) return sendHtml(response, 200, '<html><body><p>Kaspi Магазин</p></body></html>');
      const names = session.account.merchantUids.map(
        (uid) => MERCHANTS.find((merchant) => merchant.uid === uid)?.name ?? uid,
      );
      sendHtml(
        response,
        200,
        `<html><body><nav class="navbar">${names.join(', ')}</nav><main>Кабинет продавца</main></body></html>`,
      );
    },
    'POST /yml/offer-view/offers/:id': async (request, response, url) => {
      const ip = request.socket.remoteAddress ?? 'unknown';
      const now = Date.now();
      if ((ipBlockedUntil.get(ip) ?? 0) > now) return blocked(response);
      if (storefrontHits.hit(ip, now, 1000) > world.limits.storefrontRpsPerIp) {
        ipBlockedUntil.set(ip, now + world.scaled(world.limits.storefrontBlockMs));
        storefrontHits.reset(ip); // the block is the penalty; afterwards the IP starts afresh
        return blocked(response);
      }
      const body = ((await readJson(request)) ?? {}) as { cityId?: string; limit?: number; page?: number };
      const limit = body.limit ?? 12;
      const page = body.page ?? 0;
      if (!Number.isInteger(limit) || limit < 1 || limit > world.limits.storefrontLimitMax)
        return sendJson(response, 400, { errorCode: 'INVALID_LIMIT' });
      const cityId = String(body.cityId ?? request.headers['x-ks-city'] ?? '750000000');
      const offers = storefrontListing(world, url.pathname.split('/').pop()!, cityId);
      const pageOffers = offers.slice(page * limit, (page + 1) * limit);
      // The recorded sample said total 20 because it was trimmed to 4 offers; here total counts what is listed.
      sendJson(
        response,
        200,
        world.faults.drift('storefront', {
          offers: pageOffers,
          total: offers.length,
          offersCount: offers.length,
          pcmResponsePresent: false,
        }),
      );
    },
    'GET /yml/offer-view/offers/:id': (_request, response) =>
      sendHtml(response, 405, '<html>Method Not Allowed</html>'),
  };
}
