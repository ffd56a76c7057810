import { randomUUID } from 'node:crypto';

import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';

import type { Logger } from '../logger.js';
import type { FollowUpRunner } from './runner.js';
import type { FollowUpScheduling } from './scheduler.js';
import type { FollowUpStore, FollowUpWake } from './store.js';

export const FOLLOW_UP_QUEUE = 'follow-ups';

interface FollowUpJob {
  id: number;
}

export interface BullmqOptions {
  /** BullMQ key prefix (default `bull`); every process of one deployment uses the same one. */
  prefix?: string;
  /** Follow-ups run at the same time by this process. */
  concurrency: number;
  /** How often the table is checked for follow-ups whose wake-up was lost. */
  sweepMs: number;
  /** A wake-up may come this much before the database's clock says the row is due. */
  earlyMs: number;
}

/**
 * The same job id for the same state of a row: waking it twice for one due time queues one job. The state
 * changes with every read-back (attempts) and every request that joins it (generation).
 */
export function followUpJobId(wake: Pick<FollowUpWake, 'id' | 'attempts' | 'generation'>): string {
  return `follow-up-${wake.id}-${wake.attempts}-${wake.generation}`;
}

function connection(redisUrl: string): Redis {
  // As the demper's queue: BullMQ needs maxRetriesPerRequest null; it connects the connection itself.
  return new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true, connectionName: 'kaspi-bot:follow-ups' });
}

/**
 * With Redis: a follow-up is a delayed BullMQ job carrying only its id, taken by whichever process serves the
 * bot or runs as a worker, so a follow-up outlives the process that scheduled it. The job claims the row
 * like the database poller does: a duplicate, a redelivered or a stale job finds it done, not due or held,
 * and does nothing. A slow sweep of the table queues a job for any row left due with no job (its job ran
 * while another process held the row, or Redis lost it).
 */
export class BullmqScheduler implements FollowUpScheduling {
  readonly name = 'bullmq';
  private readonly queueConnection: Redis;
  private readonly queue: Queue<FollowUpJob>;
  private worker: Worker<FollowUpJob> | undefined;
  private workerConnection: Redis | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly store: FollowUpStore,
    private readonly runner: FollowUpRunner,
    private readonly logger: Logger,
    private readonly options: BullmqOptions,
  ) {
    this.queueConnection = connection(redisUrl);
    this.queueConnection.on('error', (error) => logger.debug({ err: error }, 'follow-up queue: redis error'));
    this.queue = new Queue<FollowUpJob>(FOLLOW_UP_QUEUE, { connection: this.queueConnection, prefix: options.prefix });
    this.queue.on('error', (error) => logger.warn({ err: error }, 'follow-up queue error'));
  }

  async wake(wake: FollowUpWake): Promise<void> {
    await this.queue.add(
      'follow-up',
      { id: wake.id },
      {
        jobId: followUpJobId(wake),
        delay: wake.delayMs,
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  async start(): Promise<void> {
    this.workerConnection = connection(this.redisUrl);
    this.worker = new Worker<FollowUpJob>(FOLLOW_UP_QUEUE, (job) => this.process(job), {
      connection: this.workerConnection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
    });
    this.worker.on('error', (error) => this.logger.warn({ err: error }, 'follow-up worker error'));
    this.worker.on('failed', (job, error) => this.logger.error({ err: error, job: job?.id }, 'follow-up job failed'));
    await this.worker.waitUntilReady();
    this.sweep();
  }

  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.worker?.close();
    this.worker = undefined;
    await this.runner.idle();
    await this.queue.close();
    await this.queueConnection.quit().catch(() => this.queueConnection.disconnect());
    this.workerConnection?.disconnect();
  }

  private async process(job: Job<FollowUpJob>): Promise<void> {
    const id = job.data?.id;
    if (!Number.isInteger(id) || id <= 0) return this.logger.warn({ job: job.id }, 'not a follow-up job');
    const claim = await this.store.claim(id, this.runner.leaseMs, randomUUID(), this.options.earlyMs);
    if (claim) await this.runner.run(claim);
  }

  /** Queues the follow-ups left due with nobody on them; the same job id as their own wake-up, so never twice. */
  private sweep(): void {
    this.sweepTimer = setTimeout(async () => {
      try {
        for (const wake of await this.store.overdue(this.options.sweepMs, 100))
          await this.wake({ ...wake, delayMs: 0 });
      } catch (error) {
        this.logger.warn({ err: error }, 'follow-ups: could not look for follow-ups left due');
      }
      if (this.worker) this.sweep();
    }, this.options.sweepMs);
    this.sweepTimer.unref();
  }
}
