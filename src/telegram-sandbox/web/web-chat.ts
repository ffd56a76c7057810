import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { BotCommand, InlineKeyboardButton, MessageEntity, ReplyKeyboardMarkup, UserFromGetMe } from 'grammy/types';

import type { ChatEvent, ChatMessage, FakeUser } from '../chat-state.js';

/** A simulated Telegram user on the page: a seller with a phone the «share contact» button sends. */
export interface WebSeller {
  id: number;
  first_name: string;
  language_code: string;
  /** As the seller would type it, e.g. `+7 701 000 00 01`; a shared contact carries its digits, as Telegram does. */
  phone: string;
}

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
  /** Answers `/`, `/index.html` and `/sandbox-api/…`; false for any other path (the Bot API's). */
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
  botCommands(languageCode?: string): BotCommand[];
  subscribe(listener: (event: ChatEvent) => void): () => void;
}

/** A message as the page renders it: no bytes, files as URLs of this server. */
interface PageMessage {
  message_id: number;
  from: 'bot' | 'user';
  date: number;
  edits: number;
  edit_date?: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  inline_keyboard?: InlineKeyboardButton[][];
  document?: { file_name: string; mime_type?: string; size: number; url: string };
  photo?: { width: number; height: number; size: number; url: string };
  contact?: { phone_number: string; first_name: string };
  reply_to_message_id?: number;
}

interface PageKeyboard {
  rows: { text: string; kind: 'text' | 'contact' | 'unsupported' }[][];
  placeholder?: string;
}

const API_PREFIX = '/sandbox-api/';
const LANGUAGES = new Set(['ru', 'kk', 'en']);
const KEEP_ALIVE_MS = 15_000;
let pageTemplate: string | undefined;

/** Read on first use, so the Bot API emulator alone (tests) never touches the page file. */
function pageHtml(): string {
  pageTemplate ??= readFileSync(new URL('./page.html', import.meta.url), 'utf8');
  return pageTemplate;
}

export function createWebChat(backend: WebChatBackend, options: WebChatOptions = {}): WebChat {
  return new WebChatServer(backend, options);
}

class WebChatServer implements WebChat {
  private readonly sellersById = new Map<number, WebSeller>();
  private readonly streams = new Set<ServerResponse>();
  private readonly unsubscribe: () => void;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly phoneHints: PhoneHint[];
  private readonly botDescription: string;
  /** Ids of sellers made on the page: from the clock, so a restart with a kept database never reuses one. */
  private lastCreatedId = 1_000_000_000 + (Math.floor(Date.now() / 1000) % 1_000_000_000);

  constructor(
    private readonly backend: WebChatBackend,
    options: WebChatOptions,
  ) {
    for (const seller of options.sellers ?? []) this.sellersById.set(seller.id, { ...seller });
    this.phoneHints = options.phoneHints ?? [];
    this.botDescription = options.botDescription ?? '';
    this.unsubscribe = backend.subscribe((event) => this.forward(event));
    // Proxies and browsers drop a silent stream; a comment line every few seconds keeps it open.
    this.keepAlive = setInterval(() => {
      for (const stream of this.streams) stream.write(': ping\n\n');
    }, KEEP_ALIVE_MS);
    this.keepAlive.unref();
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
    const seller: WebSeller = { id: this.lastCreatedId, first_name: name, language_code: language, phone };
    this.sellersById.set(seller.id, seller);
    this.broadcast({ type: 'seller', seller });
    return { ...seller };
  }

  notify(notice: WebNotice): void {
    this.broadcast({ type: 'notice', title: notice.title, text: notice.text });
  }

  close(): void {
    clearInterval(this.keepAlive);
    this.unsubscribe();
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }

  async handle(request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer): Promise<boolean> {
    const path = url.pathname;
    if (path !== '/' && path !== '/index.html' && !path.startsWith(API_PREFIX)) return false;
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
      return this.page(response);
    }
    const route = path.slice(API_PREFIX.length);
    if (method === 'GET' && route === 'state') return sendJson(response, 200, this.stateJson());
    if (method === 'GET' && route === 'events') return this.openStream(request, response);
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
    if (method === 'GET' && action === 'files' && chat[3]) return this.serveFile(response, seller, safeDecode(chat[3]));
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

