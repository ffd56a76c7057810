import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ProductSchema, SellerSchema, type Product } from '../../src/db/entities/index.js';
import type { SandboxFaults } from '../../src/kaspi-sandbox/index.js';
import { changedSince, loginAndSync, newUser, say, startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import {
  brokenCalls,
  genericErrorsIn,
  genericErrorTexts,
  openSql,
  sellerSnapshot,
  settle,
  trackUnhandledRejections,
} from './support.js';

/**
 * Kaspi answering badly — 502s, dropped connections, an anti-bot HTML page instead of JSON, renamed fields —
 * while a seller syncs, looks at competitors, changes a price or takes a product off sale: every action ends
 * in a clear message (done, or what Kaspi did), never the catch-all error, and a failed action writes nothing.
 */
const MERCHANT = '30067228';
const logs = captureLogger('info');
const rejections = trackUnhandledRejections();
let harness: BotHarness;
let sql: pg.Client;
const seller = newUser('Арман');
let generic: string[];

const KASPI_TROUBLE =
  /Kaspi сейчас не отвечает|Kaspi просит подождать|Kaspi изменил формат|Kaspi временно|Kaspi отклонил|Синхронизация не завершена|Не удалось изменить/;

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 6 });
  sql = await openSql(harness);
  await loginAndSync(harness, seller);
  generic = genericErrorTexts(harness);
}, 90_000);

afterAll(async () => {
  rejections.stop();
  await sql?.end();
  await harness?.close();
});

async function ownProducts(): Promise<Product[]> {
  const em = harness.infrastructure.database.orm.em.fork();
  const owner = await em.findOneOrFail(SellerSchema, { telegramUserId: seller.id });
  return em.find(ProductSchema, { store: { seller: owner }, removedAt: null }, { orderBy: { id: 'ASC' } });
}

function clearFaults(): void {
  harness.sandbox.injectFaults({
    target: 'all',
    serverErrors: 0,
    htmlWall: 0,
    resets: 0,
    delayedRequests: 0,
    delayMs: 0,
    drift: null,
  });
}

type Operation = 'sync' | 'offers' | 'price' | 'onSale';

/** Runs one seller action and returns the text of the message that ends it. */
async function perform(operation: Operation, product: Product, delta: number): Promise<string> {
  const { telegram } = harness;
  if (operation === 'sync') {
    const done = changedSince(
      telegram,
      seller.id,
      /товаров синхронизировано — \d+\.|Синхронизация не завершена|уже идёт/,
    );
    await telegram.sendText(seller, '/sync');
    return (await telegram.waitForBotMessage(seller.id, done, { timeoutMs: 30_000 })).text ?? '';
  }
  if (operation === 'offers') {
    const done = changedSince(telegram, seller.id, /продавцов: \d+|Kaspi/);
    await telegram.sendText(seller, `/offers ${product.sku}`);
    return (await telegram.waitForBotMessage(seller.id, done, { timeoutMs: 30_000 })).text ?? '';
  }
  if (operation === 'price') {
    const done = changedSince(
      telegram,
      seller.id,
      /Отправлено в Kaspi|уже|Kaspi|не изменилась|Цена|цены по городам разные/,
    );
    await telegram.sendText(seller, `/price ${product.sku} ${product.price + delta}`);
    return (await telegram.waitForBotMessage(seller.id, done, { timeoutMs: 30_000 })).text ?? '';
  }
  const card = await say(telegram, seller, '/start', /С возвращением/);
  const done = changedSince(
    telegram,
    seller.id,
    /снят с продажи|снимается с продажи|возвращ|Не удалось изменить|Kaspi/,
  );
  await telegram.forgeCallback(seller, card.message_id, `1:po:${product.id}:${product.onSale ? 0 : 1}`);
  return (await telegram.waitForBotMessage(seller.id, done, { timeoutMs: 30_000 })).text ?? '';
}

const faults: fc.Arbitrary<SandboxFaults> = fc.record({
  target: fc.constantFrom('cabinet', 'storefront', 'all'),
  serverErrors: fc.integer({ min: 0, max: 8 }),
  htmlWall: fc.integer({ min: 0, max: 4 }),
  resets: fc.integer({ min: 0, max: 3 }),
  drift: fc.constantFrom(
    null,
    { from: 'offers', to: 'offerz' },
    { from: 'price', to: 'cost' },
    { from: 'merchantId', to: 'merchant' },
    { from: 'total', to: 'count' },
  ),
}) as fc.Arbitrary<SandboxFaults>;

