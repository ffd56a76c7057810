/**
 * The simulated sellers of `npm run bench:bot`: each one talks to the bot through the Bot API emulator like a
 * person would (send, wait for the answer, think, go on) and records how long every answer took to appear.
 * The same script drives the production bot and the trivial baseline bot (bench/bot-baseline.ts), which
 * answers with look-alike texts and buttons.
 */
import { performance } from 'node:perf_hooks';

import { createI18n } from '../src/i18n.js';
import type { SeededRandom } from '../src/kaspi-sandbox/random.js';
import type { ChatMessage, FakeTelegram, FakeUser } from '../src/telegram-sandbox/bot-api-server.js';

export type Outcome = 'ok' | 'notice' | 'error-generic' | 'timeout' | 'failed';

export interface StepResult {
  round: string;
  name: string;
  /** From the user's action to the matching bot message (new or edited) in the emulator. */
  ms: number;
  outcome: Outcome;
  detail?: string;
}

/** Answers that are not failures of ours but Kaspi or the bot saying «not now» (locales/ru.ftl keys in comments). */
export const NOTICES: { key: string; pattern: RegExp }[] = [
  { key: 'kaspi-error-session-expired', pattern: /Сессия Kaspi истекла/ },
  { key: 'kaspi-error-rate-limited', pattern: /Kaspi временно ограничил изменения/ },
  { key: 'kaspi-error-requests-limited', pattern: /Kaspi просит подождать с запросами/ },
  { key: 'kaspi-error-ip-blocked', pattern: /Kaspi временно не отвечает/ },
  { key: 'kaspi-error-transient', pattern: /Kaspi сейчас не отвечает/ },
  { key: 'kaspi-error-bad-request', pattern: /Kaspi отклонил запрос/ },
  { key: 'kaspi-error-schema', pattern: /Kaspi изменил формат ответа/ },
  { key: 'slow-down', pattern: /Слишком много запросов подряд/ },
  { key: 'price-not-applied', pattern: /Kaspi не применил цену/ },
  { key: 'demper-alert-session-expired', pattern: /Сессия Kaspi магазина .* истекла/s },
];

const i18n = createI18n();
/** `error-generic` in every language: the bot's answer to an update that failed. */
export const ERROR_GENERIC_TEXTS = (['ru', 'kk', 'en'] as const).map((language) => i18n.t(language, 'error-generic'));
const isErrorGeneric = (text: string) => ERROR_GENERIC_TEXTS.some((generic) => text.includes(generic));
const noticeOf = (text: string) => NOTICES.find((notice) => notice.pattern.test(text))?.key;

export class StepFailed extends Error {}

export interface DriverOptions {
  telegram: FakeTelegram;
  random: SeededRandom;
  stepTimeoutMs: number;
  thinkMs: [number, number];
}

type Button = { text: string; callback_data?: string };

function buttonsOf(message: ChatMessage): Button[] {
  const markup = message.reply_markup as { inline_keyboard?: Button[][] } | undefined;
  return markup?.inline_keyboard?.flat() ?? [];
}

const textOf = (message: ChatMessage) => message.text ?? message.caption ?? '';

export class Driver {
  readonly results: StepResult[] = [];
  round = 'setup';

  constructor(private readonly options: DriverOptions) {}

