import type { I18n } from '@grammyjs/i18n';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';

import { loadConfig } from '../../src/config.js';
import { DemperEngine } from '../../src/demper/engine.js';
import type { DemperNotifier } from '../../src/demper/notifier.js';
import { createKaspi, type Kaspi } from '../../src/kaspi/index.js';
import { CHANGE_WINDOW_MS } from '../../src/kaspi/limits/kaspi-limits.js';
import { KaspiSessionManager } from '../../src/kaspi/session-manager.js';
import type { Logger } from '../../src/logger.js';
import type { SecretBox } from '../../src/security/secret-box.js';

/**
 * How every demper process of the fault suite is put together, in the test process and in the child processes
 * that get SIGKILLed or race: the production Kaspi layer and engine, with Kaspi's durations scaled like the
 * sandbox's (timeScale 60) so a 30-minute block or window lasts seconds.
 */

export const TIME_SCALE = 60;

/** Read back 150 ms after sending (the sandbox applies after 100 ms); a change not shown after 2.5 s failed. */
export const VERIFY_AFTER_MS = 150;
export const VERIFY_TIMEOUT_MS = 2_500;
/** The client gives up on a Kaspi request after this long (production: 20 s). */
export const REQUEST_TIMEOUT_MS = 1_200;
/** After a cabinet 429 without Retry-After the client freezes the merchant this long (Kaspi: ~30 min). */
const CABINET_COOLDOWN_MS = 4_000;

export interface KaspiEndpoints {
  idmcUrl: string;
  /** The cabinet as the engine reaches it (through the interposer). */
  mcUrl: string;
  shopUrl: string;
  /** Storefront exits (forward proxies bound to distinct local addresses). */
  proxies: string[];
}

export function faultKaspi(endpoints: KaspiEndpoints, logger: Logger, redis: Redis | undefined): Kaspi {
  const config = loadConfig({
    KASPI_IDMC_URL: endpoints.idmcUrl,
    KASPI_MC_URL: endpoints.mcUrl,
    KASPI_SHOP_URL: endpoints.shopUrl,
    KASPI_PROXIES: endpoints.proxies.join(','),
    // Below the sandbox's 15 per second per IP: a 403 only ever comes from a fault, never from our own pace.
    KASPI_OFFERS_RPS: '12',
    KASPI_PRICEFEED_RPS: '2.5',
  });
  return createKaspi({
    config,
    logger,
    redis,
    changeWindowMs: CHANGE_WINDOW_MS / TIME_SCALE,
    http: {
      baseBackoffMs: 20,
      maxBackoffMs: 100,
      timeoutMs: REQUEST_TIMEOUT_MS,
      cabinetCooldownMs: CABINET_COOLDOWN_MS,
      storefrontCooldownMs: 1_000,
    },
  });
}

export interface EngineParts {
  orm: MikroORM;
  kaspi: Kaspi;
  secretBox: SecretBox;
  notifier: DemperNotifier;
  i18n: I18n;
  logger: Logger;
  verifyTimeoutMs?: number;
}

export function faultEngine(parts: EngineParts): DemperEngine {
  return new DemperEngine({
    orm: parts.orm,
    kaspi: parts.kaspi,
    sessions: new KaspiSessionManager(parts.orm, parts.secretBox, parts.kaspi.cabinet, parts.logger),
    notifier: parts.notifier,
    i18n: parts.i18n,
    logger: parts.logger,
    verifyAfterMs: VERIFY_AFTER_MS,
    verifyTimeoutMs: parts.verifyTimeoutMs ?? VERIFY_TIMEOUT_MS,
    maxProductsPerRun: 500,
  });
}
