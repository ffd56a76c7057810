import axios, { AxiosError, type AxiosInstance, type AxiosProxyConfig } from 'axios';

import type { Logger } from '../logger.js';
import { kaspiRequests, kaspiRequestSeconds } from '../metrics.js';
import type { CookieJar } from './cookie-jar.js';
import {
  KaspiBadRequestError,
  KaspiIpBlockedError,
  KaspiRateLimitedError,
  KaspiSessionExpiredError,
  KaspiTransientError,
} from './errors.js';

/** A desktop Chrome, as the storefront expects (REFERENCE §4.1: self-identifying agents get 429). */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

/** How a failure is read depends on which Kaspi service answered. */
export type KaspiService = 'login' | 'cabinet' | 'storefront';

export interface ExitProxy {
  /** Stable id for limits and logs (the proxy URL without credentials, or `direct`). */
  id: string;
  config: AxiosProxyConfig | false;
}

export const DIRECT_EXIT: ExitProxy = { id: 'direct', config: false };

export interface KaspiRequest {
  /** Short label for errors and logs, e.g. `cabinet.offer-list`. */
  endpoint: string;
  service: KaspiService;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** JSON body (object or array), or a ready multipart `FormData`. */
  body?: unknown;
  jar?: CookieJar;
  exit?: ExitProxy;
  /** Only reads are retried on transient failures; a write is never re-sent blindly. */
  retry: boolean;
  /** `redirect`: a 3xx is the expected answer (OAuth hand-off); otherwise a redirect to login means expiry. */
  expect: 'json' | 'redirect' | 'text';
  timeoutMs?: number;
}

export interface KaspiResponse {
  status: number;
  text: string;
  json: unknown;
  location: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export interface KaspiHttpOptions {
  logger: Logger;
  /** Attempts for retryable reads (first try included). */
  attempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
  /** Default cooldown when a 429 carries no Retry-After: Kaspi blocks cabinet writes for ~30 minutes. */
  cabinetCooldownMs?: number;
  storefrontCooldownMs?: number;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'ECANCELED']);

/** The one place that talks HTTP to Kaspi: cookies, proxies, error classification, safe retries. */
export class KaspiHttp {
  private readonly axios: AxiosInstance;
  private readonly attempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly cabinetCooldownMs: number;
  private readonly storefrontCooldownMs: number;

  constructor(private readonly options: KaspiHttpOptions) {
    this.axios = axios.create({
      timeout: options.timeoutMs ?? 20_000,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // Never let axios pick proxies from the environment: exits are chosen by the proxy pool only.
      proxy: false,
    });
    this.attempts = options.attempts ?? 3;
    this.baseBackoffMs = options.baseBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 8_000;
    this.cabinetCooldownMs = options.cabinetCooldownMs ?? 30 * 60_000;
    this.storefrontCooldownMs = options.storefrontCooldownMs ?? 15_000;
  }

