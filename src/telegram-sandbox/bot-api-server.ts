import type { BotCommand, Message, ReplyKeyboardMarkup, UserFromGetMe } from 'grammy/types';

import type { Logger } from '../logger.js';
import { BotIdentity } from './bot-identity.js';
import { CallLog } from './call-log.js';
import { ChatState, type ChatEvent, type ChatMessage, type FakeUser } from './chat-state.js';
import { ChatView } from './chat-view.js';
import { MethodDispatcher } from './dispatcher.js';
import type { FakeTelegram, FakeTelegramOptions, RecordedCall } from './fake-telegram.js';
import { Faults } from './faults.js';
import { BotApiHttp } from './http-api.js';
import { Lifecycle } from './lifecycle.js';
import { LongPolling } from './long-polling.js';
import { CallbackQueries } from './methods/callbacks.js';
import { ChatSettings } from './methods/chat-settings.js';
import { fileMethods } from './methods/files.js';
import { messageMethods } from './methods/messages.js';
import type { MethodContext } from './methods/params.js';
import { UpdateQueue } from './update-queue.js';
import { UserMessages } from './user-messages.js';
import { createWebChat, type WebChat } from './web/web-chat.js';
import { Webhook } from './webhook.js';

export type { ChatMessage, FakeUser } from './chat-state.js';
export type { FakeTelegram, FakeTelegramOptions, RecordedCall } from './fake-telegram.js';
export type { PhoneHint, WebSeller } from './web/web-chat.js';

/** Starts the Bot API emulator on `options.port` (default: any free port) of 127.0.0.1. */
export async function startFakeTelegram(options: FakeTelegramOptions): Promise<FakeTelegram> {
  const fake = new FakeTelegramServer(options);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return fake;
}

/** Assembles the emulator from its parts; each public method is one part's. */
class FakeTelegramServer implements FakeTelegram {
  apiRoot = '';
  readonly botInfo: UserFromGetMe;
  readonly calls: RecordedCall[];
  readonly webChat: WebChat | undefined;

  private readonly logger: Logger | undefined;
  private readonly lifecycle = new Lifecycle();
  private readonly faults = new Faults();
  private readonly blocked = new Set<number>();
  private readonly state: ChatState;
  private readonly log: CallLog;
  private readonly queue: UpdateQueue;
  private readonly polling: LongPolling;
  private readonly webhook: Webhook;
  private readonly callbacks: CallbackQueries;
  private readonly settings: ChatSettings;
  private readonly users: UserMessages;
  private readonly view: ChatView;
  private readonly dispatcher: MethodDispatcher;
  private readonly http: BotApiHttp;

  constructor(options: FakeTelegramOptions) {
    this.logger = options.logger;
    const now = options.now ?? Date.now;
    const waitTimeoutMs = options.waitTimeoutMs ?? 5000;
    const bot = new BotIdentity(options.token, options);
    this.botInfo = bot.info;
    this.state = new ChatState(bot.user, () => Math.floor(now() / 1000));
    this.log = new CallLog(this.lifecycle, waitTimeoutMs, this.logger);
    this.calls = this.log.calls;
    this.queue = new UpdateQueue(() => this.wake());
    this.polling = new LongPolling(
      this.queue,
      this.lifecycle,
      () => this.webhook.active,
      waitTimeoutMs,
      () => this.log.describeRecentCalls(),
    );
    this.webhook = new Webhook({
      queue: this.queue,
      polling: this.polling,
      lifecycle: this.lifecycle,
      logger: this.logger,
      now,
      retryDelayMs: options.webhookRetryDelayMs ?? 250,
      performReply: (method, values) => this.dispatcher.performWebhookReply(method, values, now()),
    });
    const context: MethodContext = { state: this.state, blocked: this.blocked };
    this.callbacks = new CallbackQueries(this.state, this.queue, this.lifecycle);
    this.settings = new ChatSettings(context);
    this.users = new UserMessages(this.state, this.queue, this.lifecycle);
    this.view = new ChatView(this.state, this.lifecycle, this.log, waitTimeoutMs);
    this.dispatcher = new MethodDispatcher(this.state, this.log, this.faults, [
      bot.methods(),
      this.polling.methods(),
      this.webhook.methods(),
      messageMethods(context),
      this.callbacks.methods(),
      fileMethods(context),
      this.settings.methods(),
    ]);
    this.webChat = options.webChat ? createWebChat(this, options.webChat === true ? {} : options.webChat) : undefined;
    this.http = new BotApiHttp({
      bot,
      dispatcher: this.dispatcher,
      log: this.log,
      state: this.state,
      lifecycle: this.lifecycle,
      webChat: this.webChat,
      logger: this.logger,
      now,
    });
  }

