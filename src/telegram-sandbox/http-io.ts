import type { IncomingMessage, ServerResponse } from 'node:http';

import type { BotApiError } from './api-params.js';

/** The client's side of one HTTP request, as far as a method needs it. */
export interface Connection {
  /** Called when the client goes away before the answer is written. */
  onAbort(listener: () => void): void;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, done?: () => void): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text, done);
}

/** Telegram's failure body: `{ ok: false, error_code, description, parameters? }`. */
export function errorBody(error: BotApiError): Record<string, unknown> {
  return {
    ok: false,
    error_code: error.errorCode,
    description: error.description,
    ...(error.parameters ? { parameters: error.parameters } : {}),
  };
}

export function connectionOf(response: ServerResponse): Connection {
  return {
    onAbort(listener) {
      response.once('close', () => {
        if (!response.writableFinished) listener();
      });
    },
  };
}

/** The whole body, or a rejection once it passes `limit` bytes. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
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

export function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
