import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import cron, { type ScheduledTask } from 'node-cron';

import type { Logger } from '../logger.js';
import type { DemperQueue, StoreRunner } from './queue.js';

export interface SchedulerOptions {
  cronExpression: string;
  orm: MikroORM;
  engine: StoreRunner;
  logger: Logger;
  /** With Redis: ticks are coordinated across replicas (one replica runs each tick). */
  redis?: Redis;
  /** With a queue: a tick only enqueues stores for `kaspi-bot worker` processes instead of running the engine. */
  queue?: DemperQueue;
  /** Redis key prefix of the per-tick election (default `demper-cron`); tests use a unique one. */
  coordinatorPrefix?: string;
  /** Keeps the stores' Kaspi sessions (SessionKeepAlive): runs first in each tick, on the replica that won it. */
  keepAlive?: { run(now?: Date): Promise<unknown> };
}

export interface DemperScheduler {
  task: ScheduledTask;
  /** Stops the clock and waits for a tick in progress, so the caller may close the database afterwards. */
  stop(): Promise<void>;
}

/**
 * Stores a worker job would have something to do for: due products (the same conditions as `findDueProducts`),
 * or price changes not settled yet (`sent` ones are read back, `planned` ones of a dead run recovered), as the
 * in-process `runOnce()` does for every store on every tick. Only stores with a live session: without one
 * nothing can be read or written, and the seller has already been asked to log in again.
 */
export async function storesWithDemperWork(orm: MikroORM, now: Date): Promise<number[]> {
  // DISTINCT in SQL: a store with thousands of due products must not crowd the others out of a row limit.
  const rows = await orm.em.getConnection().execute<{ store_id: number }[]>(
    `select p.store_id from product p join store s on s.id = p.store_id
      where p.demper_enabled and p.min_price is not null and p.removed_at is null
        and (p.next_check_at is null or p.next_check_at <= ?)
        and s.demper_enabled and s.session_state = 'active'
     union
     select c.store_id from price_change c join store s on s.id = c.store_id
      where c.status in ('planned', 'sent') and s.session_state = 'active'
     order by 1`,
    [now],
  );
  return rows.map((row) => Number(row.store_id));
}

/**
 * The demper's clock (DEMPER_CRON). One process: each tick runs the engine here, never overlapping itself.
 * Several processes: exactly one replica wins each tick (a Redis `SET NX PX` on the tick's slot, which every
 * replica computes alike from the schedule) and enqueues one job per store with work; `kaspi-bot worker`
 * processes do the work.
 */
export function startDemperScheduler(options: SchedulerOptions): DemperScheduler {
  const { redis, queue, logger } = options;
  const coordinatorPrefix = options.coordinatorPrefix ?? 'demper-cron';
  let warnedNoWorkers = false;

  const warnIfNoWorkers = async (demperQueue: DemperQueue) => {
    try {
      if ((await demperQueue.waiting()) === 0) return;
      const workers = await demperQueue.workers();
      if (workers === 0 && !warnedNoWorkers) {
        logger.warn(
          'demper jobs are waiting but no `kaspi-bot worker` is connected to Redis: prices are not being checked',
        );
      }
      warnedNoWorkers = workers === 0;
    } catch {
      // CLIENT LIST is disabled on some managed Redis services; the warning is a convenience only.
    }
  };

  const tick = async (slot: Date) => {
    if (options.keepAlive) {
      // Before the demper: an expired session is found (and an e-mail store logged in again) before its writes.
      try {
        await options.keepAlive.run(new Date());
      } catch (error) {
        logger.error({ err: error, slot: slot.toISOString() }, 'session keep-alive failed');
      }
    }
    if (queue) {
      const stores = await storesWithDemperWork(options.orm, new Date());
      const submitted = await queue.enqueueStores(stores);
      logger.debug({ slot: slot.toISOString(), stores: stores.length, submitted }, 'demper tick enqueued stores');
      await warnIfNoWorkers(queue);
      return;
    }
    const summary = await options.engine.runOnce();
    logger.info({ slot: slot.toISOString(), ...summary, errors: summary.errors.length }, 'demper tick');
  };

  let inFlight: Promise<void> | undefined;
  let stopped = false;
  const task = cron.schedule(
    options.cronExpression,
    (context) => {
      // An election won just before stop() must not start a tick stop() no longer waits for.
      if (stopped) return;
      const run = (async () => {
        try {
          await tick(context.date);
        } catch (error) {
          logger.error({ err: error, slot: context.date.toISOString() }, 'demper tick failed');
        }
      })();
      inFlight = run;
      return run;
    },
    {
      name: 'demper',
      // node-cron's own notes (a tick skipped by noOverlap, a missed tick) go to our log, not the console.
      logger: {
        info: (message) => logger.info({ component: 'node-cron' }, message),
        warn: (message) => logger.warn({ component: 'node-cron' }, message),
        error: (message, error) =>
          logger.error(
            { component: 'node-cron', err: error ?? message },
            typeof message === 'string' ? message : message.message,
          ),
        debug: (message) =>
          logger.debug({ component: 'node-cron' }, typeof message === 'string' ? message : message.message),
      },
      // A tick still running when the next one is due skips that one (per replica; see the coordinator below).
      noOverlap: true,
      timezone: 'Asia/Almaty',
      ...(redis
        ? {
            distributed: true,
            runCoordinator: {
              // The key is `<name>:<slot ISO time>`: the same on every replica for the same tick. It lives long
              // enough (node-cron's lease, 30 s) to outlast clock skew between replicas.
              shouldRun: async (key: string, ttlMs: number) =>
                !stopped &&
                (await redis.set(
                  `${coordinatorPrefix}:${key}`,
                  String(process.pid),
                  'PX',
                  Math.max(ttlMs, 1_000),
                  'NX',
                )) === 'OK',
            },
          }
        : {}),
    },
  );
  return {
    task,
    async stop() {
      stopped = true;
      await task.stop();
      await inFlight;
      // Out of node-cron's process-wide registry too, so a stopped scheduler leaves nothing behind.
      await task.destroy();
    },
  };
}
