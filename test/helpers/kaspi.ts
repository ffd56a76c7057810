import type { Redis } from 'ioredis';

import { loadConfig } from '../../src/config.js';
import { createKaspi, type Kaspi } from '../../src/kaspi/index.js';
import type { KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import type { Logger } from '../../src/logger.js';

/** The production Kaspi layer pointed at a sandbox: only the three base URLs (and rates) differ. */
export function kaspiFor(
  sandbox: KaspiSandbox,
  logger: Logger,
  env: Record<string, string> = {},
  options: { redis?: Redis; changeWindowMs?: number } = {},
): Kaspi {
  const config = loadConfig({
    KASPI_IDMC_URL: sandbox.idmcUrl,
    KASPI_MC_URL: sandbox.mcUrl,
    KASPI_SHOP_URL: sandbox.shopUrl,
    ...env,
  });
  return createKaspi({
    config,
    logger,
    redis: options.redis,
    changeWindowMs: options.changeWindowMs,
    http: { baseBackoffMs: 20, maxBackoffMs: 100 },
  });
}
