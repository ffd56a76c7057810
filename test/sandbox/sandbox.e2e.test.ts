import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

import ExcelJS from 'exceljs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import type { SandboxOffer } from '../../src/kaspi-sandbox/index.js';
import { startLocalSandbox, type LocalSandbox } from '../../src/sandbox/index.js';
import { captureLogger } from '../helpers/logs.js';
import { eventually, openPhonePage, screenshotOnFailure, textOf } from './browser.js';

/**
 * `kaspi-bot sandbox` as a newcomer meets it: the real page in Debian Chromium, the real bot and demper on the
 * embedded database, the Kaspi sandbox. Every step is a tap or a typed line on the page; the test only reads
 * the sandbox (the SMS code, the market) and moves a rival, as the market would.
 */

const MERCHANT = '30067228';
const PHONE = '+7 (701) 000-00-01';
const CITIES = ['750000000', '710000000'];
const logs = captureLogger('warn');

let sandbox: LocalSandbox;
let dataDir: string;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let target: SandboxOffer;
let manualPrice: number;

/** The newest bot message on the page whose text matches. */
const botMessage = (text: string | RegExp): Locator => page.locator('.msg-row.from-bot', { hasText: text }).last();

async function tap(message: Locator, button: string | RegExp): Promise<void> {
  await message.locator('.ik-button', { hasText: button }).first().click();
}

async function type(text: string): Promise<void> {
  await page.locator('#input').fill(text);
  await page.locator('#input').press('Enter');
}

/** Waits for a bot message (new or edited) with this text and returns it. */
async function awaitBot(text: string | RegExp, timeoutMs = 20_000): Promise<Locator> {
  const message = botMessage(text);
  await message.waitFor({ timeout: timeoutMs });
  return message;
}

