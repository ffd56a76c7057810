import ExcelJS from 'exceljs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ACTIONS, callbackData, type Action } from '../../src/bot/callback-data.js';
import { BOT_COMMANDS } from '../../src/bot/index.js';
import { ProductSchema, SellerSchema, StoreSchema, type Product, type Store } from '../../src/db/entities/index.js';
import type { ChatMessage } from '../../src/telegram-sandbox/bot-api-server.js';
import {
  changedSince,
  loginBySms,
  newUser,
  press,
  say,
  startBotHarness,
  type BotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import {
  forgeAndAwaitAnswer,
  genericErrorTexts,
  openSql,
  sellerSnapshot,
  sendAndAwaitReply,
  settle,
  trackUnhandledRejections,
} from '../fuzz/support.js';

/**
 * Two sellers on one bot: the victim's stores, products and preorders must be out of the attacker's reach
 * through every button and every command, whatever ids the attacker's client puts in them.
 */
const VICTIM_MERCHANT = '30067228';
const logs = captureLogger('warn');
const rejections = trackUnhandledRejections();
let harness: BotHarness;
let sql: pg.Client;
const victim = newUser('Жанна');
const attacker = newUser('Мурат');

interface Foreign {
  store: Store;
  product: Product;
  preorderId: number;
  products: Product[];
}
let foreign: Foreign;
/** Titles only the victim has: one of them in the attacker's chat is a leak. */
let victimOnlyTitles: string[];
let attackerMessagesBefore = 0;
let deniedText: string;

async function sellerData(telegramUserId: number): Promise<{ stores: Store[]; products: Product[] }> {
  const em = harness.infrastructure.database.orm.em.fork();
  const seller = await em.findOneOrFail(SellerSchema, { telegramUserId });
  const stores = await em.find(StoreSchema, { seller }, { orderBy: { id: 'ASC' } });
  const products = await em.find(ProductSchema, { store: { seller } }, { orderBy: { id: 'ASC' }, populate: ['store'] });
  return { stores, products };
}

async function connectAndSync(user: typeof victim, phone: string, merchant?: RegExp): Promise<void> {
  const connected = await loginBySms(harness, user, phone, merchant);
  await press(harness.telegram, user, connected, 'Синхронизировать', /товаров синхронизировано — \d+\. Новых/, 30_000);
}

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger, productsPerMerchant: 8 });
  sql = await openSql(harness);
  await connectAndSync(victim, '+7 701 000 00 01');
  await connectAndSync(attacker, '+7 701 000 00 02', /Sandbox Home/);
  const victimData = await sellerData(victim.id);
  const attackerData = await sellerData(attacker.id);
  const product = victimData.products.find((candidate) => candidate.availabilities.length > 0)!;
  const planned = await harness.deps.preorders.plan(
    product.store.id,
    product.id,
    product.availabilities.map((point) => ({ storeId: point.storeId, days: 5 })),
  );
  if (!planned.ok) throw new Error(`could not plan the victim's preorder: ${planned.key}`);
  foreign = { store: victimData.stores[0]!, product, preorderId: planned.preorder.id, products: victimData.products };
  const attackerTitles = new Set(attackerData.products.map((candidate) => candidate.title));
  victimOnlyTitles = victimData.products
    .map((candidate) => candidate.title)
    .filter((title) => !attackerTitles.has(title));
  expect(victimOnlyTitles.length).toBeGreaterThan(0);
  expect(attackerData.stores.map((store) => store.merchantUid)).toEqual(['30463421']);
  deniedText = harness.deps.i18n.t('ru', 'access-denied');
  attackerMessagesBefore = harness.telegram.messages(attacker.id).length;
}, 120_000);

afterAll(async () => {
  rejections.stop();
  await sql?.end();
  await harness?.close();
});

/** The attacker's chat after the setup (where the merchant list of their own login named both stores). */
function attackerBotTexts(): string[] {
  return harness.telegram
    .messages(attacker.id)
    .slice(attackerMessagesBefore)
    .filter((message) => message.from === 'bot')
    .map((message) => `${message.text ?? message.caption ?? ''} ${JSON.stringify(message.reply_markup ?? {})}`);
}

