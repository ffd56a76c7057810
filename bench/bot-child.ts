/**
 * The bot process of `npm run bench:bot`, forked by bench/bot.ts with its ChildConfig in BENCH_BOT_CHILD: the
 * production bot (bench/bot-production.ts) or the trivial baseline bot (bench/bot-baseline.ts), measured by
 * bench/bot-probe.ts. The parent switches phases (`warmup`, `measured`, `drain`) and finally asks for the report.
 */
import { run } from '@grammyjs/runner';
import { Api } from 'grammy';

import { createBaselineBot } from './bot-baseline.js';
import {
  instrumentHttp,
  instrumentPg,
  instrumentUpdates,
  report,
  sampleMemory,
  startPhase,
  startProfile,
  state,
  watchProcess,
  type ChildConfig,
  type ChildMessage,
  type ParentMessage,
} from './bot-probe.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

async function startBaselineBot(config: ChildConfig): Promise<{ stop(): Promise<void> }> {
  const bot = createBaselineBot(config.token, config.apiRoot);
  instrumentUpdates(bot);
  bot.botInfo = await new Api(config.token, { apiRoot: config.apiRoot }).getMe();
  await bot.init();
  await bot.api.deleteWebhook();
  const runner = run(bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] } } });
  return {
    async stop() {
      await runner.stop();
      const deadline = Date.now() + 10_000;
      while (runner.size() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_BOT_CHILD ?? '{}') as ChildConfig;
  if (config.mode !== 'bot' && config.mode !== 'baseline')
    throw new Error('bench/bot-child.ts is started by bench/bot.ts (BENCH_BOT_CHILD is missing)');
  watchProcess();
  instrumentHttp(new URL(config.apiRoot).host);
  startPhase('setup');
  const memoryTimer = sampleMemory();
  let running: { stop(): Promise<void> };
  if (config.mode === 'bot') {
    instrumentPg((await import('pg')).default.Client);
    running = await (await import('./bot-production.js')).startProductionBot(config);
  } else running = await startBaselineBot(config);
  let stopProfile: (() => Promise<void>) | undefined;
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'phase') {
      void (async () => {
        startPhase(message.phase);
        if (stopProfile) await stopProfile();
        stopProfile = undefined;
        if (message.phase === 'measured' && config.profileFile) stopProfile = await startProfile(config.profileFile);
        await send({ type: 'phase', phase: message.phase, rss: process.memoryUsage.rss() });
      })();
      return;
    }
    void (async () => {
      // An update whose answer the seller already saw may still be saving its session: let it finish.
      for (const deadline = Date.now() + 30_000; state.inFlight > 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 20));
      startPhase('stopping');
      clearInterval(memoryTimer);
      // The report first: stopping is not part of any measured phase.
      await send({ type: 'report', report: report(config.mode) });
      await running.stop();
      // Read-backs still sleeping in the background must not keep the process alive.
      process.exit(0);
    })().catch(async (error: unknown) => {
      await send({ type: 'fatal', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    });
  });
  await send({ type: 'ready', rss: process.memoryUsage.rss() });
}

main().catch(async (error: unknown) => {
  await send({ type: 'fatal', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
