import type { MikroORM } from '@mikro-orm/postgresql';

import { NOTIFY_LEVELS, SELLER_LANGUAGES, SellerSchema, type Seller } from '../db/entities/index.js';
import type { Locale } from '../i18n.js';
import { entityManagerFor } from '../db/unit-of-work.js';

export { NOTIFY_LEVELS, SELLER_LANGUAGES };

/** What an update knows of its seller: read once per update, changed only through the methods that save it. */
export interface SellerView {
  id: number;
  telegramUserId: number;
  chatId: number;
  language: Seller['language'];
  notifyLevel: Seller['notifyLevel'];
  quietFromMinute: number | null;
  quietToMinute: number | null;
  timezone: string;
  activeStoreId: number | null;
}

/** The settings a seller changes in `/settings`. */
export type SellerSettings = Partial<
  Pick<SellerView, 'language' | 'notifyLevel' | 'quietFromMinute' | 'quietToMinute'>
>;

/** The Telegram user behind an update, as much of it as the seller row keeps. */
export interface TelegramSender {
  id: number;
  firstName: string;
  username: string | undefined;
  languageCode: string | undefined;
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

/** The language of a new seller: their Telegram app's, Russian when it is none of ours. */
function languageOf(code: string | undefined): Locale {
  if (code?.startsWith('kk')) return 'kk';
  if (code?.startsWith('en')) return 'en';
  return 'ru'; // Russian first: most Kaspi sellers read it, whatever their phone says
}

/**
 * Sellers by Telegram user: found or created on first contact, their language and notification settings, the
 * store their commands act on. Writes are single statements (`nativeUpdate`), so a change is saved at once
 * whatever else the update has loaded. The EntityManager is the update's where there is one (`entityManagerFor`).
 */
export class SellerService {
  constructor(private readonly orm: MikroORM) {}

  /**
   * The seller behind an update, created on first contact (language from Telegram); the chat id follows the
   * seller's current private chat (`chatId`: none when the update has no chat). Every update runs this, so the usual case is one plain `select` into a
   * read-only view: an entity read costs several times the CPU and nothing here needs change tracking.
   */
  async forUpdate(
    sender: TelegramSender,
    chatId: number | undefined,
  ): Promise<{ seller: SellerView; created: boolean }> {
    const connection = entityManagerFor(this.orm).getConnection();
    const rows: SellerRow[] = await connection.execute(
      'select id, chat_id, language, notify_level, quiet_from_minute, quiet_to_minute, timezone, active_store_id from seller where telegram_user_id = ?',
      [sender.id],
    );
    if (!rows[0]) return { seller: viewOf(await this.create(sender, chatId ?? sender.id), sender.id), created: true };
    const seller = viewOf(rows[0], sender.id);
    if (chatId !== undefined && seller.chatId !== chatId) {
      await connection.execute('update seller set chat_id = ?, updated_at = now() where id = ?', [chatId, seller.id]);
      seller.chatId = chatId;
    }
    return { seller, created: false };
  }

  /** Saves `/settings` choices; the caller updates its view of the seller. */
  async saveSettings(sellerId: number, changes: SellerSettings): Promise<void> {
    await entityManagerFor(this.orm).nativeUpdate(SellerSchema, { id: sellerId }, changes);
  }

  /** The store the seller's commands act on from now on (a store of this seller: the caller checked). */
  async setActiveStore(sellerId: number, storeId: number): Promise<void> {
    await entityManagerFor(this.orm).nativeUpdate(SellerSchema, { id: sellerId }, { activeStoreId: storeId });
  }

  private async create(sender: TelegramSender, chatId: number): Promise<SellerRow> {
    const em = entityManagerFor(this.orm);
    const created: Seller = em.create(SellerSchema, {
      telegramUserId: sender.id,
      chatId,
      firstName: sender.firstName.slice(0, 256),
      username: sender.username ?? null,
      language: languageOf(sender.languageCode),
    });
    await em.persist(created).flush();
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
