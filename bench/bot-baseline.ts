/**
 * The baseline of `npm run bench:bot`: a trivial grammY bot that answers the same update shapes as the real
 * bot does in the bench's seller script — the same Bot API calls per update (reply, chat action, answer +
 * edit), similar texts and keyboards — but with no session, database, Kaspi or i18n. Run through the same
 * runner and `sequentialize` as production, against the same Bot API emulator under the same load, its
 * handling time is what any grammY bot pays here; the real bot's figures are printed as ratios to it.
 */
import { sequentialize } from '@grammyjs/runner';
import { Bot, InlineKeyboard } from 'grammy';

const STORE = 'Sandbox Electronics';
const PRODUCTS = 60;
const PAGE = 8;
const PAGES = Math.ceil(PRODUCTS / PAGE);

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const tenge = (value: number) => `${value.toLocaleString('ru-RU')} ₸`;
const priceOf = (id: number) => 1_000 + id * 130;
const skuOf = (id: number) => `${100_000_000 + id}_${String(id).padStart(9, '0')}`;

const menu = new InlineKeyboard()
  .text('📦 Товары', '1:m:products')
  .text('🔄 Синхронизировать', '1:m:sync')
  .row()
  .text('✅ Включить товары', '1:m:enable')
  .text('⛔ Снять с продажи', '1:m:disable')
  .row()
  .text('🏪 Магазины', '1:m:stores')
  .text('🔑 Войти в Kaspi', '1:m:login')
  .row()
  .text('⚙️ Настройки', '1:m:settings')
  .text('❓ Помощь', '1:m:help');

function listText(page: number): string {
  return `<b>${STORE}</b>: ${PRODUCTS} товаров, страница ${page + 1} из ${PAGES}`;
}

function listKeyboard(page: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (let id = page * PAGE + 1; id <= Math.min(PRODUCTS, (page + 1) * PAGE); id++) {
    keyboard.text(`🟢 Товар ${id} · ${tenge(priceOf(id))}`, `1:p:${id}`).row();
  }
  if (page > 0) keyboard.text('◀️', `1:pl:${page - 1}`);
  keyboard.text(`${page + 1}/${PAGES}`, `1:pl:${page}`);
  if (page + 1 < PAGES) keyboard.text('▶️', `1:pl:${page + 1}`);
  return keyboard;
}

function cardText(id: number): string {
  return [
    `<b>Товар ${id}</b>`,
    `SKU <code>${skuOf(id)}</code> · Kaspi ${100_000_000 + id}`,
    `Цена: <b>${tenge(priceOf(id))}</b>`,
    '🟢 В продаже',
    '🤖 Демпер выключен. Минимум —, максимум —, шаг 1 ₸',
  ].join('\n');
}

function cardKeyboard(id: number): InlineKeyboard {
  return new InlineKeyboard()
    .text('✏️ Изменить цену', `1:pe:${id}`)
    .text('⛔ Снять с продажи', `1:po:${id}:0`)
    .row()
    .text('👥 Конкуренты', `1:pc:${id}`)
    .text('🤖 Демпер', `1:dp:${id}`)
    .text('📈 История', `1:h:${id}`)
    .row()
    .text('◀️ К списку', '1:pl:0');
}

const LEVELS = { all: 'Все', important: 'Только важные', off: 'Выключены' } as const;
type Level = keyof typeof LEVELS;

function settingsText(level: Level): string {
  return `Язык: Русский\nУведомления: ${LEVELS[level]}`;
}

function settingsKeyboard(level: Level): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text('✅ Русский', 'set:lang:ru')
    .text('Қазақша', 'set:lang:kk')
    .text('English', 'set:lang:en')
    .row();
  for (const key of Object.keys(LEVELS) as Level[])
    keyboard.text(`${key === level ? '✅ ' : ''}${LEVELS[key]}`, `set:notify:${key}`);
  return keyboard;
}

export function createBaselineBot(token: string, apiRoot: string): Bot {
  const bot = new Bot(token, { client: { apiRoot } });
  const levels = new Map<number, Level>();
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));

  bot.command('start', (ctx) =>
    ctx.reply(`С возвращением, ${escape(ctx.from?.first_name ?? '')}! Активный магазин: <b>${STORE}</b>.`, {
      parse_mode: 'HTML',
      reply_markup: menu,
    }),
  );
  bot.command('products', (ctx) => ctx.reply(listText(0), { parse_mode: 'HTML', reply_markup: listKeyboard(0) }));
  bot.callbackQuery(/^1:pl:(\d+)$/, async (ctx) => {
    const page = Math.min(PAGES - 1, Number(ctx.match[1]));
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(listText(page), { parse_mode: 'HTML', reply_markup: listKeyboard(page) });
  });
  bot.callbackQuery(/^1:p:(\d+)$/, async (ctx) => {
    const id = Number(ctx.match[1]);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(cardText(id), { parse_mode: 'HTML', reply_markup: cardKeyboard(id) });
  });
  bot.command('offers', async (ctx) => {
    await ctx.replyWithChatAction('typing');
    const lines = [`<b>Товар</b> — Алматы, продавцов: 6`];
    for (let index = 1; index <= 6; index++) lines.push(`${index}. Продавец ${index} · ${tenge(10_000 + index * 70)}`);
    await ctx.reply(lines.join('\n'), {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('◀️ К товару', '1:p:1'),
    });
  });
  bot.command('price', async (ctx) => {
    const [sku, text] = ctx.match.trim().split(/\s+/);
    const price = Number(text);
    if (!sku || !text) return void (await ctx.reply('Формат: /price SKU цена. Например: /price 123456 12 990'));
    if (!Number.isInteger(price) || price <= 0)
      return void (await ctx.reply(`«${escape(text)}» — не цена. Введите целое число тенге, например 12 990.`, {
        parse_mode: 'HTML',
      }));
    if (price < 10) return void (await ctx.reply(`Kaspi не принимает цену ниже ${tenge(10)}.`));
    await ctx.reply(
      `⏳ <b>Товар</b>: ${tenge(10_000)} → ${tenge(price)}. Отправлено в Kaspi, проверяю, что цена применилась…`,
      { parse_mode: 'HTML' },
    );
  });
  bot.command('demper', (ctx) =>
    ctx.reply(
      `🤖 Демпер магазина <b>${STORE}</b> выключен. Товаров с настройками: 0 из ${PRODUCTS}.\nДемпер ещё ничего не менял.`,
      {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard()
          .text('▶️ Включить демпер', '1:dm:1:on')
          .text('🧪 Пробный режим', '1:dm:1:dry')
          .row()
          .text('⛔ Остановить демпер', '1:ds:1')
          .text('↩️ Вернуть прежние цены', '1:dr:1'),
      },
    ),
  );
  bot.command('settings', (ctx) => {
    const level = levels.get(ctx.chat.id) ?? 'all';
    return ctx.reply(settingsText(level), { reply_markup: settingsKeyboard(level) });
  });
  bot.callbackQuery(/^set:notify:(all|important|off)$/, async (ctx) => {
    const level = ctx.match[1] as Level;
    levels.set(ctx.chat!.id, level);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(settingsText(level), { reply_markup: settingsKeyboard(level) });
  });
  bot.callbackQuery('1:m:help', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(
      '<b>Что я умею</b>\n/products — товары и поиск\n/price &lt;SKU&gt; &lt;цена&gt; — изменить цену\n/offers &lt;SKU&gt; — конкуренты',
      {
        parse_mode: 'HTML',
        reply_markup: menu,
      },
    );
  });
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  bot.on('message', (ctx) => ctx.reply('Не понял. Список команд: /help'));
  return bot;
}
