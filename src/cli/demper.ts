import { openContainer } from '../app/container.js';
import { loadConfig } from '../config.js';
import type { RunSummary } from '../demper/engine.js';
import { RecordingNotifier } from '../demper/notifier.js';
import { formatTenge } from '../demper/reasons.js';
import { createDemper } from '../demper/wiring.js';
import { createFollowUpRecorder } from '../follow-ups/wiring.js';
import { createLogger } from '../logger.js';
import { CliError, type CliCommand, type CliIo } from './command.js';

export const demperCommand: CliCommand = {
  name: 'demper',
  summary: 'the demper in the foreground: check due products, reprice within each floor and ceiling, print what it did',
  usage: '[--once] [--interval <s>] [--store <id>] [--dry-run]',
  optionHelp: [
    '--once             run one cycle over the due products and exit (the default)',
    '--interval <s>     run a cycle every <s> seconds until Ctrl-C',
    '--store <id>       only this store',
    '--dry-run          decide and print, change nothing on Kaspi',
  ],
  options: {
    once: { type: 'boolean' },
    interval: { type: 'string' },
    store: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    if (values.once && values.interval !== undefined)
      throw new CliError('demper: choose --once or --interval, not both');
    const interval = values.interval === undefined ? undefined : Number(values.interval);
    if (interval !== undefined && (!Number.isFinite(interval) || interval < 1 || interval > 86_400)) {
      throw new CliError('demper: --interval takes seconds from 1 to 86400');
    }
    const storeId = values.store === undefined ? undefined : Number(values.store);
    if (storeId !== undefined && (!Number.isInteger(storeId) || storeId < 1))
      throw new CliError('demper: --store takes a store id (a whole number)');
    const dryRun = Boolean(values['dry-run']);

    const config = loadConfig(io.env);
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
    const container = await openContainer(config, logger, { migrate: true });
    const notifier = new RecordingNotifier();
    // This process runs no follow-ups: it records them, and `kaspi-bot start` (or a worker) reads them back.
    const { engine } = createDemper(container, notifier, createFollowUpRecorder(container));
    let stopping = false;
    const stop = () => {
      stopping = true;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      do {
        const summary = await engine.runOnce({ storeId, dryRun });
        printRun(io, summary, notifier, dryRun);
        notifier.digests.length = 0;
        notifier.alerts.length = 0;
        if (interval === undefined) break;
        for (let waited = 0; waited < interval * 1000 && !stopping; waited += 200)
          await new Promise((resolve) => setTimeout(resolve, 200));
      } while (!stopping);
      return 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await container.close();
    }
  },
};

function printRun(io: CliIo, summary: RunSummary, notifier: RecordingNotifier, dryRun: boolean): void {
  const lines = [
    `${new Date().toISOString()} demper${dryRun ? ' (dry run)' : ''}: ${summary.stores} store(s), ${summary.checked} checked, ${summary.held} held, ` +
      `${summary.planned} ${dryRun ? 'proposed' : 'planned'}, ${summary.sent} sent, ${summary.deferred} deferred, ${summary.applied} applied, ${summary.failed} failed`,
  ];
  for (const digest of notifier.digests) {
    for (const line of digest.lines) {
      lines.push(
        `  store ${digest.storeId} ${line.sku}: ${formatTenge(line.oldPrice)} → ${formatTenge(line.newPrice)} — ${line.reason}`,
      );
    }
  }
  for (const { storeId, alert } of notifier.alerts)
    lines.push(`  store ${storeId} alert: ${alert.kind}${alert.sku ? ` ${alert.sku}` : ''}`);
  for (const error of summary.errors) lines.push(`  store ${error.storeId} error: ${error.message}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}
