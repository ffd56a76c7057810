import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createLogger, type Logger } from '../logger.js';
import { ACCOUNTS, generateWorld, MERCHANTS, rivalKey, storefrontOffer, type Rival } from './catalogue.js';
import {
  cookie,
  cookiesOf,
  multipartFile,
  readBody,
  readJson,
  redirect,
  sendHtml,
  sendJson,
  SlidingCounter,
} from './http-util.js';
import { IdmcSandbox } from './idmc.js';
import { loginPageHtml } from './login-page.js';
import { SandboxPricefeed } from './pricefeed.js';
import { SeededRandom } from './random.js';
import { sparseCabinetOffer, sparseMerchantPoint, sparseStorefrontOffer } from './sparse.js';
import {
  DEFAULT_LIMITS,
  EXPIRED_SESSION_SHAPES,
  type ExpiredSessionShape,
  type KaspiSandbox,
  type KaspiSandboxOptions,
  type SandboxAccount,
  type SandboxFaults,
  type SandboxLimits,
  type SandboxOffer,
  type SandboxWriteRecord,
} from './types.js';

export * from './types.js';

type Service = 'idmc' | 'cabinet' | 'storefront';
type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void;

interface CabinetSession {
  account: SandboxAccount;
  sid: string;
  expiresAt: number;
  /** Set when Kaspi issued a newer cookie: this one keeps working for a short grace period only. */
  diesAt?: number;
  /** How requests with this session are answered once it has expired. */
  expiredAs?: ExpiredSessionShape;
}

/**
 * Kaspi as far as our client can tell: idmc (login), mc (cabinet) and the storefront on three ports, with
 * Kaspi's payloads (../shared/kaspi), its limits, its pitfalls and its failures on demand.
 */
class Sandbox {
  readonly limits: SandboxLimits;
  readonly scale: number;
  readonly random: SeededRandom;
  readonly logger: Logger;
  readonly offers: Map<string, SandboxOffer[]>;
  readonly pricefeed: SandboxPricefeed;
  readonly rivals: Map<string, Rival[]>;
  urls = { idmc: '', mc: '', shop: '' };

  readonly idmc: IdmcSandbox;
  private readonly sessions = new Map<string, CabinetSession>();
  private readonly oauthStates = new Map<string, string>();
  private readonly storefrontHits = new SlidingCounter();
  private readonly ipBlockedUntil = new Map<string, number>();
  private readonly writeHits = new SlidingCounter();
  private readonly changeHits = new SlidingCounter();
  private readonly merchantBlockedUntil = new Map<string, number>();
  private readonly files = new Map<
    string,
    { merchantUid: string; status: 'PROCESSING' | 'FLUSHED' | 'ERROR'; errors: string[] }
  >();
  private readonly writeLog: SandboxWriteRecord[] = [];
  private readonly faults = new Map<Service, Omit<SandboxFaults, 'target'>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly counters = { storefront403: 0, cabinet429: 0, requests: {} as Record<string, number> };
  private refreshCounter = 0;

  constructor(private readonly options: KaspiSandboxOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.scale = Math.max(1, options.timeScale ?? 1);
    this.random = new SeededRandom((options.seed ?? 1) * 7919 + 17);
    this.logger = options.logger ?? createLogger({ level: 'info' });
    const world = generateWorld(options.seed ?? 1, options.productsPerMerchant ?? 40);
    this.offers = world.offers;
    this.pricefeed = new SandboxPricefeed(this.offers, MERCHANTS);
    this.rivals = world.rivals;
    this.idmc = new IdmcSandbox({
      limits: this.limits,
      scaled: (ms) => this.scaled(ms),
      random: this.random,
      logger: this.logger,
      token: (bytes) => this.token(bytes),
      urls: this.urls,
      nextLoginError: () => this.faults.get('idmc')?.loginErrors?.shift(),
    });
  }

  scaled(ms: number): number {
    return ms / this.scale;
  }

