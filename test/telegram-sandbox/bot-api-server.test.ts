import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { autoRetry } from '@grammyjs/auto-retry';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { Bot, GrammyError, InlineKeyboard, InputFile, webhookCallback } from 'grammy';
import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';

import {
  startFakeTelegram,
  type FakeTelegram,
  type FakeTelegramOptions,
  type FakeUser,
} from '../../src/telegram-sandbox/bot-api-server.js';

const TOKEN = '123456789:AAHsandbox-token-for-tests-0123456789ab';
const ALICE: FakeUser = { id: 1001, first_name: 'Alice', username: 'alice', language_code: 'ru' };
const BOB: FakeUser = { id: 1002, first_name: 'Bob' };

async function withFake(
  test: (fake: FakeTelegram) => Promise<void>,
  options: Partial<FakeTelegramOptions> = {},
): Promise<void> {
  const fake = await startFakeTelegram({ token: TOKEN, port: 0, ...options });
  try {
    await test(fake);
  } finally {
    await fake.close();
  }
}

function botFor(fake: FakeTelegram, token = TOKEN): Bot {
  return new Bot(token, { client: { apiRoot: fake.apiRoot } });
}

/** Runs the bot with the runner for the duration of `test`, as production does. */
async function whileRunning(bot: Bot, test: (handle: RunnerHandle) => Promise<void>): Promise<void> {
  const handle = run(bot, { runner: { silent: true } });
  try {
    await test(handle);
  } finally {
    if (handle.isRunning()) await handle.stop();
  }
}

