import { createServer } from 'node:net';

import { afterAll, describe, expect, it } from 'vitest';

import { KvEntrySchema, SellerSchema, StoreSchema } from '../../src/db/entities/index.js';
import {
  buttonData,
  loginBySms,
  newUser,
  press,
  say,
  startBotHarness,
  type BotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import { fetchMetrics, metricSum } from '../helpers/metrics.js';

const harnesses: BotHarness[] = [];
afterAll(async () => {
  for (const harness of harnesses) await harness.close();
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the bot with Redis', () => {
  it('keeps a half-done SMS login in Redis across a restart, and nothing of it in the database', async () => {
    const harness = await startBotHarness({ logger: captureLogger('warn').logger, redis: true });
    harnesses.push(harness);
    const { telegram, sandbox } = harness;
    const user = newUser();
    const method = await say(telegram, user, '/login', /Как войти/);
    await press(telegram, user, method, 'SMS', /номер телефона/);
    await say(telegram, user, '+7 701 000 00 01', /Введите код/);
    expect(await harness.infrastructure.database.orm.em.fork().count(KvEntrySchema, {})).toBe(0);
    await harness.restart();
    await say(telegram, user, harness.sandbox.lastCode('+7 (701) 000-00-01')!, /подключён/);
    expect(sandbox.lastCode('+7 (701) 000-00-01')).toBeDefined();
  }, 60_000);
});

describe('the bot behind a webhook', () => {
  it('takes updates on the HTTP server with Telegram’s secret token and refuses requests without it', async () => {
    const port = await freePort();
    const harness = await startBotHarness({
      logger: captureLogger('warn').logger,
      env: {
        BOT_MODE: 'webhook',
        WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
        WEBHOOK_SECRET: 'sandbox-webhook-secret',
        HTTP_PORT: String(port),
      },
    });
    harnesses.push(harness);
    const { telegram } = harness;
    expect(telegram.calls.find((call) => call.method === 'setWebhook')?.payload).toMatchObject({
      url: `http://127.0.0.1:${port}/telegram/hook`,
      secret_token: 'sandbox-webhook-secret',
    });
    const user = newUser();
    await say(telegram, user, '/start', /Здравствуйте/);
    const forged = await fetch(`http://127.0.0.1:${port}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      body: JSON.stringify({
        update_id: 999999,
        message: { message_id: 1, date: 1, chat: { id: user.id, type: 'private' }, from: user, text: '/start' },
      }),
    });
    expect(forged.status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 60_000);
});

describe('a seller’s settings and stores', () => {
  it('rides out Telegram’s 429s, switches language, lists stores and removes one with its credentials', async () => {
    const logs = captureLogger('warn');
    const harness = await startBotHarness({ logger: logs.logger });
    harnesses.push(harness);
    const { telegram } = harness;
    const user = newUser('Ерлан', 'kk');
    telegram.injectFlood('sendMessage', 1, 2);
    await say(telegram, user, '/start', /Сәлеметсіз бе, Ерлан/, 20_000);
    expect(
      telegram.calls.filter((call) => call.method === 'sendMessage' && call.error?.error_code === 429),
    ).toHaveLength(2);

    // The main menu's «⚙️ Баптаулар» opens the same settings as /settings.
    const start = telegram
      .messages(user.id)
      .filter((message) => message.from === 'bot')
      .at(-1)!;
    await press(telegram, user, start, /⚙️/, /Тіл: Қазақша/);
    const settings = await say(telegram, user, '/settings', /Тіл: Қазақша/);
    await press(telegram, user, settings, 'Русский', /Язык: Русский/);
    await say(telegram, user, '/help', /Что я умею/);
    const english = await say(telegram, user, '/settings', /Язык: Русский/);
    const chosen = await press(telegram, user, english, 'English', /Language: English/);

    // Tapping the option already chosen edits nothing; Telegram's «message is not modified» is no error.
    const before = telegram.calls.length;
    const queryId = await telegram.pressButton(user, chosen.message_id, buttonData(chosen, '✅ English'));
    await telegram.waitForCall(
      (call) => call.method === 'answerCallbackQuery' && String(call.payload.callback_query_id) === queryId,
      { since: before },
    );
    await say(telegram, user, '/help', /What I can do/);
    expect(
      telegram
        .messages(user.id)
        .slice(-4)
        .map((message) => message.text),
    ).not.toContainEqual(expect.stringMatching(/went wrong/));

    // Quiet hours (SPEC §2 /settings): one tap sets them, another clears them; the notifier reads the row.
    const withQuiet = await press(telegram, user, chosen, '22:00–08:00', /Quiet hours: 22:00–08:00/);
    expect(buttonData(withQuiet, '✅22:00–08:00')).toBeTruthy();
    const sellerRow = async () =>
      harness.infrastructure.database.orm.em.fork().findOneOrFail(SellerSchema, { telegramUserId: user.id });
    expect(await sellerRow()).toMatchObject({ quietFromMinute: 22 * 60, quietToMinute: 8 * 60 });
    await press(telegram, user, withQuiet, 'Always', /Quiet hours: none/);
    expect(await sellerRow()).toMatchObject({ quietFromMinute: null, quietToMinute: null });
    expect(logs.text()).not.toContain('update failed');

    await loginBySms(harness, user, '+7 701 000 00 01');
    const stores = await say(telegram, user, '/stores', /Your stores/);
    expect(stores.text).toMatch(/✅ Sandbox Electronics \(ID 30067228\) — logged in/);
    expect(buttonData(stores, '✅ Sandbox Electronics')).toMatch(/^1:s:\d+$/); // the active store's row names it
    const ask = await press(telegram, user, stores, 'Remove', /Remove store Sandbox Electronics\?/);
    await press(telegram, user, ask, 'Yes, remove', /removed together with its login data/);
    const em = harness.infrastructure.database.orm.em.fork();
    const seller = await em.findOneOrFail(SellerSchema, { telegramUserId: user.id });
    expect(seller.language).toBe('en');
    expect(seller.activeStoreId).toBeNull();
    expect(await em.count(StoreSchema, { seller })).toBe(0);
    await say(telegram, user, '/products', /Connect a Kaspi store first/);

    // The operator sees the same story in /metrics: Telegram's 429s, the login's Kaspi requests, the taps.
    const metrics = await fetchMetrics(harness.running.http.port);
    expect(
      metricSum(metrics, 'kaspi_bot_telegram_failed_calls_total', { method: 'sendMessage', code: '429' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricSum(metrics, 'kaspi_bot_kaspi_requests_total', { endpoint: /^login\./, status: /^[23]\d\d$/ }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricSum(metrics, 'kaspi_bot_updates_total', { kind: 'menu:settings', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(3);
    expect(metricSum(metrics, 'kaspi_bot_updates_total', { kind: 'button:storeRemoveYes', outcome: 'ok' })).toBe(1);
    expect(metricSum(metrics, 'kaspi_bot_updates_total', { outcome: 'error' })).toBe(0);
  }, 60_000);
});
