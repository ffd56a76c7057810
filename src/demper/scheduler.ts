import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import cron, { type ScheduledTask } from 'node-cron';

import { ProductSchema } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { DemperEngine } from './engine.js';
import type { DemperQueue } from './queue.js';

export interface SchedulerOptions {
  cronExpression: string;
  orm: MikroORM;
  engine: DemperEngine;
  logger: Logger;
  /** With Redis: ticks are coordinated across replicas and stores go to the BullMQ queue. */
  redis?: Redis;
  queue?: DemperQueue;
}

/** Stores that have at least one product due now. */
export async function storesWithDueProducts(orm: MikroORM, now: Date): Promise<number[]> {
  const rows = await orm.em.fork().find(
    ProductSchema,
    {
      demperEnabled: true,
      minPrice: { $ne: null },
      removedAt: null,
      $or: [{ nextCheckAt: null }, { nextCheckAt: { $lte: now } }],
      store: { demperEnabled: true, sessionState: 'active' },
    },
    { fields: ['store'], limit: 10_000 },
  );
  return [...new Set(rows.map((row) => row.store.id))].sort((a, b) => a - b);
}

/**
 * The demper's clock (DEMPER_CRON). One process: each tick runs the engine here, never overlapping itself.
 * Several processes: exactly one replica wins each tick (a Redis `SET NX PX` per tick slot) and enqueues one
 * job per store with due products; `kaspi-bot worker` processes do the work.
 */
export function startDemperScheduler(options: SchedulerOptions): ScheduledTask {
  const { redis, queue, logger } = options;
  const tick = async () => {
    if (queue) {
      const stores = await storesWithDueProducts(options.orm, new Date());
      const queued = await queue.enqueueStores(stores);
      logger.debug({ stores: stores.length, queued }, 'demper tick enqueued stores');
      return;
    }
    const summary = await options.engine.runOnce();
    logger.info({ ...summary, errors: summary.errors.length }, 'demper tick');
  };
  return cron.schedule(
    options.cronExpression,
    async () => {
      try {
        await tick();
      } catch (error) {
        logger.error({ err: error }, 'demper tick failed');
      }
    },
    {
      name: 'demper',
      noOverlap: true,
      timezone: 'Asia/Almaty',
      ...(redis
        ? {
            distributed: true,
            runCoordinator: {
              shouldRun: async (key: string, ttlMs: number) => (await redis.set(`demper-cron:${key}`, '1', 'PX', Math.max(ttlMs, 1_000), 'NX')) === 'OK',
            },
          }
        : {}),
    },
  );
}
