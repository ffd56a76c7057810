import type { Container } from '../app/container.js';
import { CatalogSync } from '../catalog/sync.js';
import { OfferActions } from '../catalog/offer-actions.js';
import { DemperControls } from '../demper/seller-controls.js';
import { createFollowUps, type FollowUpOptions } from '../follow-ups/wiring.js';
import { PreorderService } from '../preorders/service.js';
import { KaspiLoginService } from '../kaspi/login-service.js';
import { ProductDirectory } from '../catalog/product-directory.js';
import { ProductHistory } from '../catalog/product-history.js';
import { SellerService } from '../sellers/seller-service.js';
import { StoreDirectory } from '../sellers/store-directory.js';
import type { BotDeps } from './deps.js';
import { ActionLimiter } from './guards/action-limiter.js';
import { BackgroundTasks } from './background.js';
import { PressGuard } from './guards/press-guard.js';

/** The bot's services, built on the process's container; `overrides` shorten waits in tests. */
export function createBotDeps(
  container: Container,
  overrides: Partial<
    Pick<BotDeps, 'verifyFirstAfterMs' | 'verifyTimeoutMs' | 'limiter'> & {
      filePollMs: number;
      /** The follow-up runner's lease, poll and sweep intervals (tests shorten them). */
      followUps: Omit<FollowUpOptions, 'firstWaitMs' | 'timeoutMs' | 'services'>;
    }
  > = {},
): BotDeps {
  const { config, logger, database, redis, secretBox, kaspi, sessions, i18n } = container;
  const botLogger = logger.child({ component: 'bot' });
  const offers = new OfferActions(database.orm, sessions, kaspi.cabinet, logger);
  const preorders = new PreorderService(database.orm, sessions, kaspi.cabinet, logger, {
    filePollMs: overrides.filePollMs,
  });
  const products = new ProductDirectory(database.orm);
  const history = new ProductHistory(database.orm);
  const verifyFirstAfterMs = overrides.verifyFirstAfterMs ?? 10_000;
  const verifyTimeoutMs = overrides.verifyTimeoutMs ?? 15 * 60_000;
  return {
    config,
    logger: botLogger,
    orm: database.orm,
    redis,
    i18n,
    secretBox,
    kaspi,
    sessions,
    logins: new KaspiLoginService(kaspi.smsLogin, kaspi.emailLogin, kaspi.loginLock, sessions, secretBox, logger),
    catalog: new CatalogSync(database.orm, sessions, kaspi.cabinet, logger),
    offers,
    preorders,
    demper: new DemperControls(database.orm, kaspi.storefront, offers, i18n, logger.child({ component: 'demper' })),
    // Sync reads every page of the cabinet; competitor lookups spend the storefront budget; logins send SMS.
    limiter: overrides.limiter ?? new ActionLimiter(redis, { sync: 60_000, offers: 3_000, login: 10_000 }),
    presses: new PressGuard(redis),
    background: new BackgroundTasks(botLogger),
    followUps: createFollowUps(container, {
      ...overrides.followUps,
      firstWaitMs: verifyFirstAfterMs,
      timeoutMs: verifyTimeoutMs,
      services: { offers, preorders, products, history },
    }),
    verifyFirstAfterMs,
    verifyTimeoutMs,
    sellers: new SellerService(database.orm),
    stores: new StoreDirectory(database.orm),
    products,
    history,
    expiryNotices: container.expiryNotices,
  };
}
