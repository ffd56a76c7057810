import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from 'grammy';
import { Redis } from 'ioredis';

import { ChatNotifier, inQuietHours } from '../../src/bot/demper-notifier.js';
import { createTelegramApi } from '../../src/bot/telegram-api.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { SellerSchema, StoreSchema, type Seller } from '../../src/db/entities/index.js';
import type { DigestLine } from '../../src/demper/notifier.js';
import { emptyMemory } from '../../src/demper/strategy-memory.js';
import { createI18n } from '../../src/i18n.js';
import { SessionExpiryNotices } from '../../src/sellers/session-expiry-notices.js';
import { StoreDirectory } from '../../src/sellers/store-directory.js';
import { startFakeTelegram, type FakeTelegram } from '../../src/telegram-sandbox/bot-api-server.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

const TOKEN = '7000000002:AAH_notifier-test-token_0123456789abc';
const { logger } = captureLogger('warn');
let telegram: FakeTelegram;
let database: Database;
let drop: () => Promise<void>;
let notifier: ChatNotifier;

beforeAll(async () => {
  const testDb = await createTestDatabase();
  drop = testDb.drop;
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: '', logger });
  await migrate(database);
  telegram = await startFakeTelegram({ token: TOKEN });
  // The process's API object, as container.telegram: HTML is the parse mode its transformers set.
  notifier = notifierOf(createTelegramApi(TOKEN, telegram.apiRoot));
});

/** A process's notifier: its own store directory and «session expired» throttle (shared through Redis when given). */
function notifierOf(api: Api, redis?: Redis): ChatNotifier {
  const orm = database.orm;
  return new ChatNotifier(api, new StoreDirectory(orm), new SessionExpiryNotices(orm, redis), createI18n(), logger);
}

afterAll(async () => {
  await telegram?.close();
  await database?.close();
  await drop?.();
});

let nextId = 900_000;
/** A seller who has written to the bot (Telegram only lets bots write to such chats) with one store. */
async function sellerWithStore(
  changes: Partial<Seller>,
): Promise<{ sellerId: number; chatId: number; storeId: number }> {
  const chatId = nextId++;
  await telegram.sendText({ id: chatId, first_name: 'Test' }, '/start');
  const em = database.orm.em.fork();
  const seller = em.create(SellerSchema, { telegramUserId: chatId, chatId, firstName: 'Test', ...changes } as never);
  await em.flush();
  const store = em.create(StoreSchema, {
    seller,
    merchantUid: `9${chatId}`,
    name: 'Магазин <Тест>',
    loginMethod: 'sms',
    points: [],
  });
  await em.flush();
  return { sellerId: seller.id, chatId, storeId: store.id };
}

const line: DigestLine = {
  productId: 1,
  sku: 'SKU-1',
  title: 'Чайник & чашка',
  oldPrice: 12_000,
  newPrice: 11_490,
  reason: 'по-русски',
  decision: {
    action: 'change',
    price: 11_490,
    reason: 'undercut_leader',
    details: { rivalName: 'Rival Shop', rivalPrice: 11_500, step: 10 },
    leader: { merchantId: 'r1', merchantName: 'Rival Shop', price: 11_500 },
    place: 1,
    floorReached: false,
    priceWar: false,
    ignored: 0,
    memory: emptyMemory(),
  },
  rivalName: 'Rival Shop',
  rivalPrice: 11_500,
};

const botMessages = (chatId: number) => telegram.messages(chatId).filter((message) => message.from === 'bot');

