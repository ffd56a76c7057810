import type { Chat, Contact, Document, Message, MessageEntity, PhotoSize, User } from 'grammy/types';

import { isInlineKeyboard, type ReplyMarkup } from './markup.js';

export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
  language_code?: string;
}

/** One message as the chat shows it now: edits applied, deletions flagged, file bytes at hand. */
export interface ChatMessage {
  message_id: number;
  chat_id: number;
  from: 'bot' | 'user';
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  /** As the bot sent it; for inline keyboards, the current one (an edit without markup removes it, as in Telegram). */
  reply_markup?: ReplyMarkup;
  document?: { file_id: string; file_name: string; mime_type?: string; data: Buffer };
  photo?: { file_id: string; data: Buffer; width: number; height: number };
  contact?: Contact;
  reply_to_message_id?: number;
  deleted: boolean;
  edits: number;
  /** Unix seconds, as in the Bot API. */
  date: number;
  edit_date?: number;
}

/** What changed in a chat; a web chat page can stream these. */
export type ChatEvent =
  | { type: 'message'; chat_id: number; message: ChatMessage }
  | { type: 'edited'; chat_id: number; message: ChatMessage }
  | { type: 'deleted'; chat_id: number; message: ChatMessage }
  | {
      type: 'callback_answer';
      chat_id: number;
      query_id: string;
      message_id: number;
      text?: string;
      show_alert: boolean;
      url?: string;
    }
  | { type: 'chat_action'; chat_id: number; action: string };

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  kind: 'document' | 'photo';
  data: Buffer;
  file_name?: string;
  mime_type?: string;
  width?: number;
  height?: number;
}

/** The mutable record behind a ChatMessage; files are referenced by id so edits never copy bytes. */
export interface StoredMessage {
  chatId: number;
  messageId: number;
  from: 'bot' | 'user';
  date: number;
  editDate?: number;
  deleted: boolean;
  edits: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  captionEntities?: MessageEntity[];
  replyMarkup?: ReplyMarkup;
  documentId?: string;
  photoId?: string;
  contact?: Contact;
  replyToMessageId?: number;
}

export type MessageContent = Omit<StoredMessage, 'chatId' | 'messageId' | 'from' | 'date' | 'deleted' | 'edits'>;

/**
 * Private chats between the bot and fake users: users, per-chat message history with Telegram's
 * per-chat message ids (shared by both sides), uploaded files, and change events.
 */
export class ChatState {
  private readonly users = new Map<number, FakeUser>();
  private readonly chats = new Map<number, StoredMessage[]>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly files = new Map<string, StoredFile>();
  private readonly listeners = new Set<(event: ChatEvent) => void>();
  private fileCounter = 0;
  private held: ChatEvent[] | undefined;

  constructor(
    private readonly bot: User,
    private readonly nowSeconds: () => number,
  ) {}

  rememberUser(user: FakeUser): void {
    if (!Number.isSafeInteger(user.id) || user.id <= 0)
      throw new Error(`A fake user needs a positive integer id, got ${user.id}`);
    this.users.set(user.id, { ...user });
    if (!this.chats.has(user.id)) this.chats.set(user.id, []);
  }

  /** A private chat exists once its user has written to the bot. */
  hasChat(chatId: number): boolean {
    return this.users.has(chatId);
  }

  chatIds(): number[] {
    return [...this.chats.keys()];
  }