  async listen(port: number, host: string): Promise<void> {
    this.apiRoot = await this.http.listen(port, host);
    this.logger?.info(
      { apiRoot: this.apiRoot, bot: this.botInfo.username, webChat: this.webChat?.url },
      'fake Telegram Bot API listening',
    );
  }

  // ------------------------------------------------------------------ what a user does

  sendText(user: FakeUser, text: string): Promise<Message> {
    return this.users.sendText(user, text);
  }

  sendContact(user: FakeUser, phoneNumber: string): Promise<Message> {
    return this.users.sendContact(user, phoneNumber);
  }

  sendDocument(user: FakeUser, fileName: string, data: Buffer, mimeType?: string, caption?: string): Promise<Message> {
    return this.users.sendDocument(user, fileName, data, mimeType, caption);
  }

  pressButton(user: FakeUser, messageId: number, callbackData: string): Promise<string> {
    return this.callbacks.send(user, messageId, callbackData, false);
  }

  forgeCallback(user: FakeUser, messageId: number, callbackData: string): Promise<string> {
    return this.callbacks.send(user, messageId, callbackData, true);
  }

  // ------------------------------------------------------------------ what the chat looks like

  messages(chatId: number): ChatMessage[] {
    return this.view.messages(chatId);
  }

  lastBotMessage(chatId: number): ChatMessage | undefined {
    return this.view.lastBotMessage(chatId);
  }

  replyKeyboard(chatId: number): ReplyKeyboardMarkup | undefined {
    return this.view.replyKeyboard(chatId);
  }

  botCommands(languageCode?: string, chatId?: number): BotCommand[] {
    return this.settings.botCommands(languageCode, chatId);
  }

  subscribe(listener: (event: ChatEvent) => void): () => void {
    return this.state.subscribe(listener);
  }

  callbackAnswers(queryId: string): RecordedCall | undefined {
    return this.log.callbackAnswers(queryId);
  }

  waitForCall(
    predicate: (call: RecordedCall) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<RecordedCall> {
    return this.log.waitForCall(predicate, options);
  }

  waitForBotMessage(
    chatId: number,
    predicate: (message: ChatMessage) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<ChatMessage> {
    return this.view.waitForBotMessage(chatId, predicate, options);
  }

  waitForPoll(options?: { timeoutMs?: number }): Promise<void> {
    return this.polling.waitForPoll(options);
  }

  // ------------------------------------------------------------------ faults

  injectFlood(method: string, retryAfterSeconds: number, times?: number): void {
    this.faults.injectFlood(method, retryAfterSeconds, times);
  }

  injectError(method: string, errorCode: number, description: string, times?: number): void {
    this.faults.injectError(method, errorCode, description, times);
  }

  blockBot(user: FakeUser, blocked = true): void {
    if (blocked) this.blocked.add(user.id);
    else this.blocked.delete(user.id);
  }

  // ------------------------------------------------------------------ lifecycle

  async close(): Promise<void> {
    if (!this.lifecycle.markClosed()) return;
    this.polling.end([]);
    this.webhook.cancelDelivery();
    this.log.rejectWaiters();
    this.lifecycle.settleWaiters();
    this.webChat?.close();
    await this.http.close();
    this.logger?.info({ calls: this.calls.length }, 'fake Telegram Bot API closed');
  }

  /** A new update goes to the webhook when one is set, else to the waiting long poll. */
  private wake(): void {
    if (this.webhook.active) {
      this.webhook.startDelivery();
      return;
    }
    this.polling.offer();
  }
}