function expectNoLeak(): void {
  const texts = attackerBotTexts().join('\n');
  expect(texts).not.toContain('Sandbox Electronics');
  for (const title of victimOnlyTitles) expect(texts).not.toContain(title);
  for (const product of foreign.products) expect(texts).not.toContain(`<code>${product.masterSku}</code>`);
}

async function state(): Promise<{ victim: string; attackerActive: string; writes: number }> {
  const attackerRow = await sql.query('select active_store_id from seller where telegram_user_id = $1', [attacker.id]);
  return {
    victim: await sellerSnapshot(sql, victim.id),
    attackerActive: JSON.stringify(attackerRow.rows),
    writes: harness.sandbox.writes(VICTIM_MERCHANT).length,
  };
}

/** A bot message of the attacker's own chat to hang forged buttons on. */
function anchor(): ChatMessage {
  const message = harness.telegram
    .messages(attacker.id)
    .filter((candidate) => candidate.from === 'bot' && !candidate.deleted)
    .at(-1);
  if (!message) throw new Error('the attacker has no bot message yet');
  return message;
}

// ------------------------------------------------------------------------------------------------------------
// The table: every action of `ACTIONS` says what its arguments name and what a forged press must get.
// `denied`: arguments name a store, product or preorder; another seller's must get the access-denied alert.
// `answered`: no ids (a screen, a page, a step of the sender's own conversation or selection); a forged press
// gets an answer and reaches nothing of the victim's.
// A new action must be added here, or the first test fails: deciding its ownership rule is the point.
// ------------------------------------------------------------------------------------------------------------

interface Ids {
  store: number;
  product: number;
  preorder: number;
  /** The minute number dry-run proposals carry, so a forged ✅ is not merely "expired". */
  minute: number;
}
type ArgsOf = (ids: Ids) => (string | number)[][];
interface ActionCase {
  expect: 'denied' | 'answered';
  /** Forged argument lists, with the victim's ids. */
  args: ArgsOf;
  /** Which argument is the id to replace with garbage (for `denied`). */
  idAt?: number;
  /** The attacker first opens their own multi-select list (the action reads it from the session). */
  selection?: boolean;
}

const GARBAGE_IDS = [
  '0',
  '-1',
  '',
  'abc',
  '1e3',
  '1.5',
  '2147483648',
  '99999999999',
  '2147483646',
  '__proto__',
  '9'.repeat(33),
];

