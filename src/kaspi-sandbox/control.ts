import type { CabinetSessions } from './cabinet-session.js';
import { readJson, sendJson } from './http-util.js';
import type { IdmcSandbox } from './idmc.js';
import type { Handler } from './router.js';
import type { SandboxWorld } from './state.js';
import { EXPIRED_SESSION_SHAPES, type ExpiredSessionShape, type SandboxFaults } from './types.js';

/**
 * Sandbox-only endpoints on the idmc host: tests and the local demo read the codes Kaspi would have sent by SMS or
 * e-mail, and inject failures into a sandbox running in another process.
 */
export function controlRoutes(
  world: SandboxWorld,
  idmc: IdmcSandbox,
  sessions: CabinetSessions,
): Record<string, Handler> {
  return {
    'GET /_sandbox/code': (_request, response, url) => {
      const code = idmc.lastCode(url.searchParams.get('identity') ?? '');
      sendJson(response, code ? 200 : 404, code ? { code } : { errorCode: 'NO_CODE' });
    },
    'POST /_sandbox/faults': async (request, response) => {
      const faults = (await readJson(request)) as SandboxFaults | undefined;
      if (!faults || typeof faults !== 'object' || !['storefront', 'cabinet', 'idmc', 'all'].includes(faults.target)) {
        return sendJson(response, 400, { errorCode: 'BAD_FAULTS' });
      }
      world.faults.inject(faults);
      sendJson(response, 200, { ok: true });
    },
    'POST /_sandbox/expire-sessions': (_request, response, url) => {
      const shape = url.searchParams.get('shape') ?? '401';
      if (!EXPIRED_SESSION_SHAPES.includes(shape as ExpiredSessionShape))
        return sendJson(response, 400, { errorCode: 'BAD_SHAPE', shapes: EXPIRED_SESSION_SHAPES });
      sessions.expire(url.searchParams.get('merchantUid') ?? undefined, shape as ExpiredSessionShape);
      sendJson(response, 200, { ok: true });
    },
  };
}
