import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';

import type { Logger } from '../logger.js';
import type { DemperEngine, RunSummary } from './engine.js';

export const DEMPER_QUEUE = 'demper';

export interface StoreJob {
  storeId: number;
}

/** What a worker needs of the engine: one run restricted to one store. */
export type StoreRunner = Pick<DemperEngine, 'runOnce'>;

/** The id of a store's job. Fixed per store, so BullMQ refuses a second job for a store whose job exists. */
export function storeJobId(storeId: number): string {
  return `store-${storeId}`;
}

function connection(redisUrl: string): Redis {
  // BullMQ requires maxRetriesPerRequest: null (workers block on Redis and must wait out a restart, not fail).
  // lazyConnect: BullMQ connects it itself; a worker only uses it as a template for its own duplicates.
  return new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true, connectionName: 'kaspi-bot:demper' });
}

/** ioredis and BullMQ repeat the same error on every reconnect attempt; log each distinct one once. */
function errorLogger(logger: Logger | undefined, message: string): (error: Error) => void {
  let last = '';
  return (error: Error) => {
    if (error.message !== last) logger?.warn({ err: error }, message);
    last = error.message;
  };
}

export interface DemperQueueOptions {
  /** BullMQ key prefix (default `bull`); `start` and every worker must use the same one. Tests use a unique one. */
  prefix?: string;
  logger?: Logger;
}

/** The demper's queue: one job per store that has demper work; a store is never queued twice at once. */
export class DemperQueue {
  readonly queue: Queue<StoreJob>;
  private readonly redis: Redis;

  constructor(redisUrl: string, options: DemperQueueOptions = {}) {
    this.redis = connection(redisUrl);
    this.redis.on('error', errorLogger(options.logger, 'demper queue: redis connection error'));
    this.queue = new Queue<StoreJob>(DEMPER_QUEUE, { connection: this.redis, prefix: options.prefix });
    // Without a listener an `error` event would be printed to the console instead of the log.
    this.queue.on('error', errorLogger(options.logger, 'demper queue error'));
  }

  /**
   * One job per store, its id the store's: while a store's job waits or runs, adding it again is a no-op, so
   * overlapping ticks or replicas can never process one store twice at the same time. Finished jobs are
   * removed at once, completed or failed; a kept job would hold its id and block the store's next run.
   * Returns the number of stores submitted (those already queued or running stay as they are).
   */
  async enqueueStores(storeIds: number[]): Promise<number> {
    if (storeIds.length === 0) return 0;
    await this.queue.addBulk(
      storeIds.map((storeId) => ({
        name: 'store',
        data: { storeId },
        // attempts 1: a failed run is not retried here; the next tick enqueues the store again if it still has work.
        opts: { jobId: storeJobId(storeId), removeOnComplete: true, removeOnFail: true, attempts: 1 },
      })),
    );
    return storeIds.length;
  }

  /** Jobs not yet taken by a worker. */
  async waiting(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  /** Connected `kaspi-bot worker` processes (from Redis CLIENT LIST; throws where that command is disabled). */
  async workers(): Promise<number> {
    return this.queue.getWorkersCount();
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export interface DemperWorkerOptions {
  /** Stores processed at the same time by this process (default 2). */
  concurrency?: number;
  /** BullMQ key prefix; must match the queue's. */
  prefix?: string;
  /**
   * How long a job's lock lives without renewal (default 30 s). A killed worker's job is taken over by another
   * worker once its lock has expired and a stall check has seen it (within about lockDuration + 2 × stalledInterval).
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
}

export interface DemperWorker {
  worker: Worker<StoreJob, RunSummary>;
  /** Resolves when the worker's Redis connections are up. */
  ready(): Promise<void>;
  /** Stops taking jobs and waits for the running ones (force: abandons them; they are re-processed as stalled). */
  close(force?: boolean): Promise<void>;
}

/**
 * A `kaspi-bot worker`'s job loop: takes store jobs and runs the engine for that store. A job whose worker dies
 * keeps its id while it is `active`, so no tick can queue the store again; once its lock expires another worker's
 * stall check moves it back to waiting and it runs again. The engine's outbox (changes recorded as `planned`
 * before anything is sent, read back before deciding again) makes that rerun safe.
 */
export function startDemperWorker(
  redisUrl: string,
  engine: StoreRunner,
  logger: Logger,
  options: DemperWorkerOptions = {},
): DemperWorker {
  const template = connection(redisUrl);
  const worker = new Worker<StoreJob, RunSummary>(
    DEMPER_QUEUE,
    async (job: Job<StoreJob>) => {
      const storeId = job.data?.storeId;
      if (!Number.isInteger(storeId) || storeId <= 0)
        throw new UnrecoverableError(`not a store job: ${JSON.stringify(job.data)}`);
      const started = Date.now();
      const summary = await engine.runOnce({ storeId });
      logger.info(
        { storeId, ...summary, errors: summary.errors.length, ms: Date.now() - started, attempt: job.attemptsStarted },
        'demper job done',
      );
      return summary;
    },
    {
      connection: template,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 2,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      // A job may outlive two dead workers; a third stall fails it (a store that kills workers must not loop
      // forever) and the next tick queues the store afresh.
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, error) => logger.error({ err: error, storeId: job?.data.storeId }, 'demper job failed'));
  worker.on('stalled', (jobId) =>
    logger.warn({ jobId }, 'demper job stalled (its worker died or hung); running it again'),
  );
  // Without a listener an `error` event would be printed to the console instead of the log.
  worker.on('error', errorLogger(logger, 'demper worker error'));
  return {
    worker,
    ready: () => worker.waitUntilReady().then(() => undefined),
    async close(force = false) {
      await worker.close(force);
      template.disconnect();
    },
  };
}
