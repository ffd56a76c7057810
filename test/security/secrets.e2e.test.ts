import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sessionAad } from '../../src/kaspi/session-manager.js';
import {
  BOT_TOKEN,
  loginBySms,
  newUser,
  press,
  say,
  startBotHarness,
  type BotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import { dumpDatabase, openSql, rows, trackUnhandledRejections } from '../fuzz/support.js';

/**
 * Kaspi credentials after a real SMS login and a real e-mail login: sealed in the `store` table as an
 * attacker with a database dump would read it, absent from every log line at `trace`, deleted from the chat,
 * and gone from the database after `/logout`.
 */
const logs = captureLogger('trace');
const rejections = trackUnhandledRejections();
let harness: BotHarness;
let sql: pg.Client;

const smsSeller = newUser('Алия');
const emailSeller = newUser('Daniyar', 'en');
const PHONE = '+7 (701) 000-00-01';
const EMAIL = 'seller@example.kz';
const PASSWORD = 'Sandbox-Pass-1';
const WRONG_PASSWORD = 'Wrong-Pass-9';

/** Everything secret this file saw, by what it is. */
const secrets = { smsCode: '', emailCode: '', cookies: [] as string[] };

interface StoreRow extends Record<string, unknown> {
  id: number;
  session_sealed: string | null;
  login_identity_sealed: string | null;
  password_sealed: string | null;
  row: string;
}

async function storeRows(telegramUserId: number): Promise<StoreRow[]> {
  return rows<StoreRow>(
    sql,
    `select s.id, s.session_sealed, s.login_identity_sealed, s.password_sealed, row_to_json(s)::text as row
       from store s join seller on seller.id = s.seller_id where seller.telegram_user_id = $1`,
    [telegramUserId],
  );
}

/** `needle` as a whole token: a 6-digit code must not "appear" inside a millisecond timestamp. */
// The row-bound associated data of the other sealed columns (session-manager keeps these two private).
const identityAad = (storeId: number) => `store:${storeId}:identity`;
const passwordAad = (storeId: number) => `store:${storeId}:password`;

function containsToken(haystack: string, needle: string): boolean {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`).test(haystack);
}

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger });
  sql = await openSql(harness);

  await loginBySms(harness, smsSeller, '+7 701 000 00 01');
  secrets.smsCode = harness.sandbox.lastCode(PHONE)!;

  const { telegram, sandbox } = harness;
  const method = await say(telegram, emailSeller, '/login', /How would you like to log in/);
  await press(telegram, emailSeller, method, 'e-mail', /Enter the e-mail/);
  await say(telegram, emailSeller, EMAIL, /Enter the password/);
  await say(telegram, emailSeller, WRONG_PASSWORD, /e-mail or password/i, 60_000);
  await say(telegram, emailSeller, PASSWORD, /confirmation code/, 60_000);
  secrets.emailCode = sandbox.lastCode(EMAIL)!;
  await say(telegram, emailSeller, secrets.emailCode, /connected/, 60_000);

  for (const user of [smsSeller, emailSeller]) {
    const [store] = await storeRows(user.id);
    const jar = harness.deps.secretBox.openJson<Record<string, string>>(store!.session_sealed!, sessionAad(store!.id));
    secrets.cookies.push(...Object.values(jar).filter((value) => value.length >= 8));
  }
}, 120_000);

afterAll(async () => {
  rejections.stop();
  await sql?.end();
  await harness?.close();
});

describe('Kaspi credentials at rest', () => {
  it('the raw store rows hold no cookie, phone, e-mail or password in plain text — only sealed values that open', async () => {
    expect(secrets.cookies.length).toBeGreaterThanOrEqual(2);
    const sms = (await storeRows(smsSeller.id))[0]!;
    const email = (await storeRows(emailSeller.id))[0]!;
    const plain = [
      PHONE,
      '7010000001',
      '000-00-01',
      '000 00 01',
      EMAIL,
      'seller@',
      PASSWORD,
      WRONG_PASSWORD,
      ...secrets.cookies,
    ];
    for (const row of [sms, email]) {
      for (const value of plain) expect(row.row, value).not.toContain(value);
      expect(row.session_sealed).toMatch(/^v1\./);
      expect(row.login_identity_sealed).toMatch(/^v1\./);
    }
    // The sealed columns really hold those secrets (the assertions above are about the right columns).
    const { secretBox } = harness.deps;
    expect(secretBox.open(sms.login_identity_sealed!, identityAad(sms.id))).toBe(PHONE);
    expect(secretBox.open(email.login_identity_sealed!, identityAad(email.id))).toBe(EMAIL);
    expect(secretBox.open(email.password_sealed!, passwordAad(email.id))).toBe(PASSWORD);
    expect(sms.password_sealed).toBeNull();
    // A sealed value moved into another store's row does not open: the row id is bound in.
    expect(() => secretBox.open(sms.session_sealed!, sessionAad(email.id))).toThrow();
  });

  it('no table anywhere holds the password, the codes, the cookies or the bot token in plain text', async () => {
    const dump = await dumpDatabase(sql);
    expect(dump).toContain('## store'); // the dump covers the tables it claims to
    for (const value of [PASSWORD, WRONG_PASSWORD, ...secrets.cookies, BOT_TOKEN, BOT_TOKEN.split(':')[1]!])
      expect(dump, value).not.toContain(value);
    for (const code of [secrets.smsCode, secrets.emailCode]) expect(containsToken(dump, code), code).toBe(false);
  });

  it('the codes and passwords typed in the chat were deleted from it', () => {
    const { telegram } = harness;
    const typed = [
      ...telegram
        .messages(smsSeller.id)
        .filter((message) => message.from === 'user' && message.text === secrets.smsCode),
      ...telegram
        .messages(emailSeller.id)
        .filter(
          (message) =>
            message.from === 'user' && [PASSWORD, WRONG_PASSWORD, secrets.emailCode].includes(message.text ?? ''),
        ),
    ];
    expect(typed.map((message) => message.text).sort()).toEqual(
      [secrets.smsCode, secrets.emailCode, PASSWORD, WRONG_PASSWORD].sort(),
    );
    expect(typed.filter((message) => !message.deleted)).toEqual([]);
    const deletes = telegram.calls.filter((call) => call.method === 'deleteMessage' && call.ok);
    expect(deletes.length).toBeGreaterThanOrEqual(4);
  });
});

describe('Kaspi credentials in logs', () => {
  it('a Telegram failure mid-update is logged without the bot token', async () => {
    const { telegram } = harness;
    telegram.injectError('sendMessage', 400, 'Bad Request: chat not found', 1);
    const since = telegram.calls.length;
    await telegram.sendText(smsSeller, '/help');
    await telegram.waitForCall((call) => call.method === 'sendMessage' && !call.ok, { since });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The failure did reach the log (so the grep below reads a line that had every chance to leak).
    expect(logs.lines().some((line) => line.level === 50 || line.level === 40)).toBe(true);
  });

  it('no line at any level holds the SMS or e-mail code, a password, a cookie value or the bot token', () => {
    const lines = logs.lines();
    expect(logs.logger.level).toBe('trace');
    expect(lines.some((line) => line.level === 20)).toBe(true); // debug lines (the most detailed the bot writes) were captured
    expect(lines.length).toBeGreaterThan(20);
    const text = logs.text();
    for (const value of [
      PASSWORD,
      WRONG_PASSWORD,
      ...secrets.cookies,
      BOT_TOKEN,
      BOT_TOKEN.split(':')[1]!,
      PHONE,
      '7010000001',
      EMAIL,
    ])
      expect(text, value).not.toContain(value);
    for (const code of [secrets.smsCode, secrets.emailCode]) {
      const leaking = lines.filter((line) => containsToken(JSON.stringify(line), code));
      expect(leaking, code).toEqual([]);
    }
  });
});

describe('/logout', () => {
  it('deletes the store row with its sealed cookies, identity and password; nothing sealed of it is left', async () => {
    const { telegram } = harness;
    for (const [user, yes] of [
      [smsSeller, 'Да, удалить'],
      [emailSeller, 'Yes, remove'],
    ] as const) {
      const [before] = await storeRows(user.id);
      expect(before?.session_sealed).toBeTruthy();
      const ask = await say(telegram, user, '/logout', /Удалить магазин|Remove store/);
      await press(telegram, user, ask, yes, /удалён вместе с данными входа|removed together with its login data/);
      expect(await storeRows(user.id)).toEqual([]);
      const dump = await dumpDatabase(sql);
      for (const sealed of [before!.session_sealed, before!.login_identity_sealed, before!.password_sealed].filter(
        Boolean,
      ) as string[])
        expect(dump).not.toContain(sealed);
      expect(await rows(sql, 'select id from product where store_id = $1', [before!.id])).toEqual([]);
    }
    const dump = await dumpDatabase(sql);
    for (const value of secrets.cookies) expect(dump).not.toContain(value);
    expect(rejections.reasons).toEqual([]);
  });
});
