import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ACTIONS } from '../../src/bot/callback-data.js';
import { BOT_COMMANDS } from '../../src/bot/index.js';
import { loginAndSync, newUser, say, startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import {
  brokenCalls,
  fitTelegram,
  forgeAndAwaitAnswer,
  genericErrorsIn,
  genericErrorTexts,
  hostileText,
  sendAndAwaitReply,
  settle,
  trackUnhandledRejections,
} from './support.js';

/**
 * Random and hostile arguments to every command, and random callback data, through the fake Telegram to the
 * whole bot: every update is answered, never with the catch-all error, Telegram never refuses the bot's
 * markup (an unescaped `<b>` from the seller would), and the bot keeps answering.
 */
const logs = captureLogger('info');
const rejections = trackUnhandledRejections();
let harness: BotHarness;
const seller = newUser('Сауле');
let generic: string[];

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 6 });
  await loginAndSync(harness, seller);
  generic = genericErrorTexts(harness);
}, 90_000);

afterAll(async () => {
  rejections.stop();
  await harness?.close();
});

function expectSane(since: number, input: string): void {
  const calls = harness.telegram.calls.slice(since);
  expect(brokenCalls(calls), input).toEqual([]);
  expect(genericErrorsIn(calls, generic), input).toEqual([]);
  expect(rejections.reasons, input).toEqual([]);
}

const FUZZ = { numRuns: 70, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261125) } as const;

describe('command arguments', () => {
  it('every command with random and hostile arguments gets an answer, never the generic error', async () => {
    const { telegram } = harness;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BOT_COMMANDS), hostileText(4000), async (command, args) => {
        seen.add(command);
        const text = fitTelegram(`/${command} ${args}`);
        const since = telegram.calls.length;
        // No /cancel in between: the next command leaves whatever conversation this one started.
        await sendAndAwaitReply(telegram, seller, text);
        expectSane(since, text);
      }),
      FUZZ,
    );
    expect(seen.size).toBeGreaterThan(BOT_COMMANDS.length / 2);
  });

  it('each command once with each hand-picked hostile argument class', async () => {
    const { telegram } = harness;
    const samples = [
      '<b>x</b> &amp; </code>',
      "'; drop table product; --",
      '__proto__ constructor',
      '\u202e👨‍👩‍👧‍👦 Қ',
      '9'.repeat(40),
      '\u0000',
      'Ж'.repeat(3990),
    ];
    for (const command of BOT_COMMANDS) {
      for (const args of samples) {
        const text = fitTelegram(`/${command} ${args}`);
        const since = telegram.calls.length;
        await sendAndAwaitReply(telegram, seller, text);
        expectSane(since, `/${command} ${args.slice(0, 30)}`);
      }
    }
    await sendAndAwaitReply(telegram, seller, '/cancel');
  }, 60_000);

  it('plain text outside any conversation, and unknown commands', async () => {
    const { telegram } = harness;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileText(),
          hostileText(4000).map((text) => `/${text.replace(/^\/+/, '')}`),
        ),
        async (text) => {
          const since = telegram.calls.length;
          await sendAndAwaitReply(telegram, seller, fitTelegram(text));
          expectSane(since, text);
        },
      ),
      { ...FUZZ, numRuns: 30 },
    );
  });
});

describe('callback data', () => {
  it('random data and every action with broken arguments gets a callback answer', async () => {
    const { telegram } = harness;
    const anchor = await say(telegram, seller, '/start', /С возвращением/);
    const actions = Object.values(ACTIONS);
    // No small positive ids: those are the seller's own products, and pressing them is not an attack.
    const brokenArg = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom(
        '',
        '-1',
        '0',
        '99999999999',
        '2147483648',
        '1e3',
        'NaN',
        '__proto__',
        'constructor',
        'on',
        'off',
        'sms',
        'email',
        'edit',
        'del',
      ),
      fc.integer({ min: 1_000_000, max: 2_147_483_647 }).map(String),
    );
    const data = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc
        .tuple(fc.constantFrom(...actions), fc.array(brokenArg, { maxLength: 4 }))
        .map(([action, args]) => ['1', action, ...args].join(':')),
    );
    await fc.assert(
      fc.asyncProperty(data, async (callback) => {
        const since = telegram.calls.length;
        const answer = await forgeAndAwaitAnswer(telegram, seller, anchor.message_id, callback);
        expect(answer.ok, callback).toBe(true);
        await sendAndAwaitReply(telegram, seller, '/cancel');
        expectSane(since, callback);
      }),
      { ...FUZZ, numRuns: 80 },
    );
  });
});

describe('afterwards', () => {
  it('the bot still answers, nothing failed inside an update, no unhandled rejection', async () => {
    await settle(harness.telegram, 300);
    await say(harness.telegram, seller, '/start', /С возвращением/);
    await say(harness.telegram, seller, '/products', /Sandbox Electronics: \d+ товар/);
    const failures = logs.lines().filter((line) => line.msg === 'update failed' || line.msg === 'unhandled bot error');
    expect(failures.map((line) => JSON.stringify(line).slice(0, 600))).toEqual([]);
    expect(rejections.reasons).toEqual([]);
  });
});