  async send(request: KaspiRequest): Promise<KaspiResponse> {
    const attempts = request.retry ? this.attempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendOnce(request);
      } catch (error) {
        if (!(error instanceof KaspiTransientError) || attempt >= attempts) throw error;
        // "Equal jitter": half fixed, half random, so retries from many stores do not arrive together.
        const ceiling = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (attempt - 1));
        const delay = ceiling / 2 + Math.random() * (ceiling / 2);
        this.options.logger.debug({ endpoint: request.endpoint, attempt, delay: Math.round(delay) }, 'kaspi read failed, retrying');
        await sleep(delay);
      }
    }
  }

  private async sendOnce(request: KaspiRequest): Promise<KaspiResponse> {
    const started = performance.now();
    const headers: Record<string, string> = { 'user-agent': BROWSER_USER_AGENT, 'accept-language': 'ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7', ...request.headers };
    const cookie = request.jar?.header();
    if (cookie) headers.cookie = cookie;
    let data = request.body;
    if (data !== undefined && !(data instanceof FormData) && typeof data !== 'string') {
      data = JSON.stringify(data);
      headers['content-type'] ??= 'application/json; charset=UTF-8';
    }

    let response;
    try {
      response = await this.axios.request<string>({
        method: request.method,
        url: request.url,
        headers,
        data,
        timeout: request.timeoutMs,
        proxy: request.exit?.config ?? false,
      });
    } catch (error) {
      kaspiRequests.inc({ endpoint: request.endpoint, status: 'network' });
      throw this.networkError(request, error);
    }
    kaspiRequests.inc({ endpoint: request.endpoint, status: String(response.status) });
    kaspiRequestSeconds.observe({ endpoint: request.endpoint }, (performance.now() - started) / 1000);

    const setCookie = response.headers['set-cookie'];
    request.jar?.absorb(setCookie);
    const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    const contentType = String(response.headers['content-type'] ?? '');
    const location = typeof response.headers.location === 'string' ? response.headers.location : undefined;
    this.options.logger.debug(
      { endpoint: request.endpoint, status: response.status, ms: Math.round(performance.now() - started), exit: request.exit?.id ?? 'direct' },
      'kaspi request',
    );

    const looksHtml = contentType.includes('text/html') || /^\s*</.test(text);
    let json: unknown;
    if (!looksHtml && text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const result: KaspiResponse = { status: response.status, text, json, location, headers: response.headers as KaspiResponse['headers'] };
    this.classify(request, result, looksHtml);
    return result;
  }

  private classify(request: KaspiRequest, response: KaspiResponse, looksHtml: boolean): void {
    const { status } = response;
    const exitIp = request.exit?.id ?? 'direct';
    const describe = `Kaspi ${request.endpoint} answered ${status}`;

    if (status >= 500) throw new KaspiTransientError(describe, request.endpoint, status);
    if (status === 429) {
      const cooldown = parseRetryAfter(response.headers['retry-after']) ?? (request.service === 'storefront' ? this.storefrontCooldownMs : this.cabinetCooldownMs);
      const scope = request.service === 'storefront' ? 'storefront' : errorCodeOf(response.json) === 'TOO_MANY_CHANGES' ? 'store-changes' : 'merchant-writes';
      throw new KaspiRateLimitedError(`${describe} (rate limited)`, request.endpoint, cooldown, scope);
    }
    if (status >= 300 && status < 400) {
      if (request.expect === 'redirect') return;
      if (request.service === 'cabinet' && isLoginRedirect(response.location)) {
        throw new KaspiSessionExpiredError(`${describe}: redirected to login`, request.endpoint);
      }
      throw new KaspiBadRequestError(`${describe}: unexpected redirect`, request.endpoint, status, undefined, undefined);
    }
    if ((status === 403 || status === 405) && looksHtml) {
      throw new KaspiIpBlockedError(`${describe}: blocked by an anti-bot page`, request.endpoint, status, exitIp);
    }
    if (request.service === 'login') return; // the login flow reads Kaspi's errorCode itself
    if (status === 401) throw new KaspiSessionExpiredError(`${describe}: session expired`, request.endpoint);
    if (status === 403 || status === 405) {
      if (request.service === 'storefront') {
        throw new KaspiIpBlockedError(`${describe}: blocked`, request.endpoint, status, exitIp);
      }
      throw new KaspiBadRequestError(`${describe}: forbidden`, request.endpoint, status, errorCodeOf(response.json), response.json);
    }
    if (status >= 400) {
      throw new KaspiBadRequestError(`${describe}: ${errorCodeOf(response.json) ?? 'refused'}`, request.endpoint, status, errorCodeOf(response.json), response.json);
    }
    if (request.expect === 'json' && (looksHtml || response.json === undefined)) {
      // A 200 HTML page where JSON belongs is Kaspi's anti-bot interstitial (REFERENCE §4.2).
      if (looksHtml) throw new KaspiIpBlockedError(`${describe} with an HTML page instead of JSON`, request.endpoint, status, exitIp);
      throw new KaspiTransientError(`${describe} with a body that is not JSON`, request.endpoint, status);
    }
  }

  private networkError(request: KaspiRequest, error: unknown): KaspiTransientError {
    const code = error instanceof AxiosError ? error.code : (error as NodeJS.ErrnoException)?.code;
    const reason = code && NETWORK_CODES.has(code) ? code : error instanceof Error ? error.message : String(error);
    return new KaspiTransientError(`Kaspi ${request.endpoint} did not answer (${reason})`, request.endpoint, undefined);
  }
}

function isLoginRedirect(location: string | undefined): boolean {
  return location !== undefined && /\/login|\/oauth2\//.test(location);
}

function errorCodeOf(json: unknown): string | undefined {
  if (json && typeof json === 'object' && 'errorCode' in json && typeof json.errorCode === 'string') return json.errorCode;
  return undefined;
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