const CASES: Record<Action, ActionCase> = {
  [ACTIONS.menu]: { expect: 'answered', args: (ids) => [[ids.store], ['__proto__'], ['stores']] },
  [ACTIONS.loginMethod]: { expect: 'answered', args: (ids) => [[ids.store], ['constructor']] },
  [ACTIONS.merchant]: { expect: 'answered', args: (ids) => [[0], [ids.store]] },
  [ACTIONS.resendCode]: { expect: 'answered', args: (ids) => [[], [ids.store]] },
  [ACTIONS.cancel]: { expect: 'answered', args: (ids) => [[], [ids.store]] },
  [ACTIONS.store]: { expect: 'denied', args: (ids) => [[ids.store]] },
  [ACTIONS.storeRelogin]: { expect: 'denied', args: (ids) => [[ids.store]] },
  [ACTIONS.storeRemove]: { expect: 'denied', args: (ids) => [[ids.store]] },
  [ACTIONS.storeRemoveYes]: { expect: 'denied', args: (ids) => [[ids.store]] },
  [ACTIONS.sync]: { expect: 'denied', args: (ids) => [[ids.store]] },
  [ACTIONS.list]: { expect: 'answered', args: (ids) => [[ids.product], [-1], ['99999999999']] },
  [ACTIONS.product]: { expect: 'denied', args: (ids) => [[ids.product]] },
  [ACTIONS.priceEdit]: { expect: 'denied', args: (ids) => [[ids.product]] },
  [ACTIONS.priceConfirm]: {
    expect: 'denied',
    args: (ids) => [
      [ids.product, 1000],
      [ids.product, 10],
      [ids.product, 1000, 1000, 0, '750000000'],
    ],
  },
  [ACTIONS.priceCity]: {
    expect: 'denied',
    args: (ids) => [
      [ids.product, 1000, 'all'],
      [ids.product, 1000, '750000000'],
    ],
  },
  [ACTIONS.onSale]: {
    expect: 'denied',
    args: (ids) => [
      [ids.product, 0],
      [ids.product, 1],
    ],
  },
  [ACTIONS.competitors]: { expect: 'denied', args: (ids) => [[ids.product], [ids.product, '750000000']] },
  [ACTIONS.batchToggle]: { expect: 'denied', args: (ids) => [[ids.product]], selection: true },
  [ACTIONS.batchPage]: { expect: 'answered', args: () => [[1], [-1], ['99999999999']], selection: true },
  [ACTIONS.batchAll]: { expect: 'answered', args: (ids) => [[], [ids.store]], selection: true },
  [ACTIONS.batchDone]: { expect: 'answered', args: () => [[]], selection: true },
  [ACTIONS.batchYes]: { expect: 'answered', args: (ids) => [[], [ids.store]] },
  [ACTIONS.batchNo]: { expect: 'answered', args: () => [[]], selection: true },
  [ACTIONS.demper]: {
    expect: 'denied',
    args: (ids) => [
      [ids.store, 'on'],
      [ids.store, 'on', 'p'],
      [ids.store, 'off'],
      [ids.store, 'dry'],
      [ids.store, 'live'],
      [ids.store, 'fi'],
      [ids.store, 'fu'],
    ],
  },
  [ACTIONS.demperProduct]: { expect: 'denied', args: (ids) => [[ids.product]] },
  [ACTIONS.demperTap]: {
    expect: 'denied',
    args: (ids) => [
      [ids.product, 'v'],
      [ids.product, 'on'],
      [ids.product, 'off'],
      [ids.product, 'f', 5],
      [ids.product, 'f', 10, '750000000'],
      [ids.product, 's', 'p2'],
      [ids.product, 't', '10'],
      [ids.product, 'cr', '', '750000000'],
      [ids.product, 'fe'],
      [ids.product, 'w'],
    ],
  },
  [ACTIONS.demperStop]: { expect: 'denied', args: (ids) => [[ids.store]] },
  [ACTIONS.demperRollback]: { expect: 'denied', args: (ids) => [[ids.store]] },
  [ACTIONS.demperRollbackYes]: { expect: 'denied', args: (ids) => [[ids.store]] },
  [ACTIONS.proposalYes]: { expect: 'denied', args: (ids) => [[ids.product, 1000, ids.minute]] },
  [ACTIONS.proposalNo]: { expect: 'denied', args: (ids) => [[ids.product]] },
  [ACTIONS.history]: { expect: 'denied', args: (ids) => [[ids.product]] },
  [ACTIONS.preorders]: {
    expect: 'denied',
    idAt: 1,
    args: (ids) => [
      ['edit', ids.product],
      ['off', ids.product],
      ['del', ids.preorder],
    ],
  },
  [ACTIONS.pointToggle]: { expect: 'answered', args: (ids) => [[0], [ids.store]] },
  [ACTIONS.pointAll]: { expect: 'answered', args: () => [[]] },
  [ACTIONS.pointDone]: { expect: 'answered', args: () => [[]] },
  [ACTIONS.save]: { expect: 'answered', args: (ids) => [[], [ids.product]] },
  [ACTIONS.language]: { expect: 'answered', args: () => [['en'], ['__proto__']] },
  [ACTIONS.notify]: { expect: 'answered', args: () => [['off'], ['constructor']] },
  [ACTIONS.lookupPick]: {
    expect: 'denied',
    idAt: 2,
    args: (ids) => [
      ['price', 'tok', ids.product],
      ['history', 'tok', ids.product],
      ['offers', 'tok', ids.product],
      ['demper', 'tok', ids.product],
    ],
  },
};

