import type { Message } from 'grammy/types';

import type { ChatState, FakeUser, StoredMessage } from './chat-state.js';
import { mimeTypeOf } from './file-metadata.js';
import { detectBotCommands } from './formatting.js';
import type { Lifecycle } from './lifecycle.js';
import { MAX_TEXT } from './methods/params.js';
import type { UpdateQueue } from './update-queue.js';

/** What a fake user writes to the bot: text, a shared contact, a document; each becomes a message update. */
export class UserMessages {
  constructor(
    private readonly state: ChatState,
    private readonly queue: UpdateQueue,
    private readonly lifecycle: Lifecycle,
  ) {}

  async sendText(user: FakeUser, text: string): Promise<Message> {
    this.lifecycle.assertOpen();
    if (text.trim() === '') throw new Error('A Telegram client does not send an empty message');
    if (text.length > MAX_TEXT)
      throw new Error(`A Telegram client splits messages longer than ${MAX_TEXT} characters; got ${text.length}`);
    this.state.rememberUser(user);
    const entities = detectBotCommands(text);
    const stored = this.state.addMessage(user.id, 'user', { text, ...(entities.length ? { entities } : {}) });
    return this.enqueueMessage(stored);
  }

  async sendContact(user: FakeUser, phoneNumber: string): Promise<Message> {
    this.lifecycle.assertOpen();
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
    this.lifecycle.assertOpen();
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

  private enqueueMessage(stored: StoredMessage): Message {
    this.queue.push({ message: this.state.toApiMessage(stored) as never });
    return this.state.toApiMessage(stored);
  }
}
