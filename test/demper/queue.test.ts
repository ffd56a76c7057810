import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PriceChangeSchema, ProductSchema, SellerSchema, StoreSchema } from '../../src/db/entities/index.js';
import { migrate, openDatabase } from '../../src/db/orm.js';
import { emptySummary, type RunOptions, type RunSummary } from '../../src/demper/engine.js';
import { runCli } from '../../src/cli/run.js';
import { DEMPER_QUEUE, DemperQueue, startDemperWorker, storeJobId, type DemperWorker } from '../../src/demper/queue.js';
import { startFakeTelegram } from '../../src/telegram-sandbox/bot-api-server.js';
import { migrationsList } from '../../migrations/index.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/kaspi-bot.js');
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def';
/**
 * Every BullMQ key of this file's run lives under this prefix, so parallel files and runs never meet; each test
 * adds its own part, so no test sees another's jobs or stall-check state.
 */
const RUN_PREFIX = `kb-test-queue-${randomBytes(4).toString('hex')}`;
let prefix = RUN_PREFIX;
let testNumber = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

interface Run {
  storeId: number;
  worker: string;
  startedAt: number;
  endedAt?: number;
}

/**
 * A test double of the engine's one method a worker calls: records who ran which store when, how many runs
 * overlapped (in all and per store), and holds each run for `holdMs` or until released.
 */
class RecordingEngine {
  readonly runs: Run[] = [];
  active = 0;
  maxActive = 0;
  readonly activeByStore = new Map<number, number>();
  maxActivePerStore = 0;
  private gates = new Map<number, () => void>();

  constructor(
    private readonly worker: string,
    private readonly holdMs: number | 'until-released',
    private readonly failStores: number[] = [],
  ) {}

  async runOnce(options: RunOptions = {}): Promise<RunSummary> {
    const storeId = options.storeId!;
    const run: Run = { storeId, worker: this.worker, startedAt: Date.now() };
    this.runs.push(run);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const perStore = (this.activeByStore.get(storeId) ?? 0) + 1;
    this.activeByStore.set(storeId, perStore);
    this.maxActivePerStore = Math.max(this.maxActivePerStore, perStore);
    try {
      if (this.holdMs === 'until-released') await new Promise<void>((resolve) => this.gates.set(storeId, resolve));
      else await sleep(this.holdMs);
      if (this.failStores.includes(storeId)) throw new Error(`store ${storeId} failed on purpose`);
      return { ...emptySummary(), stores: 1 };
    } finally {
      this.active--;
      this.activeByStore.set(storeId, this.activeByStore.get(storeId)! - 1);
      run.endedAt = Date.now();
    }
  }

  release(storeId: number): void {
    this.gates.get(storeId)?.();
    this.gates.delete(storeId);
  }

  runsOf(storeId: number): Run[] {
    return this.runs.filter((run) => run.storeId === storeId);
  }
}

/** Engines shared by several in-process workers record into one place. */
function sharedEngine(engine: RecordingEngine, name: string) {
  return {
    runOnce: (options?: RunOptions) => engine.runOnce(options).then((summary) => ({ ...summary, worker: name })),
  };
}

const opened: { close(): Promise<unknown> }[] = [];
function track<T extends { close(): Promise<unknown> }>(resource: T): T {
  opened.push(resource);
  return resource;
}

beforeEach(() => {
  prefix = `${RUN_PREFIX}-${++testNumber}`;
});

afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close().catch(() => undefined);
});

