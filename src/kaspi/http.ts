import axios, { AxiosError, type AxiosInstance, type AxiosProxyConfig } from 'axios';

import { BROWSER_ACCEPT_LANGUAGE, BROWSER_USER_AGENT } from '../browser/desktop-chrome.js';
import type { Logger } from '../logger.js';
import { kaspiRequests, kaspiRequestSeconds } from '../metrics.js';
import {
  answerRow,
  answerShape,
  looksLikeHtml,
  type AnswerShape,
  type KaspiExpect,
  type KaspiService,
} from './answers.js';
import type { CookieJar } from './cookie-jar.js';
import {
  KaspiBadRequestError,
  KaspiIpBlockedError,
  KaspiRateLimitedError,
  KaspiSessionExpiredError,
  KaspiTransientError,
} from './errors.js';

/** Kept here for callers that read it with the client. */

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
  expect: KaspiExpect;
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

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ECANCELED',
]);

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
        this.options.logger.debug(
          { endpoint: request.endpoint, attempt, delay: Math.round(delay) },
          'kaspi read failed, retrying',
        );
        await sleep(delay);
      }
    }
  }

  private async sendOnce(request: KaspiRequest): Promise<KaspiResponse> {
    const started = performance.now();
    const headers: Record<string, string> = {
      'user-agent': BROWSER_USER_AGENT,
      'accept-language': BROWSER_ACCEPT_LANGUAGE,
      ...request.headers,
    };
    const cookie = request.jar?.header(request.url);
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
    request.jar?.absorb(setCookie, request.url);
    const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    const contentType = String(response.headers['content-type'] ?? '');
    const location = typeof response.headers.location === 'string' ? response.headers.location : undefined;
    this.options.logger.debug(
      {
        endpoint: request.endpoint,
        status: response.status,
        ms: Math.round(performance.now() - started),
        exit: request.exit?.id ?? 'direct',
      },
      'kaspi request',
    );

    const looksHtml = looksLikeHtml(contentType, text);
    let json: unknown;
    if (!looksHtml && text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const result: KaspiResponse = {
      status: response.status,
      text,
      json,
      location,
      headers: response.headers as KaspiResponse['headers'],
    };
    this.classify(request, result, answerShape(response.status, text, looksHtml, json, location, request.url));
    return result;
  }

  /** Reads the answer by the one table of what Kaspi's answers mean (answers.ts). */
  private classify(request: KaspiRequest, response: KaspiResponse, shape: AnswerShape): void {
    const { status } = response;
    const row = answerRow(request.service, status, shape, request.expect);
    const describe = `Kaspi ${request.endpoint} answered ${status}: ${row.why}`;
    const errorCode = errorCodeOf(response.json);
    switch (row.meaning) {
      case 'pass':
        return;
      case 'transient':
        throw new KaspiTransientError(describe, request.endpoint, status);
      case 'rate-limited': {
        const storefront = request.service === 'storefront';
        const cooldown =
          parseRetryAfter(response.headers['retry-after']) ??
          (storefront ? this.storefrontCooldownMs : this.cabinetCooldownMs);
        const scope = storefront
          ? 'storefront'
          : errorCode === 'TOO_MANY_CHANGES'
            ? 'store-changes'
            : 'merchant-writes';
        throw new KaspiRateLimitedError(describe, request.endpoint, cooldown, scope);
      }
      case 'session-expired':
        throw new KaspiSessionExpiredError(describe, request.endpoint);
      case 'ip-blocked':
        throw new KaspiIpBlockedError(describe, request.endpoint, status, request.exit?.id ?? 'direct');
      case 'bad-request':
        throw new KaspiBadRequestError(
          `${describe} (${errorCode ?? 'no errorCode'})`,
          request.endpoint,
          status,
          errorCode,
          response.json,
        );
    }
  }

  private networkError(request: KaspiRequest, error: unknown): KaspiTransientError {
    const code = error instanceof AxiosError ? error.code : (error as NodeJS.ErrnoException)?.code;
    const reason = code && NETWORK_CODES.has(code) ? code : error instanceof Error ? error.message : String(error);
    return new KaspiTransientError(`Kaspi ${request.endpoint} did not answer (${reason})`, request.endpoint, undefined);
  }
}

function errorCodeOf(json: unknown): string | undefined {
  if (json && typeof json === 'object' && 'errorCode' in json && typeof json.errorCode === 'string')
    return json.errorCode;
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
