import type { MiddlewareFn } from 'grammy';

import { SellerSchema, type Seller } from '../../db/entities/index.js';
import type { Locale } from '../../i18n.js';
import type { BotContext, SellerView } from '../context.js';

/** The language a seller reads, by Telegram user id; filled on every update, read by the i18n negotiator. */
export const languageByUser = new Map<number, Locale>();

function languageOf(code: string | undefined): Locale {
  if (code?.startsWith('kk')) return 'kk';
  if (code?.startsWith('en')) return 'en';
  return 'ru'; // Russian first: most Kaspi sellers read it, whatever their phone says
}

interface SellerRow {
  id: number;
  chat_id: string;
  language: SellerView['language'];
  notify_level: SellerView['notifyLevel'];
  quiet_from_minute: number | null;
  quiet_to_minute: number | null;
  timezone: string;
  active_store_id: number | null;
}

/**
 * Loads the seller behind the update (created on first contact, language from Telegram). The bot serves
 * private chats only: in groups nothing of a store would be private.
 *
 * Every update runs this, so the usual case is one plain `select` into a read-only view: an entity read costs
 * several times the CPU and nothing here changes the row through the ORM (features that change the seller
 * write it themselves and update the view).
 */
export const loadSeller: MiddlewareFn<BotContext> = async (ctx, next) => {
  const from = ctx.from;
  if (!from || from.is_bot) return;
  if (ctx.chat && ctx.chat.type !== 'private') return;
  const connection = ctx.deps.orm.em.getConnection();
  const rows: SellerRow[] = await connection.execute(
    'select id, chat_id, language, notify_level, quiet_from_minute, quiet_to_minute, timezone, active_store_id from seller where telegram_user_id = ?',
    [from.id],
  );
  const chatId = ctx.chat?.id ?? from.id;
  let seller: SellerView;
  if (rows[0]) {
    seller = viewOf(rows[0], from.id);
    if (ctx.chat && seller.chatId !== chatId) {
      await connection.execute('update seller set chat_id = ?, updated_at = now() where id = ?', [chatId, seller.id]);
      seller.chatId = chatId;
    }
  } else {
    seller = viewOf(await createSeller(ctx, chatId), from.id);
    ctx.logger.info({ sellerId: seller.id }, 'new seller');
  }
  ctx.seller = seller;
  languageByUser.set(from.id, seller.language);
  ctx.logger = ctx.logger.child({ sellerId: seller.id });
  await next();
};

async function createSeller(ctx: BotContext, chatId: number): Promise<SellerRow> {
  const from = ctx.from!;
  const em = ctx.deps.orm.em.fork();
  const created: Seller = em.create(SellerSchema, {
    telegramUserId: from.id,
    chatId,
    firstName: from.first_name.slice(0, 256),
    username: from.username ?? null,
    language: languageOf(from.language_code),
  });
  await em.flush();
  return {
    id: created.id,
    chat_id: String(created.chatId),
    language: created.language,
    notify_level: created.notifyLevel,
    quiet_from_minute: created.quietFromMinute ?? null,
    quiet_to_minute: created.quietToMinute ?? null,
    timezone: created.timezone,
    active_store_id: created.activeStoreId ?? null,
  };
}

function viewOf(row: SellerRow, telegramUserId: number): SellerView {
  return {
    id: row.id,
    telegramUserId,
    // bigint columns arrive as strings; Telegram chat ids fit in a double (52 bits, Bot API docs)
    chatId: Number(row.chat_id),
    language: row.language,
    notifyLevel: row.notify_level,
    quietFromMinute: row.quiet_from_minute,
    quietToMinute: row.quiet_to_minute,
    timezone: row.timezone,
    activeStoreId: row.active_store_id,
  };
}
