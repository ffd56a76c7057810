import type { BotCommand, Message, ReplyKeyboardMarkup, UserFromGetMe } from 'grammy/types';

import type { Logger } from '../logger.js';
import type { ChatEvent, ChatMessage, FakeUser } from './chat-state.js';
import type { WebChat, WebChatOptions } from './web/web-chat.js';

export interface RecordedCall {
  /** Canonical Bot API spelling (`sendMessage`), whatever case the client used; unknown methods as sent. */
  method: string;
  /** Parameters as received, normalised across JSON/form/multipart; uploads as `{ attach, file_name, size }`. */
  payload: Record<string, unknown>;
  /** When the request arrived (ms, the fake's clock). */
  at: number;
  ok: boolean;
  result?: unknown;
  error?: { error_code: number; description: string };
  /** The bot answered a webhook POST with this call instead of making a request. */
  viaWebhookReply?: boolean;
  /** The client hung up before the answer, e.g. a long poll cut by `bot.stop()`. */
  aborted?: boolean;
}

export interface FakeTelegramOptions {
  token: string;
  port?: number;
  host?: string;
  logger?: Logger;
  /** Default `kaspi_sandbox_bot`. */
  botUsername?: string;
  /** Default `Kaspi Sandbox`. */
  botFirstName?: string;
  /** Pause before a failed webhook delivery is retried; default 250 ms (Telegram waits longer). */
  webhookRetryDelayMs?: number;
  /** Default timeout of waitForCall/waitForBotMessage; default 5000 ms. */
  waitTimeoutMs?: number;
  /** Clock for message dates and call times (ms); default Date.now. */
  now?: () => number;
  /**
   * Serve the web chat page at `/` (and its JSON/SSE endpoints under `/sandbox-api/`) on the same port, so a
   * person can chat with the bot in a browser; off by default.
   */
  webChat?: boolean | WebChatOptions;
}

export interface FakeTelegram {
  /** `http://127.0.0.1:<port>`; the bot calls `${apiRoot}/bot<token>/<method>`. */
  apiRoot: string;
  botInfo: UserFromGetMe;
  /** Every Bot API call in the order it was answered (a long poll is recorded when it returns). */
  calls: RecordedCall[];
  /** The user writes to the bot; a leading /command gets a bot_command entity. Returns the user's Message. */
  sendText(user: FakeUser, text: string): Promise<Message>;
  sendContact(user: FakeUser, phoneNumber: string): Promise<Message>;
  sendDocument(user: FakeUser, fileName: string, data: Buffer, mimeType?: string, caption?: string): Promise<Message>;
  /** Returns the callback query id; throws if the message has no such button on screen (deleted, edited away). */
  pressButton(user: FakeUser, messageId: number, callbackData: string): Promise<string>;
  /** A callback query with any data on a bot message, as a modified client can send: bots must not trust it. */
  forgeCallback(user: FakeUser, messageId: number, callbackData: string): Promise<string>;
  /** The private chat with this user, oldest first, edits applied and deletions flagged. */
  messages(chatId: number): ChatMessage[];
  /** The newest bot message that is not deleted. */
  lastBotMessage(chatId: number): ChatMessage | undefined;
  /** The reply keyboard the user sees now (the latest one the bot sent and did not remove). */
  replyKeyboard(chatId: number): ReplyKeyboardMarkup | undefined;
  /** The command menu a user of `languageCode` sees in their private chat `chatId` (Telegram's scope order). */
  botCommands(languageCode?: string, chatId?: number): BotCommand[];
  waitForCall(
    predicate: (call: RecordedCall) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<RecordedCall>;
  /** Resolves with the newest non-deleted bot message matching the predicate, now or after the next change. */
  waitForBotMessage(
    chatId: number,
    predicate: (message: ChatMessage) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<ChatMessage>;
  callbackAnswers(queryId: string): RecordedCall | undefined;
  /** Resolves once a long poll (getUpdates with timeout > 0) is waiting at the server, e.g. before racing a second poller. */
  waitForPoll(options?: { timeoutMs?: number }): Promise<void>;
  /** Every change in every chat; returns the unsubscribe function. */
  subscribe(listener: (event: ChatEvent) => void): () => void;
  injectFlood(method: string, retryAfterSeconds: number, times?: number): void;
  /** The next `times` calls of `method` fail with this error (status = error_code). */
  injectError(method: string, errorCode: number, description: string, times?: number): void;
  /** While blocked, sends and edits to this user answer 403 `Forbidden: bot was blocked by the user`. */
  blockBot(user: FakeUser, blocked?: boolean): void;
  /** The web chat page, when started with `webChat`. */
  readonly webChat?: WebChat;
  close(): Promise<void>;
}