function ids(): Ids {
  return {
    store: foreign.store.id,
    product: foreign.product.id,
    preorder: foreign.preorderId,
    minute: Math.floor(Date.now() / 60_000) % 100_000,
  };
}

/** Callback data as the bot would build it, or raw when an argument would not fit the layout (forged anyway). */
function data(action: string, args: (string | number)[]): string {
  try {
    return callbackData(action as Action, ...args);
  } catch {
    return ['1', action, ...args].join(':');
  }
}

async function openOwnSelection(): Promise<void> {
  await say(harness.telegram, attacker, '/disable', /Отметьте товары|Нет товаров/);
}

async function leaveEverything(): Promise<void> {
  await sendAndAwaitReply(harness.telegram, attacker, '/cancel');
}

describe('forged buttons naming another seller’s store, product or preorder', () => {
  it('every action of the callback layout has an ownership rule in this table', () => {
    const missing = Object.values(ACTIONS).filter((action) => !(action in CASES));
    expect(missing).toEqual([]);
    // Each id-carrying action is tested with the victim's real ids, not only with garbage.
    for (const [action, spec] of Object.entries(CASES)) expect(spec.args(ids()).length, action).toBeGreaterThan(0);
  });

  for (const [action, spec] of Object.entries(CASES) as [Action, ActionCase][]) {
    it(`${action}: ${spec.expect === 'denied' ? 'refuses the victim’s ids and garbage ids' : 'answers and reaches nothing of the victim’s'}`, async () => {
      const { telegram } = harness;
      const before = await state();
      const forged = spec.args(ids()).map((args) => data(action, args));
      if (spec.expect === 'denied') {
        // The same shape with every kind of broken id: never an answer other than "no access".
        const template = spec.args(ids())[0]!;
        const at = spec.idAt ?? 0;
        for (const garbage of GARBAGE_IDS)
          forged.push(
            data(
              action,
              template.map((value, index) => (index === at ? garbage : value)),
            ),
          );
        forged.push(`1:${action}:${'1'.repeat(70)}`);
      }
      for (const callback of forged) {
        if (spec.selection) await openOwnSelection();
        // A refusal is the whole answer; anything else may start a screen or a conversation to leave.
        const answer = await forgeAndAwaitAnswer(telegram, attacker, anchor().message_id, callback, {
          settle: spec.expect !== 'denied',
        });
        if (spec.expect === 'denied') {
          expect(answer.payload, callback).toMatchObject({ text: deniedText, show_alert: true });
        } else {
          expect(answer.ok, callback).toBe(true);
          expect(String(answer.payload.text ?? ''), callback).not.toBe(deniedText);
          await leaveEverything();
        }
      }
      await settle(telegram, 150);
      expect(await state(), action).toEqual(before);
      expectNoLeak();
    });
  }

  it('a garbage layout (other version, no action, overlong, unicode) gets an answer and changes nothing', async () => {
    const before = await state();
    for (const callback of [
      '',
      '1',
      '1:',
      '2:p:1',
      `9:s:${foreign.store.id}`,
      ':::',
      '1::::',
      `1:p:${foreign.product.id}:${'x'.repeat(40)}`,
      '1:ПРОДУКТ:1',
      '1:p:١٢٣',
      'x'.repeat(200),
    ]) {
      const answer = await forgeAndAwaitAnswer(harness.telegram, attacker, anchor().message_id, callback);
      expect(answer.ok, callback).toBe(true);
      expect(String(answer.payload.text ?? '')).toMatch(/кнопка устарела|Недоступно/);
    }
    expect(await state()).toEqual(before);
    expectNoLeak();
  });
});

