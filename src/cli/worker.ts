import { openContainer } from '../app/container.js';
import { createChatNotifier } from '../bot/demper-notifier.js';
import { loadConfig } from '../config.js';
import { startDemperWorker } from '../demper/queue.js';
import { createDemper } from '../demper/wiring.js';
import { createFollowUps } from '../follow-ups/wiring.js';
import { startHttpServer } from '../http/server.js';
import { createLogger, registerSecretValue } from '../logger.js';
import { CliError, integerOption, type CliCommand } from './command.js';

const DEFAULT_CONCURRENCY = 2;
const MAX_CONCURRENCY = 32;

/** Resolves on the first SIGINT/SIGTERM; a second one calls `onAgain` (the operator insists). */
function untilSignal(onAgain: () => void): { stopped: Promise<void>; received(): boolean; dispose(): void } {
  let resolve!: () => void;
  const stopped = new Promise<void>((done) => (resolve = done));
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) resolve();
    else if (count === 2) onAgain();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped,
    received: () => count > 0,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'a demper worker only (needs REDIS_URL), with /healthz and /metrics on HTTP_PORT; run as many as needed',
  usage: '[--concurrency <n>]',
  optionHelp: [
    `--concurrency <n>  stores processed at the same time by this process, 1–${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})`,
  ],
  options: { concurrency: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const concurrency =
      integerOption('worker', 'concurrency', values.concurrency, 1, MAX_CONCURRENCY) ?? DEFAULT_CONCURRENCY;
    const config = loadConfig(io.env);
    if (!config.redisUrl) {
      throw new CliError(
        'worker: REDIS_URL is not set — workers take demper jobs from Redis; without it `kaspi-bot start` runs the demper itself',
      );
    }
    if (!config.databaseUrl) {
      // The embedded database lives inside one process: a worker would open its own, not the one of `start`.
      throw new CliError(
        'worker: DATABASE_URL is not set — workers share the PostgreSQL database of `kaspi-bot start`; the embedded database serves one process only',
      );
    }
    if (!config.botToken) {
      throw new CliError(
        'worker: BOT_TOKEN is not set — workers tell sellers in Telegram what the demper did; use the token of `kaspi-bot start`',
      );
    }
    registerSecretValue(config.botToken);
    const logger = createLogger({ level: config.logLevel });
    // No migrating here: `start` (or `kaspi-bot migrate`) owns the schema, and several workers starting together
    // would race each other applying the same migration.
    const container = await openContainer(config, logger, { migrate: false });
    try {
      const pending = await container.database.orm.getMigrator().getPendingMigrations();
      if (pending.length > 0) {
        throw new CliError(
          `worker: the database is not migrated (${pending.length} pending migration(s)) — run \`kaspi-bot migrate\` or start \`kaspi-bot start\` first`,
        );
      }
      // /healthz for the container's health check and /metrics for the demper's figures, as `start` serves them.
      const http = await startHttpServer({
        port: config.httpPort,
        logger,
        healthChecks: container.healthChecks,
      }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        throw new CliError(
          `worker: HTTP_PORT ${config.httpPort} is taken (by \`kaspi-bot start\` or another worker?) — give each process on one host its own HTTP_PORT`,
        );
      });
      // Follow-ups (read-backs sellers wait for) are BullMQ jobs too: a worker takes them while the bot is down,
      // and the demper's sent changes are read back by them as soon as Kaspi applies them.
      const followUps = createFollowUps(container);
      const { engine } = createDemper(container, createChatNotifier(container), followUps);
      const worker = startDemperWorker(config.redisUrl, engine, logger.child({ component: 'demper-worker' }), {
        concurrency,
      });
      const signals = untilSignal(() => {
        // The operator insists: leave now. The running jobs' locks lapse and another worker re-runs them as
        // stalled jobs; the engine's outbox makes that safe.
        io.stderr.write(
          'kaspi-bot worker: stopped without waiting for the running jobs; another worker will take them over\n',
        );
        process.exit(1);
      });
      try {
        // A signal while Redis is still coming up stops the wait too.
        await Promise.race([Promise.all([worker.ready(), followUps.start()]), signals.stopped]);
        if (!signals.received()) {
          logger.info({ concurrency }, 'demper worker started');
          io.stdout.write(
            `kaspi-bot worker is taking demper jobs from Redis (concurrency ${concurrency}); health and metrics on :${http.port} (/healthz, /metrics). Ctrl-C stops it after the running jobs.\n`,
          );
          await signals.stopped;
        }
        logger.info('stopping: waiting for the running demper jobs');
        await worker.close();
        await followUps.stop();
        io.stdout.write('kaspi-bot worker stopped.\n');
        return 0;
      } finally {
        signals.dispose();
        await worker.close();
        await followUps.stop();
        await http.close();
      }
    } finally {
      await container.close();
    }
  },
};
