/**
 * The bot as a process of its own, for the follow-up tests that kill it with SIGKILL: no `finally`, no
 * shutdown hook, nothing flushed. The test imports `startBotProcess`; the same file, started with
 * FOLLOW_UP_BOT_PROCESS (JSON) in the environment, is that process: it wires the bot exactly as the test
 * harness does (container, bot services, follow-up runner, long polling) and prints `ready`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

import { openContainer } from '../../src/app/container.js';
import { createBot } from '../../src/bot/index.js';
import { ActionLimiter } from '../../src/bot/guards/action-limiter.js';
import { runBot } from '../../src/bot/run.js';
import { createBotDeps } from '../../src/bot/wiring.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { BOT_TOKEN, TEST_FOLLOW_UPS, type BotHarness } from '../helpers/bot-harness.js';

const ROOT = join(import.meta.dirname, '../..');
const CHILD_VARIABLE = 'FOLLOW_UP_BOT_PROCESS';

interface BotProcessConfig {
  env: Record<string, string>;
  redisKeyPrefix: string;
  /** The first read-back of a sent change: long enough for the test to kill the process before it. */
  verifyFirstAfterMs: number;
}

export interface BotProcess {
  /** SIGKILL, and the process is gone when this resolves. */
  kill(): Promise<void>;
}

/** Starts the bot of `harness` (which must be stopped: one poller per bot) in a process of its own. */
export async function startBotProcess(harness: BotHarness, verifyFirstAfterMs: number): Promise<BotProcess> {
  const config: BotProcessConfig = { env: harness.env, redisKeyPrefix: harness.redisKeyPrefix, verifyFirstAfterMs };
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/follow-ups/bot-process.ts')],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', [CHILD_VARIABLE]: JSON.stringify(config) } },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot process not ready in time: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^ready$/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot process exited (${code}) before it was ready: ${output}`));
    });
  });
  return {
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function serveBot(config: BotProcessConfig): Promise<void> {
  const logger = createLogger({ level: 'silent' });
  const container = await openContainer(loadConfig(config.env), logger, {
    migrate: false,
    redisKeyPrefix: config.redisKeyPrefix,
    kaspi: { http: { baseBackoffMs: 20, maxBackoffMs: 100 } },
  });
  const deps = createBotDeps(container, {
    verifyFirstAfterMs: config.verifyFirstAfterMs,
    verifyTimeoutMs: 15_000,
    limiter: new ActionLimiter(undefined, {}),
    filePollMs: 200,
    followUps: TEST_FOLLOW_UPS,
  });
  await deps.followUps.start();
  await runBot(createBot(BOT_TOKEN, deps), deps, container);
  process.stdout.write('ready\n');
}

const childConfig = process.env[CHILD_VARIABLE];
if (childConfig) await serveBot(JSON.parse(childConfig) as BotProcessConfig);
