import type { Container } from '../app/container.js';
import { inUnitOfWork } from '../db/unit-of-work.js';
import { OfferActions } from '../catalog/offer-actions.js';
import { PreorderService } from '../preorders/service.js';
import { BullmqScheduler } from './bullmq.js';
import { FOLLOW_UP_HANDLERS, openKeyOf } from './handlers/index.js';
import { PollingScheduler } from './polling.js';
import { FollowUpRunner } from './runner.js';
import type { FollowUpScheduling } from './scheduler.js';
import { FollowUpService, type FollowUpTimings } from './service.js';
import { FollowUpStore } from './store.js';
import type { FollowUpPayloads, FollowUps, FollowUpServices } from './types.js';
import type { FollowUpKind } from '../db/entities/index.js';
import { ProductDirectory } from '../catalog/product-directory.js';
import { ProductHistory } from '../catalog/product-history.js';

/** Kaspi applies writes in seconds to minutes: first read back after 10 s, given 15 minutes. */
const DEFAULT_TIMINGS: FollowUpTimings = { firstWaitMs: 10_000, timeoutMs: 15 * 60_000 };

export interface FollowUpOptions extends Partial<FollowUpTimings> {
  /** How long a claim lasts without renewal (default 2 min); a dead process's follow-ups wait this long. */
  leaseMs?: number;
  /** Without Redis: how often the table is looked at (default 2 s). */
  pollMs?: number;
  /** With Redis: how often the table is swept for follow-ups whose wake-up was lost (default 30 s). */
  sweepMs?: number;
  concurrency?: number;
  /** The domain services the bot already built; made here for a process without the bot (the worker). */
  services?: Partial<Pick<FollowUpServices, 'offers' | 'preorders' | 'products' | 'history'>>;
}

/**
 * The process's follow-ups on its container: BullMQ delayed jobs when REDIS_URL is set (every `start` and
 * `worker` process takes them), else the database polled by the one process there is. Both keep the row in
 * `follow_up` as the truth and run the same handlers.
 */
export function createFollowUps(container: Container, options: FollowUpOptions = {}): FollowUps {
  const { config, database, kaspi, sessions, i18n, telegram, redis } = container;
  if (!telegram) throw new Error('follow-ups tell sellers in Telegram: the process needs BOT_TOKEN');
  const logger = container.logger.child({ component: 'follow-ups' });
  const services: FollowUpServices = {
    products: options.services?.products ?? new ProductDirectory(database.orm),
    history: options.services?.history ?? new ProductHistory(database.orm),
    offers: options.services?.offers ?? new OfferActions(database.orm, sessions, kaspi.cabinet, logger),
    preorders: options.services?.preorders ?? new PreorderService(database.orm, sessions, kaspi.cabinet, logger),
    // Called only by a running follow-up, after this function returned: `followUps` exists by then.
    followUps: { schedule: (kind, payload) => followUps.schedule(kind, payload) },
    i18n,
    logger,
  };
  const store = new FollowUpStore(database.orm);
  const concurrency = options.concurrency ?? 4;
  const runner = new FollowUpRunner(
    store,
    FOLLOW_UP_HANDLERS,
    services,
    telegram,
    logger,
    { leaseMs: options.leaseMs ?? 120_000, unitOfWork: (work) => inUnitOfWork(database.orm, work) },
    // A run lets go of a row only after this function returned: `scheduling` exists by then.
    (wake) => scheduling.wake(wake),
  );
  const scheduling: FollowUpScheduling = config.redisUrl
    ? new BullmqScheduler(config.redisUrl, store, runner, logger, {
        // The container's key space (tests give each process group its own) holds the queue too.
        prefix: redis?.options.keyPrefix ? `${redis.options.keyPrefix}bull` : undefined,
        concurrency,
        sweepMs: options.sweepMs ?? 30_000,
        earlyMs: 1_000,
      })
    : new PollingScheduler(store, runner, logger, { pollMs: options.pollMs ?? 2_000, concurrency });
  const followUps = new FollowUpService(
    store,
    runner,
    scheduling,
    {
      firstWaitMs: options.firstWaitMs ?? DEFAULT_TIMINGS.firstWaitMs,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMINGS.timeoutMs,
    },
    logger,
  );
  return followUps;
}

/**
 * Follow-ups recorded by a process that runs none (`kaspi-bot demper`, which may have no BOT_TOKEN): only the
 * row. Whichever process runs follow-ups finds it when due — the database poller at its next look, BullMQ's
 * sweep of rows left due with no job — and reads it back as if it had scheduled it itself.
 */
export function createFollowUpRecorder(
  container: Pick<Container, 'database'>,
  timings: FollowUpTimings = DEFAULT_TIMINGS,
): Pick<FollowUps, 'schedule'> {
  const store = new FollowUpStore(container.database.orm);
  return {
    async schedule<K extends FollowUpKind>(kind: K, payload: FollowUpPayloads[K]): Promise<number> {
      const wake = await store.insert(kind, payload, openKeyOf(kind, payload), timings.firstWaitMs, timings.timeoutMs);
      return wake.id;
    },
  };
}
