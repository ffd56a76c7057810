import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PreorderSchema, PriceChangeSchema, type FollowUpKind } from '../../src/db/entities/index.js';
import type { ChatMessage } from '../../src/telegram-sandbox/bot-api-server.js';
import {
  loginAndSync,
  newUser,
  press,
  productsOf,
  say,
  startBotHarness,
  type BotHarness,
  productButton,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import { startBotProcess } from './bot-process.js';

const MERCHANT = '30067228';
/** The killed process's first read-back: far enough that it is killed before it (the kill comes in milliseconds). */
const KILLED_FIRST_READ_BACK_MS = 4_000;

interface FollowUpRow {
  status: string;
  attempts: number;
  lock_token: string | null;
  payload: Record<string, unknown>;
  outbox: unknown[];
  closing: boolean;
}

/**
 * For each kind of follow-up: the write goes through the chat to a bot in a process of its own, which is
 * SIGKILLed right after it told «отправлено», before any read-back. The bot started again on the same
 * database (and Redis prefix) reads it back, and the chat hears the outcome exactly once.
 */
export function restartScenarios(backend: 'database' | 'bullmq'): void {
  describe(`follow-ups survive a killed bot process (${backend})`, () => {
    let harness: BotHarness;
    /** Its own connection: the harness's database closes while its bot is down. */
    let database: pg.Pool;
    const seller = newUser('Динара');

    beforeAll(async () => {
      harness = await startBotHarness({
        logger: captureLogger('warn').logger,
        productsPerMerchant: 12,
        redis: backend === 'bullmq',
      });
      expect(harness.deps.followUps.backend).toBe(backend);
      database = new pg.Pool({ connectionString: harness.env.DATABASE_URL, max: 2 });
      await loginAndSync(harness, seller);
    }, 120_000);

    afterAll(async () => {
      await database?.end();
      await harness?.close();
    });

    const em = () => harness.infrastructure.database.orm.em.fork();
    const followUpsOf = async (kind: FollowUpKind) =>
      (await database.query<FollowUpRow>('select * from follow_up where kind = $1 order by id', [kind])).rows;
    const messagesLike = (pattern: RegExp) =>
      harness.telegram.messages(seller.id).filter((message) => pattern.test(message.text ?? ''));
    const editsOf = (messageId: number, since: number) =>
      harness.telegram.calls
        .slice(since)
        .filter((call) => call.method === 'editMessageText' && call.payload.message_id === messageId);

    async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    /** Runs `write` against a bot process of its own, kills that process, then starts the harness's bot again. */
    async function writeThenKill<T>(write: () => Promise<T>): Promise<T> {
      let written: T | undefined;
      await harness.restart(async () => {
        const bot = await startBotProcess(harness, KILLED_FIRST_READ_BACK_MS);
        try {
          written = await write();
        } finally {
          await bot.kill();
        }
      });
      return written!;
    }

    async function onePricedOnSale() {
      return (await productsOf(harness, seller.id)).filter(
        (product) => product.onSale && new Set(product.cityPrices.map((entry) => entry.price)).size <= 1,
      );
    }

    it('price: the «отправлено» report is edited to «применил» once, by the next process', async () => {
      const { telegram } = harness;
      const [product] = await onePricedOnSale();
      const newPrice = product!.price - 7;
      const since = telegram.calls.length;
      const report = await writeThenKill(async () => {
        const sent = await say(telegram, seller, `/price ${product!.sku} ${newPrice}`, /Отправлено в Kaspi/);
        // Killed once the update is handled: the follow-up knows the report it edits (it is recorded before
        // the report is sent; a process killed in between tells the outcome as a new message instead).
        await until(async () => (await followUpsOf('price')).at(-1)?.payload['messageId'] === sent.message_id);
        return sent;
      });
      // Killed before its read-back: the follow-up is in the database, never claimed.
      const open = (await followUpsOf('price')).at(-1);
      expect(open).toMatchObject({ status: 'pending', attempts: 0, lock_token: null });
      expect(open!.payload).toMatchObject({ messageId: report.message_id, chatId: seller.id, locale: 'ru' });

      await telegram.waitForBotMessage(
        seller.id,
        (message) => message.message_id === report.message_id && /Kaspi применил цену/.test(message.text ?? ''),
        { timeoutMs: 30_000 },
      );
      await harness.settled();
      expect(editsOf(report.message_id, since)).toHaveLength(1);
      expect(messagesLike(/Kaspi применил цену/)).toHaveLength(1);
      expect(messagesLike(/Отправлено в Kaspi/)).toHaveLength(0); // the one report, edited
      expect(await em().findOneOrFail(PriceChangeSchema, { product: product!.id, newPrice })).toMatchObject({
        status: 'applied',
      });
      expect((await followUpsOf('price')).at(-1)).toMatchObject({ status: 'done', outbox: [], closing: true });
    });

    it('price: a process killed in the middle of its read-back is taken over once its claim runs out', async () => {
      const { telegram, sandbox } = harness;
      const [, product] = await onePricedOnSale();
      const newPrice = product!.price - 9;
      const since = telegram.calls.length;
      const report = await writeThenKill(async () => {
        const sent = await say(telegram, seller, `/price ${product!.sku} ${newPrice}`, /Отправлено в Kaspi/);
        // Its read-back hangs at Kaspi: the process dies holding the claim.
        const cabinetRequests = () =>
          Object.entries(sandbox.stats().requests)
            .filter(([route]) => route.startsWith('cabinet '))
            .reduce((sum, [, count]) => sum + count, 0);
        const before = cabinetRequests();
        sandbox.injectFaults({ target: 'cabinet', delayMs: 30_000, delayedRequests: 1 });
        await until(async () => {
          const latest = (await followUpsOf('price')).at(-1);
          return latest?.attempts === 1 && latest.lock_token !== null && cabinetRequests() > before;
        });
        return sent;
      });
      await telegram.waitForBotMessage(
        seller.id,
        (message) => message.message_id === report.message_id && /Kaspi применил цену/.test(message.text ?? ''),
        { timeoutMs: 30_000 },
      );
      await harness.settled();
      expect(editsOf(report.message_id, since)).toHaveLength(1);
      const taken = (await followUpsOf('price')).at(-1);
      expect(taken).toMatchObject({ status: 'done', attempts: 2 });
    });

    it('on/off: the card it was pressed on is redrawn once Kaspi shows it off sale', async () => {
      const { telegram } = harness;
      const product = (await productsOf(harness, seller.id)).filter((candidate) => candidate.onSale).at(-1)!;
      const found = await say(telegram, seller, `/products ${product.sku}`, /Поиск/);
      const card = await press(telegram, seller, found, productButton(found, product.id), /Цена:/);
      const since = telegram.calls.length;
      await writeThenKill(() =>
        press(telegram, seller, card, 'Снять с продажи', /снимается с продажи: отправлено в Kaspi/),
      );
      expect(await followUpsOf('availability')).toMatchObject([{ status: 'pending', attempts: 0 }]);

      const redrawn: ChatMessage = await telegram.waitForBotMessage(
        seller.id,
        (message) =>
          message.message_id === card.message_id && /Вернуть в продажу/.test(JSON.stringify(message.reply_markup)),
        { timeoutMs: 30_000 },
      );
      await harness.settled();
      expect(redrawn.text).not.toContain('🟢 В продаже');
      expect(editsOf(card.message_id, since)).toHaveLength(1);
      expect(messagesLike(/не применил/)).toHaveLength(0);
      expect(
        harness.sandbox
          .catalogue(MERCHANT)
          .find((offer) => offer.sku === product.sku)!
          .availabilities.every((point) => point.available === 'no'),
      ).toBe(true);
    });

    it('preorders: «Kaspi показывает предзаказ» is told once, by the next process', async () => {
      const { telegram } = harness;
      const target = (await productsOf(harness, seller.id)).find(
        (product) => product.availabilities.length === 2 && product.availabilities.every((point) => !point.preOrder),
      )!;
      const planned = await harness.deps.preorders.plan(
        target.store.id,
        target.id,
        target.availabilities.map((point) => ({ storeId: point.storeId, days: 6 })),
      );
      expect(planned.ok).toBe(true);
      const list = await say(telegram, seller, '/preorders', /Запланировано \(ещё не в Kaspi\): 1/);
      await writeThenKill(() =>
        press(telegram, seller, list, 'Загрузить в Kaspi', /Отправлено в Kaspi: 1 из 1/, 20_000),
      );
      expect(await followUpsOf('preorders')).toMatchObject([{ status: 'pending', attempts: 0 }]);

      await telegram.waitForBotMessage(
        seller.id,
        (message) => /Kaspi показывает предзаказ: 1/.test(message.text ?? ''),
        { timeoutMs: 30_000 },
      );
      await harness.settled();
      expect(messagesLike(/Kaspi показывает предзаказ/)).toHaveLength(1);
      expect(await em().findOneOrFail(PreorderSchema, { product: target.id })).toMatchObject({ status: 'confirmed' });
    });

    it('preorder file: killed while Kaspi processes the file, the next process settles it and tells it once', async () => {
      const { telegram } = harness;
      // A file carries one price for every city: a product priced alike everywhere.
      const target = (await productsOf(harness, seller.id)).find(
        (product) =>
          product.availabilities.length === 2 &&
          product.availabilities.every((point) => !point.preOrder) &&
          new Set(product.cityPrices.map((entry) => entry.price)).size <= 1,
      )!;
      const planned = await harness.deps.preorders.plan(
        target.store.id,
        target.id,
        target.availabilities.map((point) => ({ storeId: point.storeId, days: 4 })),
      );
      expect(planned.ok).toBe(true);
      const shownBefore = messagesLike(/Kaspi показывает предзаказ/).length;
      const list = await say(telegram, seller, '/preorders', /Запланировано \(ещё не в Kaspi\): 1/);
      const since = telegram.calls.length;
      const status = await writeThenKill(async () => {
        const shown = await press(telegram, seller, list, 'Загрузить файлом', /Файл в Kaspi: обрабатывается/, 20_000);
        // Killed once Kaspi took the file and its follow-up is recorded: nothing in this process reads its status.
        await until(async () => (await followUpsOf('preorder-file')).length === 1);
        return shown;
      });
      const [open] = await followUpsOf('preorder-file');
      expect(open).toMatchObject({ status: 'pending', attempts: 0, lock_token: null });
      expect(open!.payload).toMatchObject({ statusMessageId: status.message_id, chatId: seller.id, locale: 'ru' });
      // The killed process left the plan as the upload left it: in the file, not settled.
      expect(await em().findOneOrFail(PreorderSchema, { product: target.id })).toMatchObject({
        status: 'uploading',
        uploadMethod: 'file',
        kaspiFileId: open!.payload['fileId'],
      });

      await telegram.waitForBotMessage(
        seller.id,
        (message) => message.message_id === status.message_id && /Отправлено в Kaspi: 1 из 1/.test(message.text ?? ''),
        { timeoutMs: 30_000 },
      );
      await telegram.waitForBotMessage(
        seller.id,
        () => messagesLike(/Kaspi показывает предзаказ: 1/).length > shownBefore,
        { timeoutMs: 30_000 },
      );
      await harness.settled();
      const told = editsOf(status.message_id, since).filter((call) =>
        /Отправлено в Kaspi/.test(String(call.payload.text)),
      );
      expect(told).toHaveLength(1);
      expect(messagesLike(/Kaspi показывает предзаказ/)).toHaveLength(shownBefore + 1);
      expect(await followUpsOf('preorder-file')).toMatchObject([{ status: 'done', outbox: [], closing: true }]);
      // Settled to «uploaded» by the file's follow-up, then confirmed by the read-back it recorded.
      expect(await em().findOneOrFail(PreorderSchema, { product: target.id })).toMatchObject({ status: 'confirmed' });
      expect(
        harness.sandbox
          .catalogue(MERCHANT)
          .find((offer) => offer.sku === target.sku)!
          .availabilities.map((point) => point.preOrder),
      ).toEqual([4, 4]);
    });
  });
}
