import { execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { startKaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { startFakeTelegram } from '../../src/telegram-sandbox/bot-api-server.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

const BIN = join(import.meta.dirname, '../../bin/kaspi-bot.js');
const COMMANDS = ['start', 'worker', 'demper', 'migrate', 'offers', 'sandbox', 'kaspi-sandbox'];
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `kaspi-bot` executable with only the variables given (plus PATH). */
function kaspiBot(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** What the process printed until `text` appeared (or it exited, or 45 s passed). */
async function outputUntil(child: ChildProcessWithoutNullStreams, text: string): Promise<string> {
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const deadline = Date.now() + 45_000;
  while (!stdout.includes(text) && Date.now() < deadline && child.exitCode === null)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return stdout;
}

/** Sends SIGTERM; resolves with the exit code. */
function terminate(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

function oneLine(text: string): string {
  const lines = text.split('\n').filter(Boolean);
  expect(lines, text).toHaveLength(1);
  return lines[0]!;
}

// Every test spawns a process, many start the embedded PostgreSQL cold: seconds alone, far more on a loaded machine.
describe('kaspi-bot CLI', { timeout: 120_000 }, () => {
  it('start without BOT_TOKEN exits 1 with one clear line', async () => {
    const result = await kaspiBot(['start']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(oneLine(result.stderr)).toMatch(/^kaspi-bot start: BOT_TOKEN is not set/);
  });

  it('a malformed variable stops start-up with one line naming it', async () => {
    const result = await kaspiBot(['start'], { BOT_TOKEN: TOKEN, HTTP_PORT: 'abc' });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/HTTP_PORT: must be a port number/);
  });

  it('start with DATABASE_URL but no SECRET_KEY names SECRET_KEY', async () => {
    const result = await kaspiBot(['start'], { BOT_TOKEN: TOKEN, DATABASE_URL: 'postgresql://127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/SECRET_KEY: is required when DATABASE_URL is set/);
  });

  it('migrate applies the migrations to the embedded database in DATA_DIR, then has nothing to do', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kb-cli-'));
    const first = await kaspiBot(['migrate'], { DATA_DIR: dataDir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied 10 migration\(s\) to the embedded database/);
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    const second = await kaspiBot(['migrate'], { DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/is up to date/);
  }, 120_000); // two cold starts of the embedded PostgreSQL: seconds alone, far more on a loaded machine

  it('migrate applies the migrations to PostgreSQL from DATABASE_URL', async () => {
    const testDb = await createTestDatabase();
    try {
      const first = await kaspiBot(['migrate'], { DATABASE_URL: testDb.url });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Applied 10 migration\(s\) to PostgreSQL/);
      expect((await kaspiBot(['migrate'], { DATABASE_URL: testDb.url })).stdout).toMatch(/up to date/);
    } finally {
      await testDb.drop();
    }
  });

  it('migrate reports an unreachable database in one line', async () => {
    const result = await kaspiBot(['migrate'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/^kaspi-bot migrate: /);
  });

  it('start migrates the embedded database, generates its key and serves chats until SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kb-cli-'));
    const telegram = await startFakeTelegram({ token: TOKEN });
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'warn',
        BOT_TOKEN: TOKEN,
        DATA_DIR: dataDir,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        HTTP_PORT: '0',
      },
    });
    try {
      const stdout = await outputUntil(child, 'is running as');
      expect(stdout).toMatch(/kaspi-bot is running as @\w+ \(polling\)/);
      expect(existsSync(join(dataDir, 'secret.key'))).toBe(true);
      const user = { id: 424242, first_name: 'Тест' };
      await telegram.sendText(user, '/start');
      const reply = await telegram.waitForBotMessage(user.id, (message) => /Здравствуйте/.test(message.text ?? ''), {
        timeoutMs: 20_000,
      });
      expect(reply.reply_markup).toBeDefined();
      expect(telegram.calls.some((call) => call.method === 'setMyCommands')).toBe(true);
      expect(await terminate(child)).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await telegram.close();
    }
    expect((await kaspiBot(['migrate'], { DATA_DIR: dataDir })).stdout).toMatch(/up to date/);
  }, 90_000);

  it('worker serves /healthz and /metrics on HTTP_PORT, refuses a taken port in one line, and stops on SIGTERM', async () => {
    const testDb = await createTestDatabase();
    const { spawn } = await import('node:child_process');
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      BOT_TOKEN: TOKEN,
      DATABASE_URL: testDb.url,
      REDIS_URL: TEST_REDIS_URL,
      SECRET_KEY: 'b'.repeat(64),
      HTTP_PORT: String(port),
    };
    expect((await kaspiBot(['migrate'], { DATABASE_URL: testDb.url })).code).toBe(0);
    const child = spawn(process.execPath, [BIN, 'worker'], { env });
    try {
      const stdout = await outputUntil(child, 'taking demper jobs');
      expect(stdout).toMatch(/kaspi-bot worker is taking demper jobs from Redis/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^# HELP kaspi_bot_demper_products_total /m);

      const second = await kaspiBot(['worker'], env);
      expect(second.code).toBe(1);
      expect(oneLine(second.stderr)).toMatch(new RegExp(`^kaspi-bot worker: HTTP_PORT ${port} is taken`));

      expect(await terminate(child)).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await testDb.drop();
    }
  }, 90_000);

  it('start says in one line when the Telegram Bot API cannot be reached', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kb-cli-'));
    const result = await kaspiBot(['start'], {
      BOT_TOKEN: TOKEN,
      DATA_DIR: dataDir,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:1',
      HTTP_PORT: '0',
    });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(
      /^kaspi-bot start: cannot reach the Telegram Bot API at http:\/\/127\.0\.0\.1:1/,
    );
  });

  it.each(COMMANDS)('%s --help prints its usage and exits 0', async (command) => {
    const result = await kaspiBot([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: kaspi-bot ${command}`);
  });

  it('--help lists every SPEC command', async () => {
    const result = await kaspiBot(['--help']);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('rejects an unknown command and an unknown option in one line', async () => {
    const unknown = await kaspiBot(['deploy']);
    expect(unknown.code).toBe(1);
    expect(oneLine(unknown.stderr)).toMatch(/unknown command "deploy"/);
    const badOption = await kaspiBot(['migrate', '--force']);
    expect(badOption.code).toBe(1);
    expect(oneLine(badOption.stderr)).toMatch(/^kaspi-bot migrate: Unknown option '--force'/);
    const missingArgument = await kaspiBot(['offers']);
    expect(missingArgument.code).toBe(1);
    expect(oneLine(missingArgument.stderr)).toMatch(/expected <masterSku>/);
  });
});

describe('kaspi-bot kaspi-sandbox', () => {
  it('starts the sandbox, prints how to point the bot at it, and stops on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'kaspi-sandbox', '--seed', '3'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('Press Ctrl-C') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const shopUrl = /KASPI_SHOP_URL=(\S+)/.exec(stdout)?.[1];
    expect(shopUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stdout).toContain('+7 (701) 000-00-01');
    const answer = await fetch(`${shopUrl}/yml/offer-view/offers/102298404`, {
      method: 'POST',
      body: JSON.stringify({ cityId: '750000000' }),
    });
    expect(answer.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('Kaspi sandbox stopped.');
  });

  it('refuses a bad port in one line', async () => {
    const result = await kaspiBot(['kaspi-sandbox', '--port', 'eighty']);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/--port must be a whole number/);
  });
});

describe('kaspi-bot offers', () => {
  it('prints the competitors of a product from the Kaspi it is pointed at, one offer per merchant, cheapest first', async () => {
    const sandbox = await startKaspiSandbox({
      seed: 5,
      rivalTickMs: 0,
      productsPerMerchant: 3,
      logger: captureLogger('silent').logger,
    });
    try {
      const result = await kaspiBot(['offers', '102298404', '--city', '750000000'], {
        BOT_TOKEN: TOKEN,
        KASPI_SHOP_URL: sandbox.shopUrl,
        KASPI_MC_URL: sandbox.mcUrl,
        KASPI_IDMC_URL: sandbox.idmcUrl,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const printed = JSON.parse(result.stdout) as {
        masterSku: string;
        cityId: string;
        offers: { merchantId: string; price: number }[];
      };
      expect(printed.masterSku).toBe('102298404');
      expect(printed.cityId).toBe('750000000');
      const expected = sandbox.storefront('102298404', '750000000') as { price: number }[];
      expect(printed.offers.length).toBeGreaterThan(1);
      expect(new Set(printed.offers.map((offer) => offer.merchantId)).size).toBe(printed.offers.length);
      const prices = printed.offers.map((offer) => offer.price);
      expect(prices).toEqual([...prices].sort((a, b) => a - b));
      expect(prices[0]).toBe(Math.min(...expected.map((offer) => offer.price)));
      expect(sandbox.stats().requests['storefront POST /yml/offer-view/offers/102298404']).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses a product id that is not a number in one line', async () => {
    const result = await kaspiBot(['offers', 'iphone']);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/not a Kaspi product id/);
  });
});