describe('the demper’s chat notifier', () => {
  it('sends one digest per store in the seller’s language, HTML-safe, with stop and rollback buttons', async () => {
    const { chatId, storeId } = await sellerWithStore({ language: 'en' } as Partial<Seller>);
    await notifier.digest(storeId, [line, { ...line, productId: 2, title: 'Второй' }], false);
    const sent = botMessages(chatId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toMatch(/^🤖 Repricer · Магазин <Тест>: prices changed — 2/);
    expect(sent[0]!.text).toContain('1. Чайник & чашка: 12\u202f000\u00a0₸ → 11\u202f490\u00a0₸.');
    expect(sent[0]!.text).toMatch(/Rival Shop sells at 11\u202f500/);
    const buttons = (sent[0]!.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard
      .flat()
      .map((button) => button.callback_data);
    expect(buttons).toEqual([`1:ds:${storeId}`, `1:dr:${storeId}`]);
  });

  it('«important only» drops digests but keeps alerts and trial proposals; «off» keeps only a dead session', async () => {
    const important = await sellerWithStore({ notifyLevel: 'important' } as Partial<Seller>);
    await notifier.digest(important.storeId, [line], false);
    await notifier.alert(important.storeId, {
      kind: 'floor-reached',
      productId: 1,
      title: 'Чайник',
      details: { floor: 11_000, rivalPrice: 10_500, rivalName: 'R' },
    });
    expect(botMessages(important.chatId).map((message) => message.text)).toEqual([
      expect.stringMatching(/^⚠️ Чайник: R продаёт за 10\u202f500\u00a0₸ — ниже вашего минимума 11\u202f000/),
    ]);

    // Trial-mode proposals wait for an answer: «important» still gets them; «off» does not.
    await notifier.digest(important.storeId, [line], true);
    expect(botMessages(important.chatId).at(-1)!.text).toMatch(/пробный режим/);

    const off = await sellerWithStore({ notifyLevel: 'off' } as Partial<Seller>);
    await notifier.digest(off.storeId, [line], false);
    await notifier.digest(off.storeId, [line], true);
    await notifier.alert(off.storeId, {
      kind: 'not-applied',
      productId: 1,
      title: 'Чайник',
      details: { newPrice: 1, shown: 2 },
    });
    await notifier.alert(off.storeId, { kind: 'session-expired' });
    await notifier.alert(off.storeId, { kind: 'session-expired' }); // the same episode: not twice
    const messages = botMessages(off.chatId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toMatch(/Сессия Kaspi магазина Магазин <Тест> истекла/);
    expect(
      (messages[0]!.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard[0]![0]!
        .callback_data,
    ).toBe(`1:sr:${off.storeId}`);
  });

  it('a change Kaspi never showed, with no offer read back, says «—» rather than a price of 0 ₸', async () => {
    const { chatId, storeId } = await sellerWithStore({});
    await notifier.alert(storeId, {
      kind: 'not-applied',
      productId: 1,
      title: 'Чайник',
      details: { newPrice: 11_490 },
    });
    await notifier.alert(storeId, {
      kind: 'not-applied',
      productId: 2,
      title: 'Кофеварка',
      details: { old: 21_500, newPrice: 20_000, shown: 21_000 },
    });
    expect(botMessages(chatId).map((message) => message.text)).toEqual(
      [
        'Чайник: новая цена 11\u202f490\u00a0₸ не появилась на Kaspi (была —). Сейчас на Kaspi: —.',
        'Кофеварка: новая цена 20\u202f000\u00a0₸ не появилась на Kaspi (была 21\u202f500\u00a0₸). Сейчас на Kaspi: 21\u202f000\u00a0₸.',
      ].map((text) => `⚠️ ${text}`),
    );
  });

  it('a rival below the floor: what we do instead, the place, what first place would take, and «Изменить минимум»', async () => {
    const { chatId, storeId } = await sellerWithStore({});
    const details = {
      rivalName: 'Sulpak Store',
      rivalPrice: 292_786,
      floor: 300_000,
      needFloor: 292_786,
      old: 332_050,
      price: 323_832,
      place: 2,
      action: 'change',
      city: 'Алматы',
    };
    await notifier.alert(storeId, {
      kind: 'floor-reached',
      productId: 1,
      title: 'Телевизор',
      cityName: 'Алматы',
      details,
    });
    await notifier.alert(storeId, {
      kind: 'floor-reached',
      productId: 2,
      title: 'Чайник',
      cityName: 'Астана',
      details: {
        ...details,
        rivalName: 'R',
        rivalPrice: 10_500,
        floor: 11_000,
        needFloor: 10_491,
        old: 12_000,
        price: 12_000,
        place: 4,
        action: 'hold',
      },
    });
    // An alert without the decision's numbers (an older run) claims no move at all.
    await notifier.alert(storeId, {
      kind: 'floor-reached',
      productId: 3,
      title: 'Утюг',
      details: { rivalName: 'R', rivalPrice: 10_500, floor: 11_000 },
    });
    const sent = botMessages(chatId);
    expect(sent.map((message) => message.text)).toEqual([
      '⚠️ Телевизор · Алматы: Sulpak Store продаёт за 292\u202f786\u00a0₸ — ниже вашего минимума 300\u202f000\u00a0₸. Ставим 323\u202f832\u00a0₸ вместо 332\u202f050\u00a0₸ — 2-е место; первое место — только при минимуме ниже 292\u202f786\u00a0₸.',
      '⚠️ Чайник · Астана: R продаёт за 10\u202f500\u00a0₸ — ниже вашего минимума 11\u202f000\u00a0₸. Держим 12\u202f000\u00a0₸ — 4-е место; первое место — только при минимуме ниже 10\u202f491\u00a0₸.',
      '⚠️ Утюг: R продаёт за 10\u202f500\u00a0₸ — ниже вашего минимума 11\u202f000\u00a0₸.',
    ]);
    for (const message of sent) expect(message.text).not.toMatch(/не опускаемся/i);
    const buttons = sent.map((message) =>
      (message.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat(),
    );
    expect(buttons.map((row) => row.map((button) => [button.text, button.callback_data]))).toEqual([
      [['✏️ Изменить минимум', '1:dp:1']],
      [['✏️ Изменить минимум', '1:dp:2']],
      [['✏️ Изменить минимум', '1:dp:3']],
    ]);
    for (const language of ['kk', 'en']) {
      const other = await sellerWithStore({ language } as Partial<Seller>);
      await notifier.alert(other.storeId, {
        kind: 'floor-reached',
        productId: 1,
        title: 'TV',
        cityName: 'Алматы',
        details,
      });
      const text = botMessages(other.chatId)[0]!.text ?? '';
      for (const amount of ['292\u202f786\u00a0₸', '323\u202f832\u00a0₸', '332\u202f050\u00a0₸', 'Алматы'])
        expect(text, language).toContain(amount);
      expect(text, language).not.toMatch(/\{|\$|none/);
    }
  });

  it('first place lost: the place we hold and why, in the seller’s words; a store in trial mode hears a proposal', async () => {
    const { chatId, storeId } = await sellerWithStore({});
    await notifier.alert(storeId, {
      kind: 'lost-first-place',
      productId: 5,
      title: 'Фен',
      cityName: 'Алматы',
      details: { old: 12_000, price: 12_000, place: 2, action: 'hold', city: 'Алматы' },
      decision: { ...line.decision!, action: 'hold', price: 12_000, place: 2, reason: 'price_war_hold' },
    });
    // Later in a floor episode (its alert was told at the start): the floor is the reason, and the button changes it.
    await notifier.alert(storeId, {
      kind: 'lost-first-place',
      productId: 7,
      title: 'Миксер',
      cityName: 'Алматы',
      details: { old: 12_000, price: 12_000, place: 3, action: 'hold', needFloor: 10_491, city: 'Алматы' },
      decision: {
        ...line.decision!,
        action: 'hold',
        price: 12_000,
        place: 3,
        reason: 'unreachable_first',
        floorReached: true,
      },
    });
    const em = database.orm.em.fork();
    await em.nativeUpdate(StoreSchema, { id: storeId }, { demperDryRun: true });
    await notifier.alert(storeId, {
      kind: 'floor-reached',
      productId: 6,
      title: 'Пылесос',
      cityName: 'Алматы',
      details: {
        rivalName: 'R',
        rivalPrice: 10_500,
        floor: 11_000,
        needFloor: 10_491,
        old: 13_000,
        price: 12_490,
        place: 2,
        action: 'change',
      },
    });
    const [lost, atFloor, proposed] = botMessages(chatId);
    expect(atFloor!.text).toBe(
      '📉 Миксер · Алматы: мы больше не первые. Держим 12\u202f000\u00a0₸ — 3-е место; первое место — только при минимуме ниже 10\u202f491\u00a0₸.',
    );
    expect(JSON.stringify(atFloor!.reply_markup)).toContain('"1:dp:7"');
    expect(lost!.text).toBe(
      '📉 Фен · Алматы: мы больше не первые. Держим 12\u202f000\u00a0₸ — 2-е место. Rival Shop отвечает на каждое снижение — держим 12\u202f000\u00a0₸, как вы выбрали.',
    );
    // Not a floor matter: the button opens the product rather than the floor.
    expect(JSON.stringify(lost!.reply_markup)).toContain('"1:p:5"');
    expect(proposed!.text).toMatch(/Предлагаем 12\u202f490\u00a0₸ вместо 13\u202f000\u00a0₸ — 2-е место;/);
  });

  it('in quiet hours delivers silently instead of dropping; a dry-run digest carries ✅/❌ per proposal', async () => {
    const quiet = await sellerWithStore({ quietFromMinute: 0, quietToMinute: 1439 } as Partial<Seller>);
    const since = telegram.calls.length;
    await notifier.digest(quiet.storeId, [line], true);
    const call = telegram.calls.slice(since).find((candidate) => candidate.method === 'sendMessage')!;
    expect(call.payload.disable_notification).toBe(true);
    const buttons = (
      botMessages(quiet.chatId)[0]!.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard;
    expect(buttons[0]!.map((button) => button.callback_data)).toEqual([
      expect.stringMatching(/^1:py:1:11490:\d+$/),
      '1:pn:1',
    ]);
    // Only «stop» under proposals: nothing was changed, so there is nothing of theirs to restore.
    expect(buttons.at(-1)!.map((button) => button.callback_data)).toEqual([`1:ds:${quiet.storeId}`]);
    expect(botMessages(quiet.chatId)[0]!.text).toMatch(/пробный режим/);
  });

  it('quiet hours across midnight, in the seller’s time zone', () => {
    const night = { quietFromMinute: 22 * 60, quietToMinute: 8 * 60, timezone: 'Asia/Almaty' };
    expect(inQuietHours(night, new Date('2026-11-25T18:30:00Z'))).toBe(true); // 23:30 in Almaty (UTC+5)
    expect(inQuietHours(night, new Date('2026-11-25T02:30:00Z'))).toBe(true); // 07:30
    expect(inQuietHours(night, new Date('2026-11-25T06:00:00Z'))).toBe(false); // 11:00
    expect(inQuietHours({ quietFromMinute: null, quietToMinute: null, timezone: 'Asia/Almaty' }, new Date())).toBe(
      false,
    );
  });

  it('with Redis, two processes (bot and worker) tell a dead session once between them', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const target = await sellerWithStore({});
      await redis.del(`kaspi-bot:expired-notice:${target.storeId}`);
      const api = () => createTelegramApi(TOKEN, telegram.apiRoot);
      const bot = notifierOf(api(), redis);
      const worker = notifierOf(api(), redis);
      await Promise.all([
        bot.alert(target.storeId, { kind: 'session-expired' }),
        worker.alert(target.storeId, { kind: 'session-expired' }),
      ]);
      await worker.alert(target.storeId, { kind: 'session-expired' });
      expect(botMessages(target.chatId)).toHaveLength(1);
      await redis.del(`kaspi-bot:expired-notice:${target.storeId}`);
    } finally {
      redis.disconnect();
    }
  });

  it('a chat that blocked the bot does not break the demper', async () => {
    const blocked = await sellerWithStore({});
    telegram.blockBot({ id: blocked.chatId, first_name: 'Test' });
    await expect(notifier.digest(blocked.storeId, [line], false)).resolves.toBeUndefined();
  });
});
