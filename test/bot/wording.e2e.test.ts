import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ProductSchema, SellerSchema, StoreSchema } from '../../src/db/entities/index.js';
import {
  buttonData,
  loginAndSync,
  loginBySms,
  newUser,
  press,
  productsOf,
  say,
  startBotHarness,
  type BotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';

/**
 * What the chat says about counts and dead ends: a re-sync tells only what really changed, zero counts are left
 * out, the two demper off-buttons are told apart, and having no store always leads to /login.
 */
let harness: BotHarness;
const seller = newUser('Гульнара');

beforeAll(async () => {
  harness = await startBotHarness({ logger: captureLogger('warn').logger, productsPerMerchant: 12 });
  await loginAndSync(harness, seller);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const em = () => harness.infrastructure.database.orm.em.fork();

describe('the wording of counts and dead ends', () => {
  it('a re-sync with nothing changed says so; a real change is counted, a stock count that moved by itself is not', async () => {
    const { telegram } = harness;
    const total = (await productsOf(harness, seller.id, { removedAt: null })).length;
    const done = await say(telegram, seller, '/sync', /товаров синхронизировано/, 30_000);
    expect(done.text).toContain(`товаров синхронизировано — ${total}. Изменений нет.`);
    expect(done.text).not.toMatch(/изменилось|Новых|удалено|: 0\b/);

    // Our copy of one product differs from Kaspi in its title (a real change), another only in a point's stock
    // count (which moves by itself): the next sync counts the one.
    const [renamed, restocked] = await productsOf(harness, seller.id, { removedAt: null, onSale: true });
    await em().nativeUpdate(ProductSchema, { id: renamed!.id }, { title: 'Старое название' });
    await em().nativeUpdate(
      ProductSchema,
      { id: restocked!.id },
      {
        availabilities: restocked!.availabilities.map((point) => ({ ...point, stockCount: 999, stockSpecified: true })),
      },
    );
    const changed = await say(telegram, seller, '/sync', /товаров синхронизировано/, 30_000);
    expect(changed.text).toContain(`товаров синхронизировано — ${total}. Изменилось: 1.`);
    expect(changed.text).not.toMatch(/Новых|удалено/);
    expect((await em().findOneOrFail(ProductSchema, renamed!.id)).title).toBe(renamed!.title);
  });
  it('while the demper runs, its panel says in one line how «⏸ Выключить» differs from «⛔ Остановить»', async () => {
    const { telegram } = harness;
    const owner = await em().findOneOrFail(SellerSchema, { telegramUserId: seller.id });
    await em().nativeUpdate(StoreSchema, { seller: owner }, { demperEnabled: true });
    const panel = await say(telegram, seller, '/demper', /Демпер магазина/);
    buttonData(panel, '⏸ Выключить');
    buttonData(panel, '⛔ Остановить');
    const explained = (panel.text ?? '')
      .split('\n')
      .filter((line) => /Выключить/.test(line) && /Остановить/.test(line));
    expect(explained).toHaveLength(1);
    await em().nativeUpdate(StoreSchema, { seller: owner }, { demperEnabled: false });
    const off = await say(telegram, seller, '/demper', /Демпер магазина .* выключен/);
    expect(off.text).not.toMatch(/⏸ Выключить —/);
  });

  it('removing the only store leads to /login with its button, and so does every command that needs a store', async () => {
    const { telegram } = harness;
    const alone = newUser('Бота');
    await loginBySms(harness, alone, '+7 701 000 00 02', /Sandbox Home/);
    const stores = await say(telegram, alone, '/stores', /Ваши магазины/);
    const ask = await press(telegram, alone, stores, 'Удалить', /Удалить магазин|удалить/i);
    const removed = await press(telegram, alone, ask, 'Да, удалить', /удалён/);
    expect(removed.text).toMatch(/Других магазинов нет — подключите магазин: \/login$/);
    expect(removed.text).not.toContain('/stores');
    expect(buttonData(removed, '🔑 Войти')).toBe('1:m:login');
    for (const command of [
      '/sync',
      '/demper',
      '/export',
      '/offers 123456',
      '/history 123456',
      '/price 123456 12990',
      '/preorders',
      '/disable',
      '/products',
      '/logout',
    ]) {
      const reply = await say(telegram, alone, command, /\/login/);
      expect(buttonData(reply, '🔑 Войти'), command).toBe('1:m:login');
      expect(reply.text, command).not.toContain('/stores');
    }
  });
});