async function raw(
  fake: FakeTelegram,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${fake.apiRoot}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function postJson(fake: FakeTelegram, method: string, payload: Record<string, unknown>, token = TOKEN) {
  return raw(fake, `/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}

async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fake Telegram Bot API with a real grammY bot', () => {
  it('delivers /start to bot.command and shows the reply in the chat', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      const seen: Message[] = [];
      bot.command('start', async (ctx) => {
        seen.push(ctx.message as Message);
        await ctx.reply(`Hello, ${ctx.from?.first_name}!`);
      });
      await whileRunning(bot, async () => {
        const sent = await fake.sendText(ALICE, '/start');
        const reply = await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'Hello, Alice!');
        expect(sent.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
        expect(reply.message_id).toBe(2);

        await fake.sendText(BOB, '/start@kaspi_sandbox_bot');
        await fake.waitForBotMessage(BOB.id, (message) => message.text === 'Hello, Bob!');
        // A command addressed to another bot must not reach this one.
        await fake.sendText(BOB, '/start@other_bot');
        await fake.sendText(BOB, 'plain text');
        await fake.waitForCall(
          (call) => call.method === 'getUpdates' && JSON.stringify(call.result).includes('plain text'),
        );
      });

      expect(seen.map((message) => message.text)).toEqual(['/start', '/start@kaspi_sandbox_bot']);
      expect(seen[0]?.from).toMatchObject({
        id: ALICE.id,
        is_bot: false,
        first_name: 'Alice',
        username: 'alice',
        language_code: 'ru',
      });
      expect(seen[0]?.chat).toEqual({ id: ALICE.id, type: 'private', first_name: 'Alice', username: 'alice' });
      const sendMessage = fake.calls.find((call) => call.method === 'sendMessage');
      expect(sendMessage).toMatchObject({ ok: true, payload: { chat_id: ALICE.id, text: 'Hello, Alice!' } });
      expect(sendMessage?.result).toMatchObject({
        message_id: 2,
        text: 'Hello, Alice!',
        from: { id: 123456789, is_bot: true, username: 'kaspi_sandbox_bot' },
      });
      expect(fake.messages(ALICE.id).map(({ from, text, message_id }) => ({ from, text, message_id }))).toEqual([
        { from: 'user', text: '/start', message_id: 1 },
        { from: 'bot', text: 'Hello, Alice!', message_id: 2 },
      ]);
      expect(fake.lastBotMessage(BOB.id)?.text).toBe('Hello, Bob!');
      expect(fake.calls.filter((call) => call.method === 'getMe')).toHaveLength(1);
    });
  });

  it('runs an inline keyboard round trip: press, answerCallbackQuery, editMessageText', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      bot.command('menu', (ctx) =>
        ctx.reply('Pick a city', {
          reply_markup: new InlineKeyboard().text('Almaty', 'city:almaty').text('Astana', 'city:astana'),
        }),
      );
      bot.callbackQuery(/^city:(.+)$/, async (ctx) => {
        await ctx.answerCallbackQuery({ text: `Saved ${ctx.match[1]}` });
        await ctx.editMessageText(`City: ${ctx.match[1]}`);
      });
      await whileRunning(bot, async () => {
        await fake.sendText(ALICE, '/menu');
        const menu = await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'Pick a city');
        expect(menu.reply_markup).toEqual({
          inline_keyboard: [
            [
              { text: 'Almaty', callback_data: 'city:almaty' },
              { text: 'Astana', callback_data: 'city:astana' },
            ],
          ],
        });
        await expect(fake.pressButton(ALICE, menu.message_id, 'city:shymkent')).rejects.toThrow(
          /no button with callback_data "city:shymkent"/,
        );

        const queryId = await fake.pressButton(ALICE, menu.message_id, 'city:astana');
        const edited = await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'City: astana');
        expect(edited.message_id).toBe(menu.message_id);
        expect(edited.edits).toBe(1);
        // Telegram drops the inline keyboard when an edit does not repeat it.
        expect(edited.reply_markup).toBeUndefined();
        expect(fake.callbackAnswers(queryId)?.payload).toMatchObject({
          callback_query_id: queryId,
          text: 'Saved astana',
        });
        await expect(fake.pressButton(ALICE, menu.message_id, 'city:almaty')).rejects.toThrow(/has no button/);
      });
      const update = fake.calls.find(
        (call) => call.method === 'getUpdates' && JSON.stringify(call.result).includes('callback_query'),
      );
      const query = (update?.result as { callback_query?: Record<string, unknown> }[]).find(
        (item) => item.callback_query,
      )?.callback_query;
      expect(query).toMatchObject({
        data: 'city:astana',
        from: { id: ALICE.id },
        message: { message_id: 2, text: 'Pick a city', chat: { id: ALICE.id } },
      });
      expect(fake.messages(ALICE.id)).toHaveLength(2);
    });
  });

  it('answers an edit that changes nothing with "message is not modified", as a GrammyError', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await fake.sendText(ALICE, 'hi');
      const keyboard = new InlineKeyboard().text('OK', 'ok');
      const sent = await bot.api.sendMessage(ALICE.id, '<b>Same</b>', { parse_mode: 'HTML', reply_markup: keyboard });
      const error = await apiError(
        bot.api.editMessageText(ALICE.id, sent.message_id, '<b>Same</b>', {
          parse_mode: 'HTML',
          reply_markup: keyboard,
        }),
      );
      expect(error.error_code).toBe(400);
      expect(error.description).toBe(
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
      // Different formatting of the same characters is a modification.
      const plain = await bot.api.editMessageText(ALICE.id, sent.message_id, 'Same', { reply_markup: keyboard });
      expect(plain).not.toHaveProperty('entities');
      const markupError = await apiError(
        bot.api.editMessageReplyMarkup(ALICE.id, sent.message_id, { reply_markup: keyboard }),
      );
      expect(markupError.description).toContain('message is not modified');
      expect(fake.messages(ALICE.id)[1]).toMatchObject({ text: 'Same', edits: 1 });
    });
  });

  it('stores the bytes of a multipart sendDocument and answers with a full Message', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await fake.sendText(ALICE, '/export');
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, index) => (index * 31) % 256));
      const sent = await bot.api.sendDocument(ALICE.id, new InputFile(bytes, 'x.xlsx'), {
        caption: '<b>Цены</b> на сегодня',
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text('Again', 'export:again'),
      });
      expect(sent.document).toMatchObject({
        file_name: 'x.xlsx',
        mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        file_size: bytes.length,
      });
      expect(sent.caption).toBe('Цены на сегодня');
      expect(sent.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
      expect(sent.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Again', callback_data: 'export:again' }]] });

      const stored = fake.lastBotMessage(ALICE.id);
      expect(stored?.document?.data.equals(bytes)).toBe(true);
      const call = fake.calls.find((item) => item.method === 'sendDocument');
      // Form fields are normalised like JSON ones: numbers are numbers, JSON fields are parsed.
      expect(call?.payload).toMatchObject({
        chat_id: ALICE.id,
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: [[{ text: 'Again', callback_data: 'export:again' }]] },
      });
      expect(call?.payload.document).toMatchObject({ file_name: 'x.xlsx', size: bytes.length });

      // Sending the same file again by file_id reuses it.
      const again = await bot.api.sendDocument(ALICE.id, sent.document?.file_id ?? '');
      expect(again.document?.file_id).toBe(sent.document?.file_id);
      expect(fake.lastBotMessage(ALICE.id)?.document?.data.equals(bytes)).toBe(true);
    });
  });

  it('lets the bot getFile a user document and download its bytes over HTTP', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      const downloads: Buffer[] = [];
      bot.on('message:document', async (ctx) => {
        const file = await ctx.getFile();
        const response = await fetch(`${fake.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
        const data = Buffer.from(await response.arrayBuffer());
        downloads.push(data);
        await ctx.reply(`Got ${ctx.message.document.file_name}: ${data.length} bytes`);
      });
      const upload = Buffer.from('sku;price\n102298404;189990\n', 'utf8');
      await whileRunning(bot, async () => {
        await fake.sendDocument(ALICE, 'prices.csv', upload, undefined, 'my prices');
        await fake.waitForBotMessage(ALICE.id, (message) => message.text === `Got prices.csv: ${upload.length} bytes`);
      });
      expect(downloads).toHaveLength(1);
      expect(downloads[0]?.equals(upload)).toBe(true);
      const getFile = fake.calls.find((call) => call.method === 'getFile');
      expect(getFile?.result).toMatchObject({
        file_path: expect.stringMatching(/^documents\/file_\d+\.csv$/),
        file_size: upload.length,
      });
      expect(fake.messages(ALICE.id)[0]).toMatchObject({
        from: 'user',
        caption: 'my prices',
        document: { file_name: 'prices.csv', mime_type: 'text/csv' },
      });

      const wrongToken = await fetch(
        `${fake.apiRoot}/file/bot999:wrong/${String((getFile?.result as { file_path: string }).file_path)}`,
      );
      expect(wrongToken.status).toBe(404);
    });
  });

  it('long-polls: an update sent 300 ms into a poll is delivered by that poll, without the bot spinning', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
      await whileRunning(bot, async () => {
        await fake.waitForPoll();
        const firstPoll = fake.calls.length;
        await delay(300);
        const sentAt = Date.now();
        await fake.sendText(ALICE, 'late');
        await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'echo: late');
        const polls = fake.calls.slice(firstPoll).filter((call) => call.method === 'getUpdates');
        expect(polls).toHaveLength(1);
        expect(polls[0]?.payload.timeout).toBe(30);
        expect(sentAt - (polls[0]?.at ?? sentAt)).toBeGreaterThanOrEqual(250);
        expect((polls[0]?.result as unknown[]).length).toBe(1);
      });
    });
  });

  it('answers the older of two concurrent long polls with 409, which stops the runner', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await whileRunning(bot, async (handle) => {
        await fake.waitForPoll();
        const second = postJson(fake, 'getUpdates', { timeout: 0 });
        const error = await apiError(handle.task() ?? Promise.resolve());
        expect(error.error_code).toBe(409);
        expect(error.description).toBe(
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
        );
        expect((await second).body).toEqual({ ok: true, result: [] });
        expect(handle.isRunning()).toBe(false);
      });
    });
  });

  it('POSTs updates to a webhook with the secret header and retries until it gets a 2xx', async () => {
    const headers: IncomingHttpHeaders[] = [];
    const updates: unknown[] = [];
    let webhookServer: Server | undefined;
    await withFake(
      async (fake) => {
        const bot = botFor(fake);
        bot.use((ctx, next) => {
          updates.push(ctx.update);
          return next();
        });
        bot.command('start', (ctx) => ctx.reply('Hi from webhook'));
        const handle = webhookCallback(bot, 'http', { secretToken: 'sandbox_secret-1' });
        webhookServer = createServer((request, response) => {
          headers.push(request.headers);
          if (headers.length === 1) {
            // The first delivery fails, as a restarting bot would.
            request.resume();
            response.writeHead(500).end();
            return;
          }
          void handle(request, response);
        });
        await new Promise<void>((resolve) => webhookServer?.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/telegram`;

        const set = await postJson(fake, 'setWebhook', { url, secret_token: 'sandbox_secret-1' });
        expect(set.body).toEqual({ ok: true, result: true, description: 'Webhook was set' });
        const conflict = await postJson(fake, 'getUpdates', {});
        expect(conflict).toEqual({
          status: 409,
          body: {
            ok: false,
            error_code: 409,
            description:
              "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          },
        });

        await fake.sendText(ALICE, '/start');
        await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'Hi from webhook');
        expect(headers.length).toBe(2);
        expect(headers.map((item) => item['x-telegram-bot-api-secret-token'])).toEqual([
          'sandbox_secret-1',
          'sandbox_secret-1',
        ]);
        expect(updates).toMatchObject([{ update_id: 1, message: { text: '/start', chat: { id: ALICE.id } } }]);

        const info = await bot.api.getWebhookInfo();
        expect(info).toMatchObject({
          url,
          pending_update_count: 0,
          last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
        });
        const deleted = await postJson(fake, 'deleteWebhook', {});
        expect(deleted.body).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
        expect((await postJson(fake, 'getUpdates', {})).body).toEqual({ ok: true, result: [] });
      },
      { webhookRetryDelayMs: 20 },
    );
    await new Promise<void>((resolve) => {
      webhookServer?.close(() => resolve());
      webhookServer?.closeAllConnections();
    });
  });

  it('floods with 429 retry_after, and @grammyjs/auto-retry recovers', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'hi');
      const plain = botFor(fake);
      fake.injectFlood('sendMessage', 3);
      const error = await apiError(plain.api.sendMessage(ALICE.id, 'too fast'));
      expect(error.error_code).toBe(429);
      expect(error.description).toBe('Too Many Requests: retry after 3');
      expect(error.parameters).toEqual({ retry_after: 3 });

      const bot = botFor(fake);
      bot.api.config.use(autoRetry());
      bot.command('start', (ctx) => ctx.reply('after the flood'));
      fake.injectFlood('SENDMESSAGE', 1);
      await whileRunning(bot, async () => {
        await fake.sendText(ALICE, '/start');
        await fake.waitForBotMessage(ALICE.id, (message) => message.text === 'after the flood', { timeoutMs: 5000 });
      });
      const attempts = fake.calls.filter(
        (call) => call.method === 'sendMessage' && call.payload.text === 'after the flood',
      );
      expect(attempts.map((call) => call.ok)).toEqual([false, true]);
      expect(attempts[0]?.error).toEqual({ error_code: 429, description: 'Too Many Requests: retry after 1' });
      expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
      expect(fake.messages(ALICE.id).filter((message) => message.text === 'after the flood')).toHaveLength(1);
    });
  });

  it('rejects malformed HTML and MarkdownV2 with "can\'t parse entities", and parses good HTML into entities', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      await fake.sendText(ALICE, 'hi');
      const unclosed = await apiError(bot.api.sendMessage(ALICE.id, '<b>Цена', { parse_mode: 'HTML' }));
      expect(unclosed.description).toBe(
        'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
      );
      const rawLess = await apiError(bot.api.sendMessage(ALICE.id, 'цена < 100', { parse_mode: 'HTML' }));
      // Byte offsets count UTF-8 bytes, as TDLib's do.
      expect(rawLess.description).toBe('Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 9');
      const unsupported = await apiError(bot.api.sendMessage(ALICE.id, 'line<br/>break', { parse_mode: 'HTML' }));
      expect(unsupported.description).toContain('Unsupported start tag "br/"');
      const crossed = await apiError(bot.api.sendMessage(ALICE.id, '<b><i>x</b></i>', { parse_mode: 'HTML' }));
      expect(crossed.description).toContain('Unmatched end tag at byte offset 7, expected "</i>", found "</b>"');
      const ampersand = await apiError(bot.api.sendMessage(ALICE.id, 'Tom & Jerry', { parse_mode: 'HTML' }));
      expect(ampersand.description).toMatch(/^Bad Request: can't parse entities: Character '&' at byte offset 4/);
      const markdown = await apiError(bot.api.sendMessage(ALICE.id, 'Price: 100.5', { parse_mode: 'MarkdownV2' }));
      expect(markdown.description).toBe(
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
      );

      const good = await bot.api.sendMessage(
        ALICE.id,
        '<b>Цена</b> &lt;100&gt; <a href="https://kaspi.kz/shop">магазин</a> <tg-spoiler>😀x</tg-spoiler> <pre><code class="language-json">{}</code></pre>',
        { parse_mode: 'HTML' },
      );
      expect(good.text).toBe('Цена <100> магазин 😀x {}');
      expect(good.entities).toEqual([
        { type: 'bold', offset: 0, length: 4 },
        { type: 'text_link', offset: 11, length: 7, url: 'https://kaspi.kz/shop' },
        { type: 'spoiler', offset: 19, length: 3 },
        { type: 'pre', offset: 23, length: 2, language: 'json' },
      ]);
      const escaped = await bot.api.sendMessage(ALICE.id, '*Итого:* 100\\.5 ₸ \\- [Kaspi](https://kaspi.kz)', {
        parse_mode: 'MarkdownV2',
      });
      expect(escaped.text).toBe('Итого: 100.5 ₸ - Kaspi');
      expect(escaped.entities).toEqual([
        { type: 'bold', offset: 0, length: 6 },
        { type: 'text_link', offset: 17, length: 5, url: 'https://kaspi.kz/' },
      ]);
      expect(fake.messages(ALICE.id).filter((message) => message.from === 'bot')).toHaveLength(2);
    });
  });

  it('answers a wrong token with 401 and an unknown chat with "chat not found"', async () => {
    await withFake(async (fake) => {
      expect(await postJson(fake, 'getMe', {}, '123456789:wrong')).toEqual({
        status: 401,
        body: { ok: false, error_code: 401, description: 'Unauthorized' },
      });
      const wrongBot = botFor(fake, '987654321:AAHanother-token-0123456789abcdefgh');
      const unauthorized = await apiError(wrongBot.api.getMe());
      expect(unauthorized.error_code).toBe(401);

      const bot = botFor(fake);
      const notFound = await apiError(bot.api.sendMessage(ALICE.id, 'nobody wrote from this chat'));
      expect(notFound.error_code).toBe(400);
      expect(notFound.description).toBe('Bad Request: chat not found');
      await fake.sendText(ALICE, 'now I did');
      await expect(bot.api.sendMessage(ALICE.id, 'hello')).resolves.toMatchObject({
        chat: { id: ALICE.id, type: 'private', first_name: 'Alice' },
      });
      expect(fake.calls.map((call) => [call.method, call.ok])).toEqual([
        ['getMe', false],
        ['getMe', false],
        ['sendMessage', false],
        ['sendMessage', true],
      ]);
    });
  });
});

describe('fake Telegram Bot API by raw HTTP', () => {
  it('takes parameters as query string, urlencoded form and standard multipart, methods in any case', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'hi');
      const viaQuery = await raw(
        fake,
        `/bot${TOKEN}/SENDMESSAGE?chat_id=${ALICE.id}&text=${encodeURIComponent('from the query')}`,
      );
      expect(viaQuery.body).toMatchObject({ ok: true, result: { message_id: 2, text: 'from the query' } });

      const form = new URLSearchParams({
        chat_id: String(ALICE.id),
        text: 'from a form',
        reply_markup: JSON.stringify({
          keyboard: [['Share phone'], [{ text: 'Contact', request_contact: true }]],
          resize_keyboard: true,
        }),
      });
      const viaForm = await raw(fake, `/bot${TOKEN}/sendmessage`, { method: 'POST', body: form });
      expect(viaForm.body).toMatchObject({ ok: true, result: { text: 'from a form' } });
      // Reply keyboards are not echoed in the Message, but the chat shows them.
      expect((viaForm.body.result as Record<string, unknown>).reply_markup).toBeUndefined();
      expect(fake.replyKeyboard(ALICE.id)).toEqual({
        keyboard: [[{ text: 'Share phone' }], [{ text: 'Contact', request_contact: true }]],
        resize_keyboard: true,
      });

      const multipart = new FormData();
      multipart.set('chat_id', String(ALICE.id));
      multipart.set('document', new Blob([Buffer.from('a;b\n1;2\n')]), 'отчёт май.csv');
      const viaMultipart = await raw(fake, `/bot${TOKEN}/sendDocument`, { method: 'POST', body: multipart });
      expect(viaMultipart.body).toMatchObject({
        ok: true,
        result: { document: { file_name: 'отчёт май.csv', mime_type: 'text/csv', file_size: 8 } },
      });
      expect(fake.lastBotMessage(ALICE.id)?.document?.data.toString()).toBe('a;b\n1;2\n');

      expect(await raw(fake, `/bot${TOKEN}/getChatHistory`)).toEqual({
        status: 404,
        body: { ok: false, error_code: 404, description: 'Not Found' },
      });
      expect(fake.calls.map((call) => call.method)).toEqual([
        'sendMessage',
        'sendMessage',
        'sendDocument',
        'getChatHistory',
      ]);
    });
  });

  it('parses MarkdownV2 and legacy Markdown the way TDLib does', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'hi');
      const quote = await postJson(fake, 'sendMessage', {
        chat_id: ALICE.id,
        text: '>Товар снят\n>с продажи\nи всё',
        parse_mode: 'MarkdownV2',
      });
      expect(quote.body.result).toMatchObject({
        text: 'Товар снят\nс продажи\nи всё',
        entities: [{ type: 'blockquote', offset: 0, length: 20 }],
      });
      const unclosed = await postJson(fake, 'sendMessage', {
        chat_id: ALICE.id,
        text: 'x *bold',
        parse_mode: 'MarkdownV2',
      });
      expect(unclosed.body.description).toBe(
        "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 2",
      );
      const legacy = await postJson(fake, 'sendMessage', {
        chat_id: ALICE.id,
        text: '*Итого* `42` [Kaspi](https://kaspi.kz)',
        parse_mode: 'Markdown',
      });
      expect(legacy.body.result).toMatchObject({
        text: 'Итого 42 Kaspi',
        entities: [
          { type: 'bold', offset: 0, length: 5 },
          { type: 'code', offset: 6, length: 2 },
          { type: 'text_link', offset: 9, length: 5, url: 'https://kaspi.kz/' },
        ],
      });
      expect(
        (await postJson(fake, 'sendMessage', { chat_id: ALICE.id, text: '_open', parse_mode: 'Markdown' })).body
          .description,
      ).toBe("Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 0");
    });
  });

  it('judges the token before the body, and hides a one-time keyboard once the user answered', async () => {
    await withFake(async (fake) => {
      const badJson = await raw(fake, `/bot123:nope/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      expect(badJson.status).toBe(401);
      const badJsonGoodToken = await raw(fake, `/bot${TOKEN}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      expect(badJsonGoodToken.status).toBe(400);

      await fake.sendText(ALICE, '/phone');
      await postJson(fake, 'sendMessage', {
        chat_id: ALICE.id,
        text: 'Share?',
        reply_markup: { keyboard: [[{ text: 'Share', request_contact: true }]], one_time_keyboard: true },
      });
      expect(fake.replyKeyboard(ALICE.id)?.keyboard).toEqual([[{ text: 'Share', request_contact: true }]]);
      await fake.sendContact(ALICE, '77010000001');
      expect(fake.replyKeyboard(ALICE.id)).toBeUndefined();
    });
  });

  it('performs a method call a bot returns in its webhook answer', async () => {
    let hits = 0;
    const hook = createServer((request, response) => {
      hits += 1;
      request.resume();
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ method: 'sendMessage', chat_id: ALICE.id, text: 'replied in the webhook answer' }));
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      await withFake(async (fake) => {
        await postJson(fake, 'setWebhook', { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` });
        await fake.sendText(ALICE, 'hello');
        const reply = await fake.waitForBotMessage(
          ALICE.id,
          (message) => message.text === 'replied in the webhook answer',
        );
        expect(reply.message_id).toBe(2);
        expect(fake.calls.at(-1)).toMatchObject({
          method: 'sendMessage',
          ok: true,
          viaWebhookReply: true,
          payload: { chat_id: ALICE.id },
        });
        expect(hits).toBe(1);
      });
    } finally {
      await new Promise<void>((resolve) => {
        hook.close(() => resolve());
        hook.closeAllConnections();
      });
    }
  });

  it('keeps commands, chat actions, photos and a blocked user the way Telegram does', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      const events: string[] = [];
      const unsubscribe = fake.subscribe((event) => events.push(`${event.type}:${event.chat_id}`));
      await bot.api.setMyCommands([{ command: 'start', description: 'Начать' }], { language_code: 'ru' });
      await bot.api.setMyCommands([{ command: 'start', description: 'Start' }]);
      expect(await bot.api.getMyCommands({ language_code: 'ru' })).toEqual([
        { command: 'start', description: 'Начать' },
      ]);
      expect(fake.botCommands('ru')).toEqual([{ command: 'start', description: 'Начать' }]);
      expect(fake.botCommands('kk')).toEqual([{ command: 'start', description: 'Start' }]);
      const invalid = await apiError(bot.api.setMyCommands([{ command: 'Start', description: 'x' }]));
      expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');
      await bot.api.deleteMyCommands();
      expect(fake.botCommands()).toEqual([]);

      await fake.sendText(ALICE, 'chart?');
      await bot.api.sendChatAction(ALICE.id, 'upload_photo');
      const png = Buffer.alloc(33);
      png.writeUInt32BE(0x89504e47, 0);
      png.write('IHDR', 12, 'ascii');
      png.writeUInt32BE(640, 16);
      png.writeUInt32BE(480, 20);
      const photo = await bot.api.sendPhoto(ALICE.id, new InputFile(png, 'chart.png'), { caption: 'Chart' });
      expect(photo.photo?.[0]).toMatchObject({ width: 640, height: 480, file_size: 33 });
      expect(fake.lastBotMessage(ALICE.id)).toMatchObject({ caption: 'Chart', photo: { width: 640, height: 480 } });
      const mismatch = await apiError(bot.api.sendDocument(ALICE.id, photo.photo?.[0]?.file_id ?? ''));
      expect(mismatch.description).toBe('Bad Request: type of file mismatch');

      fake.blockBot(ALICE);
      const blocked = await apiError(bot.api.sendMessage(ALICE.id, 'are you there?'));
      expect(blocked.error_code).toBe(403);
      expect(blocked.description).toBe('Forbidden: bot was blocked by the user');
      fake.blockBot(ALICE, false);
      await bot.api.sendMessage(ALICE.id, 'welcome back');
      unsubscribe();
      expect(events).toEqual([
        `message:${ALICE.id}`,
        `chat_action:${ALICE.id}`,
        `message:${ALICE.id}`,
        `message:${ALICE.id}`,
      ]);
    });
  });

  it('words validation errors like Telegram', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'hi');
      const cases: [Record<string, unknown>, string][] = [
        [{ chat_id: ALICE.id, text: '   ' }, 'Bad Request: message text is empty'],
        [{ chat_id: ALICE.id, text: 'я'.repeat(4097) }, 'Bad Request: message is too long'],
        [
          {
            chat_id: ALICE.id,
            text: 'x',
            reply_markup: { inline_keyboard: [[{ text: 'Long', callback_data: 'ж'.repeat(33) }]] },
          },
          'Bad Request: BUTTON_DATA_INVALID',
        ],
        [
          { chat_id: ALICE.id, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'Nothing' }]] } },
          "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ],
        [{ chat_id: ALICE.id, text: 'x', parse_mode: 'BBCode' }, 'Bad Request: unsupported parse_mode'],
        [
          { chat_id: ALICE.id, text: 'x', reply_parameters: { message_id: 99 } },
          'Bad Request: message to be replied not found',
        ],
      ];
      for (const [payload, description] of cases) {
        expect(await postJson(fake, 'sendMessage', payload), description).toEqual({
          status: 400,
          body: { ok: false, error_code: 400, description },
        });
      }
      expect((await postJson(fake, 'sendMessage', { chat_id: ALICE.id, text: 'я'.repeat(4096) })).status).toBe(200);
      expect(
        (await postJson(fake, 'editMessageText', { chat_id: ALICE.id, message_id: 77, text: 'x' })).body.description,
      ).toBe('Bad Request: message to edit not found');
      expect(
        (await postJson(fake, 'editMessageText', { chat_id: ALICE.id, message_id: 1, text: 'x' })).body.description,
      ).toBe("Bad Request: message can't be edited");
      expect((await postJson(fake, 'deleteMessage', { chat_id: ALICE.id, message_id: 77 })).body.description).toBe(
        'Bad Request: message to delete not found',
      );
      expect((await postJson(fake, 'answerCallbackQuery', { callback_query_id: '42' })).body.description).toBe(
        'Bad Request: query is too old and response timeout expired or query ID is invalid',
      );
      expect((await postJson(fake, 'sendChatAction', { chat_id: ALICE.id, action: 'dancing' })).body.description).toBe(
        'Bad Request: wrong parameter action in request',
      );
      expect((await postJson(fake, 'getFile', { file_id: 'nope' })).body.description).toBe(
        'Bad Request: invalid file_id',
      );
      // Nothing that failed reached the chat.
      expect(fake.messages(ALICE.id)).toHaveLength(2);
    });
  });

  it('lets the bot delete a user message (a password) and answer a callback query only once', async () => {
    await withFake(async (fake) => {
      const bot = botFor(fake);
      const password = await fake.sendText(ALICE, 'Sandbox-Pass-1');
      await expect(bot.api.deleteMessage(ALICE.id, password.message_id)).resolves.toBe(true);
      expect(fake.messages(ALICE.id)[0]).toMatchObject({ from: 'user', text: 'Sandbox-Pass-1', deleted: true });
      const again = await apiError(bot.api.deleteMessage(ALICE.id, password.message_id));
      expect(again.description).toBe('Bad Request: message to delete not found');

      const menu = await bot.api.sendMessage(ALICE.id, 'Confirm?', {
        reply_markup: new InlineKeyboard().text('Yes', 'yes'),
      });
      const queryId = await fake.pressButton(ALICE, menu.message_id, 'yes');
      await expect(bot.api.answerCallbackQuery(queryId, { text: 'Done', show_alert: true })).resolves.toBe(true);
      const twice = await apiError(bot.api.answerCallbackQuery(queryId));
      expect(twice.description).toBe(
        'Bad Request: query is too old and response timeout expired or query ID is invalid',
      );
      expect(fake.callbackAnswers(queryId)?.payload).toMatchObject({ text: 'Done', show_alert: true });
    });
  });

  it('confirms updates by offset, honours limit, and keeps unconfirmed ones', async () => {
    await withFake(async (fake) => {
      await fake.sendText(ALICE, 'one');
      await fake.sendContact(ALICE, '+77010000001');
      const all = await postJson(fake, 'getUpdates', {});
      const updates = all.body.result as { update_id: number; message: Message }[];
      expect(updates.map((update) => update.update_id)).toEqual([1, 2]);
      expect(updates[1]?.message.contact).toEqual({
        phone_number: '+77010000001',
        first_name: 'Alice',
        user_id: ALICE.id,
      });
      expect((await postJson(fake, 'getUpdates', { limit: 1 })).body.result).toHaveLength(1);
      expect(
        ((await postJson(fake, 'getUpdates', { offset: 2 })).body.result as { update_id: number }[]).map(
          (update) => update.update_id,
        ),
      ).toEqual([2]);
      expect((await postJson(fake, 'getUpdates', { offset: 3 })).body.result).toEqual([]);
      const started = Date.now();
      expect((await postJson(fake, 'getUpdates', { offset: 3, timeout: 1 })).body.result).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });
  });

  it('ends a pending long poll with [] on close and leaves waiting callers with a clear error', async () => {
    const fake = await startFakeTelegram({ token: TOKEN, port: 0 });
    const poll = postJson(fake, 'getUpdates', { timeout: 30 });
    await fake.waitForPoll();
    const waiting = expect(
      fake.waitForCall((call) => call.method === 'sendMessage', { timeoutMs: 30_000 }),
    ).rejects.toThrow(/closed/);
    const started = Date.now();
    await fake.close();
    expect((await poll).body).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeLessThan(1000);
    await waiting;
    expect(fake.calls.map((call) => [call.method, call.ok, call.result])).toEqual([['getUpdates', true, []]]);
  });

  it('explains a waitForCall timeout with the recent calls', async () => {
    await withFake(async (fake) => {
      await postJson(fake, 'sendMessage', { chat_id: 5, text: 'x' });
      await expect(fake.waitForCall((call) => call.method === 'editMessageText', { timeoutMs: 50 })).rejects.toThrow(
        /no matching Bot API call within 50 ms[\s\S]*sendMessage 400 Bad Request: chat not found/,
      );
      await expect(fake.waitForBotMessage(5, () => true, { timeoutMs: 50 })).rejects.toThrow(
        /no matching bot message in chat 5/,
      );
    });
  });
});