describe('Kaspi answering badly', () => {
  it('every action ends in a clear message; a failed one writes nothing', async () => {
    const { telegram, sandbox } = harness;
    const outcomes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Operation>('sync', 'offers', 'price', 'onSale'),
        faults,
        fc.integer({ min: 1, max: 40 }),
        fc.nat({ max: 5 }),
        async (operation, fault, delta, pick) => {
          // Read-backs of earlier runs' price changes update the products: let them finish before the "before".
          await harness.deps.background.idle();
          await harness.settled();
          const products = await ownProducts();
          const product = products[pick % products.length]!;
          const before = JSON.parse(await sellerSnapshot(sql, seller.id)) as { products: unknown; preorders: unknown };
          const writes = sandbox.writes(MERCHANT).length;
          const since = telegram.calls.length;
          sandbox.injectFaults(fault);
          let text: string;
          try {
            text = await perform(operation, product, delta);
          } finally {
            clearFaults();
          }
          await settle(telegram, 150, 10_000);
          const input = `${operation} with ${JSON.stringify(fault)}: ${text.slice(0, 120)}`;
          const calls = telegram.calls.slice(since);
          expect(genericErrorsIn(calls, generic), input).toEqual([]);
          expect(brokenCalls(calls), input).toEqual([]);
          expect(rejections.reasons, input).toEqual([]);
          const failed = KASPI_TROUBLE.test(text);
          outcomes[`${operation}:${failed ? 'refused' : 'done'}`] =
            (outcomes[`${operation}:${failed ? 'refused' : 'done'}`] ?? 0) + 1;
          if (failed) {
            // Nothing half-done: no write reached Kaspi, the products and preorders are as they were.
            expect(sandbox.writes(MERCHANT).length, input).toBe(writes);
            const after = JSON.parse(await sellerSnapshot(sql, seller.id)) as { products: unknown; preorders: unknown };
            expect(after.products, input).toEqual(before.products);
            expect(after.preorders, input).toEqual(before.preorders);
          }
        },
      ),
      { numRuns: 40, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261125) },
    );
    // The faults were strong enough to make Kaspi refuse some actions, and mild enough to let others through.
    const refused = Object.entries(outcomes)
      .filter(([key]) => key.endsWith(':refused'))
      .reduce((sum, [, count]) => sum + count, 0);
    const done = Object.entries(outcomes)
      .filter(([key]) => key.endsWith(':done'))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(refused, JSON.stringify(outcomes)).toBeGreaterThan(0);
    expect(done, JSON.stringify(outcomes)).toBeGreaterThan(0);
  }, 120_000);

  it('afterwards, with Kaspi healthy again: the same actions work, nothing failed inside an update', async () => {
    clearFaults();
    await harness.deps.background.idle();
    await harness.settled();
    const text = await perform('sync', (await ownProducts())[0]!, 1);
    expect(text).toMatch(/товаров синхронизировано — \d+\. (Изменений нет|\S+: \d+)/);
    const failures = logs
      .lines()
      .filter((line) => ['update failed', 'unhandled bot error', 'background task failed'].includes(String(line.msg)));
    expect(failures.map((line) => JSON.stringify(line).slice(0, 600))).toEqual([]);
    expect(rejections.reasons).toEqual([]);
  });
});

describe('a sync that reads less than all of it', () => {
  const sync = async () => perform('sync', (await ownProducts())[0]!, 1);
  const removedCount = async () =>
    Number((await sql.query('select count(*) from product where removed_at is not null')).rows[0].count);

  it('without Kaspi’s total: products updated, none marked removed, and the seller told why in the result', async () => {
    const removed = await removedCount();
    harness.sandbox.injectFaults({ target: 'cabinet', drift: { from: 'total', to: 'count' } });
    let text: string;
    try {
      text = await sync();
    } finally {
      clearFaults();
    }
    expect(text).toMatch(/товаров синхронизировано — \d+\. (Изменений нет|\S+: \d+)/);
    expect(text).toContain('Kaspi не сообщил, сколько всего товаров, поэтому удалённые не отмечены.');
    expect(await removedCount()).toBe(removed);
  });

  it('a needed field gone from every item: the sync finishes and names the field once, not once per product', async () => {
    const before = JSON.parse(await sellerSnapshot(sql, seller.id)) as { products: unknown };
    harness.sandbox.injectFaults({ target: 'cabinet', drift: { from: 'masterSku', to: 'masterSKU' } });
    let text: string;
    try {
      text = await sync();
    } finally {
      clearFaults();
    }
    const listed = harness.sandbox.catalogue(MERCHANT).length;
    expect(text).toMatch(/товаров синхронизировано — 0\. Изменений нет\./);
    expect(text.match(/Kaspi изменил формат ответа/g)).toHaveLength(1);
    expect(text).toContain(`поля data.*.masterSku нет у ${listed} из ${listed} товаров`);
    expect(text).toContain(`Не удалось прочитать товаров: ${listed}`);
    expect((JSON.parse(await sellerSnapshot(sql, seller.id)) as { products: unknown }).products).toEqual(
      before.products,
    );
    expect(await sync()).not.toMatch(/⚠️/); // Kaspi is back
  });
});
