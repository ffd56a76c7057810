import type { IncomingMessage, ServerResponse } from 'node:http';

import type { BotCommand, ReplyKeyboardMarkup, UserFromGetMe } from 'grammy/types';

import type { ChatEvent, ChatMessage, FakeUser } from '../chat-state.js';
import { safeDecode } from '../http-io.js';
import { serveChatFile } from './chat-files.js';
import { ChatPage, PAGE_ASSETS_PREFIX } from './chat-page.js';
import { EventStreams } from './event-stream.js';
import { InputError, jsonBody, sendJson, stringField } from './http-replies.js';
import { API_PREFIX, pageFrame, pageKeyboard, pageMessage, type PageKeyboard } from './page-view.js';

/** A simulated Telegram user on the page: a seller with a phone the «share contact» button sends. */
export interface WebSeller {
  id: number;
  first_name: string;
  language_code: string;
  /** As the seller would type it, e.g. `+7 701 000 00 01`; a shared contact carries its digits, as Telegram does. */
  phone: string;
  /** IANA zone the seller lives in; the bubbles show times in it, as the bot does (default Asia/Almaty). */
  time_zone?: string;
}

/** Kazakhstan's time, which the bot speaks unless a seller has another zone. */
const DEFAULT_SELLER_TIME_ZONE = 'Asia/Almaty';

/** A phone suggested when a new seller is created on the page, with what it leads to. */
export interface PhoneHint {
  phone: string;
  label: string;
}

export interface WebChatOptions {
  /** Sellers on the page from the start (their chats exist once they write). */
  sellers?: WebSeller[];
  phoneHints?: PhoneHint[];
  /** First line of the empty chat, under the bot's name. */
  botDescription?: string;
}

/** Something the seller's phone would show outside Telegram, e.g. the SMS with Kaspi's login code. */
interface WebNotice {
  title: string;
  text: string;
}

export interface WebChat {
  /** The page: `${apiRoot}/`. */
  readonly url: string;
  sellers(): WebSeller[];
  addSeller(input: { first_name: string; language_code?: string; phone?: string }): WebSeller;
  notify(notice: WebNotice): void;
  /** Answers `/`, `/index.html`, `/sandbox-page/…` and `/sandbox-api/…`; false for any other path (the Bot API's). */
  handle(request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer): Promise<boolean>;
  close(): void;
}

/** What the page needs from the emulator: the user's side of the chat and the chat as it is now. */
export interface WebChatBackend {
  readonly apiRoot: string;
  readonly botInfo: UserFromGetMe;
  sendText(user: FakeUser, text: string): Promise<unknown>;
  sendContact(user: FakeUser, phoneNumber: string): Promise<unknown>;
  sendDocument(user: FakeUser, fileName: string, data: Buffer, mimeType?: string, caption?: string): Promise<unknown>;
  pressButton(user: FakeUser, messageId: number, callbackData: string): Promise<string>;
  messages(chatId: number): ChatMessage[];
  replyKeyboard(chatId: number): ReplyKeyboardMarkup | undefined;
  botCommands(languageCode?: string, chatId?: number): BotCommand[];
  subscribe(listener: (event: ChatEvent) => void): () => void;
}

const LANGUAGES = new Set(['ru', 'kk', 'en']);

export function createWebChat(backend: WebChatBackend, options: WebChatOptions = {}): WebChat {
  return new WebChatServer(backend, options);
}

class WebChatServer implements WebChat {
  private readonly sellersById = new Map<number, WebSeller>();
  private readonly streams = new EventStreams();
  private readonly page = new ChatPage();
  private readonly unsubscribe: () => void;
  private readonly phoneHints: PhoneHint[];
  private readonly botDescription: string;
  /** Ids of sellers made on the page: from the clock, so a restart with a kept database never reuses one. */
  private lastCreatedId = 1_000_000_000 + (Math.floor(Date.now() / 1000) % 1_000_000_000);