afterAll(async () => {
  const redis = new Redis(TEST_REDIS_URL);
  const keys = await redis.keys(`${RUN_PREFIX}-*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

function newQueue(): DemperQueue {
  return track(new DemperQueue(TEST_REDIS_URL, { prefix, logger: captureLogger('warn').logger }));
}

function newWorker(
  engine: { runOnce: RecordingEngine['runOnce'] },
  options: { concurrency?: number; stalledIntervalMs?: number; lockDurationMs?: number } = {},
): DemperWorker {
  const worker = startDemperWorker(TEST_REDIS_URL, engine, captureLogger('warn').logger, { prefix, ...options });
  track({ close: () => worker.close(true) });
  return worker;
}

async function jobCounts(queue: DemperQueue) {
  return queue.queue.getJobCounts(
    'waiting',
    'active',
    'completed',
    'failed',
    'delayed',
    'prioritized',
    'waiting-children',
  );
}

describe('DemperQueue and the demper worker on real Redis', () => {
  it('keeps one job per store while it waits or runs, and frees the store once the job completes or fails', async () => {
    const queue = newQueue();

    await queue.enqueueStores([101]);
    await queue.enqueueStores([101]);
    expect(await jobCounts(queue)).toMatchObject({ waiting: 1, active: 0 });
    await queue.enqueueStores([101, 102, 103]);
    expect(await jobCounts(queue)).toMatchObject({ waiting: 3, active: 0 });

    const engine = new RecordingEngine('w1', 'until-released', [103]);
    const completed: string[] = [];
    const failed: string[] = [];
    const worker = newWorker(engine, { concurrency: 3 });
    worker.worker.on('completed', (job) => completed.push(job.id!));
    worker.worker.on('failed', (job) => failed.push(job!.id!));
    await waitFor(() => engine.active === 3, 'three running jobs');

    // Running now: queueing the same stores again must not add a job behind them.
    await queue.enqueueStores([101, 102, 103]);
    expect(await jobCounts(queue)).toMatchObject({ waiting: 0, active: 3 });
    expect(await queue.queue.getJobState(storeJobId(101))).toBe('active');

    engine.release(101);
    engine.release(102);
    engine.release(103);
    await waitFor(() => completed.length === 2 && failed.length === 1, 'two completed jobs and one failed job');
    expect(completed.sort()).toEqual([storeJobId(101), storeJobId(102)]);
    expect(failed).toEqual([storeJobId(103)]);
    // Nothing is kept: a kept job would hold the store's id and block its next run.
    expect(await jobCounts(queue)).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
      prioritized: 0,
      'waiting-children': 0,
    });
    expect(engine.runsOf(101)).toHaveLength(1);

    // The next tick's job for the same stores is taken again, the failed one included.
    await queue.enqueueStores([101, 103]);
    await waitFor(
      () => engine.runsOf(101).length === 2 && engine.runsOf(103).length === 2,
      'second runs of stores 101 and 103',
    );
    engine.release(101);
    engine.release(103);
    await waitFor(() => completed.length === 3 && failed.length === 2, 'the second round to finish');
    expect(engine.runsOf(102)).toHaveLength(1);
  });

  it('never runs one store twice at the same time across two workers with free capacity', async () => {
    const queue = newQueue();
    const engine = new RecordingEngine('shared', 120);
    const done = { a: 0, b: 0 };
    const a = newWorker(sharedEngine(engine, 'a'), { concurrency: 3 });
    const b = newWorker(sharedEngine(engine, 'b'), { concurrency: 3 });
    a.worker.on('completed', () => done.a++);
    b.worker.on('completed', () => done.b++);
    await Promise.all([a.ready(), b.ready()]);

    // Six slots for four stores: if a store could be queued twice, its second job would find a free slot.
    const stores = [201, 202, 203, 204];
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      await queue.enqueueStores(stores);
      await sleep(25);
    }
    await waitFor(
      async () =>
        engine.active === 0 &&
        (await queue.queue.getWaitingCount()) === 0 &&
        (await queue.queue.getActiveCount()) === 0,
      'the queue to drain',
    );

    expect(engine.maxActivePerStore).toBe(1);
    for (const storeId of stores) {
      const runs = engine.runsOf(storeId).sort((x, y) => x.startedAt - y.startedAt);
      expect(runs.length, `runs of store ${storeId}`).toBeGreaterThanOrEqual(4);
      for (let index = 1; index < runs.length; index++)
        expect(runs[index]!.startedAt).toBeGreaterThanOrEqual(runs[index - 1]!.endedAt!);
    }
    // Not vacuous: the stores did run in parallel, on both workers.
    expect(engine.maxActive).toBeGreaterThanOrEqual(3);
    expect(done.a).toBeGreaterThan(0);
    expect(done.b).toBeGreaterThan(0);
  }, 20_000);

  it('close() waits for the running job and leaves nothing behind', async () => {
    const queue = newQueue();
    const engine = new RecordingEngine('w', 600);
    const worker = newWorker(engine, { concurrency: 1 });
    await queue.enqueueStores([301]);
    await waitFor(() => engine.active === 1, 'the job to start');
    await worker.close();
    expect(engine.runsOf(301)).toHaveLength(1);
    expect(engine.runsOf(301)[0]!.endedAt).toBeDefined();
    expect(await jobCounts(queue)).toMatchObject({ waiting: 0, active: 0, failed: 0 });
  });

  it('a worker killed mid-job loses nothing: another worker takes the stalled job over and completes it', async () => {
    const queue = newQueue();
    const storeId = 401;
    // The victim: a separate process running the real startDemperWorker with a 1 s lock, whose run never ends.
    const script = `
      const { register } = await import('tsx/esm/api');
      register();
      const { startDemperWorker } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/demper/queue.ts')).href)});
      const { createLogger } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/logger.ts')).href)});
      const engine = { runOnce: async ({ storeId }) => { process.stdout.write('started ' + storeId + '\\n'); return new Promise(() => {}); } };
      const worker = startDemperWorker(process.env.REDIS_URL, engine, createLogger({ level: 'silent' }),
        { prefix: process.env.PREFIX, concurrency: 1, lockDurationMs: 1000, stalledIntervalMs: 1000 });
      await worker.ready();
      process.stdout.write('ready\\n');
    `;
    const victim = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', REDIS_URL: TEST_REDIS_URL, PREFIX: prefix },
    });
    track({ close: async () => void victim.kill('SIGKILL') });
    let output = '';
    victim.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    victim.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('ready'), `the victim worker to start (output: ${output})`, 20_000);

    await queue.enqueueStores([storeId]);
    await waitFor(() => output.includes(`started ${storeId}`), 'the victim to take the job');
    expect(await queue.queue.getJobState(storeJobId(storeId))).toBe('active');
    const exited = new Promise((resolve) => victim.once('exit', resolve));
    victim.kill('SIGKILL');
    await exited;

    // The dead worker's job still holds the store: a tick now must not queue a second one.
    await queue.enqueueStores([storeId]);
    expect(await jobCounts(queue)).toMatchObject({ waiting: 0, active: 1 });

    const engine = new RecordingEngine('rescuer', 50);
    const stalled: string[] = [];
    const completed: string[] = [];
    const rescuer = newWorker(engine, { concurrency: 2, stalledIntervalMs: 300, lockDurationMs: 1000 });
    rescuer.worker.on('stalled', (jobId) => stalled.push(jobId));
    rescuer.worker.on('completed', (job) => completed.push(job.id!));
    await waitFor(() => completed.includes(storeJobId(storeId)), 'the rescuer to complete the stalled job', 15_000);

    expect(stalled).toEqual([storeJobId(storeId)]);
    expect(engine.runsOf(storeId)).toHaveLength(1);
    expect(await jobCounts(queue)).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
      prioritized: 0,
      'waiting-children': 0,
    });
  }, 40_000);
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function kaspiBot(args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** The same CLI entry point in this process: for checks that fail before anything is opened. */
async function cliInProcess(args: string[], env: Record<string, string>): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({ write: (chunk, _encoding, callback) => (append(String(chunk)), callback()) });
  const code = await runCli(args, {
    env,
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
  });
  return { code, stdout, stderr };
}

function oneLine(text: string): string {
  const lines = text.split('\n').filter(Boolean);
  expect(lines, text).toHaveLength(1);
  return lines[0]!;
}

/**
 * The real `kaspi-bot worker` reads the default BullMQ prefix; an empty logical Redis database of its own keeps
 * it apart from everything else on the server.
 */
async function emptyRedisDatabase(): Promise<string> {
  const probe = new Redis(TEST_REDIS_URL);
  try {
    for (const db of [7, 8, 9, 10, 11, 12, 13, 14, 15].sort(() => Math.random() - 0.5)) {
      await probe.select(db);
      if ((await probe.dbsize()) === 0) {
        const url = new URL(TEST_REDIS_URL);
        url.pathname = `/${db}`;
        return url.toString();
      }
    }
  } finally {
    probe.disconnect();
  }
  throw new Error('no empty Redis database among 7–15 for the worker test');
}

describe('kaspi-bot worker (the real executable)', () => {
  const secretKey = randomBytes(32).toString('hex');

  it('without REDIS_URL exits 1 with one line saying `start` runs the demper itself', async () => {
    const result = await kaspiBot(['worker'], { BOT_TOKEN: TOKEN });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toBe(
      'kaspi-bot worker: REDIS_URL is not set — workers take demper jobs from Redis; without it `kaspi-bot start` runs the demper itself',
    );
  });

  it.each([
    ['DATABASE_URL', { REDIS_URL: TEST_REDIS_URL, BOT_TOKEN: TOKEN }],
    [
      'BOT_TOKEN',
      {
        REDIS_URL: TEST_REDIS_URL,
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
        SECRET_KEY: 'ab'.repeat(32),
      },
    ],
  ])('without %s exits 1 with one line naming it (in-process CLI)', async (variable, env) => {
    const result = await cliInProcess(['worker'], env);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(new RegExp(`^kaspi-bot worker: ${variable} is not set — `));
  });

  it.each(['0', '33', '1.5', 'many'])('rejects --concurrency %s in one line (in-process CLI)', async (value) => {
    const result = await cliInProcess(['worker', '--concurrency', value], {
      REDIS_URL: TEST_REDIS_URL,
      BOT_TOKEN: TOKEN,
    });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toBe('kaspi-bot worker: --concurrency must be a whole number from 1 to 32');
  });

  it('on a database that is not migrated exits 1 with one line pointing at `kaspi-bot migrate`', async () => {
    const testDb = await createTestDatabase();
    try {
      const result = await kaspiBot(['worker'], {
        REDIS_URL: TEST_REDIS_URL,
        DATABASE_URL: testDb.url,
        SECRET_KEY: secretKey,
        BOT_TOKEN: TOKEN,
      });
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toMatch(
        new RegExp(
          `^kaspi-bot worker: the database is not migrated \\(${migrationsList.length} pending migration\\(s\\)\\) — run \`kaspi-bot migrate\``,
        ),
      );
    } finally {
      await testDb.drop();
    }
  });

  it('takes an enqueued store job, tells the seller in Telegram, and exits 0 on SIGTERM', async () => {
    const testDb = await createTestDatabase();
    const database = await openDatabase({
      databaseUrl: testDb.url,
      dataDir: null,
      logger: captureLogger('warn').logger,
    });
    const telegram = await startFakeTelegram({ token: TOKEN });
    const redisUrl = await emptyRedisDatabase();
    const queue = new DemperQueue(redisUrl);
    const eventsConnection = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    // From the start of the (new) event stream: no completion can slip past before the first read.
    const events = new QueueEvents(DEMPER_QUEUE, { connection: eventsConnection, lastEventId: '0-0' });
    let child: ChildProcessWithoutNullStreams | undefined;
    try {
      await migrate(database);
      // A store whose last price change is still unconfirmed, but whose Kaspi session is gone: the job's read-back
      // cannot log in, so the engine alerts the seller through the worker's chat notifier and the job completes.
      const em = database.orm.em.fork();
      const seller = em.create(SellerSchema, { telegramUserId: 5_551_000, chatId: 5_551_000, firstName: 'Айгерим' });
      const store = em.create(StoreSchema, {
        seller,
        merchantUid: '30067228',
        name: 'Алма',
        loginMethod: 'sms',
        sessionState: 'active',
      });
      const product = em.create(ProductSchema, {
        store,
        sku: 'SKU-1',
        masterSku: '1001',
        title: 'Чайник',
        price: 10_000,
        onSale: true,
      });
      await em.flush();
      em.create(PriceChangeSchema, {
        store,
        product,
        oldPrice: 10_000,
        newPrice: 9_990,
        reasonCode: 'undercut_leader',
        reasonText: 'тест',
        source: 'demper',
        status: 'sent',
        idempotencyKey: `demper:${product.id}:1`,
        sentAt: new Date(Date.now() - 5 * 60_000),
      });
      await em.flush();
      const user = { id: 5_551_000, first_name: 'Айгерим' };
      await telegram.sendText(user, '/start'); // the chat exists once the seller has written to the bot

      const completed = new Map<string, unknown>();
      events.on('completed', ({ jobId, returnvalue }) =>
        completed.set(jobId, typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue),
      );
      await events.waitUntilReady();

      child = spawn(process.execPath, [BIN, 'worker', '--concurrency', '3'], {
        env: {
          PATH: process.env.PATH ?? '',
          LOG_LEVEL: 'warn',
          REDIS_URL: redisUrl,
          DATABASE_URL: testDb.url,
          SECRET_KEY: secretKey,
          BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: telegram.apiRoot,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
      await waitFor(
        () => stdout.includes('kaspi-bot worker is taking demper jobs') || child!.exitCode !== null,
        'the worker to start',
        45_000,
      );
      expect(stdout, stderr).toContain('kaspi-bot worker is taking demper jobs from Redis (concurrency 3)');

      await queue.enqueueStores([store.id]);
      const alert = await telegram.waitForBotMessage(
        user.id,
        (message) => /Сессия Kaspi магазина/.test(message.text ?? ''),
        { timeoutMs: 20_000 },
      );
      expect(alert.text).toContain('Алма');
      await waitFor(() => completed.has(storeJobId(store.id)), 'the store job to complete', 20_000);
      const summary = completed.get(storeJobId(store.id)) as RunSummary;
      expect(summary.errors).toEqual([
        { storeId: store.id, message: expect.stringMatching(/^verification: .*no active Kaspi session/) },
      ]);
      expect(await jobCounts(queue)).toMatchObject({ waiting: 0, active: 0, failed: 0 });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('kaspi-bot worker stopped.');
      expect(stderr).toBe('');
    } finally {
      child?.kill('SIGKILL');
      await events.close();
      eventsConnection.disconnect();
      await queue.queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await telegram.close();
      await database.close();
      await testDb.drop();
    }
  }, 90_000);
});