  addMessage(chatId: number, from: 'bot' | 'user', content: MessageContent): StoredMessage {
    const messageId = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, messageId);
    const stored: StoredMessage = {
      chatId,
      messageId,
      from,
      date: this.nowSeconds(),
      deleted: false,
      edits: 0,
      ...content,
    };
    let history = this.chats.get(chatId);
    if (!history) {
      history = [];
      this.chats.set(chatId, history);
    }
    history.push(stored);
    this.emit({ type: 'message', chat_id: chatId, message: this.toChatMessage(stored) });
    return stored;
  }

  find(chatId: number, messageId: number): StoredMessage | undefined {
    return this.chats.get(chatId)?.find((message) => message.messageId === messageId);
  }

  edit(stored: StoredMessage, changes: MessageContent): void {
    Object.assign(stored, changes);
    stored.edits += 1;
    stored.editDate = this.nowSeconds();
    this.emit({ type: 'edited', chat_id: stored.chatId, message: this.toChatMessage(stored) });
  }

  markDeleted(stored: StoredMessage): void {
    stored.deleted = true;
    this.emit({ type: 'deleted', chat_id: stored.chatId, message: this.toChatMessage(stored) });
  }

  storeFile(
    kind: StoredFile['kind'],
    data: Buffer,
    details: { file_name?: string; mime_type?: string; width?: number; height?: number },
  ): StoredFile {
    this.fileCounter += 1;
    const number = this.fileCounter;
    const extension = kind === 'photo' ? 'jpg' : (/\.([A-Za-z0-9]{1,8})$/.exec(details.file_name ?? '')?.[1] ?? 'dat');
    const file: StoredFile = {
      // Shaped like real ids (opaque, distinct per file) but deterministic.
      file_id: `${kind === 'photo' ? 'AgAC' : 'BQAC'}AgIAAxkBAAI${String(number).padStart(6, '0')}sandbox`,
      file_unique_id: `AQAD${String(number).padStart(6, '0')}`,
      file_path: `${kind === 'photo' ? 'photos' : 'documents'}/file_${number}.${extension}`,
      kind,
      data,
      ...details,
    };
    this.files.set(file.file_id, file);
    return file;
  }

  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  fileByPath(filePath: string): StoredFile | undefined {
    for (const file of this.files.values()) if (file.file_path === filePath) return file;
    return undefined;
  }

  messages(chatId: number): ChatMessage[] {
    return (this.chats.get(chatId) ?? []).map((stored) => this.toChatMessage(stored));
  }

  subscribe(listener: (event: ChatEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ChatEvent): void {
    if (this.held) {
      this.held.push(event);
      return;
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  /**
   * Queues events until the returned release function runs, so the server can record a Bot API
   * call before anyone waiting on the chat sees its effect.
   */
  holdEvents(): () => void {
    if (this.held) return () => undefined;
    this.held = [];
    return () => {
      const events = this.held ?? [];
      this.held = undefined;
      for (const event of events) this.emit(event);
    };
  }

  apiUser(userId: number): User {
    const user = this.users.get(userId);
    if (!user) throw new Error(`Unknown fake user ${userId}`);
    return {
      id: user.id,
      is_bot: false,
      first_name: user.first_name,
      ...(user.username !== undefined ? { username: user.username } : {}),
      ...(user.language_code !== undefined ? { language_code: user.language_code } : {}),
    };
  }

  apiChat(chatId: number): Chat.PrivateChat {
    const user = this.users.get(chatId);
    if (!user) throw new Error(`Unknown chat ${chatId}`);
    return {
      id: chatId,
      type: 'private',
      first_name: user.first_name,
      ...(user.username !== undefined ? { username: user.username } : {}),
    };
  }

  /** The message as the Bot API serialises it (to the bot in updates and method results). */
  toApiMessage(stored: StoredMessage, withReply = true): Message {
    const message: Record<string, unknown> = {
      message_id: stored.messageId,
      from: stored.from === 'bot' ? this.bot : this.apiUser(stored.chatId),
      chat: this.apiChat(stored.chatId),
      date: stored.date,
    };
    if (stored.editDate !== undefined) message.edit_date = stored.editDate;
    if (withReply && stored.replyToMessageId !== undefined) {
      const replied = this.find(stored.chatId, stored.replyToMessageId);
      if (replied && !replied.deleted) message.reply_to_message = this.toApiMessage(replied, false);
    }
    if (stored.text !== undefined) message.text = stored.text;
    if (stored.entities?.length) message.entities = stored.entities;
    const document = stored.documentId ? this.files.get(stored.documentId) : undefined;
    if (document) message.document = apiDocument(document);
    const photo = stored.photoId ? this.files.get(stored.photoId) : undefined;
    if (photo) message.photo = [apiPhoto(photo)];
    if (stored.caption !== undefined) message.caption = stored.caption;
    if (stored.captionEntities?.length) message.caption_entities = stored.captionEntities;
    if (stored.contact) message.contact = stored.contact;
    // Telegram echoes only inline keyboards back; reply keyboards live on the client.
    if (isInlineKeyboard(stored.replyMarkup)) message.reply_markup = stored.replyMarkup;
    return message as unknown as Message;
  }

  toChatMessage(stored: StoredMessage): ChatMessage {
    const message: ChatMessage = {
      message_id: stored.messageId,
      chat_id: stored.chatId,
      from: stored.from,
      deleted: stored.deleted,
      edits: stored.edits,
      date: stored.date,
    };
    if (stored.editDate !== undefined) message.edit_date = stored.editDate;
    if (stored.text !== undefined) message.text = stored.text;
    if (stored.entities?.length) message.entities = stored.entities;
    if (stored.caption !== undefined) message.caption = stored.caption;
    if (stored.captionEntities?.length) message.caption_entities = stored.captionEntities;
    if (stored.replyMarkup) message.reply_markup = stored.replyMarkup;
    if (stored.contact) message.contact = stored.contact;
    if (stored.replyToMessageId !== undefined) message.reply_to_message_id = stored.replyToMessageId;
    const document = stored.documentId ? this.files.get(stored.documentId) : undefined;
    if (document) {
      message.document = {
        file_id: document.file_id,
        file_name: document.file_name ?? 'document',
        data: document.data,
        ...(document.mime_type ? { mime_type: document.mime_type } : {}),
      };
    }
    const photo = stored.photoId ? this.files.get(stored.photoId) : undefined;
    if (photo)
      message.photo = { file_id: photo.file_id, data: photo.data, width: photo.width ?? 0, height: photo.height ?? 0 };
    return message;
  }
}

function apiDocument(file: StoredFile): Document {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.data.length,
    ...(file.file_name !== undefined ? { file_name: file.file_name } : {}),
    ...(file.mime_type !== undefined ? { mime_type: file.mime_type } : {}),
  };
}

function apiPhoto(file: StoredFile): PhotoSize {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    width: file.width ?? 0,
    height: file.height ?? 0,
    file_size: file.data.length,
  };
}
