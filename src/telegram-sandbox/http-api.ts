import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Logger } from '../logger.js';
import { ApiParams, BotApiError, badRequest } from './api-params.js';
import type { BotIdentity } from './bot-identity.js';
import type { CallLog, Outcome } from './call-log.js';
import type { ChatState } from './chat-state.js';
import type { MethodDispatcher } from './dispatcher.js';
import { connectionOf, errorBody, readBody, safeDecode, sendJson } from './http-io.js';
import type { Lifecycle } from './lifecycle.js';
import { serveFileDownload } from './methods/files.js';
import type { WebChat } from './web/web-chat.js';

/** Telegram takes uploads up to 50 MB. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface BotApiHttpOptions {
  bot: BotIdentity;
  dispatcher: MethodDispatcher;
  log: CallLog;
  state: ChatState;
  lifecycle: Lifecycle;
  webChat: WebChat | undefined;
  logger: Logger | undefined;
  now: () => number;
}

/**
 * The HTTP server: `/bot<token>/<method>` to the methods, `/file/bot<token>/<path>` to file downloads, and
 * everything else to the web chat page when there is one.
 */
export class BotApiHttp {
  private readonly server: Server;
  private readonly answering = new Set<Promise<void>>();

  constructor(private readonly options: BotApiHttpOptions) {
    this.server = createServer((request, response) => {
      this.handleRequest(request, response).catch((error: unknown) => {
        this.options.logger?.error({ err: error }, 'fake Telegram: request handler failed');
        if (!response.headersSent)
          sendJson(response, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
        else response.destroy();
      });
    });
  }

  /** Returns the API root, `http://<host>:<port>`. */
  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shownHost}:${address.port}`;
  }

  /** Answers already decided (the long poll just ended) reach the client before the sockets go. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.answering]);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { bot, state, lifecycle, webChat } = this.options;
    const at = this.options.now();
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
    if (webChat && !lifecycle.closed && (await webChat.handle(request, response, url, body))) return;
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (fileMatch) {
      const file = bot.accepts(fileMatch[1] ?? '') ? state.fileByPath(fileMatch[2] ?? '') : undefined;
      serveFileDownload(response, file);
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
    const { bot, dispatcher, log } = this.options;
    const known = dispatcher.find(rawMethod);
    let params: ApiParams | undefined;
    let outcome: Outcome;
    let parseError: BotApiError | undefined;
    try {
      params = await ApiParams.fromRequest(request, body, url);
    } catch (error) {
      if (!(error instanceof BotApiError)) throw error;
      parseError = error;
    }
    try {
      // Telegram judges the token and the method before it looks at the parameters.
      if (!bot.accepts(token)) throw new BotApiError(401, 'Unauthorized');
      if (!known) throw new BotApiError(404, 'Not Found');
      if (parseError || !params) throw parseError ?? badRequest('invalid request');
      outcome = await dispatcher.invoke(known, params, connectionOf(response), at);
    } catch (error) {
      if (!(error instanceof BotApiError)) throw error;
      outcome = { ok: false, error };
      log.record(known?.name ?? rawMethod, params?.recordedPayload() ?? {}, at, outcome);
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
}
