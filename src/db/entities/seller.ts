import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { timestamps } from './common.js';

export const SELLER_LANGUAGES = ['ru', 'kk', 'en'] as const;
export const NOTIFY_LEVELS = ['all', 'important', 'off'] as const;

/** A Telegram user who manages one or more Kaspi stores in a private chat with the bot. */
export const SellerSchema = defineEntity({
  name: 'Seller',
  tableName: 'seller',
  properties: {
    id: p.integer().primary(),
    telegramUserId: p.bigint('number').unique(),
    chatId: p.bigint('number'),
    firstName: p.string().length(256).nullable(),
    username: p.string().length(64).nullable(),
    language: p.enum([...SELLER_LANGUAGES]).default('ru'),
    notifyLevel: p.enum([...NOTIFY_LEVELS]).default('all'),
    /** Quiet hours in minutes after local midnight (Asia/Almaty); both null = no quiet hours. */
    quietFromMinute: p.smallint().nullable(),
    quietToMinute: p.smallint().nullable(),
    timezone: p.string().length(64).default('Asia/Almaty'),
    /** The store that commands act on; a plain id (not a relation) so that a removed store cannot block deletes. */
    activeStoreId: p.integer().nullable(),
    ...timestamps,
  },
});

export type Seller = InferEntity<typeof SellerSchema>;
