import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CompetitorSnapshotSchema,
  PriceChangeSchema,
  ProductSchema,
  SellerSchema,
  type Product,
} from '../../src/db/entities/index.js';
import {
  buttonData,
  changedSince,
  loginBySms,
  newUser,
  press,
  say,
  startBotHarness,
  type BotHarness,
  productButton,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import { formatPrice } from '../../src/bot/replies/format.js';

const MERCHANT = '30067228';
const logs = captureLogger('info');
let harness: BotHarness;
const seller = newUser('Асель');
const stranger = newUser('Берик');

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 40 });
  const connected = await loginBySms(harness, seller, '+7 701 000 00 01');
  // The sync, slowed down so the seller sees progress in the one message being edited.
  harness.sandbox.injectFaults({ target: 'cabinet', delayMs: 900, delayedRequests: 4 });
  await press(
    harness.telegram,
    seller,
    connected,
    'Синхронизировать',
    /товаров синхронизировано — \d+\. Новых: \d+/,
    30_000,
  );
  await loginBySms(harness, stranger, '+7 701 000 00 02', /Sandbox Home/);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

async function waitUntilTrue(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Products priced alike in both cities: `/price` without a city goes straight to Kaspi for them (no «which city?»). */
async function onePriced(telegramUserId: number): Promise<Product[]> {
  return (await productsOf(telegramUserId)).filter(
    (product) => new Set(product.cityPrices.map((entry) => entry.price)).size <= 1,
  );
}

async function productsOf(telegramUserId: number): Promise<Product[]> {
  const em = harness.infrastructure.database.orm.em.fork();
  const owner = await em.findOneOrFail(SellerSchema, { telegramUserId });
  return em.find(ProductSchema, { store: { seller: owner } }, { orderBy: { title: 'ASC', id: 'ASC' } });
}

describe('the seller’s products in the chat', () => {
  it('synced with live progress in one edited message, ending with a summary', () => {
    const edits = harness.telegram.calls.filter(
      (call) => call.method === 'editMessageText' && call.payload.chat_id === seller.id,
    );
    const progress = edits.filter((call) => /синхронизировано \d+ из \d+/.test(String(call.payload.text)));
    expect(progress.length).toBeGreaterThan(0);
    const messageIds = new Set(
      edits
        .filter((call) => /Sandbox Electronics/.test(String(call.payload.text)))
        .map((call) => call.payload.message_id),
    );
    expect(messageIds.size).toBe(1);
  });

  it('lists, pages and searches products; a card shows price, status and buttons', async () => {
    const { telegram } = harness;
    const total = (await productsOf(seller.id)).length;
    expect(total).toBe(harness.sandbox.catalogue(MERCHANT).length);
    const pages = Math.ceil(total / 8);
    const list = await say(
      telegram,
      seller,
      '/products',
      new RegExp(`Sandbox Electronics: ${total} товар.*страница 1 из ${pages}`, 's'),
    );
    // No empty keyboard rows reach Telegram (a trailing `.row()` leaves one).
    const rows = (message: { reply_markup?: unknown }) =>
      (message.reply_markup as { inline_keyboard: unknown[][] }).inline_keyboard;
    expect(rows(list).length).toBeGreaterThan(1);
    expect(rows(list).every((row) => row.length > 0)).toBe(true);
    const page2 = await press(telegram, seller, list, '▶️', new RegExp(`страница 2 из ${pages}`));
    expect(page2.message_id).toBe(list.message_id); // edited in place
    // A card opened from page 2 goes back to page 2.
    const fromPage2 = rows(page2)[0]![0] as { text: string };
    const card2 = await press(telegram, seller, page2, fromPage2.text, /Цена:/);
    await press(telegram, seller, card2, 'К списку', new RegExp(`страница 2 из ${pages}`));
    const products = await productsOf(seller.id);
    const target = products[11]!;
    const word = target.title.split(/\s+/).find((part) => part.length > 3)!;
    const found = await say(telegram, seller, `/products ${word}`, new RegExp(`Поиск «${word}»`));
    expect(rows(found).every((row) => row.length > 0)).toBe(true); // one page: the last product's row is the last
    const card = await press(telegram, seller, found, productButton(found, target.id), /Цена:/);
    expect(card.text).toContain(target.title);
    expect(card.text).toContain(target.sku);
    for (const label of ['Новая цена', 'Снять с продажи', 'Конкуренты'])
      expect(() => buttonData(card, label)).not.toThrow();
    await say(telegram, seller, '/products нетакоготовара', /ничего не нашлось/);
    // In a store not synced yet a search says the store is empty and offers the sync, not «nothing found».
    const empty = await say(telegram, stranger, '/products Кофемашина', /пока нет товаров/);
    expect(() => buttonData(empty, 'Синхронизировать')).not.toThrow();
    // Typing a word is a search too.
    const typed = await say(telegram, seller, word, new RegExp(`Поиск «${word}»`));
    expect(() => productButton(typed, target.id)).not.toThrow();
    // The full list's page buttons stay the full list after a search.
    const back = await press(
      telegram,
      seller,
      page2,
      '◀️',
      new RegExp(`Sandbox Electronics: ${total} товар.*страница 1 из ${pages}`, 's'),
    );
    expect(back.message_id).toBe(list.message_id);
    // A page past the end (an old button after products went away) shows the last page, not an empty one.
    const last = changedSince(telegram, seller.id, new RegExp(`страница ${pages} из ${pages}`));
    await telegram.forgeCallback(seller, list.message_id, '1:pl:500:a');
    await telegram.waitForBotMessage(seller.id, last);
  });

  it('/price: refuses «abc» and 5 ₸, sends a good price, and reports when Kaspi applied it', async () => {
    const { telegram, sandbox } = harness;
    const product = (await productsOf(seller.id))[0]!;
    await say(telegram, seller, `/price ${product.sku} abc`, /«abc» — не цена/);
    await say(telegram, seller, `/price ${product.sku} -100`, /не цена/);
    await say(telegram, seller, `/price ${product.sku} 5`, /Kaspi не принимает цену ниже 10/);
    await say(telegram, seller, `/price nosuchsku 1000`, /не найден/);
    const newPrice = product.price - 7;
    const sent = await say(telegram, seller, `/price ${product.sku} ${newPrice}`, /Отправлено в Kaspi/);
    const applied = await telegram.waitForBotMessage(
      seller.id,
      (message) => message.message_id === sent.message_id && /Kaspi применил цену/.test(message.text ?? ''),
      { timeoutMs: 20_000 },
    );
    expect(applied.edits).toBeGreaterThan(0);
    expect(sandbox.catalogue(MERCHANT).find((offer) => offer.sku === product.sku)!.price).toBe(newPrice);
    const change = await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(PriceChangeSchema, { product: product.id });
    expect(change).toMatchObject({ oldPrice: product.price, newPrice, source: 'manual', status: 'applied' });
  });

  it('asks before a price below the seller’s floor, then sends it only once when confirmed', async () => {
    const { telegram, sandbox } = harness;
    const product = (await onePriced(seller.id))[1]!;
    const em = harness.infrastructure.database.orm.em.fork();
    await em.nativeUpdate(ProductSchema, { id: product.id }, { minPrice: product.price - 100 });
    const ask = await say(telegram, seller, `/price ${product.sku} ${product.price - 200}`, /ниже вашего минимума/);
    const writesBefore = sandbox.writes(MERCHANT).length;
    expect(await em.count(PriceChangeSchema, { product: product.id })).toBe(0);
    const confirm = buttonData(ask, 'Да, поставить');
    await press(telegram, seller, ask, 'Да, поставить', /Отправлено в Kaspi/);
    await telegram.forgeCallback(seller, ask.message_id, confirm); // a second tap that raced the keyboard's removal
    // Either the first write is still being read back («уже отправлена»), or Kaspi already shows it and the old
    // question is outdated; never a second write.
    await telegram.waitForBotMessage(seller.id, (message) => /уже отправлена|кнопка устарела/.test(message.text ?? ''));
    expect(sandbox.writes(MERCHANT).length - writesBefore).toBe(1);
    // The write itself holds the rule: a «Да» to a lower floor than today's is no «Да» at all.
    await em.nativeUpdate(ProductSchema, { id: product.id }, { minPrice: product.price - 50 });
    const refused = await harness.deps.offers.setPrice(product.id, product.price - 300, {
      confirmedFloor: product.price - 100,
      reasonText: 'test',
    });
    expect(refused).toEqual({ status: 'below-floor', floor: product.price - 50 });
    expect(sandbox.writes(MERCHANT).length - writesBefore).toBe(1);
    await em.nativeUpdate(ProductSchema, { id: product.id }, { minPrice: null });
  });

  it('asks again before a price far below the current one (a missing zero), floor or no floor', async () => {
    const { telegram, sandbox } = harness;
    const product = (await productsOf(seller.id)).find(
      (candidate) => candidate.minPrice === null && candidate.price >= 1_000,
    )!;
    const typo = Math.floor(product.price / 10);
    const writesBefore = sandbox.writes(MERCHANT).length;
    const changes = () =>
      harness.infrastructure.database.orm.em.fork().count(PriceChangeSchema, { product: product.id });
    const changesBefore = await changes();
    const ask = await say(
      telegram,
      seller,
      `/price ${product.sku} ${typo}`,
      /на 90% дешевле текущей цены.*Проверьте, нет ли пропущенного нуля/s,
    );
    expect(sandbox.writes(MERCHANT).length).toBe(writesBefore);
    expect(await changes()).toBe(changesBefore);
    await press(telegram, seller, ask, 'Да, поставить', /Отправлено в Kaspi/);
    expect(sandbox.writes(MERCHANT).length).toBe(writesBefore + 1);
    // With a floor above the typo, the floor's question is the one asked (the same «Да» confirms both).
    await harness.infrastructure.database.orm.em
      .fork()
      .nativeUpdate(ProductSchema, { id: product.id }, { minPrice: typo });
    await say(telegram, seller, `/price ${product.sku} ${Math.floor(typo / 10)}`, /ниже вашего минимума/);
  });

  it('asks before a price far above the current one; an old «Да» acts only on the price and floor it asked about', async () => {
    const { telegram, sandbox } = harness;
    const product = (await onePriced(seller.id)).find(
      (candidate) => candidate.minPrice === null && candidate.price >= 1_000 && candidate.onSale,
    )!;
    const em = harness.infrastructure.database.orm.em.fork();
    const writes = () => sandbox.writes(MERCHANT).length;
    const writesBefore = writes();
    // An extra zero: asked, with the product named, and nothing sent.
    const rise = await say(
      telegram,
      seller,
      `/price ${product.sku} ${product.price * 10}`,
      /в 10 раз дороже текущей цены.*Проверьте, нет ли лишнего нуля/s,
    );
    expect(rise.text).toContain(product.title.slice(0, 20));
    // A missing zero: asked too. Then the seller sets a floor above that price before pressing the old «Да».
    const drop = await say(
      telegram,
      seller,
      `/price ${product.sku} ${Math.floor(product.price / 10)}`,
      /дешевле текущей цены/,
    );
    await say(telegram, seller, `/demper ${product.sku} min=${Math.floor(product.price / 2)}`, /мин\. /);
    const floorAsk = await press(telegram, seller, drop, 'Да, поставить', /ниже вашего минимума/);
    expect(floorAsk.text).toContain(product.title.slice(0, 20));
    expect(writes()).toBe(writesBefore);
    expect(await em.count(PriceChangeSchema, { product: product.id, newPrice: Math.floor(product.price / 10) })).toBe(
      0,
    );
    // The question about today's floor sends it; once Kaspi shows the new price, the rise question is outdated.
    // Named by its price: an earlier test's report may be edited to «применил» meanwhile.
    await press(
      telegram,
      seller,
      floorAsk,
      'Да, поставить',
      new RegExp(`→ ${formatPrice(Math.floor(product.price / 10))}\\. Kaspi применил цену`),
      20_000,
    );
    expect(writes()).toBe(writesBefore + 1);
    await press(telegram, seller, rise, 'Да, поставить', /уже изменилась.*кнопка устарела/s);
    expect(writes()).toBe(writesBefore + 1);
    // A button from before this format (no price it was asked at) is outdated too, never a write.
    const outdated = changedSince(telegram, seller.id, /уже изменилась/);
    await telegram.forgeCallback(seller, rise.message_id, `1:pf:${product.id}:${product.price * 10}`);
    await telegram.waitForBotMessage(seller.id, outdated);
    expect(writes()).toBe(writesBefore + 1);
    await em.nativeUpdate(ProductSchema, { id: product.id }, { minPrice: null, demperEnabled: false });
  });

  it('the price conversation from a card takes bad input until a good price', async () => {
    const { telegram } = harness;
    const product = (await onePriced(seller.id))[2]!;
    const card = await say(telegram, seller, `/products ${product.sku}`, /Поиск/);
    const opened = await press(telegram, seller, card, productButton(card, product.id), /Цена:/);
    await press(telegram, seller, opened, 'Новая цена', /Введите новую цену/);
    await say(telegram, seller, 'дёшево', /не цена/);
    await say(telegram, seller, '3', /Kaspi не принимает цену ниже/);
    await say(telegram, seller, `${product.price + 1} ₸`, /Отправлено в Kaspi/);
  });

  it('takes 3 products off sale from the multi-select list; other points, stock and offers are untouched', async () => {
    const { telegram, sandbox } = harness;
    const before = sandbox.catalogue(MERCHANT);
    const list = await say(telegram, seller, '/disable', /Отметьте товары, которые нужно снять с продажи/);
    const onSale = (await productsOf(seller.id)).filter((product) => product.onSale);
    const chosen = onSale.slice(0, 3);
    let current = list;
    const token = buttonData(list, 'Отмена').split(':')[2]; // this selection's buttons carry its token
    for (const [index, product] of chosen.entries()) {
      const fresh = changedSince(telegram, seller.id, new RegExp(`Выбрано: ${index + 1} из`));
      await telegram.pressButton(seller, current.message_id, `1:bt:${product.id}:${token}`);
      current = await telegram.waitForBotMessage(seller.id, fresh);
    }
    expect(current.text).toMatch(/Выбрано: 3/);
    const confirm = await press(telegram, seller, current, 'Готово (3)', /Снять с продажи 3 товара\?/);
    for (const product of chosen) expect(confirm.text).toContain(product.title); // «Да» is never a guess
    await press(telegram, seller, confirm, 'Да', /⏳ Снимаются с продажи: 3/, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 600)); // Kaspi applies writes asynchronously
    const after = sandbox.catalogue(MERCHANT);
    for (const offer of after) {
      const earlier = before.find((candidate) => candidate.sku === offer.sku)!;
      if (chosen.some((product) => product.sku === offer.sku)) {
        expect(offer.availabilities.every((point) => point.available === 'no')).toBe(true);
        expect(offer.availabilities.map((point) => [point.storeId, point.stockCount])).toEqual(
          earlier.availabilities.map((point) => [point.storeId, point.stockCount]),
        );
        expect(offer.price).toBe(earlier.price);
      } else {
        // every other offer keeps its points exactly (only prices were changed, by the tests above)
        expect(offer.availabilities).toEqual(earlier.availabilities);
      }
    }
  });

  it('/disable with SKUs asks to confirm the count; «выбрать всё на странице» ticks the whole page', async () => {
    const { telegram } = harness;
    const [first, second] = (await productsOf(seller.id)).filter((product) => product.onSale);
    await say(telegram, seller, `/disable ${first!.sku} ${second!.sku} unknown-sku`, /Снять с продажи 2 товара\?/);
    const list = await say(telegram, seller, '/enable', /Отметьте товары, которые нужно вернуть в продажу/);
    const all = await press(telegram, seller, list, 'Выбрать всё на странице', /Выбрано: [1-8] из/);
    expect(all.text).not.toMatch(/Выбрано: 0/);
  });

  it('a «Да» under an older confirmation acts on nothing: the newer selection is not its own', async () => {
    const { telegram, sandbox } = harness;
    const products = await productsOf(seller.id);
    const onSale = products.find((product) => product.onSale)!;
    const offSale = products.find((product) => !product.onSale)!;
    const disable = await say(telegram, seller, `/disable ${onSale.sku}`, /Снять с продажи 1 товар\?/);
    expect(disable.text).toContain(onSale.title);
    const enable = await say(telegram, seller, `/enable ${offSale.sku}`, /Вернуть в продажу 1 товар\?/);
    const writesBefore = sandbox.writes().length;
    const since = telegram.calls.length;
    const stale = await telegram.pressButton(seller, disable.message_id, buttonData(disable, 'Да'));
    const answer = await telegram.waitForCall(
      (call) => call.method === 'answerCallbackQuery' && call.payload.callback_query_id === stale,
      { since },
    );
    expect(answer.payload).toMatchObject({ text: 'Список устарел, откройте его заново.' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sandbox.writes().length).toBe(writesBefore);
    expect(
      telegram.messages(seller.id).find((message) => message.message_id === disable.message_id)?.reply_markup,
    ).toBeUndefined();
    // The newer confirmation still does exactly what it says.
    await press(telegram, seller, enable, 'Да', /⏳ Возвращаются в продажу: 1/, 20_000);
    await waitUntilTrue(async () => (await productsOf(seller.id)).find((product) => product.id === offSale.id)!.onSale);
  });

  it('the card redraws itself once Kaspi shows it off sale, with the button that puts it back', async () => {
    const { telegram, sandbox } = harness;
    const product = (await productsOf(seller.id)).filter((candidate) => candidate.onSale).at(-1)!;
    const found = await say(telegram, seller, `/products ${product.sku}`, /Поиск/);
    const card = await press(telegram, seller, found, productButton(found, product.id), /Цена:/);
    expect(card.text).toContain('В продаже');
    const offSale = buttonData(card, 'Снять с продажи');
    await press(telegram, seller, card, 'Снять с продажи', /снимается с продажи: отправлено в Kaspi/);
    // A double tap: answered «уже выполняется», not a second write and a second report.
    const writes = sandbox.writes(MERCHANT).length;
    const repeat = await telegram.forgeCallback(seller, card.message_id, offSale);
    await telegram.waitForCall(
      (call) =>
        call.method === 'answerCallbackQuery' &&
        String(call.payload.callback_query_id) === repeat &&
        /Эта кнопка уже нажата/.test(String(call.payload.text)),
    );
    expect(sandbox.writes(MERCHANT).length).toBe(writes);
    expect(
      telegram
        .messages(seller.id)
        .filter(
          (message) =>
            message.from === 'bot' &&
            message.message_id > card.message_id &&
            /снимается с продажи|снят с продажи: Kaspi применил/.test(message.text ?? ''),
        ),
    ).toHaveLength(1);
    const redrawn = await telegram.waitForBotMessage(
      seller.id,
      (message) =>
        message.message_id === card.message_id &&
        message.edits > card.edits &&
        /Вернуть в продажу/.test(JSON.stringify(message.reply_markup)),
      { timeoutMs: 20_000 },
    );
    expect(redrawn.text).not.toContain('🟢 В продаже');
    expect(
      sandbox
        .catalogue(MERCHANT)
        .find((offer) => offer.sku === product.sku)!
        .availabilities.every((point) => point.available === 'no'),
    ).toBe(true);
    await press(telegram, seller, redrawn, 'Вернуть в продажу', /возвращ|в продаже/i);
    await telegram.waitForBotMessage(
      seller.id,
      (message) =>
        message.message_id === card.message_id && /Снять с продажи/.test(JSON.stringify(message.reply_markup)),
      { timeoutMs: 20_000 },
    );
  });

  it('/offers shows the market cheapest first with the seller’s own offer marked', async () => {
    const { telegram } = harness;
    const product = (await productsOf(seller.id)).find((candidate) => candidate.onSale)!;
    const offers = await say(telegram, seller, `/offers ${product.sku}`, /продавцов: \d+/);
    expect(offers.text).toMatch(/Sandbox Electronics — вы/);
    // The Kaspi code the card shows names the same product.
    const byKaspiCode = await say(telegram, seller, `/offers ${product.masterSku}`, /продавцов: \d+/);
    expect(byKaspiCode.text).toContain(product.title.slice(0, 30));
    const prices = [...(offers.text ?? '').matchAll(/· ([\d\u202f]+)\u00a0₸/g)].map((match) =>
      Number(match[1]!.replace(/\u202f/g, '')),
    );
    expect(prices.length).toBeGreaterThan(1);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it("a card counts its place at today's price against the last check's rivals, and says when that check was", async () => {
    const { telegram } = harness;
    const product = (await productsOf(seller.id))[20]!;
    const em = harness.infrastructure.database.orm.em.fork();
    const rival = (merchantId: string, price: number) => ({
      merchantId,
      merchantName: merchantId,
      price,
      rating: null,
      reviews: null,
      deliveryDuration: null,
      preorder: 0,
    });
    const checkedAt = new Date(Date.now() - 2 * 86_400_000);
    checkedAt.setUTCHours(9, 5, 0, 0); // 14:05 in Almaty
    em.create(CompetitorSnapshotSchema, {
      product: product.id,
      cityId: '750000000',
      takenAt: checkedAt,
      offers: [rival('r1', product.price - 200), rival('r2', product.price - 100), rival('r3', product.price + 100)],
      ourPrice: product.price,
      ourPlace: 3,
      cheapestRivalPrice: product.price - 200,
    });
    await em.flush();
    const day = new Intl.DateTimeFormat('ru-RU', { timeZone: 'Asia/Almaty', day: '2-digit', month: '2-digit' }).format(
      checkedAt,
    );
    const card = await say(telegram, seller, `/products ${product.sku}`, /Поиск/).then((found) =>
      press(telegram, seller, found, productButton(found, product.id), /Цена:/),
    );
    expect(card.text).toContain(
      `Место среди продавцов: 3 (самый дешёвый конкурент: ${formatPrice(product.price - 200)}; проверено ${day} 14:05)`,
    );
    // The price went under every rival since that check: the card says first place, not the check's third.
    const inAlmaty = (price: number) =>
      product.cityPrices.map((entry) => (entry.cityId === '750000000' ? { ...entry, price } : entry));
    await em.nativeUpdate(
      ProductSchema,
      { id: product.id },
      { price: product.price - 300, cityPrices: inAlmaty(product.price - 300) },
    );
    const again = await press(telegram, seller, card, 'К списку', /Поиск|товар/).then((list) =>
      press(telegram, seller, list, productButton(list, product.id), /Цена:/),
    );
    expect(again.text).toContain('Место среди продавцов: 1 (');
    await em.nativeUpdate(ProductSchema, { id: product.id }, { price: product.price, cityPrices: product.cityPrices });
  });

  it('refuses forged buttons for another seller’s product and store, and changes nothing', async () => {
    const { telegram, sandbox } = harness;
    const victim = (await productsOf(seller.id))[5]!;
    const own = await say(telegram, stranger, '/start', /С возвращением/);
    const writesBefore = sandbox.writes().length;
    for (const data of [
      `1:p:${victim.id}`,
      `1:pf:${victim.id}:10`,
      `1:po:${victim.id}:0`,
      `1:pc:${victim.id}`,
      `1:sd:${victim.store.id}`,
      `1:sy:${victim.store.id}`,
      `1:pe:${victim.id}`,
    ]) {
      const since = telegram.calls.length;
      const queryId = await telegram.forgeCallback(stranger, own.message_id, data);
      const answer = await telegram.waitForCall(
        (call) => call.method === 'answerCallbackQuery' && call.payload.callback_query_id === queryId,
        { since },
      );
      expect(answer.payload).toMatchObject({
        text: 'Недоступно: этот магазин или товар удалён или принадлежит другому продавцу. Откройте список заново: /products или /stores.',
        show_alert: true,
      });
    }
    for (const data of ['9:p:1', 'garbage', `1:p:${victim.id}:extra:${'x'.repeat(40)}`]) {
      const since = telegram.calls.length;
      const queryId = await telegram.forgeCallback(stranger, own.message_id, data);
      const answer = await telegram.waitForCall(
        (call) => call.method === 'answerCallbackQuery' && call.payload.callback_query_id === queryId,
        { since },
      );
      expect(answer.payload.text).toMatch(/кнопка устарела|Недоступно/);
    }
    await say(telegram, stranger, `/price ${victim.sku} 10`, /не найден в активном магазине/);
    expect(
      telegram
        .messages(stranger.id)
        .some((message) => message.from === 'bot' && (message.text ?? '').includes(victim.title)),
    ).toBe(false);
    expect(sandbox.writes().length).toBe(writesBefore);
    const em = harness.infrastructure.database.orm.em.fork();
    expect(await em.count(ProductSchema, { id: victim.id })).toBe(1);
  });

  it('a sync Kaspi did not answer says so with a «Повторить» button that runs it again', async () => {
    const { telegram, sandbox } = harness;
    sandbox.injectFaults({ target: 'cabinet', serverErrors: 50 });
    const failed = changedSince(telegram, seller.id, /Синхронизация не завершена: Kaspi сейчас не отвечает/);
    await say(telegram, seller, '/sync', /Синхронизация|Обновляю/);
    const message = await telegram.waitForBotMessage(seller.id, failed, { timeoutMs: 30_000 });
    sandbox.injectFaults({ target: 'cabinet', serverErrors: 0 });
    await press(
      telegram,
      seller,
      message,
      'Повторить',
      /товаров синхронизировано — \d+\. (Изменений нет|\S+: \d+)/,
      30_000,
    );
  });

  it('an expired Kaspi session gets one clear message with a «Войти снова» button', async () => {
    const { telegram, sandbox } = harness;
    sandbox.expireSessions(MERCHANT);
    const product = (await onePriced(seller.id))[3]!;
    const fresh = changedSince(telegram, seller.id, /Сессия Kaspi истекла/);
    await telegram.sendText(seller, `/price ${product.sku} ${product.price + 3}`);
    const notice = await telegram.waitForBotMessage(seller.id, fresh);
    expect(buttonData(notice, 'Войти снова')).toMatch(/^1:sr:\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const errors = telegram
      .messages(seller.id)
      .filter(
        (message) => message.from === 'bot' && /Сессия Kaspi истекла|Что-то пошло не так/.test(message.text ?? ''),
      );
    expect(errors).toHaveLength(1);
    await press(telegram, seller, notice, 'Войти снова', /номер телефона/);
  });
});
