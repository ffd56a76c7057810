import fc from 'fast-check';
import pg from 'pg';

import type { RecordedCall } from '../../src/telegram-sandbox/bot-api-server.js';
import type { FakeTelegram, FakeUser } from '../../src/telegram-sandbox/bot-api-server.js';
import type { BotHarness } from '../helpers/bot-harness.js';

/** Bot API calls that count as "the bot answered this chat". */
const REPLY_METHODS = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'sendDocument',
  'sendPhoto',
  'answerCallbackQuery',
]);

/**
 * Records every unhandled promise rejection while a test file runs. Vitest reports them too, but only after
 * the file: this lets each test assert "none" right where the hostile input was sent.
 */
export function trackUnhandledRejections(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

/** Waits until no Bot API call has arrived for `quietMs`: the bot finished what the last update started. */
export async function settle(telegram: FakeTelegram, quietMs = 40, maxMs = 5_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let seen = telegram.calls.length;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    if (telegram.calls.length !== seen) {
      seen = telegram.calls.length;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return;
  }
}

/**
 * Sends a text and waits for the bot's first answer to that chat (a message, an edit, a document). Throws
 * when nothing comes: every update must get a reply.
 */
export async function sendAndAwaitReply(
  telegram: FakeTelegram,
  user: FakeUser,
  text: string,
  timeoutMs = 10_000,
): Promise<RecordedCall> {
  const since = telegram.calls.length;
  await telegram.sendText(user, text);
  const call = await telegram.waitForCall(
    (candidate) =>
      REPLY_METHODS.has(candidate.method) &&
      candidate.method !== 'answerCallbackQuery' &&
      Number(candidate.payload.chat_id) === user.id,
    {
      since,
      timeoutMs,
    },
  );
  await settle(telegram);
  return call;
}

/** Forges a button press and waits for `answerCallbackQuery` of exactly that query. */
export async function forgeAndAwaitAnswer(
  telegram: FakeTelegram,
  user: FakeUser,
  messageId: number,
  data: string,
  options: { timeoutMs?: number; settle?: boolean } = {},
): Promise<RecordedCall> {
  const since = telegram.calls.length;
  const queryId = await telegram.forgeCallback(user, messageId, data);
  const call = await telegram.waitForCall(
    (candidate) => candidate.method === 'answerCallbackQuery' && candidate.payload.callback_query_id === queryId,
    { since, timeoutMs: options.timeoutMs ?? 10_000 },
  );
  if (options.settle !== false) await settle(telegram);
  return call;
}

/** A plain SQL connection to the harness's database: what an attacker with a dump of the tables would read. */
export async function openSql(harness: BotHarness): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: harness.deps.config.databaseUrl });
  await client.connect();
  return client;
}

export async function rows<T extends Record<string, unknown>>(
  sql: pg.Client,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await sql.query(text, params)).rows as T[];
}

/** Every row of every table of the schema as JSON text, for "this value is nowhere in the database". */
export async function dumpDatabase(sql: pg.Client): Promise<string> {
  const tables = await rows<{ table_name: string }>(
    sql,
    `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const found = await rows<{ row: string }>(sql, `select row_to_json(t)::text as row from "${table_name}" t`);
    parts.push(`## ${table_name}\n${found.map((row) => row.row).join('\n')}`);
  }
  return parts.join('\n');
}

/**
 * What a seller owns, as stored: their seller row, stores, products, preorders and price history. Columns a
 * read refreshes on its own (timestamps of checks) are left out; any other difference is a write.
 */
export async function sellerSnapshot(sql: pg.Client, telegramUserId: number): Promise<string> {
  const [seller] = await rows<{ id: number }>(sql, 'select id from seller where telegram_user_id = $1', [
    telegramUserId,
  ]);
  if (!seller) return 'no seller';
  const sellerRow = await rows(sql, 'select id, active_store_id, language, notify_level from seller where id = $1', [
    seller.id,
  ]);
  const stores = await rows(
    sql,
    'select id, merchant_uid, name, session_sealed, login_identity_sealed, password_sealed, session_state, demper_enabled, demper_dry_run from store where seller_id = $1 order by id',
    [seller.id],
  );
  const products = await rows(
    sql,
    `select p.id, p.sku, p.price, p.on_sale, p.min_price, p.max_price, p.step, p.step_is_percent, p.demper_enabled, p.strategy, p.target_place, p.removed_at, p.availabilities
       from product p join store s on s.id = p.store_id where s.seller_id = $1 order by p.id`,
    [seller.id],
  );
  const preorders = await rows(
    sql,
    'select pr.id, pr.status, pr.points from preorder pr join store s on s.id = pr.store_id where s.seller_id = $1 order by pr.id',
    [seller.id],
  );
  const changes = await rows(
    sql,
    'select c.id, c.status, c.new_price, c.source from price_change c join store s on s.id = c.store_id where s.seller_id = $1 order by c.id',
    [seller.id],
  );
  return JSON.stringify({ sellerRow, stores, products, preorders, changes });
}

