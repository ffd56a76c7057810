import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';

import type { Logger } from '../logger.js';
import type { DemperEngine } from './engine.js';

export const DEMPER_QUEUE = 'demper';

export interface StoreJob {
  storeId: number;
}

function connection(redisUrl: string): Redis {
  // BullMQ requires maxRetriesPerRequest: null on its connections (workers block on Redis).
  return new Redis(redisUrl, { maxRetriesPerRequest: null });
}

/** The demper's queue: one job per store that has due products; a store is never queued twice at once. */
export class DemperQueue {
  readonly queue: Queue<StoreJob>;
  private readonly redis: Redis;

  constructor(redisUrl: string) {
    this.redis = connection(redisUrl);
    this.queue = new Queue<StoreJob>(DEMPER_QUEUE, { connection: this.redis });
  }

  /**
   * The job id is the store: while a store's job waits or runs, adding it again is a no-op, so overlapping
   * ticks or replicas can never process one store's products twice at the same time.
   */
  async enqueueStores(storeIds: number[]): Promise<number> {
    if (storeIds.length === 0) return 0;
    const jobs = await this.queue.addBulk(
      storeIds.map((storeId) => ({
        name: 'store',
        data: { storeId },
        opts: { jobId: `store-${storeId}`, removeOnComplete: true, removeOnFail: true, attempts: 1 },
      })),
    );
    return jobs.length;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}

/**
 * A `kaspi-bot worker` process: takes store jobs and runs the engine for that store. A job whose worker dies
 * is picked up again after BullMQ's stall check; the engine's outbox makes the rerun safe.
 */
export function startDemperWorker(redisUrl: string, engine: DemperEngine, logger: Logger, concurrency = 2): { worker: Worker<StoreJob>; close(): Promise<void> } {
  const redis = connection(redisUrl);
  const worker = new Worker<StoreJob>(
    DEMPER_QUEUE,
    async (job: Job<StoreJob>) => {
      const summary = await engine.runOnce({ storeId: job.data.storeId });
      logger.info({ storeId: job.data.storeId, ...summary, errors: summary.errors.length }, 'demper job done');
      return summary;
    },
    { connection: redis, concurrency, stalledInterval: 30_000, maxStalledCount: 2 },
  );
  worker.on('failed', (job, error) => logger.error({ err: error, storeId: job?.data.storeId }, 'demper job failed'));
  return {
    worker,
    async close() {
      await worker.close();
      redis.disconnect();
    },
  };
}