describe('commands whose arguments name another seller’s SKUs and ids', () => {
  it('every command with the victim’s SKU, store id and product id: an answer about the attacker’s own store only', async () => {
    const { telegram } = harness;
    const before = await state();
    const target = foreign.product;
    const argsByCommand: Partial<Record<(typeof BOT_COMMANDS)[number], string[]>> = {
      price: [`${target.sku} 1000`, `${target.sku} 10`, `${target.id} 1000`],
      enable: [target.sku, foreign.products.map((product) => product.sku).join(' ')],
      disable: [target.sku, foreign.products.map((product) => product.sku).join(',')],
      offers: [target.sku, target.masterSku, String(target.id)],
      demper: [target.sku, `${target.sku} on min=100 max=999999 step=1`, `${target.sku} off`],
      history: [target.sku, String(target.id)],
      products: [target.sku, target.masterSku],
    };
    for (const command of BOT_COMMANDS) {
      const variants = argsByCommand[command] ?? [`${target.sku} ${foreign.store.id} ${target.id}`];
      for (const args of variants) {
        const reply = await sendAndAwaitReply(telegram, attacker, `/${command} ${args}`);
        expect(reply.ok, `/${command} ${args}`).toBe(true);
        await leaveEverything();
      }
    }
    // Where an answer quotes the SKU, it is "not found in the active store", never the product.
    const quoting = attackerBotTexts().filter(
      (text) => text.includes(target.sku) && !text.includes('/enable') && !text.includes('/disable'),
    );
    for (const text of quoting)
      expect(text).toMatch(/не найден в активном магазине|не найдены в активном магазине|ничего не нашлось/i);
    expect(await state()).toEqual(before);
    expectNoLeak();
  });

  it('/enable and /disable with the victim’s SKUs name them unknown and ask nothing', async () => {
    const { telegram } = harness;
    for (const mode of ['enable', 'disable']) {
      const fresh = changedSince(telegram, attacker.id, /.+/);
      await telegram.sendText(attacker, `/${mode} ${foreign.product.sku}`);
      const answer = await telegram.waitForBotMessage(attacker.id, fresh);
      expect(answer.text).toContain(foreign.product.sku);
      expect(answer.reply_markup).toBeUndefined(); // no confirmation button: nothing would be sent
      await settle(telegram);
    }
  });

  it('the preorder conversation does not find the victim’s SKU', async () => {
    const { telegram } = harness;
    const before = await state();
    const list = await say(telegram, attacker, '/preorders', /Предзаказы · Sandbox Home/);
    await press(telegram, attacker, list, 'Добавить предзаказ', /название, часть названия или SKU/);
    await say(telegram, attacker, foreign.product.sku, /не найден в активном магазине/);
    await leaveEverything();
    expect(await state()).toEqual(before);
  });

  it('the victim’s own exported workbook, imported by the attacker: every row an unknown SKU, nothing applied', async () => {
    const { telegram, sandbox } = harness;
    const exported = changedSince(telegram, victim.id, /Товаров: \d+/);
    await telegram.sendText(victim, '/export');
    const file = await telegram.waitForBotMessage(victim.id, exported, { timeoutMs: 15_000 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.document!.data as never);
    workbook.worksheets[0]!.getRow(2).getCell(3).value = 12_345; // a change the import would apply if it could
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const before = await state();
    const preview = changedSince(telegram, attacker.id, /Строк с ошибками|Это не наш файл/);
    await telegram.sendDocument(attacker, 'victim.xlsx', data);
    const answer = await telegram.waitForBotMessage(attacker.id, preview, { timeoutMs: 20_000 });
    expect(answer.text).toMatch(/Изменится товаров: 0/);
    expect(answer.text).toMatch(/такого SKU нет в магазине/);
    expect(answer.reply_markup).toBeUndefined();
    await settle(telegram);
    expect(sandbox.writes(VICTIM_MERCHANT).length).toBe(before.writes);
    expect(await state()).toEqual(before);
    expectNoLeak();
  });

  it('nothing above was a crash: no generic error, no unhandled rejection, no failed update in the log', () => {
    const generic = genericErrorTexts(harness);
    const texts = harness.telegram.messages(attacker.id).map((message) => message.text ?? '');
    expect(texts.filter((text) => generic.includes(text))).toEqual([]);
    expect(logs.lines().filter((line) => line.msg === 'update failed' || line.msg === 'unhandled bot error')).toEqual(
      [],
    );
    expect(rejections.reasons).toEqual([]);
  });
});
