import { STATUS_CODES } from 'node:http';

import type { Logger } from '../logger.js';
import { badRequest, type ApiParams } from './api-params.js';
import { Described, type MethodTable } from './dispatcher.js';
import type { Lifecycle } from './lifecycle.js';
import { webhookConflict, type LongPolling } from './long-polling.js';
import type { UpdateQueue } from './update-queue.js';
import { postUpdate } from './webhook-post.js';

interface WebhookState {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

export interface WebhookOptions {
  queue: UpdateQueue;
  polling: LongPolling;
  lifecycle: Lifecycle;
  logger: Logger | undefined;
  now: () => number;
  retryDelayMs: number;
  /** Performs the method call a bot returned in its answer to a webhook POST. */
  performReply: (method: string, values: Record<string, unknown>) => Promise<void>;
}

/** setWebhook, deleteWebhook, getWebhookInfo, and the loop that POSTs pending updates to the webhook. */
export class Webhook {
  private webhook: WebhookState | undefined;
  private deliveryRunning = false;
  private deliveryAbort: AbortController | undefined;
  private retryWait: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(private readonly options: WebhookOptions) {}

  get active(): boolean {
    return this.webhook !== undefined;
  }

  methods(): MethodTable {
    return {
      setWebhook: (params) => this.setWebhook(params),
      deleteWebhook: (params) => this.deleteWebhook(params),
      getWebhookInfo: () => this.webhookInfo(),
    };
  }

  startDelivery(): void {
    if (this.deliveryRunning || !this.webhook || this.options.lifecycle.closed) return;
    this.deliveryRunning = true;
    void this.deliver()
      .catch((error: unknown) => this.options.logger?.error({ err: error }, 'fake Telegram: webhook delivery failed'))
      .finally(() => {
        this.deliveryRunning = false;
        // An update queued while the loop was winding down would otherwise wait for the next one.
        if (this.webhook && !this.options.lifecycle.closed && this.options.queue.available(1).length > 0)
          this.startDelivery();
      });
  }

  cancelDelivery(): void {
    this.deliveryAbort?.abort();
    this.deliveryAbort = undefined;
    if (this.retryWait) {
      clearTimeout(this.retryWait.timer);
      const { resolve } = this.retryWait;
      this.retryWait = undefined;
      resolve();
    }
  }

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
    this.options.queue.setAllowedUpdates(params);
    if (params.boolean('drop_pending_updates')) this.options.queue.dropAll();
    const same = this.webhook?.url === url && this.webhook.secretToken === secretToken;
    this.cancelDelivery();
    this.webhook = {
      url,
      maxConnections: Math.min(100, Math.max(1, maxConnections)),
      ...(secretToken ? { secretToken } : {}),
    };
    this.options.polling.end(webhookConflict());
    this.startDelivery();
    return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
  }

  private deleteWebhook(params: ApiParams): Described {
    if (params.boolean('drop_pending_updates')) this.options.queue.dropAll();
    if (!this.webhook) return new Described(true, 'Webhook is already deleted');
    this.webhook = undefined;
    this.cancelDelivery();
    return new Described(true, 'Webhook was deleted');
  }

  private webhookInfo(): Record<string, unknown> {
    const webhook = this.webhook;
    const pending = this.options.queue.pendingCount();
    if (!webhook) return { url: '', has_custom_certificate: false, pending_update_count: pending };
    const allowedUpdates = this.options.queue.allowedUpdates;
    return {
      url: webhook.url,
      has_custom_certificate: false,
      pending_update_count: pending,
      ip_address: '127.0.0.1',
      max_connections: webhook.maxConnections,
      ...(allowedUpdates.length ? { allowed_updates: [...allowedUpdates] } : {}),
      ...(webhook.lastErrorDate !== undefined
        ? { last_error_date: webhook.lastErrorDate, last_error_message: webhook.lastErrorMessage }
        : {}),
    };
  }

  /** One update at a time, oldest first, retried until the bot answers 2xx, as Telegram does. */
  private async deliver(): Promise<void> {
    const { queue, lifecycle, logger } = this.options;
    for (;;) {
      const webhook = this.webhook;
      if (!webhook || lifecycle.closed) return;
      const update = queue.available(1)[0];
      if (!update) return;
      const abort = new AbortController();
      this.deliveryAbort = abort;
      const answer = await postUpdate(webhook, update, abort.signal);
      this.deliveryAbort = undefined;
      if (abort.signal.aborted || this.webhook !== webhook) continue;
      if (answer.status !== undefined && answer.status >= 200 && answer.status < 300) {
        queue.remove(update.update_id);
        await this.runWebhookReply(answer.contentType, answer.body);
        continue;
      }
      webhook.lastErrorDate = Math.floor(this.options.now() / 1000);
      webhook.lastErrorMessage =
        answer.status !== undefined
          ? `Wrong response from the webhook: ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trim()
          : answer.error;
      logger?.warn(
        { update_id: update.update_id, error: webhook.lastErrorMessage },
        'fake Telegram: webhook delivery failed, will retry',
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.retryWait = undefined;
          resolve();
        }, this.options.retryDelayMs);
        this.retryWait = { timer, resolve };
      });
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
    const { method, ...rest } = parsed as Record<string, unknown> & { method: string };
    await this.options.performReply(method, rest);
  }
}
