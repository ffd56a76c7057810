/**
 * The production bot inside the bench's bot process, wired as `kaspi-bot start` does without Redis: createBot +
 * runBot (grammY runner, long polling) and, in the same process, the demper (createDemper with the chat notifier,
 * startDemperScheduler). Loaded by bench/bot-child.ts only in `bot` mode, so the baseline never loads src/.
 */
import { performance } from 'node:perf_hooks';

import { openContainer } from '../src/app/container.js';
import { createChatNotifier } from '../src/bot/demper-notifier.js';
import { createBot } from '../src/bot/index.js';
import { runBot } from '../src/bot/run.js';
import { createBotDeps } from '../src/bot/wiring.js';
import { loadConfig } from '../src/config.js';
import type { RunOptions, RunSummary } from '../src/demper/engine.js';
import { startDemperScheduler } from '../src/demper/scheduler.js';
import { createDemper } from '../src/demper/wiring.js';
import { CHANGE_WINDOW_MS } from '../src/kaspi/limits/kaspi-limits.js';
import { createLogger } from '../src/logger.js';
import {
  countingDestination,
  inUpdate,
  instrumentUpdates,
  recordHold,
  state,
  timedWaits,
  type ChildConfig,
} from './bot-probe.js';

export async function startProductionBot(config: ChildConfig): Promise<{ stop(): Promise<void> }> {
  const settings = config.bot!;
  // The bot's log at its usual level (formatting and redaction cost included), counted instead of printed.
  const logger = createLogger({ level: config.logLevel, destination: countingDestination() as never });
  const appConfig = loadConfig({
    BOT_TOKEN: config.token,
    TELEGRAM_API_ROOT: config.apiRoot,
    DATABASE_URL: settings.databaseUrl,
    SECRET_KEY: settings.secretKey,
    HTTP_PORT: '0',
    KASPI_IDMC_URL: settings.idmcUrl,
    KASPI_MC_URL: settings.mcUrl,
    KASPI_SHOP_URL: settings.shopUrl,
    KASPI_PROXIES: settings.proxies.join(','),
    KASPI_PRICEFEED_RPS: String(settings.pricefeedRps),
    DEMPER_CRON: settings.demperCron,
    LOG_LEVEL: config.logLevel,
  });
  const infrastructure = await openContainer(appConfig, logger, {
    migrate: true,
    // Kaspi's 30-minute change window is `timeScale` times shorter in the sandbox; the client's budget follows it.
    kaspi: { changeWindowMs: CHANGE_WINDOW_MS / settings.timeScale },
  });
  // The connection pool: waits for a connection (per update) and how long connections are held, and by whom.
  type KnexClient = {
    acquireConnection(): Promise<object>;
    releaseConnection(connection: object): Promise<void>;
    pool?: { max?: number };
  };
  const knex = (
    infrastructure.database.orm.em.getConnection() as unknown as { getKnex(): { client: KnexClient } }
  ).getKnex().client;
  if (settings.poolMax && knex.pool) knex.pool.max = settings.poolMax;
  state.poolSize = knex.pool?.max ?? 0;
  const holds = new WeakMap<object, { at: number; owner: 'update' | 'background'; phase: string }>();
  const acquire = knex.acquireConnection.bind(knex);
  knex.acquireConnection = timedWaits('pool', async () => {
    const owner = inUpdate() ? 'update' : 'background';
    const connection = await acquire();
    holds.set(connection, { at: performance.now(), owner, phase: state.phase });
    return connection;
  });
  const release = knex.releaseConnection.bind(knex);
  knex.releaseConnection = (connection: object) => {
    const hold = holds.get(connection);
    if (hold) {
      holds.delete(connection);
      recordHold(hold.owner, performance.now() - hold.at, hold.phase);
    }
    return release(connection);
  };

  const kaspi = infrastructure.kaspi;
  kaspi.pool.acquire = timedWaits('pacing', kaspi.pool.acquire.bind(kaspi.pool));
  kaspi.limits.cabinetWriteSlot = timedWaits('pacing', kaspi.limits.cabinetWriteSlot.bind(kaspi.limits));

  // The production limiter (sync, competitor lookups and logins per seller); read-backs sooner than Kaspi's
  // defaults so that they happen while the sellers chat.
  const deps = createBotDeps(infrastructure, {
    verifyFirstAfterMs: settings.verifyFirstAfterMs,
    verifyTimeoutMs: 60_000,
  });
  const bot = createBot(config.token, deps);
  instrumentUpdates(bot);
  const { engine } = createDemper(infrastructure, createChatNotifier(infrastructure), deps.followUps, {
    verifyAfterMs: settings.demperVerifyAfterMs,
  });
  const running = await runBot(bot, deps, infrastructure);

  let inFlight: Promise<unknown> | undefined;
  const counted = {
    runOnce: (options?: RunOptions) => {
      const started = performance.now();
      const promise = engine.runOnce(options).then((summary: RunSummary) => {
        const totals = state.demper;
        totals.ticks++;
        totals.tickMsMax = Math.max(totals.tickMsMax, performance.now() - started);
        for (const key of ['stores', 'checked', 'planned', 'sent', 'deferred', 'applied', 'failed'] as const)
          totals[key] += summary[key];
        totals.errors += summary.errors.length;
        for (const error of summary.errors)
          if (totals.errorSamples.length < 5) totals.errorSamples.push(error.message.slice(0, 300));
        return summary;
      });
      inFlight = promise.catch(() => undefined);
      return promise;
    },
  };
  const scheduler = startDemperScheduler({
    cronExpression: settings.demperCron,
    orm: infrastructure.database.orm,
    engine: counted as unknown as Parameters<typeof startDemperScheduler>[0]['engine'],
    logger,
  });
  return {
    async stop() {
      await scheduler.stop();
      await inFlight;
      await running.stop();
      await infrastructure.close();
    },
  };
}
