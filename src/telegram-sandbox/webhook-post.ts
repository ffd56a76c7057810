import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { Update } from 'grammy/types';

/** What the bot's webhook answered; `error` instead of a status when no answer came. */
export interface WebhookAnswer {
  status?: number;
  contentType: string;
  body: Buffer;
  error?: string;
}

/** POSTs one update to the bot's webhook as Telegram does, with the secret header when one was set. */
export function postUpdate(
  target: { url: string; secretToken?: string },
  update: Update,
  signal: AbortSignal,
): Promise<WebhookAnswer> {
  const body = Buffer.from(JSON.stringify(update));
  const url = new URL(target.url);
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
          ...(target.secretToken ? { 'x-telegram-bot-api-secret-token': target.secretToken } : {}),
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
