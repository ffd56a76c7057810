import type { Update } from 'grammy/types';

import { badRequest, type ApiParams } from './api-params.js';

/** Update types Telegram leaves out while allowed_updates is empty or was never set. */
const NOT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** Updates waiting for the bot, numbered as Telegram numbers them, filtered by allowed_updates. */
export class UpdateQueue {
  private updates: Update[] = [];
  private nextUpdateId = 1;
  private allowed: string[] = [];

  /** `onUpdate` runs after each new update, to hand it to a waiting long poll or the webhook. */
  constructor(private readonly onUpdate: () => void) {}

  get allowedUpdates(): readonly string[] {
    return this.allowed;
  }

  push(content: Omit<Update, 'update_id'>): void {
    const update = { update_id: this.nextUpdateId, ...content } as Update;
    this.nextUpdateId += 1;
    this.updates.push(update);
    this.onUpdate();
  }

  /** Pending updates of allowed types, oldest first; updates of other types are dropped as Telegram never makes them. */
  available(limit: number): Update[] {
    this.updates = this.updates.filter((update) => this.isAllowed(update));
    return this.updates.slice(0, limit);
  }

  /** How many allowed updates wait, without dropping the others (getWebhookInfo only looks). */
  pendingCount(): number {
    return this.updates.filter((update) => this.isAllowed(update)).length;
  }

  /** getUpdates' offset: a positive one confirms every update before it, a negative one keeps only the last ones. */
  confirm(offset: number): void {
    if (offset > 0) this.updates = this.updates.filter((update) => update.update_id >= offset);
    else if (offset < 0) this.updates = this.updates.slice(offset);
  }

  remove(updateId: number): void {
    this.updates = this.updates.filter((pending) => pending.update_id !== updateId);
  }

  dropAll(): void {
    this.updates = [];
  }

  /** Takes allowed_updates from getUpdates or setWebhook; absent leaves the previous choice in force. */
  setAllowedUpdates(params: ApiParams): void {
    const value = params.json('allowed_updates', () => badRequest("can't parse allowed updates JSON object"));
    if (value === undefined) return;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw badRequest("can't parse allowed updates JSON object");
    this.allowed = value as string[];
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    return this.allowed.length === 0 ? !NOT_BY_DEFAULT.has(type) : this.allowed.includes(type);
  }
}