  think(): Promise<void> {
    const [min, max] = this.options.thinkMs;
    const ms = min + this.options.random.next() * (max - min);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * Does `act` and waits for a bot message, new or edited after this moment, that is the expected answer, a
   * notice, or `error-generic`. Throws StepFailed unless the answer is `ok` (or a notice the step tolerates).
   */
  async step(
    user: FakeUser,
    name: string,
    act: () => Promise<unknown>,
    ok: RegExp,
    options: { tolerateNotice?: boolean; timeoutMs?: number } = {},
  ): Promise<ChatMessage> {
    const { telegram } = this.options;
    const seen = new Map(telegram.messages(user.id).map((message) => [message.message_id, message.edits]));
    const fresh = (message: ChatMessage) => {
      const edits = seen.get(message.message_id);
      if (edits !== undefined && message.edits <= edits) return false;
      const text = textOf(message);
      return ok.test(text) || noticeOf(text) !== undefined || isErrorGeneric(text);
    };
    const round = this.round;
    const started = performance.now();
    let message: ChatMessage;
    try {
      await act();
      message = await telegram.waitForBotMessage(user.id, fresh, {
        timeoutMs: options.timeoutMs ?? this.options.stepTimeoutMs,
      });
    } catch (error) {
      const timedOut = error instanceof Error && /no matching bot message/.test(error.message);
      const detail = error instanceof Error ? error.message.split('\n').slice(0, 4).join(' | ') : String(error);
      this.results.push({
        round,
        name,
        ms: performance.now() - started,
        outcome: timedOut ? 'timeout' : 'failed',
        detail,
      });
      throw new StepFailed(`${name}: ${detail}`);
    }
    const ms = performance.now() - started;
    const text = textOf(message);
    if (ok.test(text)) {
      this.results.push({ round, name, ms, outcome: 'ok' });
      return message;
    }
    if (isErrorGeneric(text)) {
      this.results.push({ round, name, ms, outcome: 'error-generic', detail: text.slice(0, 120) });
      throw new StepFailed(`${name}: error-generic`);
    }
    const notice = noticeOf(text)!;
    this.results.push({ round, name, ms, outcome: 'notice', detail: notice });
    if (!options.tolerateNotice) throw new StepFailed(`${name}: ${notice}`);
    return message;
  }

  say(
    user: FakeUser,
    name: string,
    text: string,
    ok: RegExp,
    options?: { tolerateNotice?: boolean; timeoutMs?: number },
  ): Promise<ChatMessage> {
    return this.step(user, name, () => this.options.telegram.sendText(user, text), ok, options);
  }

  press(
    user: FakeUser,
    name: string,
    message: ChatMessage,
    pick: (button: Button, index: number, all: Button[]) => boolean,
    ok: RegExp,
    options?: { timeoutMs?: number },
  ): Promise<ChatMessage> {
    const buttons = buttonsOf(message);
    const button = buttons.find((candidate, index) => pick(candidate, index, buttons));
    if (!button?.callback_data) {
      this.results.push({
        round: this.round,
        name,
        ms: 0,
        outcome: 'failed',
        detail: `no such button in: ${buttons.map((candidate) => candidate.text).join(' | ')}`,
      });
      return Promise.reject(new StepFailed(`${name}: no button`));
    }
    const data = button.callback_data;
    return this.step(user, name, () => this.options.telegram.pressButton(user, message.message_id, data), ok, options);
  }
}

export const byText = (pattern: RegExp) => (button: Button) => pattern.test(button.text);

/** The n-th product button (callback `1:p:<id>`) of a list page. */
export const nthProduct = (n: number) => (button: Button, _index: number, all: Button[]) => {
  const products = all.filter((candidate) => /^1:p:\d+(:\d+)?$/.test(candidate.callback_data ?? ''));
  return products.length > 0 && button === products[n % products.length];
};

export function cardFacts(card: ChatMessage): { sku: string; price: number } {
  const text = textOf(card);
  const sku = /SKU (\S+) · /.exec(text)?.[1];
  const price = Number((/Цена: ([\d\s\u00a0\u202f]+)/.exec(text)?.[1] ?? '').replace(/\D/g, ''));
  if (!sku || !Number.isInteger(price) || price <= 0)
    throw new StepFailed(`no SKU or price on the card: ${text.slice(0, 200)}`);
  return { sku, price };
}

/**
 * What every seller does while the others do the same: the menu, the product list and its next page, a card,
 * competitors, a good and a bad price, the demper overview, settings with two button presses, help.
 * 12 updates, 5 of them button presses.
 */
export async function sellerScript(driver: Driver, user: FakeUser, index: number, round: number): Promise<void> {
  const start = await driver.say(user, 'start', '/start', /С возвращением/);
  await driver.think();
  const list = await driver.say(user, 'products', '/products', /страница 1 из \d+/);
  await driver.think();
  const page2 = await driver.press(user, 'products-next-page', list, byText(/^▶️$/), /страница 2 из \d+/);
  await driver.think();
  const card = await driver.press(user, 'product-card', page2, nthProduct(index), /Цена:/);
  const { sku, price } = cardFacts(card);
  await driver.think();
  await driver.say(user, 'offers', `/offers ${sku}`, /продавцов: \d+/, { tolerateNotice: true });
  await driver.think();
  // A price a few tens of tenge away, different per seller and per round (never the one on the card).
  const delta = 10 * (1 + (index % 9)) * (round % 2 === 0 ? 1 : -1);
  const good = Math.max(10, price + delta === price ? price + 10 : price + delta);
  await driver.say(user, 'price-good', `/price ${sku} ${good}`, /Отправлено в Kaspi|уже стоит цена|уже отправлена/, {
    tolerateNotice: true,
  });
  await driver.think();
  await driver.say(
    user,
    'price-bad',
    `/price ${sku} ${index % 2 === 0 ? 'дёшево' : '5'}`,
    /не цена|не принимает цену ниже/,
  );
  await driver.think();
  await driver.say(user, 'demper', '/demper', /Демпер магазина/);
  await driver.think();
  const settings = await driver.say(user, 'settings', '/settings', /Язык:/);
  await driver.think();
  const important = await driver.press(
    user,
    'settings-notify-important',
    settings,
    byText(/^(✅ )?Только важные$/),
    /Уведомления: Только важные/,
  );
  await driver.think();
  await driver.press(user, 'settings-notify-all', important, byText(/^(✅ )?Все$/), /Уведомления: Все/);
  await driver.think();
  await driver.press(user, 'help', start, byText(/Помощь/), /Что я умею/);
}

export const SCRIPT_UPDATES = 12;
