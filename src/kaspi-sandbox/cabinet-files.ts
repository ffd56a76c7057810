import type { CabinetSessions } from './cabinet-session.js';
import { parseMultipart } from '../http/multipart.js';
import { readBody, sendJson } from './http-util.js';
import type { Handler } from './router.js';
import type { SandboxWorld } from './state.js';

interface UploadedFile {
  merchantUid: string;
  status: 'PROCESSING' | 'FLUSHED' | 'ERROR';
  errors: string[];
}

/**
 * The cabinet's (mc) price-list uploads: one file per merchant at a time (Kaspi refuses another while one is
 * processing, in plain text with status 200), applied after the apply delay, its status read by id.
 */
export function cabinetFileRoutes(world: SandboxWorld, sessions: CabinetSessions): Record<string, Handler> {
  const files = new Map<string, UploadedFile>();
  return {
    'POST /pricefeed/upload/merchant/upload': async (request, response, url) => {
      const merchantUid = url.searchParams.get('merchantUid') ?? '';
      const body = await readBody(request);
      // Read before the session check, which answers synchronously; a body that is not multipart has no file.
      const file = await parseMultipart(body, request.headers['content-type'] ?? '').then(
        (multipart) => multipart.files.get('file'),
        () => undefined,
      );
      sessions.guard(request, response, merchantUid, () => {
        if ([...files.values()].some((file) => file.merchantUid === merchantUid && file.status === 'PROCESSING')) {
          response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          response.end('Unfinished file found. Please wait until the previous file is processed.');
          return;
        }
        if (!file) return sendJson(response, 400, { errorCode: 'FILE_REQUIRED' });
        const id = world.token(10);
        const record: UploadedFile = { merchantUid, status: 'PROCESSING', errors: [] };
        files.set(id, record);
        world.recordWrite({
          at: Date.now(),
          endpoint: 'upload',
          merchantUid,
          body: { filename: file.fileName, bytes: file.data.length },
        });
        world.later(world.applyDelayMs, () => {
          void world.pricefeed.applyPriceList(merchantUid, file.data).then(
            (errors) => Object.assign(record, { status: errors.length ? 'ERROR' : 'FLUSHED', errors }),
            (error: unknown) => Object.assign(record, { status: 'ERROR', errors: [String(error)] }),
          );
        });
        sendJson(response, 200, { id });
      });
    },
    'GET /pricefeed/protocol/merchant/file/:id': (request, response, url) =>
      sessions.guard(request, response, url.searchParams.get('m') ?? undefined, (_session, refresh) => {
        const file = files.get(url.pathname.split('/').pop()!);
        if (!file || file.merchantUid !== url.searchParams.get('m'))
          return sendJson(response, 404, { errorCode: 'FILE_NOT_FOUND' });
        sendJson(
          response,
          200,
          file.status === 'ERROR' ? { status: file.status, errors: file.errors } : { status: file.status },
          refresh,
        );
      }),
  };
}
