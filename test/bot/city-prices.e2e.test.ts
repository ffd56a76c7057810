import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PriceChangeSchema, ProductSchema, type Product } from '../../src/db/entities/index.js';
import { formatPrice } from '../../src/bot/replies/format.js';
import {
  buttonData,
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
import { ProductWriteLock } from '../../src/pricing/write-lock.js';

/** Prices per city through the chat, against the Kaspi sandbox: one city's price never moves another's. */
const MERCHANT = '30067228';
const [ALMATY, ASTANA] = ['750000000', '710000000'];
const logs = captureLogger('info');
let harness: BotHarness;
const seller = newUser('Дана');

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 30 });
  await loginAndSync(harness, seller);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const kaspiPrices = (sku: string) => {
  const offer = harness.sandbox.catalogue(MERCHANT).find((candidate) => candidate.sku === sku)!;
  return { almaty: offer.allCityPrices[ALMATY]!.price, astana: offer.allCityPrices[ASTANA]!.price };
};

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Products of the seller sold in both cities at prices of their own. */
async function pricedApart(): Promise<Product[]> {
  return (await productsOf(harness, seller.id)).filter(
    (product) =>
      product.onSale &&
      product.availabilities.every((point) => point.available === 'yes') &&
      product.cityPrices.length === 2 &&
      product.cityPrices[0]!.price !== product.cityPrices[1]!.price &&
      product.price >= 5_000,
  );
}

