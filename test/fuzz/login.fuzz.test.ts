import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { changedSince, newUser, say, startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import {
  brokenCalls,
  forgeAndAwaitAnyAnswer,
  genericErrorsIn,
  genericErrorTexts,
  hostileText,
  sendAndAwaitReply,
  settle,
  trackUnhandledRejections,
} from './support.js';

/**
 * Every step of the SMS and e-mail logins fed random and hostile text and stray buttons: each update is
 * answered, never with the catch-all error, and whatever was typed where a code or a password was expected
 * is deleted from the chat and never reaches the log.
 */
const logs = captureLogger('debug');
const rejections = trackUnhandledRejections();
let harness: BotHarness;
const seller = newUser('Нурлан');
let generic: string[];
/** The sandbox sends one code per identity per second (Kaspi: per minute); steps wait for their turn. */
const lastCodeAt = new Map<string, number>();

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 4 });
  generic = genericErrorTexts(harness);
}, 60_000);

afterAll(async () => {
  rejections.stop();
  await harness?.close();
});

const lastBotMessageId = (): number => harness.telegram.lastBotMessage(seller.id)!.message_id;

/**
 * Runs the step that makes Kaspi send a code once the sandbox's resend pause for this phone or e-mail has
 * passed since the previous code — timed from when that code was sent (the step's end), not from when its step
 * began: an e-mail step spends seconds in Chromium first.
 */
async function requestCode(identity: string, step: () => Promise<void>): Promise<void> {
  const wait = (lastCodeAt.get(identity) ?? 0) + 1_100 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await step();
  lastCodeAt.set(identity, Date.now());
}

async function chooseMethod(method: 'sms' | 'email', expect: RegExp): Promise<void> {
  const { telegram } = harness;
  const menu = await say(telegram, seller, '/login', /Как войти/);
  const fresh = changedSince(telegram, seller.id, expect);
  await telegram.pressButton(seller, menu.message_id, `1:lm:${method}`);
  await telegram.waitForBotMessage(seller.id, fresh, { timeoutMs: 15_000 });
  await settle(telegram);
}

async function sayAndWait(text: string, expect: RegExp, timeoutMs = 15_000): Promise<void> {
  const fresh = changedSince(harness.telegram, seller.id, expect);
  await harness.telegram.sendText(seller, text);
  await harness.telegram.waitForBotMessage(seller.id, fresh, { timeoutMs });
  await settle(harness.telegram);
}

const strayButton = fc.oneof(
  fc.constantFrom('1:mc:7', '1:mc:-1', '1:rc:1', '1:lm:sms', '1:x:1', '1:pt:0', '2:mc:0', ''),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
);

const FUZZ = { endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261125) } as const;

/** `secret`: what was typed is a password or a code, so it must be deleted from the chat. */
async function fuzzStep(
  name: string,
  enter: () => Promise<void>,
  numRuns: number,
  options: { secret?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  const { telegram } = harness;
  await fc.assert(
    fc.asyncProperty(hostileText(), fc.option(strayButton, { freq: 4 }), async (text, button) => {
      await enter();
      const since = telegram.calls.length;
      if (button !== null) await forgeAndAwaitAnyAnswer(telegram, seller, lastBotMessageId(), button);
      const sent = await telegram.sendText(seller, text);
      await telegram.waitForCall(
        (call) =>
          call.method === 'sendMessage' &&
          Number(call.payload.chat_id) === seller.id &&
          telegram.calls.indexOf(call) >= since,
        {
          since,
          timeoutMs: options.timeoutMs ?? 15_000,
        },
      );
      await settle(telegram, 100, options.timeoutMs ?? 15_000);
      const calls = telegram.calls.slice(since);
      const input = `${name}: ${JSON.stringify(text.slice(0, 80))} after ${JSON.stringify(button)}`;
      expect(brokenCalls(calls), input).toEqual([]);
      expect(genericErrorsIn(calls, generic), input).toEqual([]);
      expect(rejections.reasons, input).toEqual([]);
      if (options.secret && !text.startsWith('/')) {
        // The answer awaited above may be the stray button's, sent before the text was even read: wait for the
        // deletion itself (a missing one still fails, after the timeout).
        await telegram
          .waitForCall(
            (call) => call.method === 'deleteMessage' && Number(call.payload.message_id) === sent.message_id,
            { since, timeoutMs: 10_000 },
          )
          .catch(() => undefined);
        expect(
          telegram.messages(seller.id).find((message) => message.message_id === sent.message_id)?.deleted,
          input,
        ).toBe(true);
        if (text.length >= 8) expect(logs.text().includes(text), input).toBe(false);
      }
      await sendAndAwaitReply(telegram, seller, '/cancel');
    }),
    { ...FUZZ, numRuns },
  );
}

describe('login steps with random and hostile input', () => {
  it('SMS: the phone number', async () => {
    await fuzzStep('sms phone', () => chooseMethod('sms', /номер телефона/), 15);
  });

  it('SMS: the code', async () => {
    await fuzzStep(
      'sms code',
      async () => {
        await chooseMethod('sms', /номер телефона/);
        await requestCode('01', () => sayAndWait('+7 701 000 00 01', /Введите код/));
      },
      6,
      { secret: true },
    );
  });

  it('SMS: text where the merchant button is expected', async () => {
    await fuzzStep(
      'merchant',
      async () => {
        await chooseMethod('sms', /номер телефона/);
        await requestCode('02', () => sayAndWait('+7 701 000 00 02', /Введите код/));
        await sayAndWait(harness.sandbox.lastCode('+7 (701) 000-00-02')!, /несколько магазинов/);
      },
      4,
    );
  });

  it('e-mail: the address', async () => {
    await fuzzStep('email address', () => chooseMethod('email', /e-mail/), 12);
  });

  it('e-mail: the password (each one tried in Chromium)', async () => {
    await fuzzStep(
      'email password',
      async () => {
        await chooseMethod('email', /e-mail/);
        await sayAndWait('nomfa@example.kz', /пароль/);
      },
      3,
      { secret: true, timeoutMs: 60_000 },
    );
  }, 120_000);

  it('e-mail: the code Kaspi e-mailed', async () => {
    await fuzzStep(
      'email code',
      async () => {
        await chooseMethod('email', /e-mail/);
        await sayAndWait('seller@example.kz', /пароль/);
        await requestCode('seller@example.kz', () => sayAndWait('Sandbox-Pass-1', /код подтверждения/, 60_000));
      },
      2,
      { secret: true, timeoutMs: 60_000 },
    );
  }, 120_000);
});

describe('afterwards', () => {
  it('the seller can still log in, nothing failed inside an update, no unhandled rejection', async () => {
    await chooseMethod('sms', /номер телефона/);
    await requestCode('01', () => sayAndWait('+7 701 000 00 01', /Введите код/));
    await sayAndWait(harness.sandbox.lastCode('+7 (701) 000-00-01')!, /подключён/);
    const failures = logs.lines().filter((line) => line.msg === 'update failed' || line.msg === 'unhandled bot error');
    expect(failures.map((line) => JSON.stringify(line).slice(0, 600))).toEqual([]);
    expect(rejections.reasons).toEqual([]);
  });
});
