import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import { startLocalSandbox, type LocalSandbox } from '../../src/sandbox/index.js';
import { captureLogger } from '../helpers/logs.js';
import { eventually, openPhonePage, screenshotOnFailure, textOf } from './browser.js';

/**
 * A seller's first day in the sandbox's web chat on a 390 × 844 phone whose clock is not Kazakhstan's: after
 * every step the newest message is in view, as Telegram keeps it (a reply keyboard appearing, a message edited
 * to a longer text, an inline keyboard added). Each step leaves a screenshot under test-output/phone-walk/.
 */

const MERCHANT = '30067228';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'phone-walk');
const logs = captureLogger('warn');

let sandbox: LocalSandbox;
let dataDir: string;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let shot = 0;

const botMessage = (text: string | RegExp): Locator => page.locator('.msg-row.from-bot', { hasText: text }).last();

async function awaitBot(text: string | RegExp, timeoutMs = 20_000): Promise<Locator> {
  const message = botMessage(text);
  await message.waitFor({ timeout: timeoutMs });
  return message;
}

async function tap(message: Locator, button: string | RegExp): Promise<void> {
  await message.locator('.ik-button', { hasText: button }).first().click();
}

async function type(text: string): Promise<void> {
  await page.locator('#input').fill(text);
  await page.locator('#input').press('Enter');
}

/** How far the newest message's bottom edge is outside the visible part of the chat (0: in view). */
async function newestOutOfView(): Promise<number> {
  return page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: { querySelector(s: string): unknown; querySelectorAll(s: string): ArrayLike<unknown> };
      }
    ).document;
    type Box = { getBoundingClientRect(): { top: number; bottom: number } };
    const rows = doc.querySelectorAll('.msg-row');
    const newest = rows[rows.length - 1] as Box | undefined;
    const scroller = doc.querySelector('#messages') as Box;
    if (!newest) return Infinity;
    const row = newest.getBoundingClientRect();
    const view = scroller.getBoundingClientRect();
    const viewport = (globalThis as unknown as { innerHeight: number }).innerHeight;
    const bottom = Math.min(view.bottom, viewport);
    // The bottom edge must show, and the message must not have scrolled off the top either.
    return Math.max(0, row.bottom - bottom - 1) + Math.max(0, view.top - row.bottom);
  });
}

async function screenshot(name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  shot += 1;
  await page.screenshot({ path: join(SCREENSHOTS, `${String(shot).padStart(2, '0')}-${name}.png`) });
}

/** After a step: the newest message is in view (polled: the page follows on its next frame); a screenshot. */
async function step(name: string): Promise<void> {
  await eventually(newestOutOfView, 5_000).toBe(0);
  await screenshot(name);
}