describe('prices per city in the chat', () => {
  let products: Product[];
  beforeAll(async () => {
    products = await pricedApart();
    expect(products.length).toBeGreaterThanOrEqual(3);
  });

  it('the card shows each city its own price; /price asks where the new price goes and moves only that city', async () => {
    const { telegram } = harness;
    const product = products[0]!;
    const before = kaspiPrices(product.sku);
    const card = await say(telegram, seller, `/products ${product.sku}`, /Поиск/);
    const opened = await press(telegram, seller, card, productButton(card, product.id), /Цена:/);
    expect(opened.text).toContain(`Алматы ${formatPrice(before.almaty)}`);
    expect(opened.text).toContain(`Астана ${formatPrice(before.astana)}`);

    const newPrice = before.astana - 10;
    const writesBefore = harness.sandbox.writes(MERCHANT).length;
    const question = await say(telegram, seller, `/price ${product.sku} ${newPrice}`, /цены по городам разные/);
    for (const label of ['Во всех городах', 'Только Алматы', 'Только Астана'])
      expect(() => buttonData(question, label)).not.toThrow();
    await press(telegram, seller, question, 'Только Астана', /Астана.*Отправлено в Kaspi/s);
    await waitFor(() => kaspiPrices(product.sku).astana === newPrice, 'Kaspi applies Astana');
    expect(kaspiPrices(product.sku).almaty).toBe(before.almaty);
    // One city of an offer sold in two, with one point there: the cabinet's own single-point save, that city only.
    const [write] = harness.sandbox.writes(MERCHANT).slice(writesBefore);
    expect(write!.endpoint).toBe('process');
    expect(write!.body).toMatchObject({
      availabilities: [{ storeId: `${MERCHANT}_PP2` }],
      cityPrices: [{ cityId: ASTANA, value: newPrice }],
    });
    await waitFor(
      () => telegram.messages(seller.id).some((message) => /Kaspi применил цену/.test(message.text ?? '')),
      'the read-back reports',
    );
    const changes = await harness.infrastructure.database.orm.em
      .fork()
      .find(PriceChangeSchema, { product: product.id });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ cityId: ASTANA, oldPrice: before.astana, newPrice, status: 'applied' });
  });

  it('/price <sku> <price> <город> sets that city at once; a city the store has no point in is refused', async () => {
    const { telegram } = harness;
    const product = products[1]!;
    const before = kaspiPrices(product.sku);
    const newPrice = before.almaty - 20;
    await say(
      telegram,
      seller,
      `/price ${product.sku} ${newPrice.toLocaleString('ru-RU')} Алматы`,
      /Алматы.*Отправлено в Kaspi/s,
    );
    await waitFor(() => kaspiPrices(product.sku).almaty === newPrice, 'Kaspi applies Almaty');
    expect(kaspiPrices(product.sku).astana).toBe(before.astana);
    await say(
      telegram,
      seller,
      `/price ${product.sku} ${newPrice} Караганда`,
      /Города «Караганда» нет среди точек магазина/,
    );
    // The same in every city, once the seller says so: one change per city.
    const everywhere = await say(telegram, seller, `/price ${product.sku} ${newPrice - 10}`, /цены по городам разные/);
    await press(telegram, seller, everywhere, 'Во всех городах', /Отправлено в Kaspi/);
    await waitFor(
      () => kaspiPrices(product.sku).almaty === newPrice - 10 && kaspiPrices(product.sku).astana === newPrice - 10,
      'Kaspi applies both',
    );
    const cities = (
      await harness.infrastructure.database.orm.em
        .fork()
        .find(PriceChangeSchema, { product: product.id, newPrice: newPrice - 10 })
    ).map((change) => change.cityId);
    expect(cities.sort()).toEqual([ASTANA, ALMATY].sort());
  });

  it('a price typed while another writer holds the product says so, sends nothing and records nothing', async () => {
    const product = products[2]!;
    const before = kaspiPrices(product.sku);
    const changesBefore = await harness.infrastructure.database.orm.em
      .fork()
      .count(PriceChangeSchema, { product: product.id });
    const lock = new ProductWriteLock(harness.infrastructure.database.orm);
    const held = await lock.acquire([product.id], 0);
    expect(held.held.has(product.id)).toBe(true);
    try {
      await say(
        harness.telegram,
        seller,
        `/price ${product.sku} ${before.almaty - 30} Алматы`,
        /Цену этого товара сейчас меняет демпер или другое действие/,
        45_000,
      );
    } finally {
      await held.release();
    }
    expect(kaspiPrices(product.sku)).toEqual(before);
    expect(await harness.infrastructure.database.orm.em.fork().count(PriceChangeSchema, { product: product.id })).toBe(
      changesBefore,
    );
  }, 60_000);

  it('/offers <sku> <город> shows that city’s market with a button for the other city', async () => {
    const { telegram } = harness;
    const product = products[2]!;
    const astana = await say(telegram, seller, `/offers ${product.sku} астана`, /— Астана, продавцов/);
    expect(astana.text).toContain(`Ваша цена здесь: ${formatPrice(kaspiPrices(product.sku).astana)}`);
    await press(telegram, seller, astana, '🏙 Алматы', /— Алматы, продавцов/);
    await say(telegram, seller, `/offers ${product.sku} Караганда`, /Города «Караганда» нет/);
  });

  it('/disable changes no price in any city', async () => {
    const { telegram } = harness;
    const product = products[2]!;
    const before = kaspiPrices(product.sku);
    const writesBefore = harness.sandbox.writes(MERCHANT).length;
    const confirm = await say(telegram, seller, `/disable ${product.sku}`, /Снять с продажи 1 товар\?/);
    await press(telegram, seller, confirm, 'Да', /⏳ Снимаются с продажи: 1/);
    await waitFor(
      () => harness.sandbox.catalogue(MERCHANT).find((offer) => offer.sku === product.sku)!.available === false,
      'Kaspi takes it off sale',
    );
    expect(kaspiPrices(product.sku)).toEqual(before);
    const [item] = harness.sandbox.writes(MERCHANT).slice(writesBefore)[0]!.body as {
      cityPrices: { cityId: string; value: number }[];
    }[];
    expect(item!.cityPrices).toEqual([
      { cityId: ASTANA, value: before.astana },
      { cityId: ALMATY, value: before.almaty },
    ]);
  });

  it('/demper <sku> город=Астана мин=… gives Astana a floor of its own', async () => {
    const { telegram } = harness;
    const product = products[0]!;
    const floor = product.price - 2_000;
    const reply = await say(telegram, seller, `/demper ${product.sku} город=Астана мин=${floor}`, /🏙 Астана: мин\./);
    expect(reply.text).toContain(`Астана: мин. ${formatPrice(floor)}`);
    const row = await harness.infrastructure.database.orm.em.fork().findOneOrFail(ProductSchema, product.id);
    expect(row.cityOverrides).toEqual({ [ASTANA]: { minPrice: floor } });
    expect(row.minPrice).toBe(product.minPrice ?? null);
    await say(telegram, seller, `/demper ${product.sku} город=Караганда мин=${floor}`, /Города «Караганда» нет/);
    await say(telegram, seller, `/demper ${product.sku} город=Астана режим=лидер`, /только мин\., макс\. и шаг/);
    await say(telegram, seller, `/demper ${product.sku} город=Астана сброс`, /Демпер/);
    expect(
      (await harness.infrastructure.database.orm.em.fork().findOneOrFail(ProductSchema, product.id)).cityOverrides,
    ).toEqual({});
  });
});
