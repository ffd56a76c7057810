import type { Infrastructure } from '../app.js';
import { CatalogSync } from '../catalog/sync.js';
import { OfferActions } from '../catalog/offer-actions.js';
import { DemperControls } from '../demper/seller-controls.js';
import { createI18n } from '../i18n.js';
import { PreorderService } from '../preorders/service.js';
import { createKaspi, type Kaspi } from '../kaspi/index.js';
import { KaspiLoginService } from '../kaspi/login-service.js';
import { KaspiSessionManager } from '../kaspi/session-manager.js';
import type { BotDeps } from './deps.js';
import { ActionLimiter } from './helpers/action-limiter.js';
import { BackgroundTasks } from './helpers/background.js';
import { PressGuard } from './helpers/press-guard.js';
import { languageByUser } from './middlewares/seller.js';

/** Services for the bot on top of a process's infrastructure; `overrides` shorten waits in tests. */
export function createBotDeps(
  infrastructure: Infrastructure,
  kaspi?: Kaspi,
  overrides: Partial<Pick<BotDeps, 'verifyFirstAfterMs' | 'verifyTimeoutMs' | 'limiter'> & { filePollMs: number }> = {},
): BotDeps {
  const { config, logger, database, redis, secretBox } = infrastructure;
  const layer = kaspi ?? createKaspi({ config, logger, redis });
  const botLogger = logger.child({ component: 'bot' });
  const sessions = new KaspiSessionManager(database.orm, secretBox, layer.cabinet, logger);
  const offers = new OfferActions(database.orm, sessions, layer.cabinet, logger);
  const i18n = createI18n({
    localeNegotiator: (ctx) => (ctx.from ? languageByUser.get(ctx.from.id) : undefined) ?? 'ru',
  });
  return {
    config,
    logger: botLogger,
    orm: database.orm,
    redis,
    i18n,
    secretBox,
    kaspi: layer,
    sessions,
    logins: new KaspiLoginService(layer.smsLogin, layer.emailLogin, layer.loginLock, sessions, secretBox, logger),
    catalog: new CatalogSync(database.orm, sessions, layer.cabinet, logger),
    offers,
    preorders: new PreorderService(database.orm, sessions, layer.cabinet, logger, { filePollMs: overrides.filePollMs }),
    demper: new DemperControls(database.orm, layer.storefront, offers, i18n, logger.child({ component: 'demper' })),
    // Sync reads every page of the cabinet; competitor lookups spend the storefront budget; logins send SMS.
    limiter: overrides.limiter ?? new ActionLimiter(redis, { sync: 60_000, offers: 3_000, login: 10_000 }),
    presses: new PressGuard(redis),
    background: new BackgroundTasks(botLogger),
    verifyFirstAfterMs: overrides.verifyFirstAfterMs ?? 10_000,
    verifyTimeoutMs: overrides.verifyTimeoutMs ?? 15 * 60_000,
  };
}
