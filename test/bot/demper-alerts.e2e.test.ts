import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createChatNotifier } from '../../src/bot/demper-notifier.js';
import { formatPrice } from '../../src/bot/replies/format.js';
import { ProductSchema, SellerSchema, StoreSchema, type Product } from '../../src/db/entities/index.js';
import type { DemperEngine } from '../../src/demper/engine.js';
import { createDemper } from '../../src/demper/wiring.js';
import {
  type BotHarness,
  changedSince,
  loginAndSync,
  newUser,
  press,
  sellOnlyAtFirstPoint,
  startBotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';

/**
 * The demper's unasked messages as a seller reads them: a rival under the floor is told with what we did instead
 * (our price before and after, the place it gives, what first place would take), the product and its city, and
 * one button that helps («Изменить минимум»).
 */
const MERCHANT = '30067228';
const ALMATY = '750000000';
let harness: BotHarness;
let engine: DemperEngine;
const seller = newUser('Жанар');

beforeAll(async () => {
  harness = await startBotHarness({ logger: captureLogger('warn').logger, productsPerMerchant: 12 });
  await loginAndSync(harness, seller);
  ({ engine } = createDemper(harness.infrastructure, createChatNotifier(harness.infrastructure), null, {
    verifyAfterMs: 100,
  }));
  await sellOnlyAtFirstPoint(harness, [await product()]);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const em = () => harness.infrastructure.database.orm.em.fork();
const rivalsOf = (target: Product) =>
  (harness.sandbox.storefront(target.masterSku, ALMATY) as { merchantId?: string; merchantName?: string }[])
    .map((offer) => ({ id: String(offer.merchantId), name: String(offer.merchantName) }))
    .filter((offer) => offer.id !== MERCHANT);

/** A product on sale in Almaty with at least two rivals there. */
async function product(): Promise<Product> {
  const owner = await em().findOneOrFail(SellerSchema, { telegramUserId: seller.id });
  const products = await em().find(
    ProductSchema,
    { store: { seller: owner }, onSale: true },
    { orderBy: { id: 'ASC' } },
  );
  return products.find((candidate) => rivalsOf(candidate).length >= 2)!;
}

describe('demper alerts in the chat', () => {
  it('a rival under the floor: the alert tells the move we made instead, the place, the city, and offers «Изменить минимум»', async () => {
    const { telegram, sandbox } = harness;
    const target = await product();
    const price = target.price;
    const floor = price - 1_000;
    // One rival under the floor (first place would take a lower floor), one above it and under us (beatable).
    const [under, beatable, ...rest] = rivalsOf(target);
    sandbox.setRivalPrice(target.masterSku, ALMATY, under!.id, price - 3_000);
    sandbox.setRivalPrice(target.masterSku, ALMATY, beatable!.id, price - 500);
    for (const other of rest) sandbox.setRivalPrice(target.masterSku, ALMATY, other.id, price + 5_000);
    await em().nativeUpdate(StoreSchema, { id: target.store.id }, { demperEnabled: true, demperDryRun: false });
    await em().nativeUpdate(
      ProductSchema,
      { id: target.id },
      {
        demperEnabled: true,
        minPrice: floor,
        maxPrice: null,
        step: 10,
        stepIsPercent: false,
        nextCheckAt: new Date(0),
        // Every rival of the sandbox counts here: the filters have tests of their own.
        demperOptions: { ignoreIntercity: false, ignoreUnproven: false },
      },
    );

    const alertArrives = changedSince(telegram, seller.id, /^⚠️.*ниже вашего минимума/);
    const summary = await engine.runOnce();
    expect(summary.sent).toBe(1);
    const alert = await telegram.waitForBotMessage(seller.id, alertArrives);
    const expected = price - 510;
    expect(alert.text).toBe(
      `⚠️ ${target.title} · Алматы: ${under!.name} продаёт за ${formatPrice(price - 3_000)} — ниже вашего минимума ` +
        `${formatPrice(floor)}. Ставим ${formatPrice(expected)} вместо ${formatPrice(price)} — 2-е место; ` +
        `первое место — только при минимуме ниже ${formatPrice(price - 3_000 - 10 + 1)}.`,
    );
    expect(alert.text).not.toMatch(/не опускаемся/i);
    // The price the alert names is the one Kaspi was sent.
    const write = sandbox
      .writes(MERCHANT)
      .filter((entry) => JSON.stringify(entry.body).includes(target.sku))
      .at(-1)!;
    expect(JSON.stringify(write.body)).toContain(`{"cityId":"${ALMATY}","value":${expected}}`);

    // The one button opens the product's demper settings, where the floor is changed.
    const markup = alert.reply_markup as { inline_keyboard: { text: string }[][] };
    expect(markup.inline_keyboard.flat().map((button) => button.text)).toEqual(['✏️ Изменить минимум']);
    await press(telegram, seller, alert, 'Изменить минимум', /[Дд]емпер|[Мм]инимум/);

    // The next check holds the place: no second alert for the same episode.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await em().nativeUpdate(ProductSchema, { id: target.id }, { nextCheckAt: new Date(0) });
    await engine.runOnce();
    await em().nativeUpdate(ProductSchema, { id: target.id }, { nextCheckAt: new Date(0) });
    await engine.runOnce();
    const alerts = telegram
      .messages(seller.id)
      .filter((message) => message.from === 'bot' && /^(⚠️|📉)/.test(message.text ?? ''));
    expect(alerts).toHaveLength(1);
  });
});
