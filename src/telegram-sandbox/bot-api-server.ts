import {
  createServer,
  request as httpRequest,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

import type { BotCommand, MenuButton, Message, ReplyKeyboardMarkup, Update, User, UserFromGetMe } from 'grammy/types';

import type { Logger } from '../logger.js';
import { ApiParams, BotApiError, badRequest } from './api-params.js';
import {
  ChatState,
  type ChatEvent,
  type ChatMessage,
  type FakeUser,
  type StoredFile,
  type StoredMessage,
} from './chat-state.js';
import { imageSize, mimeTypeOf } from './files.js';
import { detectBotCommands, parseFormattedText, type FormattedText } from './formatting.js';
import { isInlineKeyboard, parseReplyMarkup, type ReplyMarkup } from './markup.js';
import type { UploadedFile } from './multipart.js';
import { createWebChat, type WebChat, type WebChatOptions } from './web/web-chat.js';

export type { ChatMessage, FakeUser } from './chat-state.js';
export type { PhoneHint, WebSeller } from './web/web-chat.js';

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
  /** Commands set for the default scope, in `languageCode` if set for it, else the language-less list. */
  botCommands(languageCode?: string): BotCommand[];
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

type Handler = (params: ApiParams, connection: Connection) => unknown;

interface Connection {
  /** Called when the client goes away before the answer is written. */
  onAbort(listener: () => void): void;
}

type Outcome =
  { ok: true; result: unknown; description?: string; aborted?: boolean } | { ok: false; error: BotApiError };

interface PendingPoll {
  limit: number;
  finish: (outcome: Update[] | BotApiError | typeof ABORTED) => void;
  timer?: NodeJS.Timeout;
}

interface WebhookState {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

interface CallWaiter {
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface CallbackQueryState {
  chatId: number;
  messageId: number;
  answered: boolean;
}

/** Marks a result that carries Telegram's optional success `description` (e.g. "Webhook was set"). */
class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

const ABORTED = Symbol('aborted');
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
/** Update types Telegram leaves out while allowed_updates is empty or was never set. */
const NOT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';

export async function startFakeTelegram(options: FakeTelegramOptions): Promise<FakeTelegram> {
  const fake = new FakeTelegramServer(options);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return fake;
}

class FakeTelegramServer implements FakeTelegram {
  apiRoot = '';
  readonly botInfo: UserFromGetMe;
  readonly calls: RecordedCall[] = [];
  readonly webChat: WebChat | undefined;

  private readonly token: string;
  private readonly logger: Logger | undefined;
  private readonly now: () => number;
  private readonly webhookRetryDelayMs: number;
  private readonly waitTimeoutMs: number;
  private readonly state: ChatState;
  private readonly server: Server;
  private readonly handlers: Map<string, { name: string; handler: Handler }>;

  private updates: Update[] = [];
  private nextUpdateId = 1;
  private allowedUpdates: string[] = [];
  private poll: PendingPoll | undefined;
  private webhook: WebhookState | undefined;
  private deliveryRunning = false;
  private deliveryAbort: AbortController | undefined;
  private retryWait: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  private readonly callWaiters = new Set<CallWaiter>();
  private readonly stopWaiting = new Set<(error: Error) => void>();
  private readonly pollWaiters = new Set<() => void>();
  private readonly faults = new Map<string, BotApiError[]>();
  private readonly callbackQueries = new Map<string, CallbackQueryState>();
  private callbackCounter = 0;
  private readonly blocked = new Set<number>();
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly menuButtons = new Map<string, MenuButton>();
  private readonly answering = new Set<Promise<void>>();
  private loggedOut = false;
  private closed = false;

  constructor(options: FakeTelegramOptions) {
    this.token = options.token;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.webhookRetryDelayMs = options.webhookRetryDelayMs ?? 250;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 5000;
    const botId = Number(/^(\d+):/.exec(options.token)?.[1] ?? 7000000001);
    this.botInfo = {
      id: botId,
      is_bot: true,
      first_name: options.botFirstName ?? 'Kaspi Sandbox',
      username: options.botUsername ?? 'kaspi_sandbox_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    const botUser: User = {
      id: botId,
      is_bot: true,
      first_name: this.botInfo.first_name,
      username: this.botInfo.username,
    };
    this.state = new ChatState(botUser, () => Math.floor(this.now() / 1000));
    this.handlers = this.buildHandlers();
    this.server = createServer((request, response) => {
      this.handleRequest(request, response).catch((error: unknown) => {
        this.logger?.error({ err: error }, 'fake Telegram: request handler failed');
        if (!response.headersSent)
          sendJson(response, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
        else response.destroy();
      });
    });
    this.webChat = options.webChat ? createWebChat(this, options.webChat === true ? {} : options.webChat) : undefined;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.apiRoot = `http://${shownHost}:${address.port}`;
    this.logger?.info(
      { apiRoot: this.apiRoot, bot: this.botInfo.username, webChat: this.webChat?.url },
      'fake Telegram Bot API listening',
    );
  }

  // ------------------------------------------------------------------ what a user does

  async sendText(user: FakeUser, text: string): Promise<Message> {
    this.assertOpen();
    if (text.trim() === '') throw new Error('A Telegram client does not send an empty message');
    if (text.length > MAX_TEXT)
      throw new Error(`A Telegram client splits messages longer than ${MAX_TEXT} characters; got ${text.length}`);
    this.state.rememberUser(user);
    const entities = detectBotCommands(text);
    const stored = this.state.addMessage(user.id, 'user', { text, ...(entities.length ? { entities } : {}) });
    return this.enqueueMessage(stored);
  }

  async sendContact(user: FakeUser, phoneNumber: string): Promise<Message> {
    this.assertOpen();
    this.state.rememberUser(user);
    const stored = this.state.addMessage(user.id, 'user', {
      contact: { phone_number: phoneNumber, first_name: user.first_name, user_id: user.id },
    });
    return this.enqueueMessage(stored);
  }

  async sendDocument(
    user: FakeUser,
    fileName: string,
    data: Buffer,
    mimeType?: string,
    caption?: string,
  ): Promise<Message> {
    this.assertOpen();
    if (data.length === 0) throw new Error('A Telegram client does not send an empty file');
    this.state.rememberUser(user);
    const mime = mimeType ?? mimeTypeOf(fileName);
    const file = this.state.storeFile('document', Buffer.from(data), {
      file_name: fileName,
      ...(mime ? { mime_type: mime } : {}),
    });
    const stored = this.state.addMessage(user.id, 'user', {
      documentId: file.file_id,
      ...(caption ? { caption } : {}),
    });
    return this.enqueueMessage(stored);
  }

  async pressButton(user: FakeUser, messageId: number, callbackData: string): Promise<string> {
    return this.sendCallback(user, messageId, callbackData, false);
  }

  async forgeCallback(user: FakeUser, messageId: number, callbackData: string): Promise<string> {
    return this.sendCallback(user, messageId, callbackData, true);
  }

  private async sendCallback(
    user: FakeUser,
    messageId: number,
    callbackData: string,
    forged: boolean,
  ): Promise<string> {
    this.assertOpen();
    this.state.rememberUser(user);
    const stored = this.state.find(user.id, messageId);
    if (!stored || stored.deleted || stored.from !== 'bot') {
      throw new Error(`pressButton: chat ${user.id} has no visible bot message ${messageId}`);
    }
    const buttons = isInlineKeyboard(stored.replyMarkup) ? stored.replyMarkup.inline_keyboard.flat() : [];
    const data = buttons.flatMap((button) => ('callback_data' in button ? [button.callback_data] : []));
    // A user can only press a button that is on screen; a test pressing a stale one is a test bug.
    if (!forged && !data.includes(callbackData)) {
      throw new Error(
        `pressButton: message ${messageId} in chat ${user.id} has no button with callback_data ${JSON.stringify(callbackData)}; it has ${JSON.stringify(data)}`,
      );
    }
    this.callbackCounter += 1;
    const id = String(4_000_000_000_000 + this.callbackCounter);
    this.callbackQueries.set(id, { chatId: user.id, messageId, answered: false });
    this.enqueue({
      callback_query: {
        id,
        from: this.state.apiUser(user.id),
        message: this.state.toApiMessage(stored) as never,
        chat_instance: String(-(user.id * 1000003 + 17)),
        data: callbackData,
      },
    });
    return id;
  }

  // ------------------------------------------------------------------ what the chat looks like

  messages(chatId: number): ChatMessage[] {
    return this.state.messages(chatId);
  }

  lastBotMessage(chatId: number): ChatMessage | undefined {
    return this.visibleBotMessages(chatId)[0];
  }

  replyKeyboard(chatId: number): ReplyKeyboardMarkup | undefined {
    const history = this.state.messages(chatId);
    const index = history.findLastIndex(
      (message) =>
        message.from === 'bot' &&
        message.reply_markup !== undefined &&
        ('keyboard' in message.reply_markup || 'remove_keyboard' in message.reply_markup),
    );
    const markup = history[index]?.reply_markup;
    if (!markup || !('keyboard' in markup)) return undefined;
    // A one-time keyboard hides once the user has answered.
    if (markup.one_time_keyboard && history.slice(index + 1).some((message) => message.from === 'user'))
      return undefined;
    return markup;
  }

  botCommands(languageCode?: string): BotCommand[] {
    const scope = JSON.stringify({ type: 'default' });
    return [...(this.commands.get(`${scope}|${languageCode ?? ''}`) ?? this.commands.get(`${scope}|`) ?? [])];
  }

  subscribe(listener: (event: ChatEvent) => void): () => void {
    return this.state.subscribe(listener);
  }

  callbackAnswers(queryId: string): RecordedCall | undefined {
    return this.calls.find(
      (call) => call.method === 'answerCallbackQuery' && call.ok && String(call.payload.callback_query_id) === queryId,
    );
  }

  waitForCall(
    predicate: (call: RecordedCall) => boolean,
    options: { timeoutMs?: number; since?: number } = {},
  ): Promise<RecordedCall> {
    const since = options.since ?? 0;
    const existing = this.calls.slice(since).find(predicate);
    if (existing) return Promise.resolve(existing);
    if (this.closed) return Promise.reject(new Error('waitForCall: the fake Telegram is closed'));
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    return new Promise<RecordedCall>((resolve, reject) => {
      const waiter: CallWaiter = {
        predicate,
        resolve: (call) => {
          this.callWaiters.delete(waiter);
          clearTimeout(waiter.timer);
          resolve(call);
        },
        reject: (error) => {
          this.callWaiters.delete(waiter);
          clearTimeout(waiter.timer);
          reject(error);
        },
        timer: setTimeout(
          () =>
            waiter.reject(
              new Error(`waitForCall: no matching Bot API call within ${timeoutMs} ms.\n${this.describeRecentCalls()}`),
            ),
          timeoutMs,
        ),
      };
      this.callWaiters.add(waiter);
    });
  }

  waitForBotMessage(
    chatId: number,
    predicate: (message: ChatMessage) => boolean,
    options: { timeoutMs?: number } = {},
  ): Promise<ChatMessage> {
    const find = () => this.visibleBotMessages(chatId).find(predicate);
    const existing = find();
    if (existing) return Promise.resolve(existing);
    if (this.closed) return Promise.reject(new Error('waitForBotMessage: the fake Telegram is closed'));
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    return new Promise<ChatMessage>((resolve, reject) => {
      const settle = (error: Error | undefined, message?: ChatMessage) => {
        unsubscribe();
        clearTimeout(timer);
        this.stopWaiting.delete(settle);
        if (error) reject(error);
        else resolve(message as ChatMessage);
      };
      const unsubscribe = this.state.subscribe((event) => {
        if (event.chat_id !== chatId || event.type === 'chat_action' || event.type === 'callback_answer') return;
        try {
          const found = find();
          if (found) settle(undefined, found);
        } catch (error) {
          settle(error instanceof Error ? error : new Error(String(error)));
        }
      });
      const timer = setTimeout(() => {
        const shown = this.visibleBotMessages(chatId)
          .slice(0, 5)
          .map(
            (message) =>
              `  #${message.message_id} ${JSON.stringify(message.text ?? message.caption ?? message.document?.file_name ?? '')}`,
          )
          .join('\n');
        settle(
          new Error(
            `waitForBotMessage: no matching bot message in chat ${chatId} within ${timeoutMs} ms. Newest bot messages:\n${shown || '  (none)'}\n${this.describeRecentCalls()}`,
          ),
        );
      }, timeoutMs);
      this.stopWaiting.add(settle);
    });
  }

  waitForPoll(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.poll) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('waitForPoll: the fake Telegram is closed'));
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.pollWaiters.delete(started);
        this.stopWaiting.delete(settle);
        if (error) reject(error);
        else resolve();
      };
      const started = () => settle();
      const timer = setTimeout(
        () => settle(new Error(`waitForPoll: no long poll within ${timeoutMs} ms.\n${this.describeRecentCalls()}`)),
        timeoutMs,
      );
      this.pollWaiters.add(started);
      this.stopWaiting.add(settle);
    });
  }

  // ------------------------------------------------------------------ faults

  injectFlood(method: string, retryAfterSeconds: number, times = 1): void {
    for (let index = 0; index < times; index++) {
      this.addFault(
        method,
        new BotApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, { retry_after: retryAfterSeconds }),
      );
    }
  }

  injectError(method: string, errorCode: number, description: string, times = 1): void {
    for (let index = 0; index < times; index++) this.addFault(method, new BotApiError(errorCode, description));
  }

  blockBot(user: FakeUser, blocked = true): void {
    if (blocked) this.blocked.add(user.id);
    else this.blocked.delete(user.id);
  }

  private addFault(method: string, error: BotApiError): void {
    const key = method.toLowerCase();
    const queue = this.faults.get(key) ?? [];
    queue.push(error);
    this.faults.set(key, queue);
  }

  // ------------------------------------------------------------------ lifecycle

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.poll?.finish([]);
    this.cancelDelivery();
    for (const waiter of [...this.callWaiters]) waiter.reject(new Error('waitForCall: the fake Telegram was closed'));
    for (const settle of [...this.stopWaiting]) settle(new Error('the fake Telegram was closed while waiting'));
    this.webChat?.close();
    // Answers already decided (the long poll just ended) reach the client before the sockets go.
    await Promise.allSettled([...this.answering]);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.logger?.info({ calls: this.calls.length }, 'fake Telegram Bot API closed');
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The fake Telegram is closed');
  }

  // ------------------------------------------------------------------ HTTP

  private async handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = this.now();
    const url = new URL(request.url ?? '/', 'http://fake-telegram');
    let body: Buffer;
    try {
      body = await readBody(request, MAX_UPLOAD_BYTES);
    } catch {
      sendJson(response, 413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
      return;
    }
    const path = safeDecode(url.pathname);
    // The page and its endpoints never collide with the Bot API: those paths all start with /bot or /file/bot.
    if (this.webChat && !this.closed && (await this.webChat.handle(request, response, url, body))) return;
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (fileMatch) {
      this.serveFile(response, fileMatch[1] ?? '', fileMatch[2] ?? '');
      return;
    }
    const match = /^\/bot([^/]*)\/([^/]*)$/.exec(path);
    if (!match) {
      sendJson(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const handling = this.answerApiRequest(request, response, url, body, at, match[1] ?? '', match[2] ?? '');
    this.answering.add(handling);
    try {
      await handling;
    } finally {
      this.answering.delete(handling);
    }
  }

  private async answerApiRequest(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    body: Buffer,
    at: number,
    token: string,
    rawMethod: string,
  ): Promise<void> {
    const known = this.handlers.get(rawMethod.toLowerCase());
    let params: ApiParams | undefined;
    let outcome: Outcome;
    let parseError: BotApiError | undefined;
    try {
      params = ApiParams.fromRequest(request, body, url);
    } catch (error) {
      if (!(error instanceof BotApiError)) throw error;
      parseError = error;
    }
    try {
      // Telegram judges the token and the method before it looks at the parameters.
      if (token !== this.token || this.loggedOut) throw new BotApiError(401, 'Unauthorized');
      if (!known) throw new BotApiError(404, 'Not Found');
      if (parseError || !params) throw parseError ?? badRequest('invalid request');
      outcome = await this.invoke(known, params, connectionOf(response), at);
    } catch (error) {
      if (!(error instanceof BotApiError)) throw error;
      outcome = { ok: false, error };
      this.record(known?.name ?? rawMethod, params?.recordedPayload() ?? {}, at, outcome);
    }
    if (response.destroyed || response.writableEnded) return;
    await new Promise<void>((resolve) => {
      if (outcome.ok)
        sendJson(
          response,
          200,
          { ok: true, result: outcome.result, ...(outcome.description ? { description: outcome.description } : {}) },
          resolve,
        );
      else sendJson(response, outcome.error.errorCode, errorBody(outcome.error), resolve);
    });
  }

  /** Runs a method and records the call; chat events it causes are released only after the record exists. */
  private async invoke(
    method: { name: string; handler: Handler },
    params: ApiParams,
    connection: Connection,
    at: number,
    viaWebhookReply = false,
  ): Promise<Outcome> {
    const release = this.state.holdEvents();
    let outcome: Outcome;
    try {
      const fault = this.faults.get(method.name.toLowerCase())?.shift();
      if (fault) throw fault;
      let result = method.handler(params, connection);
      if (result instanceof Promise) {
        // Only getUpdates waits, and it changes no chat; holding events across the wait would stall them.
        release();
        result = await result;
      }
      if (result === ABORTED) outcome = { ok: true, result: [], aborted: true };
      else if (result instanceof Described)
        outcome = { ok: true, result: result.result, description: result.description };
      else outcome = { ok: true, result };
    } catch (error) {
      if (!(error instanceof BotApiError)) {
        release();
        throw error;
      }
      outcome = { ok: false, error };
    }
    this.record(method.name, params.recordedPayload(), at, outcome, viaWebhookReply);
    release();
    return outcome;
  }

  private record(
    method: string,
    payload: Record<string, unknown>,
    at: number,
    outcome: Outcome,
    viaWebhookReply = false,
  ): void {
    const call: RecordedCall = outcome.ok
      ? { method, payload, at, ok: true, result: outcome.result }
      : {
          method,
          payload,
          at,
          ok: false,
          error: { error_code: outcome.error.errorCode, description: outcome.error.description },
        };
    if (outcome.ok && outcome.aborted) call.aborted = true;
    if (viaWebhookReply) call.viaWebhookReply = true;
    this.calls.push(call);
    if (call.ok) this.logger?.debug({ method, aborted: call.aborted }, 'fake Telegram call');
    else this.logger?.debug({ method, error: call.error }, 'fake Telegram call failed');
    for (const waiter of [...this.callWaiters]) {
      try {
        if (waiter.predicate(call)) waiter.resolve(call);
      } catch (error) {
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private serveFile(response: ServerResponse, token: string, filePath: string): void {
    const file = token === this.token && !this.loggedOut ? this.state.fileByPath(filePath) : undefined;
    if (!file) {
      sendJson(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    response.writeHead(200, {
      'content-type': file.mime_type ?? 'application/octet-stream',
      'content-length': file.data.length,
    });
    response.end(file.data);
  }

  private describeRecentCalls(): string {
    const recent = this.calls.slice(-12);
    if (recent.length === 0) return 'No Bot API calls were recorded.';
    const start = this.calls.length - recent.length;
    const lines = recent.map((call, index) => {
      const status = call.ok ? 'ok' : `${call.error?.error_code} ${call.error?.description}`;
      let payload = JSON.stringify(call.payload);
      if (payload.length > 160) payload = `${payload.slice(0, 157)}...`;
      return `  [${start + index}] ${call.method} ${status} ${payload}`;
    });
    return `Recent Bot API calls (${this.calls.length} in all):\n${lines.join('\n')}`;
  }

  // ------------------------------------------------------------------ updates

  private enqueueMessage(stored: StoredMessage): Message {
    this.enqueue({ message: this.state.toApiMessage(stored) as never });
    return this.state.toApiMessage(stored);
  }

  private enqueue(content: Omit<Update, 'update_id'>): void {
    const update = { update_id: this.nextUpdateId, ...content } as Update;
    this.nextUpdateId += 1;
    this.updates.push(update);
    this.wake();
  }

  private wake(): void {
    if (this.webhook) {
      this.startDelivery();
      return;
    }
    const poll = this.poll;
    if (!poll) return;
    const batch = this.available(poll.limit);
    if (batch.length > 0) poll.finish(batch);
  }

  /** Pending updates of allowed types, oldest first; updates of other types are dropped as Telegram never makes them. */
  private available(limit: number): Update[] {
    this.updates = this.updates.filter((update) => this.isAllowed(update));
    return this.updates.slice(0, limit);
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    return this.allowedUpdates.length === 0 ? !NOT_BY_DEFAULT.has(type) : this.allowedUpdates.includes(type);
  }

  private confirm(offset: number): void {
    if (offset > 0) this.updates = this.updates.filter((update) => update.update_id >= offset);
    else if (offset < 0) this.updates = this.updates.slice(offset);
  }

  private setAllowedUpdates(params: ApiParams): void {
    const value = params.json('allowed_updates', () => badRequest("can't parse allowed updates JSON object"));
    if (value === undefined) return;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw badRequest("can't parse allowed updates JSON object");
    this.allowedUpdates = value as string[];
  }

  private getUpdates(params: ApiParams, connection: Connection): Promise<Update[] | typeof ABORTED> | Update[] {
    if (this.webhook) {
      throw new BotApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = params.integer('offset', () => badRequest('wrong parameter offset')) ?? 0;
    const limit = Math.min(100, Math.max(1, params.integer('limit', () => badRequest('wrong parameter limit')) ?? 100));
    const timeout = Math.max(0, params.integer('timeout', () => badRequest('wrong parameter timeout')) ?? 0);
    this.setAllowedUpdates(params);
    this.confirm(offset);
    // Telegram answers the older of two overlapping long polls with 409 and serves the newer one.
    this.poll?.finish(
      new BotApiError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ),
    );
    const batch = this.available(limit);
    if (batch.length > 0 || timeout === 0 || this.closed) return batch;
    return new Promise((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        finish: (outcome) => {
          if (this.poll !== poll) return;
          this.poll = undefined;
          clearTimeout(poll.timer);
          if (outcome instanceof BotApiError) reject(outcome);
          else resolve(outcome);
        },
      };
      poll.timer = setTimeout(() => poll.finish([]), timeout * 1000);
      connection.onAbort(() => poll.finish(ABORTED));
      this.poll = poll;
      for (const started of [...this.pollWaiters]) started();
    });
  }

  // ------------------------------------------------------------------ webhook

  private setWebhook(params: ApiParams): Described {
    const url = params.string('url') ?? '';
    if (url === '') return this.deleteWebhook(params);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('invalid webhook URL specified');
    }
    // Telegram insists on HTTPS on ports 443/80/88/8443; the sandbox takes any http(s) URL so tests can listen locally.
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    const secretToken = params.string('secret_token');
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken))
      throw badRequest('secret token contains unallowed characters');
    const maxConnections = params.integer('max_connections', () => badRequest('wrong parameter max_connections')) ?? 40;
    this.setAllowedUpdates(params);
    if (params.boolean('drop_pending_updates')) this.updates = [];
    const same = this.webhook?.url === url && this.webhook.secretToken === secretToken;
    this.cancelDelivery();
    this.webhook = {
      url,
      maxConnections: Math.min(100, Math.max(1, maxConnections)),
      ...(secretToken ? { secretToken } : {}),
    };
    this.poll?.finish(
      new BotApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      ),
    );
    this.startDelivery();
    return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
  }

  private deleteWebhook(params: ApiParams): Described {
    if (params.boolean('drop_pending_updates')) this.updates = [];
    if (!this.webhook) return new Described(true, 'Webhook is already deleted');
    this.webhook = undefined;
    this.cancelDelivery();
    return new Described(true, 'Webhook was deleted');
  }

  private webhookInfo(): Record<string, unknown> {
    const webhook = this.webhook;
    const pending = this.updates.filter((update) => this.isAllowed(update)).length;
    if (!webhook) return { url: '', has_custom_certificate: false, pending_update_count: pending };
    return {
      url: webhook.url,
      has_custom_certificate: false,
      pending_update_count: pending,
      ip_address: '127.0.0.1',
      max_connections: webhook.maxConnections,
      ...(this.allowedUpdates.length ? { allowed_updates: [...this.allowedUpdates] } : {}),
      ...(webhook.lastErrorDate !== undefined
        ? { last_error_date: webhook.lastErrorDate, last_error_message: webhook.lastErrorMessage }
        : {}),
    };
  }

  private startDelivery(): void {
    if (this.deliveryRunning || !this.webhook || this.closed) return;
    this.deliveryRunning = true;
    void this.deliver()
      .catch((error: unknown) => this.logger?.error({ err: error }, 'fake Telegram: webhook delivery failed'))
      .finally(() => {
        this.deliveryRunning = false;
        // An update queued while the loop was winding down would otherwise wait for the next one.
        if (this.webhook && !this.closed && this.available(1).length > 0) this.startDelivery();
      });
  }

  /** One update at a time, oldest first, retried until the bot answers 2xx, as Telegram does. */
  private async deliver(): Promise<void> {
    for (;;) {
      const webhook = this.webhook;
      if (!webhook || this.closed) return;
      const update = this.available(1)[0];
      if (!update) return;
      const abort = new AbortController();
      this.deliveryAbort = abort;
      const answer = await postUpdate(webhook, update, abort.signal);
      this.deliveryAbort = undefined;
      if (abort.signal.aborted || this.webhook !== webhook) continue;
      if (answer.status !== undefined && answer.status >= 200 && answer.status < 300) {
        this.updates = this.updates.filter((pending) => pending.update_id !== update.update_id);
        await this.runWebhookReply(answer.contentType, answer.body);
        continue;
      }
      webhook.lastErrorDate = Math.floor(this.now() / 1000);
      webhook.lastErrorMessage =
        answer.status !== undefined
          ? `Wrong response from the webhook: ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trim()
          : answer.error;
      this.logger?.warn(
        { update_id: update.update_id, error: webhook.lastErrorMessage },
        'fake Telegram: webhook delivery failed, will retry',
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.retryWait = undefined;
          resolve();
        }, this.webhookRetryDelayMs);
        this.retryWait = { timer, resolve };
      });
    }
  }

  private cancelDelivery(): void {
    this.deliveryAbort?.abort();
    this.deliveryAbort = undefined;
    if (this.retryWait) {
      clearTimeout(this.retryWait.timer);
      const { resolve } = this.retryWait;
      this.retryWait = undefined;
      resolve();
    }
  }

  /** A bot may answer the webhook POST with one method call in the body; Telegram performs it. */
  private async runWebhookReply(contentType: string, body: Buffer): Promise<void> {
    if (!contentType.toLowerCase().includes('application/json') || body.length === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || typeof (parsed as { method?: unknown }).method !== 'string')
      return;
    const { method: rawMethod, ...rest } = parsed as Record<string, unknown> & { method: string };
    const known = this.handlers.get(rawMethod.toLowerCase());
    const params = ApiParams.fromObject(rest);
    if (known) await this.invoke(known, params, { onAbort: () => undefined }, this.now(), true);
    else
      this.record(
        rawMethod,
        params.recordedPayload(),
        this.now(),
        { ok: false, error: new BotApiError(404, 'Not Found') },
        true,
      );
  }

  // ------------------------------------------------------------------ methods

  private buildHandlers(): Map<string, { name: string; handler: Handler }> {
    const table: Record<string, Handler> = {
      getMe: () => this.botInfo,
      getUpdates: (params, connection) => this.getUpdates(params, connection),
      setWebhook: (params) => this.setWebhook(params),
      deleteWebhook: (params) => this.deleteWebhook(params),
      getWebhookInfo: () => this.webhookInfo(),
      sendMessage: (params) => this.sendMessageMethod(params),
      editMessageText: (params) => this.editMessageText(params),
      editMessageCaption: (params) => this.editMessageCaption(params),
      editMessageReplyMarkup: (params) => this.editMessageReplyMarkup(params),
      deleteMessage: (params) => this.deleteMessage(params),
      deleteMessages: (params) => this.deleteMessages(params),
      answerCallbackQuery: (params) => this.answerCallbackQuery(params),
      sendDocument: (params) => this.sendFileMethod(params, 'document'),
      sendPhoto: (params) => this.sendFileMethod(params, 'photo'),
      sendChatAction: (params) => this.sendChatAction(params),
      setMyCommands: (params) => this.setMyCommands(params),
      getMyCommands: (params) => this.commands.get(this.commandsKey(params)) ?? [],
      deleteMyCommands: (params) => {
        this.commands.delete(this.commandsKey(params));
        return true;
      },
      getFile: (params) => this.getFile(params),
      setChatMenuButton: (params) => this.setChatMenuButton(params),
      getChatMenuButton: (params) => this.getChatMenuButton(params),
      close: () => true,
      logOut: () => {
        this.loggedOut = true;
        return true;
      },
    };
    return new Map(Object.entries(table).map(([name, handler]) => [name.toLowerCase(), { name, handler }]));
  }

  private chatId(params: ApiParams): number {
    if (!params.has('chat_id')) throw badRequest('chat_id is empty');
    const chatId = params.integer('chat_id', () => badRequest('chat not found'));
    if (chatId === undefined || !this.state.hasChat(chatId)) throw badRequest('chat not found');
    if (this.blocked.has(chatId)) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
    return chatId;
  }

  private messageId(params: ApiParams, notFound: string): number {
    if (params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
    const messageId = params.integer('message_id', () => badRequest(notFound));
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    return messageId;
  }

  private messageText(params: ApiParams): FormattedText {
    const raw = params.string('text') ?? '';
    if (raw.trim() === '') throw badRequest('message text is empty');
    const formatted = parseFormattedText(
      raw,
      params.string('parse_mode'),
      params.json('entities', () => badRequest("can't parse entities JSON object")),
    );
    if (formatted.text.trim() === '') throw badRequest('message text is empty');
    if (formatted.text.length > MAX_TEXT) throw badRequest('message is too long');
    return formatted;
  }

  private captionOf(params: ApiParams): { caption?: string; captionEntities?: FormattedText['entities'] } {
    const raw = params.string('caption') ?? '';
    if (raw === '') return {};
    const formatted = parseFormattedText(
      raw,
      params.string('parse_mode'),
      params.json('caption_entities', () => badRequest("can't parse entities JSON object")),
    );
    if (formatted.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
    if (formatted.text.trim() === '') return {};
    return { caption: formatted.text, ...(formatted.entities.length ? { captionEntities: formatted.entities } : {}) };
  }

  private replyTarget(params: ApiParams, chatId: number): number | undefined {
    const parameters = params.json('reply_parameters', () => badRequest("can't parse reply parameters JSON object"));
    let allowWithout = params.boolean('allow_sending_without_reply');
    let messageId: number | undefined;
    if (parameters !== undefined) {
      if (parameters === null || typeof parameters !== 'object')
        throw badRequest("can't parse reply parameters JSON object");
      const object = parameters as { message_id?: unknown; allow_sending_without_reply?: unknown };
      if (typeof object.message_id !== 'number') throw badRequest('message to be replied not found');
      messageId = object.message_id;
      allowWithout ||= object.allow_sending_without_reply === true;
    } else {
      messageId = params.integer('reply_to_message_id', () => badRequest('message to be replied not found'));
    }
    if (messageId === undefined) return undefined;
    const target = this.state.find(chatId, messageId);
    if (target && !target.deleted) return messageId;
    if (allowWithout) return undefined;
    throw badRequest('message to be replied not found');
  }

  private markupOf(params: ApiParams): ReplyMarkup | undefined {
    return parseReplyMarkup(params.values.reply_markup);
  }

  private inlineMarkupOf(params: ApiParams): ReplyMarkup | undefined {
    const markup = this.markupOf(params);
    if (markup && !isInlineKeyboard(markup)) throw badRequest('inline keyboard expected');
    return markup;
  }

  private sendMessageMethod(params: ApiParams): Message {
    const chatId = this.chatId(params);
    const { text, entities } = this.messageText(params);
    const replyMarkup = this.markupOf(params);
    const replyToMessageId = this.replyTarget(params, chatId);
    const stored = this.state.addMessage(chatId, 'bot', {
      text,
      ...(entities.length ? { entities } : {}),
      ...(replyMarkup ? { replyMarkup } : {}),
      ...(replyToMessageId !== undefined ? { replyToMessageId } : {}),
    });
    return this.state.toApiMessage(stored);
  }

  /** A bot message that can be edited, or Telegram's error for why not. */
  private editable(chatId: number, messageId: number): StoredMessage {
    const stored = this.state.find(chatId, messageId);
    if (!stored || stored.deleted) throw badRequest('message to edit not found');
    if (stored.from !== 'bot') throw badRequest("message can't be edited");
    return stored;
  }

  /** An edit without reply_markup drops the inline keyboard (as in Telegram) but leaves a reply keyboard alone. */
  private markupAfterEdit(stored: StoredMessage, requested: ReplyMarkup | undefined): ReplyMarkup | undefined {
    if (requested) return requested;
    return isInlineKeyboard(stored.replyMarkup) ? undefined : stored.replyMarkup;
  }

  private editMessageText(params: ApiParams): Message {
    const chatId = this.chatId(params);
    const messageId = this.messageId(params, 'message to edit not found');
    const { text, entities } = this.messageText(params);
    const requested = this.inlineMarkupOf(params);
    const stored = this.editable(chatId, messageId);
    if (stored.text === undefined) throw badRequest('there is no text in the message to edit');
    const replyMarkup = this.markupAfterEdit(stored, requested);
    if (stored.text === text && sameJson(stored.entities ?? [], entities) && sameJson(stored.replyMarkup, replyMarkup))
      throw badRequest(NOT_MODIFIED);
    this.state.edit(stored, { text, entities: entities.length ? entities : undefined, replyMarkup });
    return this.state.toApiMessage(stored);
  }

  private editMessageCaption(params: ApiParams): Message {
    const chatId = this.chatId(params);
    const messageId = this.messageId(params, 'message to edit not found');
    const { caption, captionEntities } = this.captionOf(params);
    const requested = this.inlineMarkupOf(params);
    const stored = this.editable(chatId, messageId);
    if (stored.documentId === undefined && stored.photoId === undefined)
      throw badRequest('there is no caption in the message to edit');
    const replyMarkup = this.markupAfterEdit(stored, requested);
    if (
      stored.caption === caption &&
      sameJson(stored.captionEntities ?? [], captionEntities ?? []) &&
      sameJson(stored.replyMarkup, replyMarkup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    this.state.edit(stored, { caption, captionEntities, replyMarkup });
    return this.state.toApiMessage(stored);
  }

  private editMessageReplyMarkup(params: ApiParams): Message {
    const chatId = this.chatId(params);
    const messageId = this.messageId(params, 'message to edit not found');
    const requested = this.inlineMarkupOf(params);
    const stored = this.editable(chatId, messageId);
    const replyMarkup = this.markupAfterEdit(stored, requested);
    if (sameJson(stored.replyMarkup, replyMarkup)) throw badRequest(NOT_MODIFIED);
    this.state.edit(stored, { replyMarkup });
    return this.state.toApiMessage(stored);
  }

  private deleteMessage(params: ApiParams): boolean {
    const chatId = this.chatId(params);
    const messageId = this.messageId(params, 'message to delete not found');
    const stored = this.state.find(chatId, messageId);
    if (!stored || stored.deleted) throw badRequest('message to delete not found');
    // Bots may delete incoming messages in private chats, e.g. a password the user typed.
    this.state.markDeleted(stored);
    return true;
  }

  private deleteMessages(params: ApiParams): boolean {
    const chatId = this.chatId(params);
    const ids = params.json('message_ids', () => badRequest("can't parse message identifiers JSON object"));
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100 || !ids.every((id) => Number.isSafeInteger(id))) {
      throw badRequest('message identifiers are invalid');
    }
    for (const id of ids as number[]) {
      const stored = this.state.find(chatId, id);
      if (stored && !stored.deleted) this.state.markDeleted(stored);
    }
    return true;
  }

  private answerCallbackQuery(params: ApiParams): boolean {
    const id = params.string('callback_query_id') ?? '';
    const query = this.callbackQueries.get(id);
    if (!query || query.answered) throw badRequest(QUERY_TOO_OLD);
    query.answered = true;
    const text = params.string('text');
    const url = params.string('url');
    this.state.emit({
      type: 'callback_answer',
      chat_id: query.chatId,
      query_id: id,
      message_id: query.messageId,
      show_alert: params.boolean('show_alert'),
      ...(text ? { text } : {}),
      ...(url ? { url } : {}),
    });
    return true;
  }

  private sendFileMethod(params: ApiParams, kind: 'document' | 'photo'): Message {
    const chatId = this.chatId(params);
    const input = params.file(kind);
    if (input === undefined) throw badRequest(`there is no ${kind} in the request`);
    const { caption, captionEntities } = this.captionOf(params);
    const replyMarkup = this.markupOf(params);
    const replyToMessageId = this.replyTarget(params, chatId);
    const file = this.resolveFile(input, kind);
    const stored = this.state.addMessage(chatId, 'bot', {
      ...(kind === 'document' ? { documentId: file.file_id } : { photoId: file.file_id }),
      ...(caption !== undefined ? { caption } : {}),
      ...(captionEntities ? { captionEntities } : {}),
      ...(replyMarkup ? { replyMarkup } : {}),
      ...(replyToMessageId !== undefined ? { replyToMessageId } : {}),
    });
    return this.state.toApiMessage(stored);
  }

  private resolveFile(input: UploadedFile | string, kind: 'document' | 'photo'): StoredFile {
    if (typeof input !== 'string') {
      if (input.data.length === 0) throw badRequest('file must be non-empty');
      if (kind === 'photo') return this.state.storeFile('photo', input.data, imageSize(input.data));
      const mimeType = mimeTypeOf(input.fileName, input.contentType);
      return this.state.storeFile('document', input.data, {
        file_name: input.fileName,
        ...(mimeType ? { mime_type: mimeType } : {}),
      });
    }
    if (/^https?:\/\//i.test(input)) throw badRequest('failed to get HTTP URL content');
    const existing = this.state.file(input);
    if (!existing) throw badRequest('wrong file identifier/HTTP URL specified');
    if (existing.kind !== kind) throw badRequest('type of file mismatch');
    return existing;
  }

  private sendChatAction(params: ApiParams): boolean {
    const chatId = this.chatId(params);
    const action = params.string('action') ?? '';
    if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
    this.state.emit({ type: 'chat_action', chat_id: chatId, action });
    return true;
  }

  private commandsKey(params: ApiParams): string {
    const scope = params.json('scope', () => badRequest("can't parse BotCommandScope JSON object")) ?? {
      type: 'default',
    };
    if (scope === null || typeof scope !== 'object' || typeof (scope as { type?: unknown }).type !== 'string')
      throw badRequest("can't parse BotCommandScope JSON object");
    const language = params.string('language_code') ?? '';
    if (language !== '' && !/^[a-z]{2}$/.test(language)) throw badRequest('invalid language code specified');
    return `${stableJson(scope)}|${language}`;
  }

  private setMyCommands(params: ApiParams): boolean {
    const commands = params.json('commands', () => badRequest("can't parse commands JSON object"));
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    if (commands.length > 100) throw badRequest('too many commands specified');
    const parsed = commands.map((item): BotCommand => {
      const command = item as { command?: unknown; description?: unknown };
      if (typeof command.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command))
        throw badRequest('BOT_COMMAND_INVALID');
      if (
        typeof command.description !== 'string' ||
        command.description.trim() === '' ||
        command.description.length > 256
      ) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      return { command: command.command, description: command.description };
    });
    const key = this.commandsKey(params);
    if (parsed.length === 0) this.commands.delete(key);
    else this.commands.set(key, parsed);
    return true;
  }

  private getFile(params: ApiParams): Record<string, unknown> {
    const file = this.state.file(params.string('file_id') ?? '');
    if (!file) throw badRequest('invalid file_id');
    if (file.data.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.data.length,
      file_path: file.file_path,
    };
  }

  private menuButtonKey(params: ApiParams): string {
    return params.has('chat_id') ? String(this.chatId(params)) : '';
  }

  private setChatMenuButton(params: ApiParams): boolean {
    const key = this.menuButtonKey(params);
    const button = params.json('menu_button', () => badRequest("can't parse menu button JSON object"));
    if (button === undefined) {
      this.menuButtons.delete(key);
      return true;
    }
    const type = (button as { type?: unknown } | null)?.type;
    if (type !== 'commands' && type !== 'web_app' && type !== 'default')
      throw badRequest("can't parse menu button JSON object");
    this.menuButtons.set(key, button as MenuButton);
    return true;
  }

  private getChatMenuButton(params: ApiParams): MenuButton {
    const key = this.menuButtonKey(params);
    return (
      this.menuButtons.get(key) ??
      (key === '' ? { type: 'commands' } : (this.menuButtons.get('') ?? { type: 'default' }))
    );
  }

  private visibleBotMessages(chatId: number): ChatMessage[] {
    return this.state
      .messages(chatId)
      .filter((message) => message.from === 'bot' && !message.deleted)
      .reverse();
  }
}

// ------------------------------------------------------------------ helpers

function connectionOf(response: ServerResponse): Connection {
  return {
    onAbort(listener) {
      response.once('close', () => {
        if (!response.writableFinished) listener();
      });
    },
  };
}

function errorBody(error: BotApiError): Record<string, unknown> {
  return {
    ok: false,
    error_code: error.errorCode,
    description: error.description,
    ...(error.parameters ? { parameters: error.parameters } : {}),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown, done?: () => void): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text, done);
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new Error('body too large'));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function stableJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined && item !== null)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}

function sameJson(left: unknown, right: unknown): boolean {
  return stableJson(left) === stableJson(right);
}

interface WebhookAnswer {
  status?: number;
  contentType: string;
  body: Buffer;
  error?: string;
}

function postUpdate(webhook: WebhookState, update: Update, signal: AbortSignal): Promise<WebhookAnswer> {
  const body = Buffer.from(JSON.stringify(update));
  const url = new URL(webhook.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(
      url,
      {
        method: 'POST',
        // A fresh connection per update: no keep-alive socket outlives close() or the test's webhook server.
        agent: false,
        signal,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          ...(webhook.secretToken ? { 'x-telegram-bot-api-secret-token': webhook.secretToken } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', (error) => resolve({ contentType: '', body: Buffer.alloc(0), error: error.message }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve({
        contentType: '',
        body: Buffer.alloc(0),
        error: error.code === 'ECONNREFUSED' ? 'Connection refused' : error.message,
      });
    });
    request.end(body);
  });
}