  later(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, this.scaled(ms));
    this.timers.add(timer);
  }

  stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  token(bytes = 16): string {
    return randomBytes(bytes).toString('hex');
  }

  // ---- faults ---------------------------------------------------------------------------------------

  injectFaults(faults: SandboxFaults): void {
    const targets: Service[] =
      faults.target === 'all' ? ['idmc', 'cabinet', 'storefront'] : [faults.target === 'idmc' ? 'idmc' : faults.target];
    for (const target of targets) {
      const current = this.faults.get(target) ?? {};
      const { target: _ignored, ...rest } = faults;
      this.faults.set(target, { ...current, ...rest });
    }
  }

  /** Applies a pending fault to this request; true when the request was answered (or dropped) by it. */
  private async applyFault(service: Service, response: ServerResponse): Promise<boolean> {
    const fault = this.faults.get(service);
    if (!fault) return false;
    if (fault.delayedRequests && fault.delayedRequests > 0 && fault.delayMs) {
      fault.delayedRequests--;
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
    if (fault.resets && fault.resets > 0) {
      fault.resets--;
      response.socket?.destroy();
      return true;
    }
    if (fault.serverErrors && fault.serverErrors > 0) {
      fault.serverErrors--;
      sendHtml(response, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
      return true;
    }
    if (fault.htmlWall && fault.htmlWall > 0) {
      fault.htmlWall--;
      sendHtml(
        response,
        200,
        '<!doctype html><html><body><h1>Проверка браузера</h1><p>Пожалуйста, подождите…</p></body></html>',
      );
      return true;
    }
    return false;
  }

  private drift(service: Service, value: unknown): unknown {
    const drift = this.faults.get(service)?.drift;
    if (!drift) return value;
    const rename = (item: unknown): unknown => {
      if (Array.isArray(item)) return item.map(rename);
      if (item && typeof item === 'object') {
        return Object.fromEntries(
          Object.entries(item).map(([key, inner]) => [key === drift.from ? drift.to : key, rename(inner)]),
        );
      }
      return item;
    };
    return rename(value);
  }

  // ---- servers --------------------------------------------------------------------------------------

  handler(service: Service, routes: Record<string, Handler>) {
    return (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://sandbox');
      const key = `${service} ${request.method} ${url.pathname}`;
      this.counters.requests[key] = (this.counters.requests[key] ?? 0) + 1;
      void (async () => {
        try {
          if (await this.applyFault(service, response)) return;
          const route =
            routes[`${request.method} ${url.pathname}`] ??
            this.patternRoute(routes, request.method ?? 'GET', url.pathname);
          if (!route) {
            if (Object.keys(routes).some((candidate) => candidate.endsWith(` ${url.pathname}`)))
              return sendHtml(response, 405, '<html>Method Not Allowed</html>');
            return sendJson(response, 404, { errorCode: 'NOT_FOUND' });
          }
          await route(request, response, url);
        } catch (error) {
          this.logger.error({ err: error, key }, 'sandbox route failed');
          if (!response.headersSent) sendJson(response, 500, { errorCode: 'INTERNAL' });
        }
      })();
    };
  }

  private patternRoute(routes: Record<string, Handler>, method: string, path: string): Handler | undefined {
    for (const [pattern, handler] of Object.entries(routes)) {
      const [routeMethod, routePath] = pattern.split(' ') as [string, string];
      if (routeMethod !== method || !routePath.includes(':')) continue;
      const regex = new RegExp(`^${routePath.replace(/:[a-z]+/gi, '[^/]+')}$`);
      if (regex.test(path)) return handler;
    }
    return undefined;
  }

  // ---- idmc -----------------------------------------------------------------------------------------

  idmcRoutes(): Record<string, Handler> {
    return {
      ...this.idmc.routes(),
      // Sandbox-only: tests and the local demo read the codes Kaspi would have sent by SMS or e-mail,
      // and inject failures into a sandbox running in another process.
      'GET /_sandbox/code': (_request, response, url) => {
        const code = this.lastCode(url.searchParams.get('identity') ?? '');
        sendJson(response, code ? 200 : 404, code ? { code } : { errorCode: 'NO_CODE' });
      },
      'POST /_sandbox/faults': async (request, response) => {
        const faults = (await readJson(request)) as SandboxFaults | undefined;
        if (
          !faults ||
          typeof faults !== 'object' ||
          !['storefront', 'cabinet', 'idmc', 'all'].includes(faults.target)
        ) {
          return sendJson(response, 400, { errorCode: 'BAD_FAULTS' });
        }
        this.injectFaults(faults);
        sendJson(response, 200, { ok: true });
      },
      'POST /_sandbox/expire-sessions': (_request, response, url) => {
        const shape = url.searchParams.get('shape') ?? '401';
        if (!EXPIRED_SESSION_SHAPES.includes(shape as ExpiredSessionShape))
          return sendJson(response, 400, { errorCode: 'BAD_SHAPE', shapes: EXPIRED_SESSION_SHAPES });
        this.expireSessions(url.searchParams.get('merchantUid') ?? undefined, shape as ExpiredSessionShape);
        sendJson(response, 200, { ok: true });
      },
    };
  }

  // ---- mc (cabinet) ---------------------------------------------------------------------------------

  mcRoutes(): Record<string, Handler> {
    return {
      'GET /oauth2/authorization/1': (_request, response, url) => {
        const state = this.token(8);
        this.oauthStates.set(state, url.searchParams.get('redirectUrl') ?? `${this.urls.shop}/mc/`);
        const query = new URLSearchParams({
          response_type: 'code',
          client_id: 'mc',
          scope: 'openid',
          state,
          redirect_uri: `${this.urls.mc}/login/oauth2/code/1`,
          nonce: this.token(8),
          code_challenge: this.token(16),
          code_challenge_method: 'S256',
        });
        redirect(response, `${this.urls.idmc}/oauth2/authorize?${query}`, [
          cookie('mc_arr', state),
          cookie('mc-session', `pre-${this.token(8)}`),
        ]);
      },
      'GET /login/oauth2/code/1': (request, response, url) => {
        const code = url.searchParams.get('code') ?? '';
        const state = url.searchParams.get('state') ?? '';
        const account = this.idmc.takeAuthorizationCode(code);
        const target = this.oauthStates.get(state);
        if (!account || target === undefined || cookiesOf(request).mc_arr !== state)
          return redirect(response, `${this.urls.idmc}/login`);
        this.oauthStates.delete(state);
        const session = this.token();
        const sid = this.token(8);
        this.sessions.set(session, { account, sid, expiresAt: Date.now() + this.scaled(this.limits.sessionTtlMs) });
        redirect(response, target, [cookie('mc-session', session), cookie('mc-sid', sid)]);
      },
      'GET /s/m': (request, response) =>
        this.cabinet(request, response, undefined, (session, refresh) =>
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
        return this.cabinet(request, response, uid, (_session, refresh) => {
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
                    sparseMerchantPoint(this.options.seed ?? 1, {
                      id: `${merchant.uid}_${point.code}`,
                      name: point.code,
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
        this.cabinet(request, response, url.searchParams.get('m') ?? undefined, (_session, refresh) => {
          const page = Number(url.searchParams.get('p') ?? 0);
          const limit = Number(url.searchParams.get('l') ?? 10);
          if (
            !Number.isInteger(limit) ||
            limit < 1 ||
            limit > this.limits.listPageMax ||
            !Number.isInteger(page) ||
            page < 0
          ) {
            return sendJson(response, 400, { errorCode: 'INVALID_PAGE' });
          }
          const onSale = url.searchParams.get('a') !== 'false';
          const text = url.searchParams.get('t')?.toLowerCase();
          const all = this.offers.get(url.searchParams.get('m')!)!.filter((offer) => isOnSale(offer) === onSale);
          const matching = text
            ? all.filter((offer) => offer.sku.toLowerCase().includes(text) || offer.model.toLowerCase().includes(text))
            : all;
          const data = matching
            .slice(page * limit, (page + 1) * limit)
            .map((offer) => sparseCabinetOffer(this.options.seed ?? 1, offer));
          sendJson(response, 200, this.drift('cabinet', { data, total: matching.length }), refresh);
        }),
      'GET /bff/offer-view/details': (request, response, url) =>
        this.cabinet(request, response, url.searchParams.get('m') ?? undefined, (_session, refresh) => {
          const merchant = MERCHANTS.find((candidate) => candidate.uid === url.searchParams.get('m'))!;
          const offer = this.offers.get(merchant.uid)!.find((candidate) => candidate.sku === url.searchParams.get('s'));
          if (!offer) return sendJson(response, 404, { errorCode: 'OFFER_NOT_FOUND' });
          const cityIds = [...new Set(merchant.points.map((point) => point.cityId))];
          sendJson(
            response,
            200,
            this.drift('cabinet', {
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
      'POST /pricefeed/upload/merchant/process': async (request, response) =>
        this.priceWrite(request, response, 'process'),
      'POST /pricefeed/upload/merchant/process/process/batch': async (request, response) =>
        this.priceWrite(request, response, 'batch'),
      'POST /offer-validation-api/merchant/offer/validate/v2': async (request, response) => {
        const body = (await readJson(request)) as
          { merchantUid?: string; action?: unknown; offers?: unknown } | undefined;
        return this.cabinet(request, response, body?.merchantUid, (_session, refresh) => {
          sendJson(
            response,
            200,
            this.pricefeed.validate(String(body?.merchantUid), body?.action, body?.offers),
            refresh,
          );
        });
      },
      'POST /pricefeed/upload/merchant/upload': async (request, response, url) =>
        this.fileUpload(request, response, url),
      'GET /pricefeed/protocol/merchant/file/:id': (request, response, url) =>
        this.cabinet(request, response, url.searchParams.get('m') ?? undefined, (_session, refresh) => {
          const file = this.files.get(url.pathname.split('/').pop()!);
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

  /** Cabinet authentication: cookies, `x-auth-version: 3`, merchant ownership; refreshes cookies now and then. */
  private cabinet(
    request: IncomingMessage,
    response: ServerResponse,
    merchantUid: string | undefined,
    serve: (session: CabinetSession, refresh: Record<string, string[]>) => void,
  ): void {
    const cookies = cookiesOf(request);
    const session = cookies['mc-session'] ? this.sessions.get(cookies['mc-session']) : undefined;
    const now = Date.now();
    if (
      !session ||
      session.sid !== cookies['mc-sid'] ||
      session.expiresAt <= now ||
      (session.diesAt !== undefined && session.diesAt <= now)
    ) {
      return this.sessionOver(request, response, session?.expiredAs ?? this.options.expiredSessionShape ?? '401');
    }
    if (request.headers['x-auth-version'] !== '3')
      return sendJson(response, 400, { errorCode: 'AUTH_VERSION_REQUIRED' });
    if (merchantUid !== undefined && !session.account.merchantUids.includes(merchantUid))
      return sendJson(response, 403, { errorCode: 'FORBIDDEN' });
    let refresh: Record<string, string[]> = {};
    if (++this.refreshCounter % 10 === 0 && session.diesAt === undefined) {
      // «Кабинет продлевает cookie на ходу»: a new mc-session; the old one dies shortly after.
      const renewed = this.token();
      this.sessions.set(renewed, {
        account: session.account,
        sid: session.sid,
        expiresAt: now + this.scaled(this.limits.sessionTtlMs),
      });
      session.diesAt = now + this.scaled(60_000);
      refresh = { 'set-cookie': [cookie('mc-session', renewed)] };
      // Every answer of this request carries the new cookie, whatever path the handler takes.
      response.setHeader('set-cookie', refresh['set-cookie']!);
    }
    serve(session, refresh);
  }

  /** Each way Kaspi's cabinet answers a request whose session is over (the client must read all as «log in again»). */
  private sessionOver(request: IncomingMessage, response: ServerResponse, shape: ExpiredSessionShape): void {
    const path = new URL(request.url ?? '/', this.urls.mc).pathname;
    if (shape === '403') {
      // Spring Security's own refusal body.
      return sendJson(response, 403, {
        timestamp: new Date().toISOString(),
        status: 403,
        error: 'Forbidden',
        message: 'Access Denied',
        path,
      });
    }
    if (shape === 'redirect') return redirect(response, `${this.urls.idmc}/login`);
    if (shape === 'login-page') return sendHtml(response, 200, loginPageHtml(this.urls.mc, this.urls.shop));
    sendJson(response, 401, { errorCode: 'UNAUTHORIZED' });
  }

  expireSessions(merchantUid?: string, shape: ExpiredSessionShape = this.options.expiredSessionShape ?? '401'): void {
    for (const session of this.sessions.values()) {
      if (merchantUid === undefined || session.account.merchantUids.includes(merchantUid))
        Object.assign(session, { expiresAt: 0, expiredAs: shape });
    }
  }

  /** Kaspi's write limits: 429 and a long block above the per-second rate or the 30-minute change budget. */
  private writeAllowed(merchantUid: string, changes: number, response: ServerResponse): boolean {
    const now = Date.now();
    const block = () => {
      this.merchantBlockedUntil.set(merchantUid, now + this.scaled(this.limits.writeBlockMs));
      this.counters.cabinet429++;
    };
    if ((this.merchantBlockedUntil.get(merchantUid) ?? 0) > now) {
      this.counters.cabinet429++;
      sendJson(response, 429, { errorCode: 'TOO_MANY_REQUESTS' });
      return false;
    }
    if (this.writeHits.hit(merchantUid, now, 1000) > this.limits.writeRpsPerMerchant) {
      block();
      sendJson(response, 429, { errorCode: 'TOO_MANY_REQUESTS' });
      return false;
    }
    if (this.changeHits.count(merchantUid, now, this.scaled(30 * 60_000)) + changes > this.limits.changesPer30Min) {
      block();
      sendJson(response, 429, { errorCode: 'TOO_MANY_CHANGES' });
      return false;
    }
    this.changeHits.hit(merchantUid, now, this.scaled(30 * 60_000), changes);
    return true;
  }

  private async priceWrite(
    request: IncomingMessage,
    response: ServerResponse,
    endpoint: 'process' | 'batch',
  ): Promise<void> {
    const body = await readJson(request);
    const items = (endpoint === 'batch' ? body : [body]) as Record<string, unknown>[] | undefined;
    if (!Array.isArray(items) || items.length === 0 || items.some((item) => !item || typeof item !== 'object')) {
      return sendJson(response, 400, { errorCode: 'BAD_REQUEST' });
    }
    const merchantUid = String(items[0]!.merchantUid ?? '');
    if (items.some((item) => String(item.merchantUid) !== merchantUid))
      return sendJson(response, 400, { errorCode: 'MIXED_MERCHANTS' });
    this.cabinet(request, response, merchantUid, (_session, refresh) => {
      for (const item of items) {
        const problem = this.pricefeed.refusal(merchantUid, item, endpoint);
        if (problem) return sendJson(response, 400, { errorCode: problem, errorData: { sku: item.sku } });
      }
      if (!this.writeAllowed(merchantUid, items.length, response)) return;
      const jobId = this.token(12);
      this.writeLog.push({ at: Date.now(), endpoint, merchantUid, body: structuredClone(body) });
      if (!this.faults.get('cabinet')?.dropWrites)
        this.later(this.options.applyDelayMs ?? 5_000, () =>
          items.forEach((item) => this.pricefeed.apply(merchantUid, item, endpoint)),
        );
      sendJson(response, 200, { id: jobId }, refresh);
    });
  }

  private async fileUpload(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const merchantUid = url.searchParams.get('merchantUid') ?? '';
    const body = await readBody(request);
    this.cabinet(request, response, merchantUid, () => {
      if ([...this.files.values()].some((file) => file.merchantUid === merchantUid && file.status === 'PROCESSING')) {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('Unfinished file found. Please wait until the previous file is processed.');
        return;
      }
      const file = multipartFile(request.headers['content-type'], body, 'file');
      if (!file) return sendJson(response, 400, { errorCode: 'FILE_REQUIRED' });
      const id = this.token(10);
      const record = {
        merchantUid,
        status: 'PROCESSING' as 'PROCESSING' | 'FLUSHED' | 'ERROR',
        errors: [] as string[],
      };
      this.files.set(id, record);
      this.writeLog.push({
        at: Date.now(),
        endpoint: 'upload',
        merchantUid,
        body: { filename: file.filename, bytes: file.data.length },
      });
      this.later(this.options.applyDelayMs ?? 5_000, () => {
        void this.pricefeed.applyPriceList(merchantUid, file.data).then(
          (errors) => Object.assign(record, { status: errors.length ? 'ERROR' : 'FLUSHED', errors }),
          (error: unknown) => Object.assign(record, { status: 'ERROR', errors: [String(error)] }),
        );
      });
      sendJson(response, 200, { id });
    });
  }

  // ---- storefront -----------------------------------------------------------------------------------

  shopRoutes(): Record<string, Handler> {
    return {
      'GET /mc/': (request, response) => {
        const cookies = cookiesOf(request);
        const session = cookies['mc-session'] ? this.sessions.get(cookies['mc-session']) : undefined;
        if (!session || session.sid !== cookies['mc-sid'])
          return sendHtml(response, 200, '<html><body><p>Kaspi Магазин</p></body></html>');
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
        if ((this.ipBlockedUntil.get(ip) ?? 0) > now) return this.storefrontBlocked(response);
        if (this.storefrontHits.hit(ip, now, 1000) > this.limits.storefrontRpsPerIp) {
          this.ipBlockedUntil.set(ip, now + this.scaled(this.limits.storefrontBlockMs));
          this.storefrontHits.reset(ip); // the block is the penalty; afterwards the IP starts afresh
          return this.storefrontBlocked(response);
        }
        const body = ((await readJson(request)) ?? {}) as { cityId?: string; limit?: number; page?: number };
        const limit = body.limit ?? 12;
        const page = body.page ?? 0;
        if (!Number.isInteger(limit) || limit < 1 || limit > this.limits.storefrontLimitMax)
          return sendJson(response, 400, { errorCode: 'INVALID_LIMIT' });
        const cityId = String(body.cityId ?? request.headers['x-ks-city'] ?? '750000000');
        const offers = this.storefront(url.pathname.split('/').pop()!, cityId);
        const pageOffers = offers.slice(page * limit, (page + 1) * limit);
        // The recorded sample said total 20 because it was trimmed to 4 offers; here total counts what is listed.
        sendJson(
          response,
          200,
          this.drift('storefront', {
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

  private storefrontBlocked(response: ServerResponse): void {
    this.counters.storefront403++;
    sendHtml(response, 403, '<html><body><h1>403 Forbidden</h1></body></html>');
  }

  storefront(masterSku: string, cityId: string): Record<string, unknown>[] {
    const listed: { price: number; offer: Record<string, unknown>; verbatim?: boolean }[] = [];
    const rivals = this.rivals.get(rivalKey(masterSku, cityId)) ?? [];
    let category = 'Master - Products';
    let title = `Товар ${masterSku}`;
    for (const merchant of MERCHANTS) {
      for (const offer of this.offers.get(merchant.uid)!) {
        if (offer.masterSku !== masterSku) continue;
        category = offer.masterCategory;
        title = offer.masterTitle;
        const point = merchant.points.find(
          (candidate) =>
            candidate.cityId === cityId &&
            offer.availabilities.some(
              (a) => a.storeId === `${merchant.uid}_${candidate.code}` && a.available === 'yes',
            ),
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
      .map((entry) => (entry.verbatim ? entry.offer : sparseStorefrontOffer(this.options.seed ?? 1, entry.offer)));
  }

  /** One step of the market: dempers answer our undercuts (never below their floor); others drift. */
  tickRivals(): void {
    for (const [key, rivals] of this.rivals) {
      const [masterSku, cityId] = key.split(':') as [string, string];
      const ours = this.ourCheapest(masterSku, cityId);
      for (const rival of rivals) {
        if (rival.verbatim) continue;
        if (rival.demper && ours !== undefined && ours <= rival.price) {
          const answer = ours - rival.step;
          if (answer >= rival.floor) rival.price = answer;
        } else if (this.random.chance(0.05)) {
          rival.price = Math.max(rival.floor, rival.price + this.random.int(-3, 3) * 10);
        }
      }
    }
  }

  private ourCheapest(masterSku: string, cityId: string): number | undefined {
    let cheapest: number | undefined;
    for (const merchant of MERCHANTS) {
      for (const offer of this.offers.get(merchant.uid)!) {
        if (offer.masterSku !== masterSku || !offer.available) continue;
        const price = offer.allCityPrices[cityId]?.price ?? offer.price;
        cheapest = cheapest === undefined ? price : Math.min(cheapest, price);
      }
    }
    return cheapest;
  }

  setRivalPrice(masterSku: string, cityId: string, merchantId: string, price: number): void {
    const rival = this.rivals
      .get(rivalKey(masterSku, cityId))
      ?.find((candidate) => candidate.merchantId === merchantId);
    if (!rival) throw new Error(`no rival ${merchantId} for ${masterSku} in ${cityId}`);
    rival.price = price;
    if (rival.verbatim) rival.verbatim = { ...rival.verbatim, price };
  }

  lastCode(identity: string): string | undefined {
    return this.idmc.lastCode(identity);
  }

  writes(merchantUid?: string): SandboxWriteRecord[] {
    return this.writeLog
      .filter((record) => merchantUid === undefined || record.merchantUid === merchantUid)
      .map((record) => structuredClone(record));
  }
}

function isOnSale(offer: SandboxOffer): boolean {
  return offer.availabilities.some((availability) => availability.available === 'yes');
}

async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

export async function startKaspiSandbox(options: KaspiSandboxOptions = {}): Promise<KaspiSandbox> {
  const sandbox = new Sandbox(options);
  const host = options.host ?? '127.0.0.1';
  const base = options.port ?? 0;
  const servers = {
    idmc: createServer(sandbox.handler('idmc', sandbox.idmcRoutes())),
    mc: createServer(sandbox.handler('cabinet', sandbox.mcRoutes())),
    shop: createServer(sandbox.handler('storefront', sandbox.shopRoutes())),
  };
  sandbox.urls.idmc = await listen(servers.idmc, host, base);
  sandbox.urls.mc = await listen(servers.mc, host, base ? base + 1 : 0);
  sandbox.urls.shop = await listen(servers.shop, host, base ? base + 2 : 0);
  const rivalTick = options.rivalTickMs ?? 60_000;
  const loop = rivalTick > 0 ? setInterval(() => sandbox.tickRivals(), sandbox.scaled(rivalTick)) : undefined;
  loop?.unref();

  return {
    idmcUrl: sandbox.urls.idmc,
    mcUrl: sandbox.urls.mc,
    shopUrl: sandbox.urls.shop,
    envText: () =>
      `KASPI_IDMC_URL=${sandbox.urls.idmc}\nKASPI_MC_URL=${sandbox.urls.mc}\nKASPI_SHOP_URL=${sandbox.urls.shop}`,
    accounts: structuredClone(ACCOUNTS),
    lastCode: (identity) => sandbox.lastCode(identity),
    catalogue: (merchantUid) => structuredClone(sandbox.offers.get(merchantUid) ?? []),
    storefront: (masterSku, cityId) => sandbox.storefront(masterSku, cityId),
    writes: (merchantUid) => sandbox.writes(merchantUid),
    stats: () => structuredClone(sandbox.counters),
    injectFaults: (faults) => sandbox.injectFaults(faults),
    expireSessions: (merchantUid, shape) => sandbox.expireSessions(merchantUid, shape),
    setRivalPrice: (masterSku, cityId, merchantId, price) =>
      sandbox.setRivalPrice(masterSku, cityId, merchantId, price),
    blockOffer: (merchantUid, sku) => sandbox.pricefeed.blockOffer(merchantUid, sku),
    tickRivals: () => sandbox.tickRivals(),
    async close() {
      if (loop) clearInterval(loop);
      sandbox.stopTimers();
      await Promise.all(
        Object.values(servers).map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
