import type { Infrastructure } from '../app.js';
import { createI18n } from '../i18n.js';
import { createKaspi, type Kaspi } from '../kaspi/index.js';
import { KaspiSessionManager } from '../kaspi/session-manager.js';
import { SessionKeeper } from '../kaspi/session-keeper.js';
import { DemperEngine, type DemperEngineOptions } from './engine.js';
import { SessionKeepAlive } from './keep-alive.js';
import { demperTickMinutes } from './store-switch.js';
import type { DemperNotifier } from './notifier.js';

/**
 * The demper engine on top of a process's infrastructure (used by `start`, `worker` and `demper`), and the
 * keep-alive of its stores' sessions for the process that runs the clock.
 */
export function createDemper(
  infrastructure: Infrastructure,
  notifier: DemperNotifier,
  kaspi?: Kaspi,
  /** Read-back timings; Kaspi's defaults outside tests. */
  timings: Pick<DemperEngineOptions, 'verifyAfterMs' | 'verifyTimeoutMs'> = {},
): { engine: DemperEngine; kaspi: Kaspi; keepAlive: SessionKeepAlive } {
  const { config, logger, database, redis, secretBox } = infrastructure;
  const layer = kaspi ?? createKaspi({ config, logger, redis });
  const sessions = new KaspiSessionManager(database.orm, secretBox, layer.cabinet, logger);
  const engine = new DemperEngine({
    orm: database.orm,
    kaspi: layer,
    sessions,
    notifier,
    i18n: createI18n(),
    logger: logger.child({ component: 'demper' }),
    // One run may only take what the storefront budget allows in about a minute over all exits.
    maxProductsPerRun: Math.max(10, Math.floor(config.kaspi.offersRps * Math.max(1, config.kaspi.proxies.length) * 50)),
    tickMinutes: demperTickMinutes(config.demperCron),
    ...timings,
  });
  const keeper = new SessionKeeper(
    database.orm,
    sessions,
    layer.emailLogin,
    layer.loginLock,
    logger.child({ component: 'session-keeper' }),
  );
  const keepAlive = new SessionKeepAlive({
    orm: database.orm,
    sessions,
    keeper,
    limits: layer.limits,
    notifier,
    logger: logger.child({ component: 'keep-alive' }),
  });
  return { engine, kaspi: layer, keepAlive };
}