  constructor(
    private readonly backend: WebChatBackend,
    options: WebChatOptions,
  ) {
    for (const seller of options.sellers ?? [])
      this.sellersById.set(seller.id, { ...seller, time_zone: seller.time_zone ?? DEFAULT_SELLER_TIME_ZONE });
    this.phoneHints = options.phoneHints ?? [];
    this.botDescription = options.botDescription ?? '';
    this.unsubscribe = backend.subscribe((event) => this.forward(event));
  }

  get url(): string {
    return `${this.backend.apiRoot}/`;
  }

  sellers(): WebSeller[] {
    return [...this.sellersById.values()].map((seller) => ({ ...seller }));
  }

  addSeller(input: { first_name: string; language_code?: string; phone?: string }): WebSeller {
    const name = input.first_name.trim();
    if (name === '' || name.length > 64) throw new InputError('Имя: от 1 до 64 символов');
    const language = input.language_code ?? 'ru';
    if (!LANGUAGES.has(language)) throw new InputError('Язык: ru, kk или en');
    const phone = (input.phone ?? '').trim();
    const digits = phone.replace(/\D/g, '');
    if (phone !== '' && (digits.length < 10 || digits.length > 15 || !/^[\d\s()+\-.]+$/.test(phone)))
      throw new InputError('Телефон: 10–15 цифр, например +7 701 000 00 01');
    this.lastCreatedId = Math.max(
      this.lastCreatedId + 1,
      1_000_000_000 + (Math.floor(Date.now() / 1000) % 1_000_000_000),
    );
    const seller: WebSeller = {
      id: this.lastCreatedId,
      first_name: name,
      language_code: language,
      phone,
      time_zone: DEFAULT_SELLER_TIME_ZONE,
    };
    this.sellersById.set(seller.id, seller);
    this.streams.broadcast({ type: 'seller', seller });
    return { ...seller };
  }

  notify(notice: WebNotice): void {
    this.streams.broadcast({ type: 'notice', title: notice.title, text: notice.text });
  }

  close(): void {
    this.unsubscribe();
    this.streams.close();
  }

  async handle(request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer): Promise<boolean> {
    const path = url.pathname;
    if (path !== '/' && path !== '/index.html' && !path.startsWith(PAGE_ASSETS_PREFIX) && !path.startsWith(API_PREFIX))
      return false;
    try {
      await this.route(request, response, path, body);
    } catch (error) {
      if (error instanceof InputError) sendJson(response, error.status, { error: error.message });
      else throw error;
    }
    return true;
  }

  // ------------------------------------------------------------------ routes

