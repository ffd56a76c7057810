import type { Redis } from 'ioredis';

import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { EmailLogin } from './auth/email-login.js';
import { LoginLock } from './auth/login-lock.js';
import type { KaspiUrls } from './auth/oauth-handoff.js';
import { SmsLogin } from './auth/sms-login.js';
import { KaspiCabinetClient } from './cabinet-client.js';
import { KaspiHttp, type KaspiHttpOptions } from './http.js';
import { KaspiLimits } from './limits/kaspi-limits.js';
import { MemoryLimitStore } from './limits/limit-store.js';
import { RedisLimitStore } from './limits/redis-limit-store.js';
import { ProxyPool } from './proxy-pool.js';
import { KaspiStorefrontClient } from './storefront-client.js';

export interface Kaspi {
  urls: KaspiUrls;
  http: KaspiHttp;
  limits: KaspiLimits;
  pool: ProxyPool;
  cabinet: KaspiCabinetClient;
  storefront: KaspiStorefrontClient;
  smsLogin: SmsLogin;
  emailLogin: EmailLogin;
  loginLock: LoginLock;
  close(): Promise<void>;
}

export interface CreateKaspiOptions {
  config: Config;
  logger: Logger;
  /** Shares limits and login locks across processes; in-process when absent. */
  redis: Redis | undefined;
  http?: Partial<KaspiHttpOptions>;
  /** Shorter windows for tests; Kaspi's are 30 minutes. */
  changeWindowMs?: number;
}

/** The Kaspi layer, wired from configuration. Real Kaspi and the sandbox differ only in the three base URLs. */
export function createKaspi(options: CreateKaspiOptions): Kaspi {
  const { config, logger } = options;
  const kaspiLogger = logger.child({ component: 'kaspi' });
  const urls: KaspiUrls = { idmcUrl: config.kaspi.idmcUrl, mcUrl: config.kaspi.mcUrl, shopUrl: config.kaspi.shopUrl };
  const http = new KaspiHttp({ logger: kaspiLogger, ...options.http });
  const limits = new KaspiLimits(options.redis ? new RedisLimitStore(options.redis) : new MemoryLimitStore(), {
    offersRps: config.kaspi.offersRps,
    pricefeedRps: config.kaspi.pricefeedRps,
    changesPerWindow: config.kaspi.changesPer30Min,
    changeWindowMs: options.changeWindowMs,
  });
  const pool = new ProxyPool(config.kaspi.proxies, limits, kaspiLogger);
  const cabinet = new KaspiCabinetClient({
    http,
    limits,
    mcUrl: urls.mcUrl,
    shopUrl: urls.shopUrl,
    logger: kaspiLogger,
  });
  const storefront = new KaspiStorefrontClient({ http, pool, shopUrl: urls.shopUrl, logger: kaspiLogger });
  const emailLogin = new EmailLogin(cabinet, urls, config.chromiumPath, kaspiLogger);
  return {
    urls,
    http,
    limits,
    pool,
    cabinet,
    storefront,
    smsLogin: new SmsLogin(http, cabinet, urls, kaspiLogger),
    emailLogin,
    loginLock: new LoginLock(options.redis),
    close: () => emailLogin.closeAll(),
  };
}

export * from './errors.js';
