import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { expect } from 'vitest';

import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { captureLogger } from '../helpers/logs.js';
import { CookieJar } from '../../src/kaspi/cookie-jar.js';

/** The storefront answer recorded from Kaspi, which the sandbox replays for its sample product. */
export const sample = JSON.parse(
  readFileSync(new URL('../fixtures/kaspi/storefront-offers-102298404.json', import.meta.url), 'utf8'),
) as { offers: Record<string, unknown>[] };
export const ALMATY = '750000000';
export const MERCHANT = '30067228';

/** The sandbox these tests speak to: seed 21, Kaspi's durations divided by 100, rivals still unless ticked. */
export function startTestSandbox(): Promise<KaspiSandbox> {
  return startKaspiSandbox({
    seed: 21,
    timeScale: 100,
    rivalTickMs: 0,
    productsPerMerchant: 20,
    applyDelayMs: 1_000,
    logger: captureLogger('silent').logger,
  });
}

/** Raw HTTP from a chosen source address, cookies by hand: what any client would see. */
export function raw(
  url: string,
  options: {
    method?: string;
    body?: unknown;
    cookies?: Record<string, string>;
    headers?: Record<string, string>;
    from?: string;
  } = {},
) {
  return new Promise<{
    status: number;
    json: unknown;
    text: string;
    setCookies: Record<string, string>;
    location?: string;
  }>((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        localAddress: options.from,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(options.cookies
            ? {
                cookie: new CookieJar(options.cookies).header(String(url)) ?? '',
              }
            : {}),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const setCookies: Record<string, string> = {};
          for (const header of response.headers['set-cookie'] ?? []) {
            const [pair = ''] = header.split(';');
            const at = pair.indexOf('=');
            setCookies[pair.slice(0, at)] = pair.slice(at + 1);
          }
          resolve({ status: response.statusCode ?? 0, json, text, setCookies, location: response.headers.location });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The whole SMS login by hand: page → phone → code → OAuth hops → cabinet cookies. */
export async function loginByHand(sandbox: KaspiSandbox, phone = '+7 (701) 000-00-01') {
  const jar: Record<string, string> = {};
  const page = await raw(`${sandbox.idmcUrl}/login`);
  Object.assign(jar, page.setCookies);
  let sent = await raw(`${sandbox.idmcUrl}/api/p/login`, { method: 'POST', body: { _ph: phone }, cookies: jar });
  const flood = sent.json as { errorCode?: string; errorData?: { breakTimeSeconds: number } };
  if (flood.errorCode === 'MFA_SEND_FLOOD') {
    await new Promise((resolve) => setTimeout(resolve, flood.errorData!.breakTimeSeconds * 1000));
    sent = await raw(`${sandbox.idmcUrl}/api/p/login`, { method: 'POST', body: { _ph: phone }, cookies: jar });
  }
  expect(sent.json).toEqual({ phone });
  const stepTwoCookie = jar.MS_AUTH_SSO;
  Object.assign(jar, sent.setCookies);
  expect(jar.MS_AUTH_SSO).not.toBe(stepTwoCookie);
  const verified = await raw(`${sandbox.idmcUrl}/api/p/login`, {
    method: 'POST',
    body: { _c: sandbox.lastCode(phone) },
    cookies: jar,
  });
  expect(verified.json).toEqual({ redirectUrl: '/' });
  Object.assign(jar, verified.setCookies);
  let url = `${sandbox.mcUrl}/oauth2/authorization/1?redirectUrl=${encodeURIComponent(`${sandbox.shopUrl}/mc/`)}`;
  for (let hop = 0; hop < 5; hop++) {
    const step = await raw(url, { cookies: jar });
    Object.assign(jar, step.setCookies);
    if (step.status !== 302 || !step.location) break;
    url = new URL(step.location, url).toString();
  }
  return jar;
}
