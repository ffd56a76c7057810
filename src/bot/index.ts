import { conversations, createConversation } from '@grammyjs/conversations';
import { ProductWriteBusyError } from '../pricing/write-lock.js';
import { sequentialize } from '@grammyjs/runner';
import { RedisAdapter } from '@grammyjs/storage-redis';
import { Bot, BotError, GrammyError, HttpError, session, type StorageAdapter } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

import { demperSettingsConversation } from '../../conversations/demper-settings.js';
import { demperSetupConversation } from '../../conversations/demper-setup.js';
import { emailLoginConversation } from '../../conversations/email-login.js';
import { excelImportConversation } from '../../conversations/excel-import.js';
import { preorderEditConversation } from '../../conversations/preorder-edit.js';
import { priceEditConversation } from '../../conversations/price-edit.js';
import { smsLoginConversation } from '../../conversations/sms-login.js';
import {
  DEMPER_SETTINGS,
  DEMPER_SETUP,
  EMAIL_LOGIN,
  EXCEL_IMPORT,
  PREORDER_EDIT,
  PRICE_EDIT,
  SMS_LOGIN,
} from '../../conversations/names.js';
import { ACTIONS, actionPattern } from './callback-data.js';
import type { BotContext, ConversationContext, SessionData } from './context.js';
import { refuse } from './guards/ownership.js';
import type { BotDeps } from './deps.js';
import { createAvailabilityFeature } from './features/availability.js';
import { createProductDemperFeature } from './features/product-demper.js';
import { createStoreDemperFeature } from './features/store-demper.js';
import { createExcelFeature } from './features/excel.js';
import { createHistoryFeature } from './features/history.js';
import { createOffersFeature } from './features/offers.js';
import { createPreordersFeature } from './features/preorders.js';
import { createPriceFeature } from './features/price.js';
import { createProductsFeature } from './features/products.js';
import { createSettingsFeature } from './features/settings.js';
import { createStoresFeature } from './features/stores.js';
import { createSyncFeature } from './features/sync.js';
import { createUnhandledFeature } from './features/unhandled.js';
import { createWelcomeFeature } from './features/welcome.js';
import { replyKaspiError } from './replies/kaspi-errors.js';
import { replaceNulCharacters } from './middlewares/nul-characters.js';
import { markUpdateFailed, updateMetrics } from './middlewares/metrics.js';
import { loadSeller } from './middlewares/seller.js';
import { sealSensitiveInput } from './middlewares/sensitive-input.js';
import { unitOfWorkPerUpdate } from './middlewares/unit-of-work.js';
import { DatabaseStorage } from './storage/db-storage.js';
import { useTelegramTransformers } from './telegram-api.js';

/**
 * Bump when the shape of stored conversations changes: older states are dropped, not misread. 2: every step
 * reads the seller's language from the outside update (one more `external` in each step's replay log).
 */
const CONVERSATION_STATE_VERSION = 2;

export const BOT_COMMANDS = [
  'start',
  'help',
  'login',
  'stores',
  'sync',
  'products',
  'price',
  'enable',
  'disable',
  'offers',
  'demper',
  'history',
  'preorders',
  'export',
  'import',
  'settings',
  'cancel',
  'logout',
] as const;

export interface CreateBotOptions {
  /** Skip `getMe` (tests, or a restart that already knows the bot). */
  botInfo?: UserFromGetMe;
}

function storage<T>(deps: BotDeps, prefix: string): StorageAdapter<T> {
  // Redis when configured (several bot processes share it), otherwise the database: both survive a restart.
  if (deps.redis) return prefixed(new RedisAdapter<T>({ instance: deps.redis }), `kaspi-bot:${prefix}`);
  return new DatabaseStorage<T>(deps.orm, prefix);
}

function prefixed<T>(adapter: StorageAdapter<T>, prefix: string): StorageAdapter<T> {
  return {
    read: (key) => adapter.read(prefix + key),
    write: (key, value) => adapter.write(prefix + key, value),
    delete: (key) => adapter.delete(prefix + key),
  };
}

/** Just the named services of `deps`: a feature is handed what it uses, not the whole bag. */
function pick<K extends keyof BotDeps>(deps: BotDeps, ...keys: K[]): Pick<BotDeps, K> {
  return Object.fromEntries(keys.map((key) => [key, deps[key]])) as Pick<BotDeps, K>;
}

