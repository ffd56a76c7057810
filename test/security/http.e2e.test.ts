import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newUser, say, startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';
import { metricValue } from '../helpers/metrics.js';
import { openSql, rows, trackUnhandledRejections } from '../fuzz/support.js';

/**
 * The bot's HTTP server in webhook mode: Telegram's secret token is required for an update to be processed,
 * and nothing but `/healthz`, `/metrics` and the webhook path answers — no stack traces, no files, no listings.
 */
const SECRET = 'sandbox-webhook-secret-0123456789';
const HOOK = '/telegram/hook';
const logs = captureLogger('warn');
const rejections = trackUnhandledRejections();
let harness: BotHarness;
let sql: pg.Client;
let port: number;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: found } = server.address() as { port: number };
      server.close(() => resolve(found));
    });
  });
}

/** A raw request, so paths are sent exactly as written (no URL normalisation by fetch). */
function raw(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

function update(userId: number, text: string, updateId: number): string {
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Forged' },
      from: { id: userId, is_bot: false, first_name: 'Forged' },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: text.length }],
    },
  });
}

/** Nothing a probe could learn the code from: no stack frames, no paths, no exception names. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\bat .+\(|node:internal|\/work\/|\.ts:\d+|node_modules|Error:|TypeError|SyntaxError|stack/);
}

beforeAll(async () => {
  port = await freePort();
  harness = await startBotHarness({
    logger: logs.logger,
    env: {
      BOT_MODE: 'webhook',
      WEBHOOK_URL: `http://127.0.0.1:${port}${HOOK}`,
      WEBHOOK_SECRET: SECRET,
      HTTP_PORT: String(port),
    },
  });
  sql = await openSql(harness);
}, 60_000);

afterAll(async () => {
  rejections.stop();
  await sql?.end();
  await harness?.close();
});

describe('the webhook', () => {
  it('processes Telegram’s own deliveries (with the secret token)', async () => {
    await say(harness.telegram, newUser(), '/start', /Здравствуйте/);
  });

  it('answers 401 without the secret token or with a wrong one, and processes nothing', async () => {
    const forger = newUser('Forged');
    const attempts: Record<string, string>[] = [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': '' },
      { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET.slice(0, -1) },
      { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': `${SECRET}x` },
      { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET.toUpperCase() },
    ];
    const since = harness.telegram.calls.length;
    for (const [index, headers] of attempts.entries()) {
      const response = await raw('POST', HOOK, { headers, body: update(forger.id, '/start', 900_000 + index) });
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expectNoInternals(response.body);
    }
    // A huge forged body is refused the same way.
    const huge = await raw('POST', HOOK, {
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      body: Buffer.alloc(4 * 1024 * 1024, 0x20),
    });
    expect(huge.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(harness.telegram.calls.slice(since).filter((call) => Number(call.payload.chat_id) === forger.id)).toEqual(
      [],
    );
    expect(await rows(sql, 'select id from seller where telegram_user_id = $1', [forger.id])).toEqual([]);
  });

  it('the same update with the right secret is processed (the 401s above were about the secret only)', async () => {
    const user = newUser('Real');
    const since = harness.telegram.calls.length;
    const response = await raw('POST', HOOK, {
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: update(user.id, '/start', 910_000),
    });
    expect(response.status).toBe(200);
    await harness.telegram
      .waitForCall((call) => call.method === 'sendMessage' && Number(call.payload.chat_id) === user.id, {
        since,
        timeoutMs: 10_000,
      })
      .catch(() => undefined);
    expect((await rows(sql, 'select id from seller where telegram_user_id = $1', [user.id])).length).toBe(1);
  });

  it('a broken body with the right secret gets an error without internals, and the bot goes on', async () => {
    const statuses: number[] = [];
    for (const body of [
      '{',
      'null',
      '[]',
      '{"update_id":"x"}',
      '\u0000\u0001',
      '{"__proto__":{"polluted":1},"update_id":1}',
    ]) {
      const response = await raw('POST', HOOK, {
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body,
      });
      statuses.push(response.status);
      expect(response.status, body).toBeLessThan(600);
      expectNoInternals(response.body);
    }
    expect(statuses[0]).toBeGreaterThanOrEqual(400); // unparsable JSON is not taken as an update
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await say(harness.telegram, newUser(), '/start', /Здравствуйте/);
  });
});

describe('the HTTP server exposes nothing but health, metrics and the webhook', () => {
  it('/healthz answers', async () => {
    const response = await raw('GET', '/healthz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok' });
  });

  it('/metrics is Prometheus text of counts only: no token, secret, Telegram id, phone or store in it', async () => {
    const user = newUser('Метрика');
    await say(harness.telegram, user, '/start', /Здравствуйте/);
    await say(harness.telegram, user, '/nosuchcommand 77010000001', /./);
    const response = await raw('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(
      metricValue(response.body, 'kaspi_bot_updates_total', { kind: '/start', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricValue(response.body, 'kaspi_bot_updates_total', { kind: '/other', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(response.body, 'kaspi_bot_process_resident_memory_bytes', {})).toBeGreaterThan(10 * 1024 * 1024);
    for (const secret of [
      SECRET,
      harness.deps.config.botToken!,
      String(user.id),
      '77010000001',
      'Метрика',
      'nosuchcommand',
    ])
      expect(response.body).not.toContain(secret);
    expectNoInternals(response.body.replace(/^# HELP .*$/gm, ''));
  });

  it('every other path and method is a bare 404: no stack trace, no directory listing, no framework banner', async () => {
    const probes: [string, string][] = [
      ['GET', '/'],
      ['POST', '/metrics'],
      ['GET', '/metrics/'],
      ['GET', '/metrics/../healthz'],
      ['GET', HOOK],
      ['PUT', HOOK],
      ['POST', `${HOOK}/`],
      ['POST', '/telegram/hook/../hook'],
      ['POST', '/healthz'],
      ['DELETE', '/healthz'],
      ['OPTIONS', '/healthz'],
      ['HEAD', '/'],
      ['GET', '/healthz/'],
      ['GET', '/HEALTHZ'],
      ['GET', '//healthz'],
      ['GET', '/.env'],
      ['GET', '/.git/config'],
      ['GET', '/package.json'],
      ['GET', '/src/'],
      ['GET', '/node_modules/'],
      ['GET', '/../../etc/passwd'],
      ['GET', '/%2e%2e/%2e%2e/etc/passwd'],
      ['GET', '/..%2f..%2fetc%2fpasswd'],
      ['GET', '/static/../../package.json'],
      ['GET', '/admin'],
      ['GET', '/debug/pprof'],
      ['GET', '/sandbox-api/state'],
      ['GET', `/bot${'x'.repeat(20)}/getMe`],
      ['GET', `/${'a'.repeat(4000)}`],
      ['GET', '/%00'],
      ['GET', '/%ff%fe'],
    ];
    for (const [method, path] of probes) {
      const response = await raw(method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
      if (method !== 'HEAD') expect(JSON.parse(response.body), `${method} ${path}`).toEqual({ error: 'not found' });
      expectNoInternals(response.body);
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers.server).toBeUndefined();
    }
  });

  it('nothing above crashed the process or left an unhandled rejection', () => {
    expect(rejections.reasons).toEqual([]);
    expect(logs.lines().filter((line) => line.msg === 'unhandled bot error')).toEqual([]);
  });
});
