import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openContainer, type Container } from '../../src/app/container.js';
import { loadConfig } from '../../src/config.js';
import { FollowUpSchema, type OutboxMessage } from '../../src/db/entities/index.js';
import { FOLLOW_UP_QUEUE, followUpJobId } from '../../src/follow-ups/bullmq.js';
import { FollowUpStore } from '../../src/follow-ups/store.js';
import type { FollowUps } from '../../src/follow-ups/types.js';
import { createFollowUps } from '../../src/follow-ups/wiring.js';
import type { ChatMessage } from '../../src/telegram-sandbox/bot-api-server.js';
import {
  loginAndSync,
  newUser,
  productsOf,
  say,
  startBotHarness,
  TEST_FOLLOW_UPS,
  type BotHarness,
} from '../helpers/bot-harness.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { captureLogger } from '../helpers/logs.js';

const logs = captureLogger('warn');

/** Other processes of the same deployment: their own container (database pool, Redis) and follow-up runner. */
async function otherProcesses(
  harness: BotHarness,
  count: number,
): Promise<{ containers: Container[]; runners: FollowUps[] }> {
  const containers: Container[] = [];
  for (let index = 0; index < count; index++)
    containers.push(
      await openContainer(loadConfig(harness.env), logs.logger, {
        migrate: false,
        redisKeyPrefix: harness.redisKeyPrefix,
      }),
    );
  const runners = containers.map((container) => createFollowUps(container, { ...TEST_FOLLOW_UPS, pollMs: 20 }));
  return { containers, runners };
}

async function closeAll({ containers, runners }: { containers: Container[]; runners: FollowUps[] }): Promise<void> {
  for (const runner of runners) await runner.stop();
  for (const container of containers) await container.close();
}

function editsOf(harness: BotHarness, messageId: number): unknown[] {
  return harness.telegram.calls.filter(
    (call) => call.method === 'editMessageText' && call.payload.message_id === messageId,
  );
}

async function onePricedProduct(harness: BotHarness, telegramUserId: number, index: number) {
  const products = (await productsOf(harness, telegramUserId)).filter(
    (product) => product.onSale && new Set(product.cityPrices.map((entry) => entry.price)).size <= 1,
  );
  return products[index]!;
}

describe('follow-ups on BullMQ: duplicate and redelivered jobs', () => {
  let harness: BotHarness;
  let queue: Queue;
  let connection: Redis;
  const seller = newUser('Жанна');

  beforeAll(async () => {
    harness = await startBotHarness({
      logger: logs.logger,
      productsPerMerchant: 8,
      redis: true,
      verifyFirstAfterMs: 1_500,
    });
    await loginAndSync(harness, seller);
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(FOLLOW_UP_QUEUE, { connection, prefix: `${harness.redisKeyPrefix}bull` });
  }, 120_000);

  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await harness?.close();
  });

  it('two processes, the job queued twice, extra jobs before and after: the report is edited once', async () => {
    const { telegram } = harness;
    const others = await otherProcesses(harness, 1);
    try {
      await Promise.all(others.runners.map((runner) => runner.start()));
      const product = await onePricedProduct(harness, seller.id, 0);
      const report = await say(telegram, seller, `/price ${product.sku} ${product.price - 3}`, /Отправлено в Kaspi/);
      const [row] = await harness.infrastructure.database.orm.em.fork().find(FollowUpSchema, { kind: 'price' });
      const id = row!.id;
      // The same wake-up queued again (BullMQ keeps one), and jobs of other ids for the same follow-up: one
      // early (not due yet), two at its due time for the two processes to race on.
      await queue.add('follow-up', { id }, { jobId: followUpJobId({ id, attempts: 0, generation: 0 }), delay: 1_500 });
      await queue.add('follow-up', { id }, { jobId: `duplicate-early-${id}`, removeOnComplete: true });
      for (const name of ['a', 'b', 'c'])
        await queue.add(
          'follow-up',
          { id },
          { jobId: `duplicate-${name}-${id}`, delay: 1_500, removeOnComplete: true },
        );
      const applied: ChatMessage = await telegram.waitForBotMessage(
        seller.id,
        (message) => message.message_id === report.message_id && /Kaspi применил цену/.test(message.text ?? ''),
        { timeoutMs: 20_000 },
      );
      await harness.settled();
      // Redelivered after it is done (a stalled job run again): nothing.
      await queue.add('follow-up', { id }, { jobId: `redelivered-${id}`, removeOnComplete: true });
      const deadline = Date.now() + 10_000;
      while ((await queue.getJobCountByTypes('waiting', 'active', 'delayed')) > 0) {
        if (Date.now() > deadline) throw new Error('follow-up jobs not taken');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(applied.edits).toBe(1);
      expect(editsOf(harness, report.message_id)).toHaveLength(1);
      expect(
        telegram.messages(seller.id).filter((message) => /Kaspi применил цену/.test(message.text ?? '')),
      ).toHaveLength(1);
      const done = await harness.infrastructure.database.orm.em.fork().findOneOrFail(FollowUpSchema, id);
      expect(done).toMatchObject({ status: 'done', attempts: 1 });
    } finally {
      await closeAll(others);
    }
  });
});