  private page(response: ServerResponse): void {
    // A fresh nonce per load: only the page's own script and style run, whatever a message might smuggle in.
    const nonce = randomBytes(16).toString('base64');
    const html = pageHtml().replaceAll('__NONCE__', nonce);
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    });
    response.end(html);
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
        .map((message) => this.pageMessage(seller.id, message)),
      reply_keyboard: this.keyboardOf(seller.id),
      commands: this.backend.botCommands(seller.language_code),
    };
  }

  private serveFile(response: ServerResponse, seller: WebSeller, fileId: string): void {
    // Only files of this seller's own chat: the page shows isolation, it must not break it through a URL.
    const message = this.backend
      .messages(seller.id)
      .find(
        (candidate) =>
          !candidate.deleted && (candidate.document?.file_id === fileId || candidate.photo?.file_id === fileId),
      );
    if (!message) throw new InputError('Not Found', 404);
    const headers: Record<string, string | number> = {
      'cache-control': 'private, max-age=3600',
      'x-content-type-options': 'nosniff',
      // A file is data, never a page of this origin: an uploaded .html must not run here.
      'content-security-policy': "default-src 'none'; sandbox",
    };
    let data: Buffer;
    if (message.document) {
      data = message.document.data;
      headers['content-type'] = message.document.mime_type ?? 'application/octet-stream';
      headers['content-disposition'] = contentDisposition('attachment', message.document.file_name);
    } else {
      data = message.photo!.data;
      const type = imageType(data);
      headers['content-type'] = type ?? 'application/octet-stream';
      headers['content-disposition'] = type ? 'inline' : contentDisposition('attachment', 'photo.bin');
    }
    headers['content-length'] = data.length;
    response.writeHead(200, headers);
    response.end(data);
  }

  private openStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 1000\n\n');
    this.streams.add(response);
    const drop = () => this.streams.delete(response);
    request.on('close', drop);
    response.on('close', drop);
  }

  // ------------------------------------------------------------------ live updates

  private forward(event: ChatEvent): void {
    const seller = this.sellersById.get(event.chat_id);
    if (!seller || this.streams.size === 0) return;
    switch (event.type) {
      case 'message':
      case 'edited':
        this.broadcast({
          type: event.type,
          chat_id: event.chat_id,
          message: this.pageMessage(event.chat_id, event.message),
          reply_keyboard: this.keyboardOf(event.chat_id),
        });
        return;
      case 'deleted':
        this.broadcast({
          type: 'deleted',
          chat_id: event.chat_id,
          message_id: event.message.message_id,
          reply_keyboard: this.keyboardOf(event.chat_id),
        });
        return;
      case 'callback_answer':
        this.broadcast({
          type: 'callback_answer',
          chat_id: event.chat_id,
          message_id: event.message_id,
          text: event.text ?? '',
          show_alert: event.show_alert,
          url: event.url ?? '',
        });
        return;
      case 'chat_action':
        this.broadcast({ type: 'chat_action', chat_id: event.chat_id, action: event.action });
        return;
    }
  }

  private broadcast(payload: Record<string, unknown>): void {
    const frame = `data: ${JSON.stringify(payload)}\n\n`;
    for (const stream of this.streams) stream.write(frame);
  }

  private pageMessage(chatId: number, message: ChatMessage): PageMessage {
    const page: PageMessage = {
      message_id: message.message_id,
      from: message.from,
      date: message.date,
      edits: message.edits,
    };
    if (message.edit_date !== undefined) page.edit_date = message.edit_date;
    if (message.text !== undefined) page.text = message.text;
    if (message.entities?.length) page.entities = message.entities;
    if (message.caption !== undefined) page.caption = message.caption;
    if (message.caption_entities?.length) page.caption_entities = message.caption_entities;
    if (message.reply_markup && 'inline_keyboard' in message.reply_markup)
      page.inline_keyboard = message.reply_markup.inline_keyboard;
    if (message.reply_to_message_id !== undefined) page.reply_to_message_id = message.reply_to_message_id;
    if (message.contact)
      page.contact = { phone_number: message.contact.phone_number, first_name: message.contact.first_name };
    const fileUrl = (fileId: string) => `${API_PREFIX}chats/${chatId}/files/${encodeURIComponent(fileId)}`;
    if (message.document) {
      page.document = {
        file_name: message.document.file_name,
        size: message.document.data.length,
        url: fileUrl(message.document.file_id),
        ...(message.document.mime_type ? { mime_type: message.document.mime_type } : {}),
      };
    }
    if (message.photo)
      page.photo = {
        width: message.photo.width,
        height: message.photo.height,
        size: message.photo.data.length,
        url: fileUrl(message.photo.file_id),
      };
    return page;
  }

  private keyboardOf(chatId: number): PageKeyboard | null {
    const markup = this.backend.replyKeyboard(chatId);
    if (!markup) return null;
    return {
      rows: markup.keyboard.map((row) =>
        row.map((button) => {
          const text = typeof button === 'string' ? button : button.text;
          if (typeof button !== 'string' && 'request_contact' in button && button.request_contact)
            return { text, kind: 'contact' as const };
          const special =
            typeof button !== 'string' &&
            Object.keys(button).some((key) => key !== 'text' && key !== 'style' && key !== 'icon_custom_emoji_id');
          return { text, kind: special ? ('unsupported' as const) : ('text' as const) };
        }),
      ),
      ...(markup.input_field_placeholder ? { placeholder: markup.input_field_placeholder } : {}),
    };
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

class InputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function jsonBody(request: IncomingMessage, body: Buffer): Record<string, unknown> {
  if (
    !String(request.headers['content-type'] ?? '')
      .toLowerCase()
      .startsWith('application/json')
  )
    throw new InputError('Нужен JSON (Content-Type: application/json)', 415);
  let parsed: unknown;
  try {
    parsed = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    throw new InputError('Неверный JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError('Нужен JSON-объект');
  return parsed as Record<string, unknown>;
}

function stringField(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `attachment; filename="ascii fallback"; filename*=UTF-8''…` so Cyrillic names survive every browser. */
function contentDisposition(kind: 'attachment' | 'inline', fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function imageType(data: Buffer): string | undefined {
  if (data.length >= 8 && data.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 6 && data.toString('ascii', 0, 4) === 'GIF8') return 'image/gif';
  if (data.length >= 12 && data.toString('ascii', 0, 4) === 'RIFF' && data.toString('ascii', 8, 12) === 'WEBP')
    return 'image/webp';
  return undefined;
}