/** The composition root of the bot: middleware order is the architecture (template: bot-base/telegram-bot-template). */
export function createBot(token: string, deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    client: { apiRoot: deps.config.telegramApiRoot },
    botInfo: options.botInfo,
  });
  useTelegramTransformers(bot.api);

  // One chat's updates in order (a conversation never sees its answers reordered); different chats in parallel.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  bot.use(updateMetrics(BOT_COMMANDS));
  bot.use(replaceNulCharacters);
  bot.use(unitOfWorkPerUpdate(deps.orm));
  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.logger = deps.logger.child({ updateId: ctx.update.update_id });
    await next();
  });

  const guarded = bot.errorBoundary(async (error) => {
    const ctx = error.ctx;
    if (await replyKaspiError(ctx, error.error, ctx.seller?.activeStoreId ?? undefined).catch(() => false))
      return markUpdateFailed(ctx, 'kaspi-error');
    // Another writer (the demper, an import, a rollback) held the product past the wait: nothing was recorded or
    // sent, and the seller is told so rather than «что-то пошло не так».
    if (error.error instanceof ProductWriteBusyError) {
      markUpdateFailed(ctx, 'kaspi-error');
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      if (ctx.chat) await ctx.reply(ctx.t('price-write-busy')).catch(() => undefined);
      return;
    }
    markUpdateFailed(ctx, 'error');
    ctx.logger.error({ err: error.error }, 'update failed');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    if (ctx.chat) await ctx.reply(ctx.t('error-generic')).catch(() => undefined);
  });

  guarded.use(session<SessionData, BotContext>({ initial: () => ({}), storage: storage(deps, 'session:') }));
  guarded.use(loadSeller);
  guarded.use(deps.i18n);
  guarded.use(sealSensitiveInput(deps.secretBox));
  guarded.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: 'key',
        version: CONVERSATION_STATE_VERSION,
        prefix: 'conversation:',
        adapter: storage(deps, ''),
      },
      // Transformers on bot.api do not reach conversations: the same stack and i18n again here. The language
      // is the outside update's seller's (read once per step, replayed from the conversation's log after).
      plugins: (conversation) => [
        async (ctx, next) => {
          useTelegramTransformers(ctx.api);
          await next();
        },
        async (ctx, next) => {
          ctx.seller = { language: await conversation.external((outer) => outer.seller.language) };
          await next();
        },
        deps.i18n,
      ],
      onExit: (_id, ctx) => {
        ctx.session.sensitive = undefined;
      },
    }),
  );

  // `/cancel` leaves any conversation; any other command leaves it too and then runs, so a seller is never stuck.
  guarded.command('cancel', async (ctx) => {
    const active = Object.keys(ctx.conversation.active()).length > 0;
    await ctx.conversation.exitAll();
    ctx.session.selection = undefined;
    await ctx.reply(ctx.t(active ? 'cancelled' : 'nothing-to-cancel'), { reply_markup: { remove_keyboard: true } });
  });
  guarded.on('message:text', async (ctx, next) => {
    const left = ctx.message.text.startsWith('/') ? Object.keys(ctx.conversation.active()) : [];
    if (left.length > 0) {
      await ctx.conversation.exitAll();
      // Said before the command runs: an SMS code or a price typed next would otherwise land somewhere else.
      await ctx.reply(ctx.t(`left-${left[0]}`), { reply_markup: { remove_keyboard: true } });
    }
    await next();
  });

  guarded.use(createConversation(smsLoginConversation(deps), { id: SMS_LOGIN }));
  guarded.use(createConversation(emailLoginConversation(deps), { id: EMAIL_LOGIN }));
  guarded.use(createConversation(priceEditConversation(deps), { id: PRICE_EDIT }));
  guarded.use(createConversation(demperSettingsConversation(deps), { id: DEMPER_SETTINGS }));
  guarded.use(createConversation(demperSetupConversation(deps), { id: DEMPER_SETUP }));
  guarded.use(createConversation(preorderEditConversation(deps), { id: PREORDER_EDIT }));
  guarded.use(createConversation(excelImportConversation(deps), { id: EXCEL_IMPORT }));

  // Settings first: its menu must see every update to render itself in any reply, «⚙️ Настройки» of the main menu too.
  // Each feature is built with only the services it uses; features never read `ctx.deps` (eslint.config.js).
  guarded.use(
    createSettingsFeature(pick(deps, 'sellers')),
    createWelcomeFeature(pick(deps, 'products', 'stores')),
    createStoresFeature(pick(deps, 'limiter', 'expiryNotices', 'stores', 'sellers', 'sessions', 'presses')),
    createSyncFeature(pick(deps, 'background', 'limiter', 'catalog', 'expiryNotices')),
    createProductsFeature(pick(deps, 'products', 'history', 'offers', 'followUps', 'presses')),
    createPriceFeature(pick(deps, 'products')),
    createAvailabilityFeature(pick(deps, 'products', 'offers', 'followUps')),
    createOffersFeature(pick(deps, 'limiter', 'stores', 'kaspi', 'products')),
    createProductDemperFeature(pick(deps, 'demper', 'followUps', 'products')),
    createStoreDemperFeature(pick(deps, 'stores', 'demper', 'products', 'history', 'presses', 'config', 'followUps')),
    createHistoryFeature(pick(deps, 'history', 'i18n')),
    createPreordersFeature(pick(deps, 'preorders', 'products', 'background')),
    createExcelFeature(pick(deps, 'limiter', 'products')),
  );
  // A pick button no feature took (an intent that does not exist, an overlong id): forged, refused as such.
  guarded.callbackQuery(actionPattern(ACTIONS.lookupPick), refuse);
  guarded.callbackQuery('1:x', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t('cancelled'));
  });
  guarded.use(createUnhandledFeature(pick(deps, 'products')));

  bot.catch((error: BotError<BotContext>) => {
    const cause = error.error;
    if (cause instanceof GrammyError || cause instanceof HttpError)
      deps.logger.warn({ err: cause, updateId: error.ctx.update.update_id }, 'Telegram call failed');
    else deps.logger.error({ err: cause, updateId: error.ctx.update.update_id }, 'unhandled bot error');
  });
  return bot;
}

/** The command list Telegram shows in the menu, in each language. */
export async function publishCommands(bot: Bot<BotContext>, deps: BotDeps): Promise<void> {
  for (const language of ['ru', 'kk', 'en'] as const) {
    const commands = BOT_COMMANDS.map((command) => ({
      command,
      description: deps.i18n.t(language, `command-${command}`),
    }));
    await bot.api.setMyCommands(commands, language === 'ru' ? {} : { language_code: language });
  }
}
