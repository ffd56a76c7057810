import type { IncomingMessage, ServerResponse } from 'node:http';

import type { CabinetSessions } from './cabinet-session.js';
import { readJson, sendJson } from './http-util.js';
import type { WriteEndpoint } from './pricefeed.js';
import type { Handler } from './router.js';
import type { SandboxWorld } from './state.js';
import type { CabinetWriteLimits } from './write-limits.js';

/**
 * The cabinet's (mc) price and availability writes: one offer (`process`) or a batch, both refused whole by any item
 * the pricefeed rules refuse, both under the write limits; and `validate/v2`, the check a sale must pass first.
 * An accepted write is logged at once and applied after the apply delay, as Kaspi does.
 */
export function cabinetWriteRoutes(
  world: SandboxWorld,
  sessions: CabinetSessions,
  writeLimits: CabinetWriteLimits,
): Record<string, Handler> {
  const priceWrite = async (request: IncomingMessage, response: ServerResponse, endpoint: WriteEndpoint) => {
    const body = await readJson(request);
    const items = (endpoint === 'batch' ? body : [body]) as Record<string, unknown>[] | undefined;
    if (!Array.isArray(items) || items.length === 0 || items.some((item) => !item || typeof item !== 'object')) {
      return sendJson(response, 400, { errorCode: 'BAD_REQUEST' });
    }
    const merchantUid = String(items[0]!.merchantUid ?? '');
    if (items.some((item) => String(item.merchantUid) !== merchantUid))
      return sendJson(response, 400, { errorCode: 'MIXED_MERCHANTS' });
    sessions.guard(request, response, merchantUid, (_session, refresh) => {
      for (const item of items) {
        const problem = world.pricefeed.refusal(merchantUid, item, endpoint);
        if (problem) return sendJson(response, 400, { errorCode: problem, errorData: { sku: item.sku } });
      }
      if (!writeLimits.allow(merchantUid, items.length, response)) return;
      const jobId = world.token(12);
      world.recordWrite({ at: Date.now(), endpoint, merchantUid, body: structuredClone(body) });
      if (!world.faults.dropsWrites())
        world.later(world.applyDelayMs, () =>
          items.forEach((item) => world.pricefeed.apply(merchantUid, item, endpoint)),
        );
      sendJson(response, 200, { id: jobId }, refresh);
    });
  };

  return {
    'POST /pricefeed/upload/merchant/process': async (request, response) => priceWrite(request, response, 'process'),
    'POST /pricefeed/upload/merchant/process/process/batch': async (request, response) =>
      priceWrite(request, response, 'batch'),
    'POST /offer-validation-api/merchant/offer/validate/v2': async (request, response) => {
      const body = (await readJson(request)) as
        { merchantUid?: string; action?: unknown; offers?: unknown } | undefined;
      return sessions.guard(request, response, body?.merchantUid, (_session, refresh) => {
        sendJson(
          response,
          200,
          world.pricefeed.validate(String(body?.merchantUid), body?.action, body?.offers),
          refresh,
        );
      });
    },
  };
}
