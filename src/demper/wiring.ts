import type { Container } from '../app/container.js';
import { demperPriceFollowUps } from '../follow-ups/demper-prices.js';
import type { FollowUps } from '../follow-ups/types.js';
import { SessionKeeper } from '../kaspi/session-keeper.js';
import { DemperEngine, type DemperEngineOptions } from './engine.js';
import { SessionKeepAlive } from './keep-alive.js';
import { demperTickMinutes } from './store-switch.js';
import type { DemperNotifier } from './notifier.js';

/**
 * The demper engine on the process's container (used by `start`, `worker`, `demper` and the sandbox), and the
 * keep-alive of its stores' sessions for the process that runs the clock.
 */
export function createDemper(
  container: Container,
  notifier: DemperNotifier,
  /**
   * The follow-ups that read the demper's sent changes back as soon as Kaspi applies them (the bot's, a
   * worker's, or a recorder's in a process that runs none); null leaves them to the demper's next run.
   */
  followUps: Pick<FollowUps, 'schedule'> | null,
  /** Read-back timings; Kaspi's defaults outside tests. */
  timings: Pick<DemperEngineOptions, 'verifyAfterMs' | 'verifyTimeoutMs'> = {},
): { engine: DemperEngine; keepAlive: SessionKeepAlive } {
  const { config, logger, database, kaspi, sessions, i18n } = container;
  const engine = new DemperEngine({
    orm: database.orm,
    kaspi,
    sessions,
    notifier,
    i18n,
    logger: logger.child({ component: 'demper' }),
    // One run may only take what the storefront budget allows in about a minute over all exits.
    maxProductsPerRun: Math.max(10, Math.floor(config.kaspi.offersRps * Math.max(1, config.kaspi.proxies.length) * 50)),
    tickMinutes: demperTickMinutes(config.demperCron),
    ...(followUps ? { sentReadBack: demperPriceFollowUps(database.orm, followUps) } : {}),
    ...timings,
  });
  const keeper = new SessionKeeper(
    database.orm,
    sessions,
    kaspi.emailLogin,
    kaspi.loginLock,
    logger.child({ component: 'session-keeper' }),
  );
  const keepAlive = new SessionKeepAlive({
    orm: database.orm,
    sessions,
    keeper,
    limits: kaspi.limits,
    notifier,
    logger: logger.child({ component: 'keep-alive' }),
  });
  return { engine, keepAlive };
}