describe('follow-ups on the database: racing runners and a process that died while telling', () => {
  let harness: BotHarness;
  const seller = newUser('Тимур');

  beforeAll(async () => {
    harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 8, verifyFirstAfterMs: 1_000 });
    await loginAndSync(harness, seller);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('of claims racing for one due row exactly one wins', async () => {
    const others = await otherProcesses(harness, 3);
    try {
      const stores = others.containers.map((container) => new FollowUpStore(container.database.orm));
      // Due only in a minute, so the harness's own poller leaves it alone; the racers come early on purpose.
      const wake = await stores[0]!.insert(
        'preorders',
        { storeId: 0, chatId: 0, locale: 'ru' },
        'race:1',
        60_000,
        1_000,
      );
      // Not a real store: the claims are what is tested; the row is failed straight after.
      const claims = await Promise.all(
        stores.map((store, index) => store.claim(wake.id, 60_000, `racer-${index}`, 120_000)),
      );
      const winners = claims.filter((claim) => claim !== undefined);
      expect(winners).toHaveLength(1);
      expect(await stores[1]!.claimDue(10, 60_000, 'late')).toEqual([]);
      await stores[0]!.fail(winners[0]!, 'test row');
    } finally {
      await closeAll(others);
    }
  });

  it('four processes polling one database tell a price outcome once', async () => {
    const { telegram } = harness;
    const others = await otherProcesses(harness, 3);
    try {
      await Promise.all(others.runners.map((runner) => runner.start()));
      const product = await onePricedProduct(harness, seller.id, 1);
      const report = await say(telegram, seller, `/price ${product.sku} ${product.price - 5}`, /Отправлено в Kaspi/);
      await telegram.waitForBotMessage(
        seller.id,
        (message) => message.message_id === report.message_id && /Kaspi применил цену/.test(message.text ?? ''),
        { timeoutMs: 20_000 },
      );
      await harness.settled();
      await new Promise((resolve) => setTimeout(resolve, 300)); // every runner has looked again meanwhile
      expect(editsOf(harness, report.message_id)).toHaveLength(1);
    } finally {
      await closeAll(others);
    }
  });

  it('a message being sent when its process died is not sent again; the rest of the outbox is, and an edit is redone', async () => {
    const { telegram } = harness;
    const shown = await say(telegram, seller, '/help', /./);
    const outbox: OutboxMessage[] = [
      { chatId: seller.id, text: 'follow-up test: in flight when the process died', sending: true },
      { chatId: seller.id, editMessageId: shown.message_id, text: 'follow-up test: edited', sending: true },
      { chatId: seller.id, text: 'follow-up test: not sent yet' },
    ];
    // As a process leaves it that died while telling: the outcome recorded, the lease run out.
    await harness.infrastructure.database.orm.em.getConnection().execute(
      `insert into follow_up (kind, payload, due_at, deadline, first_wait_ms, timeout_ms, attempts, outbox, closing,
                              locked_until, lock_token, created_at, updated_at)
       values ('price', '{}'::jsonb, now(), now() + interval '1 minute', 100, 1000, 1, ?::jsonb, true,
               now() - interval '1 second', 'dead-process', now(), now())`,
      [JSON.stringify(outbox)],
    );
    await telegram.waitForBotMessage(seller.id, (message) => message.text === 'follow-up test: not sent yet', {
      timeoutMs: 10_000,
    });
    await harness.settled();
    const texts = telegram.messages(seller.id).map((message) => message.text);
    expect(texts.filter((text) => text === 'follow-up test: not sent yet')).toHaveLength(1);
    expect(texts).not.toContain('follow-up test: in flight when the process died');
    expect(telegram.messages(seller.id).find((message) => message.message_id === shown.message_id)?.text).toBe(
      'follow-up test: edited',
    );
    expect(logs.lines().some((line) => /not sent again/.test(String(line.msg)))).toBe(true);
  });
});
