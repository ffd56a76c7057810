import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ACTIONS } from '../../src/bot/callback-data.js';
import { ProductSchema, SellerSchema, type Product } from '../../src/db/entities/index.js';
import { changedSince, loginAndSync, newUser, startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import {
  brokenCalls,
  forgeAndAwaitAnyAnswer,
  genericErrorsIn,
  genericErrorTexts,
  hostileText,
  sendAndAwaitReply,
  settle,
  trackUnhandledRejections,
} from './support.js';

/**
 * Every step of the price, demper, preorder and Excel conversations, fed random and hostile text and random
 * button data: each update is answered, never with the catch-all error, the markup always renders, and
 * `/cancel` always gets the seller out.
 */
const logs = captureLogger('info');
const rejections = trackUnhandledRejections();
let harness: BotHarness;
const seller = newUser('Ботагоз');
let generic: string[];
let product: Product;
let twoPoints: Product;
let editedWorkbook: Buffer;

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 6 });
  await loginAndSync(harness, seller);
  generic = genericErrorTexts(harness);
  const em = harness.infrastructure.database.orm.em.fork();
  const owner = await em.findOneOrFail(SellerSchema, { telegramUserId: seller.id });
  const products = await em.find(ProductSchema, { store: { seller: owner } }, { orderBy: { id: 'ASC' } });
  product = products[0]!;
  twoPoints = products.find((candidate) => candidate.availabilities.length === 2)!;
  const exported = changedSince(harness.telegram, seller.id, /Товаров: \d+/);
  await harness.telegram.sendText(seller, '/export');
  const file = await harness.telegram.waitForBotMessage(seller.id, exported, { timeoutMs: 15_000 });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file.document!.data as never);
  const row = workbook.worksheets[0]!.getRow(2);
  row.getCell(3).value = Number(row.getCell(3).value) + 10;
  editedWorkbook = Buffer.from(await workbook.xlsx.writeBuffer());
}, 90_000);

afterAll(async () => {
  rejections.stop();
  await harness?.close();
});

const lastBotMessageId = (): number => harness.telegram.lastBotMessage(seller.id)!.message_id;

/** Presses (forges) a button on the newest bot message and waits for the bot message that shows the step. */
async function forgeTo(data: string, expect: RegExp): Promise<void> {
  const fresh = changedSince(harness.telegram, seller.id, expect);
  await harness.telegram.forgeCallback(seller, lastBotMessageId(), data);
  await harness.telegram.waitForBotMessage(seller.id, fresh, { timeoutMs: 15_000 });
  await settle(harness.telegram);
}

async function sayTo(text: string, expect: RegExp): Promise<void> {
  const fresh = changedSince(harness.telegram, seller.id, expect);
  await harness.telegram.sendText(seller, text);
  await harness.telegram.waitForBotMessage(seller.id, fresh, { timeoutMs: 15_000 });
  await settle(harness.telegram);
}

/** Random presses a stale or forged client could send mid-conversation (no ids of the seller's products). */
const strayButton = fc.oneof(
  fc.constantFrom(
    '1:pt:99',
    '1:pt:-1',
    '1:pa',
    '1:pd',
    '1:sv',
    '1:mc:0',
    '1:rc',
    '1:pl:0',
    '1:m:help',
    '2:x',
    '',
    '1:p:2147483647',
    '1:pr:__proto__',
  ),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom(...Object.values(ACTIONS)).map((action) => `1:${action}:${'9'.repeat(12)}`),
);

const FUZZ = { endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261125) } as const;

async function fuzzStep(name: string, enter: () => Promise<void>, numRuns: number): Promise<void> {
  const { telegram } = harness;
  await fc.assert(
    fc.asyncProperty(hostileText(), fc.option(strayButton, { freq: 3 }), async (text, button) => {
      await enter();
      const since = telegram.calls.length;
      if (button !== null) await forgeAndAwaitAnyAnswer(telegram, seller, lastBotMessageId(), button);
      await sendAndAwaitReply(telegram, seller, text);
      const calls = telegram.calls.slice(since);
      const input = `${name}: ${JSON.stringify(text.slice(0, 80))} after ${JSON.stringify(button)}`;
      expect(brokenCalls(calls), input).toEqual([]);
      expect(genericErrorsIn(calls, generic), input).toEqual([]);
      expect(rejections.reasons, input).toEqual([]);
      await sendAndAwaitReply(telegram, seller, '/cancel');
    }),
    { ...FUZZ, numRuns },
  );
}

