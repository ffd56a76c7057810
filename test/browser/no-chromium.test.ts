import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { startFakeTelegram } from '../../src/telegram-sandbox/bot-api-server.js';
import { press, say } from '../helpers/bot-harness.js';
import { createTestDatabase } from '../helpers/postgres.js';

const BIN = join(import.meta.dirname, '../../bin/kaspi-bot.js');
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def';

describe('kaspi-bot start on a machine without Chromium', () => {
  it('logs one warning at start-up, and a seller who picks e-mail is told to use SMS and goes on by SMS', async () => {
    const database = await createTestDatabase();
    const telegram = await startFakeTelegram({ token: TOKEN });
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'warn',
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        DATABASE_URL: database.url,
        SECRET_KEY: 'c'.repeat(64),
        HTTP_PORT: '0',
        CHROMIUM_PATH: '/nowhere/chromium',
      },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!stdout.includes('is running as') && Date.now() < deadline && child.exitCode === null)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stdout).toContain('is running as');

      const user = { id: 777_001, first_name: 'Айгерим', language_code: 'ru' };
      const method = await say(telegram, user, '/login', /Как войти/, 20_000);
      const unavailable = (text: string) => text.includes('Вход по e-mail сейчас недоступен — войдите по SMS');
      await press(telegram, user, method, 'e-mail', /номер телефона/, 20_000);
      const messages = telegram.messages(user.id).filter((message) => message.from === 'bot');
      expect(messages.filter((message) => unavailable(message.text ?? ''))).toHaveLength(1);
      // The notice comes before the SMS login's first question, and no password was asked for.
      const notice = messages.findIndex((message) => unavailable(message.text ?? ''));
      expect(messages.findIndex((message) => /номер телефона/.test(message.text ?? ''))).toBeGreaterThan(notice);
      expect(messages.some((message) => /парол|password/i.test(message.text ?? ''))).toBe(false);
      expect(messages.some((message) => /Что-то пошло не так/.test(message.text ?? ''))).toBe(false);

      const warnings = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; reason?: string })
        .filter((entry) => entry.level === 40);
      expect(warnings.filter((entry) => /Chromium/.test(entry.msg))).toEqual([
        expect.objectContaining({
          msg: 'e-mail login is unavailable without Chromium: sellers are asked to log in by SMS',
          reason: 'CHROMIUM_PATH /nowhere/chromium does not exist',
        }),
      ]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await telegram.close();
      await database.drop();
    }
  }, 120_000);
});
