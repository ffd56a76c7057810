import type { IncomingMessage, ServerResponse } from 'node:http';

export function readBody(request: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const body = await readBody(request);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return Symbol.for('invalid-json');
  }
}

export function cookiesOf(request: IncomingMessage): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0) cookies[part.slice(0, separator).trim()] = part.slice(separator + 1).trim();
  }
  return cookies;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendHtml(
  response: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    ...headers,
  });
  response.end(html);
}

export function redirect(response: ServerResponse, location: string, cookies: string[] = []): void {
  response.writeHead(302, { location, ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  response.end();
}

export function cookie(name: string, value: string): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax`;
}

/** Counts events per key over a sliding window; true when the key is above `limit`. */
export class SlidingCounter {
  private readonly events = new Map<string, number[]>();

  hit(key: string, now: number, windowMs: number, amount = 1): number {
    const recent = (this.events.get(key) ?? []).filter((at) => at > now - windowMs);
    for (let i = 0; i < amount; i++) recent.push(now);
    this.events.set(key, recent);
    return recent.length;
  }

  reset(key: string): void {
    this.events.delete(key);
  }

  count(key: string, now: number, windowMs: number): number {
    return (this.events.get(key) ?? []).filter((at) => at > now - windowMs).length;
  }
}