describe('conversation steps with random and hostile input', () => {
  it('price edit: the new price', async () => {
    await fuzzStep('price', () => forgeTo(`1:pe:${product.id}`, /Введите новую цену/), 20);
  });

  it('demper settings: the settings line', async () => {
    await fuzzStep('demper', () => forgeTo(`1:dp:${product.id}`, /Напишите настройки одной строкой/), 20);
  });

  it('preorder: the SKU', async () => {
    await fuzzStep('preorder sku', () => forgeTo('1:pr:add', /название, часть названия или SKU/), 15);
  });

  it('preorder: the points (text where buttons are expected)', async () => {
    await fuzzStep('preorder points', () => forgeTo(`1:pr:edit:${twoPoints.id}`, /На каких точках продаж/), 8);
  });

  it('preorder: the days', async () => {
    await fuzzStep(
      'preorder days',
      async () => {
        await forgeTo(`1:pr:edit:${twoPoints.id}`, /На каких точках продаж/);
        await forgeTo('1:pd', /Через сколько дней/);
      },
      15,
    );
  });

  it('Excel import: text where the file is expected', async () => {
    await fuzzStep('import file', () => sayTo('/import', /Отправьте файл \.xlsx/), 10);
  });

  it('Excel import: text where «Применить» is expected', async () => {
    await fuzzStep(
      'import confirm',
      async () => {
        const fresh = changedSince(harness.telegram, seller.id, /Изменится товаров: 1/);
        await harness.telegram.sendDocument(seller, 'products.xlsx', editedWorkbook);
        await harness.telegram.waitForBotMessage(seller.id, fresh, { timeoutMs: 15_000 });
        await settle(harness.telegram);
      },
      8,
    );
  });
});

describe('an emoji exactly where a quoted input is cut', () => {
  // Regression: `slice(0, 40)` of «xxx…🙂» left half an emoji; Telegram refuses that text, and PostgreSQL
  // refused the conversation state holding the bot's reply, so the seller got «Что-то пошло не так».
  const cutAt = (length: number) => `${'x'.repeat(length - 1)}🙂tail`;

  it('in the price, demper and preorder steps and in a /products search', async () => {
    const { telegram } = harness;
    const steps: [() => Promise<void>, string][] = [
      [() => forgeTo(`1:pe:${product.id}`, /Введите новую цену/), cutAt(40)],
      [() => forgeTo(`1:dp:${product.id}`, /Напишите настройки одной строкой/), cutAt(30)],
      [() => forgeTo(`1:dp:${product.id}`, /Напишите настройки одной строкой/), `min=${cutAt(20)}`],
      [
        async () => {
          await forgeTo(`1:pr:edit:${twoPoints.id}`, /На каких точках продаж/);
          await forgeTo('1:pd', /Через сколько дней/);
        },
        cutAt(20),
      ],
      [async () => undefined, `/products ${cutAt(100)}`],
      [async () => undefined, `/price ${product.sku} ${cutAt(40)}`],
    ];
    for (const [enter, text] of steps) {
      await enter();
      const since = telegram.calls.length;
      await sendAndAwaitReply(telegram, seller, text);
      const calls = telegram.calls.slice(since);
      expect(genericErrorsIn(calls, generic), text).toEqual([]);
      const sent = calls.filter((call) => call.method === 'sendMessage').map((call) => String(call.payload.text));
      expect(
        sent.filter((reply) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(reply)),
        text,
      ).toEqual([]);
      await sendAndAwaitReply(telegram, seller, '/cancel');
    }
  });
});

describe('afterwards', () => {
  it('the bot still answers, nothing failed inside an update, no unhandled rejection', async () => {
    await settle(harness.telegram, 300);
    await sendAndAwaitReply(harness.telegram, seller, '/start');
    expect(harness.telegram.lastBotMessage(seller.id)?.text).toMatch(/С возвращением/);
    const failures = logs.lines().filter((line) => line.msg === 'update failed' || line.msg === 'unhandled bot error');
    expect(failures.map((line) => JSON.stringify(line).slice(0, 600))).toEqual([]);
    expect(rejections.reasons).toEqual([]);
  });
});
