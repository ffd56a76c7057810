import { run, type RunnerHandle } from '@grammyjs/runner';
import { Bot, GrammyError } from 'grammy';

import {
  startFakeTelegram,
  type FakeTelegram,
  type FakeTelegramOptions,
  type FakeUser,
} from '../../src/telegram-sandbox/bot-api-server.js';

// Shared by the Bot API emulator's tests: one fake per test, real grammY clients, raw HTTP for what grammY hides.

export const TOKEN = '123456789:AAHsandbox-token-for-tests-0123456789ab';
export const ALICE: FakeUser = { id: 1001, first_name: 'Alice', username: 'alice', language_code: 'ru' };
export const BOB: FakeUser = { id: 1002, first_name: 'Bob' };

export async function withFake(
  test: (fake: FakeTelegram) => Promise<void>,
  options: Partial<FakeTelegramOptions> = {},
): Promise<void> {
  const fake = await startFakeTelegram({ token: TOKEN, port: 0, ...options });
  try {
    await test(fake);
  } finally {
    await fake.close();
  }
}

export function botFor(fake: FakeTelegram, token = TOKEN): Bot {
  return new Bot(token, { client: { apiRoot: fake.apiRoot } });
}

/** Runs the bot with the runner for the duration of `test`, as production does. */
export async function whileRunning(bot: Bot, test: (handle: RunnerHandle) => Promise<void>): Promise<void> {
  const handle = run(bot, { runner: { silent: true } });
  try {
    await test(handle);
  } finally {
    if (handle.isRunning()) await handle.stop();
  }
}

export async function raw(
  fake: FakeTelegram,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${fake.apiRoot}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function postJson(fake: FakeTelegram, method: string, payload: Record<string, unknown>, token = TOKEN) {
  return raw(fake, `/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}

export async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