  private async route(request: IncomingMessage, response: ServerResponse, path: string, body: Buffer): Promise<void> {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') throw new InputError('Method Not Allowed', 405);
    // The API has no login: it is for this machine. Refusing other origins (and non-JSON posts, which need a
    // CORS preflight nobody answers) keeps a web page elsewhere from chatting in a seller's name.
    if (method === 'POST' && !this.sameOrigin(request)) throw new InputError('Forbidden', 403);
    if (path === '/' || path === '/index.html') {
      if (method !== 'GET') throw new InputError('Method Not Allowed', 405);
      return this.page.serve(response);
    }
    if (path.startsWith(PAGE_ASSETS_PREFIX)) {
      if (method !== 'GET') throw new InputError('Method Not Allowed', 405);
      if (!this.page.serveAsset(response, path.slice(PAGE_ASSETS_PREFIX.length)))
        throw new InputError('Not Found', 404);
      return;
    }
    const route = path.slice(API_PREFIX.length);
    if (method === 'GET' && route === 'state') return sendJson(response, 200, this.stateJson());
    if (method === 'GET' && route === 'events') return this.streams.open(request, response);
    if (method === 'POST' && route === 'sellers') {
      const input = jsonBody(request, body);
      const seller = this.addSeller({
        first_name: stringField(input, 'first_name') ?? '',
        language_code: stringField(input, 'language_code'),
        phone: stringField(input, 'phone'),
      });
      return sendJson(response, 200, { seller });
    }
    const chat = /^chats\/(\d+)(?:\/([a-z]+)(?:\/([^/]+))?)?$/.exec(route);
    const seller = chat ? this.sellersById.get(Number(chat[1])) : undefined;
    if (!chat || !seller) throw new InputError('Not Found', 404);
    const action = chat[2] ?? '';
    if (method === 'GET' && action === '') return sendJson(response, 200, this.chatJson(seller));
    if (method === 'GET' && action === 'commands')
      return sendJson(response, 200, { commands: this.backend.botCommands(seller.language_code, seller.id) });
    if (method === 'GET' && action === 'files' && chat[3])
      return serveChatFile(response, this.backend.messages(seller.id), safeDecode(chat[3]));
    if (method === 'POST' && action === 'messages') {
      const text = stringField(jsonBody(request, body), 'text') ?? '';
      await this.userAction(() => this.backend.sendText(this.userOf(seller), text));
      return sendJson(response, 200, { ok: true });
    }
    if (method === 'POST' && action === 'contact') {
      jsonBody(request, body);
      if (seller.phone === '') throw new InputError('У этого продавца нет номера телефона');
      // Telegram sends a shared contact's number as digits, without the plus.
      await this.userAction(() => this.backend.sendContact(this.userOf(seller), seller.phone.replace(/\D/g, '')));
      return sendJson(response, 200, { ok: true });
    }
    if (method === 'POST' && action === 'callback') {
      const input = jsonBody(request, body);
      const messageId = input.message_id;
      const data = stringField(input, 'data');
      if (typeof messageId !== 'number' || data === undefined) throw new InputError('message_id и data обязательны');
      const queryId = await this.userAction(() => this.backend.pressButton(this.userOf(seller), messageId, data), 409);
      return sendJson(response, 200, { query_id: queryId });
    }
    if (method === 'POST' && action === 'documents') {
      const rawName = request.headers['x-file-name'];
      if (typeof rawName !== 'string' || rawName === '') throw new InputError('Нужен заголовок X-File-Name');
      const fileName = safeDecode(rawName).replace(/[/\\]/g, '_').slice(0, 255);
      const caption =
        typeof request.headers['x-caption'] === 'string' ? safeDecode(request.headers['x-caption']) : undefined;
      const contentType = request.headers['content-type'];
      await this.userAction(() =>
        this.backend.sendDocument(this.userOf(seller), fileName, body, contentType || undefined, caption || undefined),
      );
      return sendJson(response, 200, { ok: true });
    }
    throw new InputError('Not Found', 404);
  }

  private sameOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`) return false;
    const fetchSite = request.headers['sec-fetch-site'];
    return fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none';
  }

  private stateJson(): Record<string, unknown> {
    const bot = this.backend.botInfo;
    return {
      bot: { id: bot.id, first_name: bot.first_name, username: bot.username, description: this.botDescription },
      sellers: this.sellers(),
      phone_hints: this.phoneHints,
    };
  }

  private chatJson(seller: WebSeller): Record<string, unknown> {
    return {
      seller,
      messages: this.backend
        .messages(seller.id)
        .filter((message) => !message.deleted)
        .map((message) => pageMessage(seller.id, message)),
      reply_keyboard: this.keyboardOf(seller.id),
      commands: this.backend.botCommands(seller.language_code, seller.id),
    };
  }

  // ------------------------------------------------------------------ live updates

  private forward(event: ChatEvent): void {
    const seller = this.sellersById.get(event.chat_id);
    if (!seller || this.streams.size === 0) return;
    this.streams.broadcast(pageFrame(event, () => this.keyboardOf(event.chat_id)));
  }

  private keyboardOf(chatId: number): PageKeyboard | null {
    return pageKeyboard(this.backend.replyKeyboard(chatId));
  }

  // ------------------------------------------------------------------ helpers

  private userOf(seller: WebSeller): FakeUser {
    return { id: seller.id, first_name: seller.first_name, language_code: seller.language_code };
  }

  /** Runs what a user does; the emulator's refusals (a stale button, an empty text) become the page's error. */
  private async userAction<T>(action: () => Promise<T>, status = 400): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new InputError(error instanceof Error ? error.message.split('\n')[0]! : String(error), status);
    }
  }
}
