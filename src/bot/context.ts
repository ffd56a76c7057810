import type { ConversationFlavor } from '@grammyjs/conversations';
import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context as DefaultContext, SessionFlavor } from 'grammy';

import type { Logger } from '../logger.js';
import type { SellerView } from '../sellers/seller-service.js';
import type { BotDeps } from './deps.js';

/** Per-chat state that is not worth a table: the open multi-select list. Seller settings live in the database. */
export interface SessionData {
  /**
   * Product ids ticked in the batch on/off list, and the list's page and mode. `token` is in every button of
   * this selection's messages: a button of an older list or confirmation cannot act on a newer selection.
   */
  selection?: { mode: 'enable' | 'disable'; ids: number[]; page: number; storeId: number; token: string };
  /** The last product search, so list pages keep it without putting text into buttons. */
  search?: string;
  /**
   * The last list of products to pick from (a name matched several): what its command was given waits here for
   * the pick, `token` is in its buttons, `ids` are the products it offered (a pick of any other is refused).
   */
  lookup?: { token: string; intent: string; storeId: number; ids: number[]; args: string[] };
  /** A login step waits for a password or a code: the next text is sealed before anything stores it. */
  sensitive?: 'password' | 'code';
}

interface ExtendedContextFlavor {
  deps: BotDeps;
  logger: Logger;
  /** The seller who sent this update, created on first contact; the i18n negotiator reads their language. */
  seller: SellerView;
}

type BaseContext = DefaultContext & ExtendedContextFlavor & SessionFlavor<SessionData> & I18nFlavor;
export type BotContext = ConversationFlavor<BaseContext>;
/**
 * Inside conversations: a plain context with i18n (conversations 2.x re-create contexts on replay) and the
 * language of the outside update's seller, which the i18n negotiator reads.
 */
export type ConversationContext = DefaultContext & I18nFlavor & { seller: Pick<SellerView, 'language'> };
