import { afterAll, beforeAll, expect } from 'vitest';

import type { StorePoint } from '../../src/db/entities/store.js';
import { CookieJar } from '../../src/kaspi/cookie-jar.js';
import { KaspiLoginError } from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import type { buildPricefeedItem } from '../../src/kaspi/offer-writes.js';
import type { CabinetOffer } from '../../src/kaspi/schemas.js';
import { SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox, type SandboxOffer } from '../../src/kaspi-sandbox/index.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';

/**
 * The demo store both price-feed rule suites write to: a Kaspi sandbox with a logged-in cabinet session, a raw
 * request builder (the careless client), and our real client, every write kept apart so Kaspi never answers 429.
 */

export const MERCHANT = '30067228';
export const PP1 = `${MERCHANT}_PP1`;
export const PP2 = `${MERCHANT}_PP2`;
export const ALMATY = '750000000';
export const ASTANA = '710000000';
export const SHYMKENT = '511010000';
const TIME_SCALE = 200; // Kaspi's apply delay of 2 s becomes 10 ms
export const BATCH = '/pricefeed/upload/merchant/process/process/batch';
export const PROCESS = '/pricefeed/upload/merchant/process';
export const VALIDATE = '/offer-validation-api/merchant/offer/validate/v2';
/** Kaspi blocks a merchant above 3 writes a second; raw and client writes here keep this far apart. */
const WRITE_GAP_MS = 450;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached in time`);
    await sleep(10);
  }
}

export const priceIn = (offer: SandboxOffer, cityId: string) => offer.allCityPrices[cityId]!.price;
export const point = (offer: SandboxOffer, storeId: string) =>
  offer.availabilities.find((availability) => availability.storeId === storeId)!;
export const onSaleEverywhere = (offer: SandboxOffer) =>
  offer.availabilities.every((availability) => availability.available === 'yes');
export const tracksStock = (offer: SandboxOffer, storeId: string) =>
  point(offer, storeId).stockSpecified === true && (point(offer, storeId).stockCount ?? 0) > 0;
export const pricedApart = (offer: SandboxOffer) => priceIn(offer, ALMATY) !== priceIn(offer, ASTANA);
/** Every city of the offer at its own price, as the cabinet lists it. */
export const ownCityPrices = (offer: SandboxOffer) =>
  [ALMATY, ASTANA].map((cityId) => ({ cityId, value: priceIn(offer, cityId) }));

/** What a suite's tests read; filled in by the suite's beforeAll. */
interface WorldState {
  sandbox: KaspiSandbox;
  kaspi: Kaspi;
  jar: CookieJar;
  points: StorePoint[];
  cabinet429AtStart: number;
}

/**
 * Starts the sandbox and logs in before the calling suite's tests (closing both after them), and returns the
 * suite's state with the helpers that write to it. Each suite gets its own sandbox, session and used offers.
 */
export function pricefeedRulesWorld() {
  const world = {} as WorldState;
  const used = new Set<string>();
  const { logger } = captureLogger('warn');
  let lastWriteAt = 0;

  /** Runs one write no sooner than WRITE_GAP_MS after the previous one ended. */
  async function paced<T>(write: () => Promise<T>): Promise<T> {
    await sleep(Math.max(0, lastWriteAt + WRITE_GAP_MS - Date.now()));
    try {
      return await write();
    } finally {
      lastWriteAt = Date.now();
    }
  }

  /** A request to the cabinet built by hand, with the session's cookies (and the ones Kaspi refreshes on the way). */
  async function raw(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    return paced(async () => {
      const response = await fetch(`${world.sandbox.mcUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'x-auth-version': '3',
          cookie: world.jar.header(`${world.sandbox.mcUrl}${path}`)!,
        },
        body: JSON.stringify(body),
      });
      world.jar.absorb(response.headers.getSetCookie(), response.url);
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    });
  }

  const live = (sku: string) => world.sandbox.catalogue(MERCHANT).find((offer) => offer.sku === sku)!;
  const readOffer = async (sku: string): Promise<CabinetOffer> =>
    (await world.kaspi.cabinet.findOffer(world.jar, MERCHANT, sku))!;

  /** An offer of the demo store not used by another test here, sold at both points. */
  function pick(what: string, test: (offer: SandboxOffer) => boolean): SandboxOffer {
    const found = world.sandbox
      .catalogue(MERCHANT)
      .find(
        (offer) =>
          offer.masterSku !== SAMPLE_MASTER_SKU &&
          !used.has(offer.sku) &&
          offer.availabilities.length === 2 &&
          test(offer),
      );
    if (!found) throw new Error(`the sandbox catalogue has no unused offer that is ${what}`);
    used.add(found.sku);
    return found;
  }

  /** Our client's batch write of one item, applied. */
  async function writeItem(item: ReturnType<typeof buildPricefeedItem>) {
    const result = await paced(() => world.kaspi.cabinet.writeBatch(world.jar, MERCHANT, [item]));
    expect(result.sent).toHaveLength(1);
    return result;
  }

  async function uploadFile(file: Buffer): Promise<void> {
    const upload = await paced(() => world.kaspi.cabinet.uploadPriceList(world.jar, MERCHANT, file, 'prices.xlsx', 1));
    if (!('fileId' in upload)) throw new Error('Kaspi was still processing an earlier file');
    let status = 'PROCESSING';
    for (let tries = 0; status === 'PROCESSING' && tries < 200; tries++) {
      await sleep(20);
      status = (await world.kaspi.cabinet.priceListStatus(world.jar, MERCHANT, upload.fileId)).status;
    }
    expect(status).toBe('FLUSHED');
  }

  beforeAll(async () => {
    world.sandbox = await startKaspiSandbox({
      seed: 11,
      timeScale: TIME_SCALE,
      rivalTickMs: 0,
      productsPerMerchant: 130,
      applyDelayMs: 2_000,
      logger: captureLogger('silent').logger,
    });
    world.kaspi = kaspiFor(world.sandbox, logger, { KASPI_PRICEFEED_RPS: '2' });
    let pending;
    try {
      pending = await world.kaspi.smsLogin.start('+7 701 000 00 01');
    } catch (error) {
      if (!(error instanceof KaspiLoginError) || error.errorCode !== 'MFA_SEND_FLOOD') throw error;
      await sleep(60_000 / TIME_SCALE + 50);
      pending = await world.kaspi.smsLogin.start('+7 701 000 00 01');
    }
    world.jar = new CookieJar(
      (await world.kaspi.smsLogin.verify(pending, world.sandbox.lastCode('+7 (701) 000-00-01')!)).cookies,
    );
    world.points = (await world.kaspi.cabinet.getMerchant(world.jar, MERCHANT)).points;
    world.cabinet429AtStart = world.sandbox.stats().cabinet429;
  });
  afterAll(async () => {
    await world.kaspi?.close();
    await world.sandbox?.close();
  });

  return { world, paced, raw, live, readOffer, pick, writeItem, uploadFile };
}
