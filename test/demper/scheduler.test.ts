import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TaskContext } from 'node-cron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  PriceChangeSchema,
  ProductSchema,
  SellerSchema,
  StoreSchema,
  type Store,
} from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { emptySummary, type RunOptions, type RunSummary } from '../../src/demper/engine.js';
import { DemperQueue } from '../../src/demper/queue.js';
import { startDemperScheduler, storesWithDemperWork, type DemperScheduler } from '../../src/demper/scheduler.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

/** node-cron with a seconds field: a tick every second keeps these tests short. */
const EVERY_SECOND = '*/1 * * * * *';
const RUN = `kb-test-scheduler-${randomBytes(4).toString('hex')}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Waits until the middle of a second, far from the tick boundaries, so every replica has settled the last tick. */
async function midSecond(): Promise<void> {
  const ms = Date.now() % 1000;
  await sleep(ms < 500 ? 500 - ms : 1500 - ms);
}

/** The queue as one replica sees it, counting what that replica enqueued (a subclass of the real one). */
class CountingQueue extends DemperQueue {
  constructor(
    private readonly calls: { replica: number; storeIds: number[]; at: number }[],
    private readonly replica: number,
    prefix: string,
  ) {
    super(TEST_REDIS_URL, { prefix });
  }

  override async enqueueStores(storeIds: number[]): Promise<number> {
    this.calls.push({ replica: this.replica, storeIds, at: Date.now() });
    return super.enqueueStores(storeIds);
  }
}

/** A test double of the engine's `runOnce`: takes `runMs` and records how many runs overlap. */
class SlowEngine {
  calls: { startedAt: number; endedAt?: number; options: RunOptions | undefined }[] = [];
  active = 0;
  maxActive = 0;

  constructor(private readonly runMs: number) {}

  async runOnce(options?: RunOptions): Promise<RunSummary> {
    const call: { startedAt: number; endedAt?: number; options: RunOptions | undefined } = {
      startedAt: Date.now(),
      options,
    };
    this.calls.push(call);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await sleep(this.runMs);
      return emptySummary();
    } finally {
      this.active--;
      call.endedAt = Date.now();
    }
  }
}

describe('demper scheduler', () => {
  let testDb: { url: string; drop(): Promise<void> };
  let database: Database;
  const stores: Record<'due' | 'notDue' | 'expired' | 'unsettled' | 'storeOff', Store> = {} as never;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger: captureLogger('warn').logger });
    await migrate(database);
    const em = database.orm.em.fork();
    const seller = em.create(SellerSchema, { telegramUserId: 9_001, chatId: 9_001 });
    const store = (name: string, fields: Partial<Store>) =>
      em.create(StoreSchema, {
        seller,
        merchantUid: name,
        name,
        loginMethod: 'sms',
        sessionState: 'active',
        demperEnabled: true,
        ...fields,
      });
    stores.due = store('due', {});
    stores.notDue = store('not-due', {});
    stores.expired = store('expired', { sessionState: 'expired' });
    stores.unsettled = store('unsettled', { demperEnabled: false });
    stores.storeOff = store('store-off', { demperEnabled: false });
    const product = (owner: Store, sku: string, fields: Record<string, unknown> = {}) =>
      em.create(ProductSchema, {
        store: owner,
        sku,
        masterSku: sku,
        title: sku,
        price: 1_000,
        onSale: true,
        demperEnabled: true,
        minPrice: 900,
        ...fields,
      });
    // Two due products in one store: the store is enqueued once.
    product(stores.due, 'due-1');
    product(stores.due, 'due-2', { nextCheckAt: new Date(Date.now() - 60_000) });
    product(stores.due, 'no-floor', { minPrice: null });
    product(stores.notDue, 'later', { nextCheckAt: new Date(Date.now() + 3_600_000) });
    product(stores.notDue, 'removed', { removedAt: new Date() });
    product(stores.notDue, 'demper-off', { demperEnabled: false });
    product(stores.expired, 'expired-1');
    product(stores.storeOff, 'store-off-1');
    const sent = product(stores.unsettled, 'sent-1', { demperEnabled: false });
    await em.flush();
    // A change still waiting for its read-back: the store has work even though none of its products is due.
    em.create(PriceChangeSchema, {
      store: stores.unsettled,
      product: sent,
      oldPrice: 1_000,
      newPrice: 990,
      reasonCode: 'undercut_leader',
      reasonText: 'test',
      source: 'demper',
      status: 'sent',
      idempotencyKey: 'demper:sent-1:1',
      sentAt: new Date(),
    });
    await em.flush();
  });

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${RUN}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('finds each store with due products or unconfirmed changes once, and only stores with a live session', async () => {
    const found = await storesWithDemperWork(database.orm, new Date());
    expect(found).toEqual([stores.due.id, stores.unsettled.id].sort((a, b) => a - b));
  });

  it('three replicas sharing Redis: every tick enqueues exactly once, on one replica', async () => {
    const prefix = `${RUN}-bull`;
    const calls: { replica: number; storeIds: number[]; at: number }[] = [];
    const started: { replica: number; slot: string }[] = [];
    const skipped: { replica: number; slot: string; reason?: string }[] = [];
    const replicas: {
      scheduler: DemperScheduler;
      redis: Redis;
      queue: DemperQueue;
      logs: ReturnType<typeof captureLogger>;
    }[] = [];
    // With a queue the scheduler must not run the engine itself.
    const unusedEngine = new SlowEngine(0);
    // All three start within one second, so each expects the same first tick.
    await midSecond();
    for (let replica = 0; replica < 3; replica++) {
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new CountingQueue(calls, replica, prefix);
      const logs = captureLogger('debug');
      const scheduler = startDemperScheduler({
        cronExpression: EVERY_SECOND,
        orm: database.orm,
        engine: unusedEngine,
        logger: logs.logger,
        redis,
        queue,
        coordinatorPrefix: `${RUN}-cron`,
      });
      scheduler.task.on(
        'execution:started',
        (context: TaskContext) => void started.push({ replica, slot: context.date.toISOString() }),
      );
      scheduler.task.on(
        'execution:skipped',
        (context: TaskContext) =>
          void skipped.push({ replica, slot: context.date.toISOString(), reason: context.reason }),
      );
      replicas.push({ scheduler, redis, queue, logs });
    }
    try {
      await waitFor(() => new Set(started.map((entry) => entry.slot)).size >= 4, 'four ticks');
      await midSecond();
    } finally {
      for (const { scheduler } of replicas) await scheduler.stop();
    }

    const slots = [...new Set([...started, ...skipped].map((entry) => entry.slot))].sort();
    expect(slots.length).toBeGreaterThanOrEqual(4);
    for (const slot of slots) {
      // One winner per tick; the two others saw the same tick and stood down.
      expect(
        started.filter((entry) => entry.slot === slot),
        slot,
      ).toHaveLength(1);
      const losers = skipped.filter((entry) => entry.slot === slot);
      expect(
        losers.map((entry) => entry.reason),
        slot,
      ).toEqual(['not-elected', 'not-elected']);
      const winner = started.find((entry) => entry.slot === slot)!.replica;
      expect(losers.map((entry) => entry.replica).sort(), slot).toEqual(
        [0, 1, 2].filter((replica) => replica !== winner),
      );
    }
    expect(unusedEngine.calls).toHaveLength(0);
    // Exactly one enqueue per tick, each with the stores that have work.
    expect(calls).toHaveLength(slots.length);
    for (const call of calls) expect(call.storeIds).toEqual([stores.due.id, stores.unsettled.id].sort((a, b) => a - b));
    // The jobs stay one per store however many ticks queued them.
    const counts = await replicas[0]!.queue.queue.getJobCounts('waiting', 'active');
    expect(counts).toEqual({ waiting: 2, active: 0 });

    // No worker is connected to this queue: each replica that ran a tick says so once, not on every tick.
    const winners = new Set(started.map((entry) => entry.replica));
    replicas.forEach(({ logs }, replica) => {
      const warnings = logs.lines().filter((line) => /no `kaspi-bot worker` is connected/.test(String(line.msg)));
      expect(warnings, `replica ${replica}`).toHaveLength(winners.has(replica) ? 1 : 0);
    });

    for (const { queue, redis } of replicas) {
      await queue.queue.obliterate({ force: true });
      await queue.close();
      await redis.quit();
    }
  }, 30_000);

  it('without Redis: runs the engine in-process on every tick', async () => {
    const engine = new SlowEngine(50);
    const started: string[] = [];
    const scheduler = startDemperScheduler({
      cronExpression: EVERY_SECOND,
      orm: database.orm,
      engine,
      logger: captureLogger('warn').logger,
    });
    scheduler.task.on('execution:started', (context: TaskContext) => void started.push(context.date.toISOString()));
    try {
      await waitFor(() => engine.calls.length >= 3, 'three runs');
      await midSecond();
    } finally {
      await scheduler.stop();
    }
    expect(engine.calls.length).toBe(started.length);
    // One run per tick, on consecutive seconds: no tick was skipped or doubled.
    const seconds = engine.calls.map((call) => Math.floor(call.startedAt / 1000));
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(seconds.at(-1)! - seconds[0]!).toBe(seconds.length - 1);
    // All stores at once (no store restriction) — the in-process run covers everything.
    expect(engine.calls.every((call) => call.options === undefined || call.options.storeId === undefined)).toBe(true);
  });

  it('without Redis: a run longer than the tick interval never overlaps itself, and stop() waits for it', async () => {
    const engine = new SlowEngine(2_300);
    let overlaps = 0;
    const scheduler = startDemperScheduler({
      cronExpression: EVERY_SECOND,
      orm: database.orm,
      engine,
      logger: captureLogger('warn').logger,
    });
    scheduler.task.on('execution:overlap', () => void overlaps++);
    let stopped = false;
    try {
      await waitFor(() => engine.calls.length >= 2 && engine.active === 1, 'a second run in progress');
    } finally {
      const stopping = scheduler.stop().then(() => (stopped = true));
      // The run in progress finishes before stop() resolves.
      expect(engine.active).toBe(1);
      await stopping;
    }
    expect(stopped).toBe(true);
    expect(engine.active).toBe(0);
    expect(engine.calls.every((call) => call.endedAt !== undefined)).toBe(true);
    expect(engine.maxActive).toBe(1);
    // Not vacuous: ticks did come while a run was busy, and were skipped.
    expect(overlaps).toBeGreaterThanOrEqual(2);
    for (let index = 1; index < engine.calls.length; index++)
      expect(engine.calls[index]!.startedAt).toBeGreaterThanOrEqual(engine.calls[index - 1]!.endedAt!);
  }, 20_000);
});