const scrollTop = () =>
  page.locator('#messages').evaluate((node) => Math.round((node as unknown as { scrollTop: number }).scrollTop));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kaspi-phone-walk-'));
  await rm(SCREENSHOTS, { recursive: true, force: true });
  sandbox = await startLocalSandbox({
    dataDir,
    port: 0,
    seed: 11,
    productsPerMerchant: 40,
    rivalMoveEveryMs: 0,
    logger: logs.logger,
  });
  // New York's clock: a bubble showing the phone's time instead of Almaty's would differ by hours.
  ({
    browser,
    page,
    errors: pageErrors,
  } = await openPhonePage(sandbox.url, {
    width: 390,
    height: 844,
    timezoneId: 'America/New_York',
  }));
  console.info(`phone walk screenshots: ${SCREENSHOTS}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a seller’s first day on a phone in the sandbox web chat', () => {
  it('keeps the newest message in view from /start to a price edit', async () => {
    screenshotOnFailure(() => page, 'phone-walk');
    const seller = sandbox.sellers[0]!;
    await eventually(() => textOf(page.locator('#seller-name'))).toBe(seller.first_name);
    await screenshot('empty-chat');

    await page.locator('#start-button').click();
    const welcome = await awaitBot(`Здравствуйте, ${seller.first_name}`);
    await step('start');

    // Bubbles speak the seller's time (Almaty), not the phone's.
    const sent = sandbox.telegram.messages(seller.id).findLast((message) => message.from === 'bot')!;
    const almaty = new Intl.DateTimeFormat('ru-RU', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'Asia/Almaty',
    }).format(new Date(sent.date * 1000));
    const newYork = new Intl.DateTimeFormat('ru-RU', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'America/New_York',
    }).format(new Date(sent.date * 1000));
    expect(almaty).not.toBe(newYork);
    expect(await page.locator(`.msg-row[data-message-id="${sent.message_id}"] .meta .time`).textContent()).toBe(almaty);

    await tap(welcome, '🔑 Войти');
    await tap(await awaitBot('Как войти в кабинет Kaspi?'), 'SMS');
    // The reply keyboard appears under the chat and takes its height: the newest message stays above it.
    await page.locator('.rk-button', { hasText: 'Поделиться номером' }).waitFor();
    await step('reply-keyboard');
    await page.locator('.rk-button', { hasText: 'Поделиться номером' }).click();
    await page.locator('#dialog-ok').click();
    await awaitBot('Kaspi отправил SMS с кодом');
    await step('sms-sent');
    const notice = page.locator('.notice', { hasText: 'Kaspi.kz' }).first();
    await notice.waitFor();
    await notice.click();
    await page.locator('#input').press('Enter');
    await awaitBot(/Магазин Sandbox Electronics подключён/, 30_000);
    await step('logged-in');

    // Sync: one message edited in place to a longer report.
    await tap(botMessage('подключён'), 'Синхронизировать');
    const total = sandbox.kaspi.catalogue(MERCHANT).length;
    const synced = await awaitBot(new RegExp(`товаров синхронизировано — ${total}`), 60_000);
    expect(await synced.locator('.meta').textContent()).toContain('изменено');
    await step('synced');

    await type('/products');
    await awaitBot(/Sandbox Electronics: \d+ товар/);
    await step('products');

    const target = sandbox.kaspi
      .catalogue(MERCHANT)
      .find((offer) => offer.available && offer.masterSku !== SAMPLE_MASTER_SKU && offer.price >= 20_000)!;
    await type(`/products ${target.sku}`);
    await (await awaitBot(/Поиск/)).locator('.ik-button').first().click();
    const card = await awaitBot('Цена:');
    expect(await textOf(card)).toContain(target.sku);
    await step('card');

    await tap(card, 'Новая цена');
    await awaitBot('Введите новую цену');
    await step('price-prompt');
    await type(String(target.price - 990));
    await awaitBot('Kaspi применил цену', 30_000);
    await step('price-applied');
  }, 180_000);

  it('does not move a seller who scrolled up to read, and follows again at the bottom', async () => {
    screenshotOnFailure(() => page, 'phone-walk-scrolled-up');
    await page.locator('#messages').evaluate((node) => ((node as unknown as { scrollTop: number }).scrollTop = 0));
    await eventually(scrollTop).toBe(0);
    // The welcome's button, read at the top: the bot's answer arrives below, and the page stays where it is.
    const rows = await page.locator('.msg-row').count();
    await page.locator('.msg-row.from-bot .ik-button', { hasText: '🔑 Войти' }).first().click();
    await eventually(() => page.locator('.msg-row').count()).toBeGreaterThan(rows);
    await page.waitForTimeout(300); // a frame or two for a wrong jump to happen
    expect(await scrollTop()).toBe(0);
    expect(await newestOutOfView()).toBeGreaterThan(0);
    await screenshot('scrolled-up');
    // Back at the bottom, the chat follows a new message again.
    await page.locator('#messages').evaluate((node) => {
      const scroller = node as unknown as { scrollTop: number; scrollHeight: number };
      scroller.scrollTop = scroller.scrollHeight;
    });
    await type('/help');
    await awaitBot(/\/login/);
    await step('help');
  }, 60_000);

  it('shows a Kazakh seller the Kazakh command menu', async () => {
    screenshotOnFailure(() => page, 'phone-walk-kk-menu');
    const kk = sandbox.telegram.webChat!.addSeller({ first_name: 'Асель', language_code: 'kk' });
    await page.locator('#seller-button').click();
    await page.locator(`.seller-item[data-seller-id="${kk.id}"]`).click();
    await page.locator('#start-button').click();
    await page.locator('.msg-row.from-bot').first().waitFor({ timeout: 20_000 });
    await step('kk-start');
    await page.locator('#menu-button').click();
    await page.locator('#command-menu .command-item').first().waitFor();
    const shown = await page.locator('#command-menu .desc').allTextContents();
    const kkFtl = await readFile(new URL('../../locales/kk.ftl', import.meta.url), 'utf8');
    const ruFtl = await readFile(new URL('../../locales/ru.ftl', import.meta.url), 'utf8');
    const line = (ftl: string, key: string) => new RegExp(`^${key} = (.+)$`, 'm').exec(ftl)?.[1];
    expect(shown).toContain(line(kkFtl, 'command-start'));
    expect(shown).toContain(line(kkFtl, 'command-login'));
    expect(shown).not.toContain(line(ruFtl, 'command-login'));
    await step('kk-menu');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
