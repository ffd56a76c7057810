import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ProductSchema } from '../../src/db/entities/index.js';
import { buttonBudget, keyboardOverflows, labelWidth } from '../../src/bot/replies/keyboard-budget.js';
import { productRowLabels } from '../../src/bot/replies/product-rows.js';
import type { ChatMessage, FakeUser } from '../../src/telegram-sandbox/bot-api-server.js';
import { loginAndSync, newUser, press, productsOf, startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { keyboardProblems } from '../helpers/keyboard-check.js';
import { captureLogger } from '../helpers/logs.js';

let harness: BotHarness;
const logs = captureLogger('warn');
const seller = newUser('Динара');
/** Names a phone cannot show whole, two of them alike up to their last word, and two identical. */
const LONG_NAMES = [
  'Влажные полотенца Sunlight Max16 белые 120 шт',
  'Влажные полотенца Sunlight Max16 синие 120 шт',
  'Влажные полотенца Sunlight Lite30 детские',
  'Влажные полотенца Sunlight Lite30 детские',
];

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 30 });
  await loginAndSync(harness, seller);
  const products = (await productsOf(harness, seller.id)).slice(0, LONG_NAMES.length);
  const em = harness.infrastructure.database.orm.em.fork();
  for (const [index, product] of products.entries())
    await em.nativeUpdate(ProductSchema, { id: product.id }, { title: LONG_NAMES[index]! });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const hasKeyboard = (message: ChatMessage) => {
  const markup = message.reply_markup as { inline_keyboard?: unknown[][]; keyboard?: unknown[][] } | undefined;
  return Boolean(markup?.inline_keyboard?.length || markup?.keyboard?.length);
};

/** Sends a command and waits for the bot's new or edited message that carries a keyboard. */
async function screen(user: FakeUser, text: string): Promise<ChatMessage> {
  const seen = new Map(harness.telegram.messages(user.id).map((message) => [message.message_id, message.edits]));
  await harness.telegram.sendText(user, text);
  return harness.telegram.waitForBotMessage(
    user.id,
    (message) => {
      const edits = seen.get(message.message_id);
      return (edits === undefined || message.edits > edits) && !message.deleted && hasKeyboard(message);
    },
    { timeoutMs: 15_000 },
  );
}

const anything = /[\s\S]/;

/** Every main screen with buttons, as a seller reaches it; the keyboards of all of them are measured after. */
async function walkThroughScreens(user: FakeUser): Promise<ChatMessage> {
  const { telegram } = harness;
  const [first] = await productsOf(harness, user.id);
  await screen(user, '/start');
  await screen(user, '/help');
  const list = await screen(user, '/products');
  const next = await press(telegram, user, list, '▶️', anything);
  const card = await press(telegram, user, next, /₸/, anything);
  await press(telegram, user, card, '🤖', anything);
  const found = await screen(user, '/products Sunlight');
  await screen(user, '/disable');
  await screen(user, '/enable');
  await screen(user, '/stores');
  await screen(user, '/settings');
  await screen(user, '/demper');
  await screen(user, `/demper ${first!.sku}`);
  await screen(user, '/preorders');
  await screen(user, `/offers ${first!.sku}`);
  await telegram.sendText(user, `/history ${first!.sku}`);
  await screen(user, '/login');
  return found;
}

/** Switches the seller's language through /settings, as a seller does (a seller starts in Russian). */
async function switchTo(user: FakeUser, language: string): Promise<void> {
  if (language === 'Русский') return;
  const settings = await screen(user, '/settings');
  await press(harness.telegram, user, settings, language, anything);
}

describe('keyboards at phone width (390 px)', () => {
  it('the budget: a row of more buttons gives each fewer letters; emoji count as two', () => {
    // Below what Telegram was seen to show on a 390 px phone: 36 letters alone, 12–13 two in a row.
    expect(buttonBudget(1)).toBeGreaterThanOrEqual(28);
    expect(buttonBudget(1)).toBeLessThan(36);
    expect(buttonBudget(2)).toBe(13);
    expect(buttonBudget(3)).toBe(9);
    expect(buttonBudget(8)).toBeLessThan(buttonBudget(4));
    expect(labelWidth('🔄 Обновить')).toBe(11);
    expect(labelWidth('⚙️')).toBe(2);
    expect(keyboardOverflows({ inline_keyboard: [[{ text: '🔄 Синхронизировать' }, { text: '📦 Товары' }]] })).toEqual([
      { label: '🔄 Синхронизировать', width: 19, budget: 13, rowSize: 2 },
    ]);
    expect(keyboardOverflows({ keyboard: [['📱 Поделиться номером']] })).toEqual([]);
  });

  it('product rows: the price first, a short name, and no two rows alike', () => {
    const rows = LONG_NAMES.map((title, index) => ({
      mark: '🟢',
      price: `${361 + index} 500 ₸`,
      title,
      sku: `SKU-10${index}7`,
    }));
    const labels = productRowLabels(rows);
    for (const [index, label] of labels.entries()) {
      expect(labelWidth(label)).toBeLessThanOrEqual(buttonBudget(1));
      expect(label.startsWith(`🟢 ${rows[index]!.price} `)).toBe(true);
    }
    expect(new Set(labels.map((label, index) => label.slice(rows[index]!.price.length + 4))).size).toBe(labels.length);
    expect(labels[0]).toContain('белые');
    expect(labels[1]).toContain('синие');
    // Identical names: the SKU's tail tells them apart.
    expect(labels[2]).toContain('·1027');
    expect(labels[3]).toContain('·1037');
  });

  for (const [language, button] of [
    ['ru', 'Русский'],
    ['kk', 'Қазақша'],
    ['en', 'English'],
  ] as const) {
    it(`every keyboard of the main screens fits in ${language}`, async () => {
      const from = harness.telegram.calls.length;
      await switchTo(seller, button);
      const found = await walkThroughScreens(seller);
      const calls = harness.telegram.calls.slice(from);
      const measured = calls.filter((call) => call.payload.reply_markup !== undefined);
      expect(measured.length).toBeGreaterThanOrEqual(15);
      expect(keyboardProblems(calls)).toEqual([]);
      // The search for the long, alike names: each row its price first, and no two alike.
      const rows = (found.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard
        .flat()
        .map((button) => button.text)
        .filter((text) => text.includes('₸'));
      expect(rows.length).toBeGreaterThanOrEqual(LONG_NAMES.length);
      expect(new Set(rows).size).toBe(rows.length);
      for (const row of rows) expect(row).toMatch(/^(🟢|⚪️) [\d\u202f]+\+?\u00a0₸ \S/);
    }, 120_000);
  }
});
