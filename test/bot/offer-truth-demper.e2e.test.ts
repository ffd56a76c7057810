import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openContainer } from '../../src/app/container.js';
import { createChatNotifier } from '../../src/bot/demper-notifier.js';
import { loadConfig } from '../../src/config.js';
import { formatPrice } from '../../src/bot/replies/format.js';
import {
  PriceChangeSchema,
  ProductSchema,
  SellerSchema,
  StoreSchema,
  type Product,
} from '../../src/db/entities/index.js';
import type { DemperEngine } from '../../src/demper/engine.js';
import { RecordingNotifier } from '../../src/demper/notifier.js';
import { createDemper } from '../../src/demper/wiring.js';
import { createFollowUpRecorder } from '../../src/follow-ups/wiring.js';
import type { ChatMessage } from '../../src/telegram-sandbox/bot-api-server.js';
import {
  harnessFollowUps,
  type BotHarness,
  changedSince,
  loginAndSync,
  newUser,
  press,
  productButton,
  say,
  sellOnlyAtFirstPoint,
  startBotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';

// A demper cut and its rollback: a change Kaspi took but does not show yet is shown as on its way (never as the
// price), and once Kaspi shows it the card, the list and the price prompt show it — without a /sync and without
// another demper run: the demper's sent changes are read back by the durable price follow-ups.

/**
 * The follow-ups' first read-back: long enough for the test to look at the views before it (Kaspi applies the
 * write in 200 ms here, so after the first read-back the views show the new price).
 */
const FIRST_READ_BACK_MS = 4_000;

const MERCHANT = '30067228';
const ALMATY = '750000000';
let harness: BotHarness;
let engine: DemperEngine;
let target: Product;
const seller = newUser('Ерлан');

beforeAll(async () => {
  harness = await startBotHarness({
    logger: captureLogger('warn').logger,
    productsPerMerchant: 12,
    verifyFirstAfterMs: FIRST_READ_BACK_MS,
  });
  await loginAndSync(harness, seller);
  ({ engine } = createDemper(
    harness.infrastructure,
    createChatNotifier(harness.infrastructure),
    harnessFollowUps(harness),
    {
      verifyAfterMs: 100,
    },
  ));
  const em = harness.infrastructure.database.orm.em.fork();
  const owner = await em.findOneOrFail(SellerSchema, { telegramUserId: seller.id });
  const onSale = await em.find(ProductSchema, { store: { seller: owner }, onSale: true }, { orderBy: { id: 'ASC' } });
  target = onSale.find((candidate) => harness.sandbox.storefront(candidate.masterSku, ALMATY).length > 1)!;
  await sellOnlyAtFirstPoint(harness, [target]);
  target = await em.fork().findOneOrFail(ProductSchema, target.id);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

/** The cheapest rival goes `below` tenge under our price; the others stay above it. */
function undercutUs(below: number): number {
  const rivals = harness.sandbox.storefront(target.masterSku, ALMATY) as {
    merchantId?: string;
    merchantUid?: string;
    price: number;
  }[];
  const ids = rivals.map((offer) => String(offer.merchantId ?? offer.merchantUid)).filter((id) => id !== MERCHANT);
  const price = target.price - below;
  harness.sandbox.setRivalPrice(target.masterSku, ALMATY, ids[0]!, price);
  for (const id of ids.slice(1)) harness.sandbox.setRivalPrice(target.masterSku, ALMATY, id, price + 500);
  return price;
}

async function card(): Promise<ChatMessage> {
  const found = await say(harness.telegram, seller, `/products ${target.sku}`, /Поиск|Найдено/);
  return press(harness.telegram, seller, found, productButton(found, target.id), /Цена:/);
}

async function listRow(): Promise<string> {
  const found = await say(harness.telegram, seller, `/products ${target.sku}`, /Поиск|Найдено/);
  return (found.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat()[0]!.text;
}

/** The price prompt of an old card, closed again with «Отмена». */
async function pricePrompt(from: ChatMessage): Promise<string> {
  const prompt = await press(harness.telegram, seller, from, 'Новая цена', /Введите новую цену/);
  await press(harness.telegram, seller, prompt, 'Отмена', /Отменено|отменено/);
  return prompt.text ?? '';
}

const amount = (price: number) => formatPrice(price).replace(/\u00a0₸$/, '');

describe('the demper’s changes in the chat’s views', () => {
  it('a cut shows as sent until Kaspi shows it, then as the price; a rollback puts the old price back in every view', async () => {
    const { telegram } = harness;
    await say(
      telegram,
      seller,
      `/demper ${target.sku} on min=${target.price - 5000} max=${target.price + 5000} step=10`,
      /Демпер включён/,
    );
    await harness.infrastructure.database.orm.em
      .fork()
      .nativeUpdate(StoreSchema, { id: target.store.id }, { demperEnabled: true });
    const cut = undercutUs(500) - 10;
    const digestArrives = changedSince(telegram, seller.id, /изменено цен — 1/);
    expect((await engine.runOnce()).sent).toBe(1);
    const digest = await telegram.waitForBotMessage(seller.id, digestArrives);

    // Announced, not yet shown by Kaspi: the card and the prompt say it is on its way, the price stays Kaspi's.
    const early = await card();
    const sending = `Отправлено в Kaspi: Алматы ${formatPrice(cut)}`;
    expect(early.text).toContain(sending);
    expect(early.text).toContain(`Цена: ${formatPrice(target.price)}`);
    expect(await pricePrompt(early)).toContain(sending);

    // No further demper run: the cut's follow-up reads it back once Kaspi applies it.
    await harness.settled(20_000);
    const change = await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(PriceChangeSchema, { product: target.id, source: 'demper' }, { orderBy: { id: 'DESC' } });
    expect(change.status).toBe('applied');
    // The digest told the cut; Kaspi applying it is not told again.
    expect(telegram.messages(seller.id).filter((message) => /применил цену/.test(message.text ?? ''))).toHaveLength(0);
    const confirmed = await card();
    expect(confirmed.text).toContain(formatPrice(cut));
    expect(confirmed.text).not.toContain('Отправлено в Kaspi');
    expect(await listRow()).toContain(amount(cut));
    // An older card's prompt asks from today's price.
    expect(await pricePrompt(early)).toContain(`Сейчас: Алматы ${formatPrice(cut)}`);

    const ask = await press(telegram, seller, digest, 'Вернуть прежние цены', /Вернуть цены/);
    await press(telegram, seller, ask, 'Да, вернуть', /цены возвращены — 1/);
    // No demper run and no /sync: the rollback's own read-back moves our copy once Kaspi shows it.
    await harness.settled(20_000);
    const rolledBack = await card();
    expect(rolledBack.text).toContain(formatPrice(target.price));
    expect(rolledBack.text).not.toContain('Отправлено в Kaspi');
    expect(await listRow()).toContain(amount(target.price));
  });

  it('a cut sent by a demper process that runs no follow-ups is read back by the bot started after it', async () => {
    const { telegram } = harness;
    const orm = () => harness.infrastructure.database.orm;
    await orm()
      .em.fork()
      .nativeUpdate(ProductSchema, { id: target.id }, { demperEnabled: true, nextCheckAt: new Date() });
    await orm().em.fork().nativeUpdate(StoreSchema, { id: target.store.id }, { demperEnabled: true });
    const cut = undercutUs(700) - 10;
    const before = telegram.messages(seller.id).length;
    // While the bot is down, `kaspi-bot demper` as its own process: its own container, a recording notifier
    // (no chat), follow-ups only recorded in the database.
    await harness.restart(async () => {
      const container = await openContainer(loadConfig(harness.env), captureLogger('warn').logger, {
        migrate: false,
        redisKeyPrefix: harness.redisKeyPrefix,
      });
      try {
        const { engine: cli } = createDemper(
          container,
          new RecordingNotifier(),
          createFollowUpRecorder(container, { firstWaitMs: 300, timeoutMs: 15_000 }),
          { verifyAfterMs: 100 },
        );
        expect((await cli.runOnce({ storeId: target.store.id })).sent).toBe(1);
      } finally {
        await container.close();
      }
    });
    // The restarted bot's follow-ups find the recorded read-back and settle it once Kaspi shows the cut.
    await harness.settled(20_000);
    const change = await orm()
      .em.fork()
      .findOneOrFail(PriceChangeSchema, { product: target.id, source: 'demper' }, { orderBy: { id: 'DESC' } });
    expect(change).toMatchObject({ status: 'applied', newPrice: cut });
    const confirmed = await card();
    expect(confirmed.text).toContain(formatPrice(cut));
    expect(confirmed.text).not.toContain('Отправлено в Kaspi');
    expect(await listRow()).toContain(amount(cut));
    expect(await pricePrompt(confirmed)).toContain(`Сейчас: Алматы ${formatPrice(cut)}`);
    // Nothing was told for it but the views: Kaspi applied it, and the demper process had no chat.
    expect(
      telegram
        .messages(seller.id)
        .slice(before)
        .filter((message) => /применил|изменено цен/.test(message.text ?? '')),
    ).toHaveLength(0);
  });
});