/** Telegram's refusals that mean the bot sent something broken (bad HTML, too long, empty). */
export function brokenCalls(calls: RecordedCall[]): RecordedCall[] {
  return calls.filter(
    (call) =>
      !call.ok &&
      call.error?.error_code === 400 &&
      !/message is not modified|message to delete not found|message can't be (deleted|edited)|query is too old/.test(
        call.error.description,
      ),
  );
}

/** The catch-all error texts the bot sent among these calls. */
export function genericErrorsIn(calls: RecordedCall[], generic: string[]): string[] {
  return calls
    .filter((call) => call.method === 'sendMessage' || call.method === 'editMessageText')
    .map((call) => String(call.payload.text))
    .filter((text) => generic.includes(text));
}

/** Forges a press and waits for any answer: the callback answered, or a message to the chat. */
export async function forgeAndAwaitAnyAnswer(
  telegram: FakeTelegram,
  user: FakeUser,
  messageId: number,
  data: string,
  timeoutMs = 10_000,
): Promise<RecordedCall> {
  const since = telegram.calls.length;
  const queryId = await telegram.forgeCallback(user, messageId, data);
  const call = await telegram.waitForCall(
    (candidate) =>
      (candidate.method === 'answerCallbackQuery' && candidate.payload.callback_query_id === queryId) ||
      (REPLY_METHODS.has(candidate.method) && Number(candidate.payload.chat_id) === user.id),
    { since, timeoutMs },
  );
  await settle(telegram);
  return call;
}

/** Text a seller must never see in an answer to hostile input: the catch-all "something went wrong". */
export function genericErrorTexts(harness: BotHarness): string[] {
  return (['ru', 'kk', 'en'] as const).map((locale) => harness.deps.i18n.t(locale, 'error-generic'));
}

/** Hand-picked hostile strings: markup, SQL, prototype keys, direction marks, control and huge input. */
const HOSTILE_STRINGS = [
  '<b>bold</b>',
  '</code><b>x',
  '<a href="javascript:alert(1)">x</a>',
  '&',
  '&amp;&lt;&gt;',
  '<',
  '*bold* _it_ `code` [link](http://example.com)',
  "'; drop table store; --",
  '" or 1=1 --',
  '%',
  '_',
  '\\',
  '%_%\\%',
  '__proto__',
  'constructor',
  'prototype',
  '{"__proto__":{"admin":true}}',
  'toString',
  '\u202eRTL override',
  'עברית مرحبا',
  '\u200b\u200c\u200d\ufeff',
  '👨‍👩‍👧‍👦🇰🇿',
  'Қазақша ӘӨҮҰҚҒҢІһ',
  '-1',
  '0',
  '-0',
  'NaN',
  'Infinity',
  '1e309',
  '0x10',
  '9'.repeat(40),
  '12 000 ₸',
  '1,5',
  'on min=-1 max=1e99 step=0%',
  'min=abc max=<b>',
  '${process.exit()}',
  '{{7*7}}',
  '../../../etc/passwd',
  'a\nb\r\nc\td',
  '\u0000',
  'x\u0000y',
  '\u0007\u001b[31m',
  '🙂'.repeat(1000),
  'Ж'.repeat(4096),
  'x'.repeat(4096),
];

/** Any text a Telegram client could send (no lone surrogates, not blank, at most 4096 characters). */
export function hostileText(maxLength = 4096): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 200 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 3000, maxLength: 4096 }) },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.constantFrom(...HOSTILE_STRINGS, 'min=100', 'max=900', 'step=5%', 'on', 'off', '7', 'дней', '  '), {
            minLength: 1,
            maxLength: 6,
          })
          .map((parts) => parts.join(' ')),
      },
    )
    .map((text) => fitTelegram(text, maxLength))
    .filter((text) => text.trim() !== '');
}

/** Cuts text to Telegram's limit in UTF-16 units without splitting a surrogate pair. */
export function fitTelegram(text: string, maxLength = 4096): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