/** Digits only: prices are written with narrow spaces and ₸. */
const digits = (text: string | null) => (text ?? '').replace(/[\s\u202f\u00a0]/g, '');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kaspi-sandbox-e2e-'));
  sandbox = await startLocalSandbox({
    dataDir,
    port: 0,
    seed: 7,
    productsPerMerchant: 40,
    // The test moves the rivals itself, and a fast clock keeps the demper's wait short.
    rivalMoveEveryMs: 0,
    demperCron: '*/2 * * * * *',
    logger: logs.logger,
  });
  ({ browser, page, errors: pageErrors } = await openPhonePage(sandbox.url));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('kaspi-bot sandbox in a browser', () => {
  it('serves /healthz and /metrics only on the interface the page is on (loopback by default)', async () => {
    const health = await fetch(sandbox.healthUrl);
    expect(health.status).toBe(200);
    const port = new URL(sandbox.healthUrl).port;
    // Any address of this machine other than loopback must refuse: a demo on a laptop is not a LAN service.
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    expect(outside, 'this test needs a non-loopback IPv4 address to connect from').toBeDefined();
    if (outside) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: outside.address, port: Number(port) });
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
      expect(refused, `${outside.address}:${port} answered`).toBe(true);
    }
  });

  it('logs in by SMS: shares the phone from the reply keyboard and types the code the sandbox sent', async () => {
    screenshotOnFailure(() => page, 'sandbox-login');
    await eventually(() => textOf(page.locator('#seller-name'))).toBe('Айгерим');
    await page.locator('#start-button').click();
    const welcome = await awaitBot('Здравствуйте, Айгерим');
    await tap(welcome, 'Войти');
    await tap(await awaitBot('Как войти в кабинет Kaspi?'), 'SMS');
    await page.locator('.rk-button', { hasText: 'Поделиться номером' }).click();
    await page.locator('#dialog-ok').click();
    await awaitBot('Kaspi отправил SMS с кодом');

    // The code arrives as the phone's notification on the page; it is the one the sandbox sent.
    const notice = page.locator('.notice', { hasText: 'Kaspi.kz' }).first();
    await notice.waitFor();
    const code = /\d{6}/.exec((await notice.textContent()) ?? '')?.[0];
    expect(code).toBe(sandbox.kaspi.lastCode(PHONE));
    await notice.click(); // puts the code into the text box
    await eventually(() => page.locator('#input').inputValue()).toBe(code);
    await page.locator('#input').press('Enter');
    await awaitBot(/Магазин Sandbox Electronics подключён/, 30_000);
    // The bot deletes the code from the chat, and the page shows that at once.
    await eventually(() => page.locator('.msg-row.from-user', { hasText: code! }).count()).toBe(0);
  }, 90_000);

  it('syncs the store in one message edited in place', async () => {
    screenshotOnFailure(() => page, 'sandbox-sync');
    await tap(botMessage('подключён'), 'Синхронизировать');
    const total = sandbox.kaspi.catalogue(MERCHANT).length;
    const done = await awaitBot(
      new RegExp(`Sandbox Electronics: товаров синхронизировано — ${total}\\. Новых: ${total}`),
      60_000,
    );
    expect(await done.locator('.meta').textContent()).toContain('изменено');
  }, 90_000);

  it('opens a product from the list and changes its price; the message turns into «applied» when Kaspi applied it', async () => {
    screenshotOnFailure(() => page, 'sandbox-price');
    // A product on sale with rivals in Almaty (where the demper looks), priced well above Kaspi's minimum.
    target = sandbox.kaspi.catalogue(MERCHANT).find(
      (offer) =>
        offer.available &&
        offer.price >= 20_000 &&
        offer.masterSku !== SAMPLE_MASTER_SKU &&
        sandbox.kaspi.storefront(offer.masterSku, CITIES[0]!).length > 2 &&
        // One price in both cities and on sale in both: a new price goes to every city without asking which.
        offer.availabilities.every((point) => point.available === 'yes') &&
        new Set(Object.values(offer.allCityPrices).map((entry) => entry.price)).size === 1,
    )!;
    expect(target).toBeDefined();
    await type(`/products ${target.sku}`);
    const found = await awaitBot(/Поиск/);
    await found.locator('.ik-button').first().click();
    const card = await awaitBot('Цена:');
    expect(await textOf(card)).toContain(target.sku);

    await tap(card, 'Новая цена');
    await awaitBot('Введите новую цену');
    manualPrice = target.price - 990;
    await type(String(manualPrice));
    // «Отправлено в Kaspi, проверяю…» first, then the same message says it was applied.
    const applied = await awaitBot('Kaspi применил цену', 30_000);
    expect(await applied.locator('.meta').textContent()).toContain('изменено');
    expect(digits(await applied.textContent())).toContain(`→${manualPrice}₸`);
    await eventually(() => sandbox.kaspi.catalogue(MERCHANT).find((offer) => offer.sku === target.sku)?.price).toBe(
      manualPrice,
    );
  }, 90_000);

  it('turns the demper on for the product and the store, and a digest arrives after a rival undercuts us', async () => {
    screenshotOnFailure(() => page, 'sandbox-demper');
    const floor = manualPrice - 3_000;
    await type(`/products ${target.sku}`);
    await (await awaitBot(/Поиск/)).locator('.ik-button').first().click();
    await tap(await awaitBot(`Цена:`), 'Демпер');
    await awaitBot('Напишите настройки одной строкой');
    await type(`on min=${floor} step=10`);
    await awaitBot(/Демпер включён: первое место/);

    // A rival moves: 1 000 ₸ under us in every city; nobody else is cheaper.
    const rivalPrice = manualPrice - 1_000;
    for (const city of CITIES) {
      const rivals = (
        sandbox.kaspi.storefront(target.masterSku, city) as { merchantId: string; price: number }[]
      ).filter((offer) => offer.merchantId !== MERCHANT);
      rivals.forEach((rival, index) =>
        sandbox.kaspi.setRivalPrice(
          target.masterSku,
          city,
          rival.merchantId,
          index === 0 ? rivalPrice : Math.max(rival.price, rivalPrice + 500),
        ),
      );
    }

    await type('/demper');
    await tap(await awaitBot(/Демпер магазина Sandbox Electronics выключен/), '▶️ Включить');
    await awaitBot(/Демпер магазина Sandbox Electronics включён/);
    // Each city is its own market: both move, each named.
    const digest = await awaitBot(/Демпер · Sandbox Electronics: изменено цен — 2/, 30_000);
    const text = digits(await digest.textContent());
    expect(text).toContain(`Алматы:${manualPrice}₸→${rivalPrice - 10}₸`);
    expect(text).toContain(`Астана:${manualPrice}₸→${rivalPrice - 10}₸`);
    expect(await textOf(digest)).toMatch(/дешевле, чтобы быть первыми/);
    expect(await digest.locator('.ik-button').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Остановить демпер'),
        expect.stringContaining('Вернуть прежние цены'),
      ]),
    );
    await eventually(
      () => sandbox.kaspi.catalogue(MERCHANT).find((offer) => offer.sku === target.sku)?.price,
      20_000,
    ).toBe(rivalPrice - 10);
  }, 90_000);

  it('shows the price history with its chart as a photo', async () => {
    screenshotOnFailure(() => page, 'sandbox-history');
    const photosBefore = await page.locator('.photo img').count();
    await type(`/history ${target.sku}`);
    await awaitBot(/📈/);
    const image = page.locator('.photo img').nth(photosBefore);
    await image.waitFor({ timeout: 20_000 });
    await eventually(() =>
      image.evaluate((node) => (node as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(100);
  }, 60_000);

  it('downloads the preorder Excel from /preorders and opens it with exceljs', async () => {
    screenshotOnFailure(() => page, 'sandbox-preorders');
    await type('/preorders');
    await tap(await awaitBot(/Предзаказы · Sandbox Electronics/), 'Скачать Excel');
    const file = page
      .locator('.msg-row.from-bot', { has: page.locator('a.document', { hasText: 'preorders-30067228' }) })
      .last();
    await file.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), file.locator('a.document').click()]);
    expect(download.suggestedFilename()).toMatch(/^preorders-30067228-\d{4}-\d{2}-\d{2}\.xlsx$/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await download.path())!)) as never);
    const sheet = workbook.getWorksheet('Предзаказы')!;
    expect(sheet).toBeDefined();
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(
      expect.arrayContaining(['SKU', 'Алматы, ТЦ Mega, дней', 'Астана, дней']),
    );
    const skus: string[] = [];
    sheet.eachRow((row, index) => {
      if (index > 1) skus.push(String(row.getCell(1).value));
    });
    // The caption counts the rows; each row is an offer Kaspi shows on preorder in the demo store.
    const count = Number(/Предзаказы: (\d+)/.exec((await file.locator('.text').textContent()) ?? '')?.[1]);
    expect(skus).toHaveLength(count);
    expect(count).toBeGreaterThan(0);
    const onPreorder = new Set(
      sandbox.kaspi
        .catalogue(MERCHANT)
        .filter((offer) => offer.availabilities.some((point) => (point.preOrder ?? 0) > 0))
        .map((offer) => offer.sku),
    );
    for (const sku of skus) expect(onPreorder.has(sku), sku).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
