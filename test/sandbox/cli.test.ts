import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SANDBOX_MARKER } from '../../src/sandbox/data-dir.js';

const BIN = join(import.meta.dirname, '../../bin/kaspi-bot.js');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kaspi-sandbox-cli-'));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** The variables a newcomer's shell might hold: none of them may reach the sandbox. */
const HOSTILE_ENV = {
  BOT_TOKEN: '123456:real-looking-token-that-must-not-be-used',
  DATABASE_URL: 'postgresql://127.0.0.1:1/production',
  REDIS_URL: 'redis://127.0.0.1:1',
  KASPI_MC_URL: 'https://mc.shop.kaspi.kz',
  TELEGRAM_API_ROOT: 'https://api.telegram.org',
};

describe('kaspi-bot sandbox', () => {
  it('starts everything, prints the chat URL and the SMS logins, serves the page, and stops cleanly on Ctrl-C', async () => {
    const dataDir = join(root, 'run');
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--data-dir', dataDir, '--products', '20'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...HOSTILE_ENV },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!/Ctrl-C останавливает всё/.test(stdout) && Date.now() < deadline && child.exitCode === null)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stdout, stderr).toMatch(/Откройте чат \/ Open the chat: {2}http:\/\/127\.0\.0\.1:\d+\//);
      expect(stdout).toContain('+7 (701) 000-00-01  → Sandbox Electronics');
      expect(stdout).toMatch(/Айгерим\s+\+7 701 000 00 01/);
      expect(stdout).toContain('товаров — 21, города — Алматы и Астана');
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)![0];

      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Kaspi Sandbox — чат с ботом</title>');
      const state = (await (await fetch(`${url}sandbox-api/state`)).json()) as { sellers: { first_name: string }[] };
      expect(state.sellers.map((seller) => seller.first_name)).toEqual(['Айгерим', 'Ерлан']);
      // The bot is really there: it has published its commands to the emulator.
      const chat = (await (await fetch(`${url}sandbox-api/chats/700000001`)).json()) as {
        commands: { command: string }[];
      };
      expect(chat.commands.map((command) => command.command)).toContain('login');
      // The embedded database lives in the sandbox's own directory, with its key.
      expect(existsSync(join(dataDir, SANDBOX_MARKER))).toBe(true);
      expect(existsSync(join(dataDir, 'secret.key'))).toBe(true);
      expect(existsSync(join(dataDir, 'pg'))).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('Песочница остановлена.');
    expect(stderr).not.toMatch(/error/i);
  }, 120_000);

  it('refuses a data directory it did not make, and a bad option, with one line each', async () => {
    const foreign = join(root, 'foreign');
    await mkdir(foreign, { recursive: true });
    await writeFile(join(foreign, 'secret.key'), 'a real bot key\n');
    const refused = await run(['sandbox', '--port', '0', '--data-dir', foreign]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^kaspi-bot sandbox: .*foreign is not empty and was not made by the sandbox/);
    expect(await readFile(join(foreign, 'secret.key'), 'utf8')).toBe('a real bot key\n');

    const bad = await run(['sandbox', '--port', 'eighty']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('kaspi-bot sandbox: --port must be a whole number from 0 to 65535');
  });

  it('prepareSandboxDataDir wipes its own directory unless asked to keep it', async () => {
    const { prepareSandboxDataDir } = await import('../../src/sandbox/data-dir.js');
    const own = join(root, 'own');
    await prepareSandboxDataDir(own, false);
    const key = await readFile(join(own, 'secret.key'), 'utf8');
    await writeFile(join(own, 'leftover'), 'x');
    await prepareSandboxDataDir(own, true);
    expect(existsSync(join(own, 'leftover'))).toBe(true);
    expect(await readFile(join(own, 'secret.key'), 'utf8')).toBe(key);
    await prepareSandboxDataDir(own, false);
    expect(existsSync(join(own, 'leftover'))).toBe(false);
    expect(await readFile(join(own, 'secret.key'), 'utf8')).not.toBe(key);
  });
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}
