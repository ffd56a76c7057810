import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What an operator scrapes from `GET /metrics` (Prometheus text format), one registry per process.
 *
 * Labels are closed sets written in the code (update kinds, Kaspi endpoint names, outcomes): never a seller,
 * store, SKU, phone or price, so the page can neither leak a seller's data nor grow without bound.
 */
const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'kaspi_bot_' });

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const updatesHandled = new Counter({
  name: 'kaspi_bot_updates_total',
  help: 'Telegram updates handled, by kind (command, button action, text, document) and outcome (ok, error).',
  labelNames: ['kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const updateSeconds = new Histogram({
  name: 'kaspi_bot_update_duration_seconds',
  help: 'Time to handle one Telegram update, Bot API calls and Kaspi waits included.',
  labelNames: ['kind'] as const,
  buckets: SECONDS_BUCKETS,
  registers: [metricsRegistry],
});

export const telegramCallsFailed = new Counter({
  name: 'kaspi_bot_telegram_failed_calls_total',
  help: 'Bot API calls Telegram refused, by method and error code (429s that auto-retry then got through included).',
  labelNames: ['method', 'code'] as const,
  registers: [metricsRegistry],
});

export const kaspiRequests = new Counter({
  name: 'kaspi_bot_kaspi_requests_total',
  help: 'HTTP requests to Kaspi, by endpoint and answer (HTTP status, or "network" when none came).',
  labelNames: ['endpoint', 'status'] as const,
  registers: [metricsRegistry],
});

export const kaspiRequestSeconds = new Histogram({
  name: 'kaspi_bot_kaspi_request_duration_seconds',
  help: 'Time Kaspi took to answer one request (our own pacing not included).',
  labelNames: ['endpoint'] as const,
  buckets: SECONDS_BUCKETS,
  registers: [metricsRegistry],
});

export const kaspiSchemaErrors = new Counter({
  name: 'kaspi_bot_kaspi_schema_errors_total',
  help: 'Kaspi answers whose shape we do not recognise (Kaspi changed a field): nothing is acted on; alert on any.',
  labelNames: ['endpoint'] as const,
  registers: [metricsRegistry],
});

const demperProducts = new Counter({
  name: 'kaspi_bot_demper_products_total',
  help: 'Products the demper went through, by result: checked, held (no change needed or allowed), planned, sent, deferred (rate limit), applied, failed.',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

const demperStoreRuns = new Counter({
  name: 'kaspi_bot_demper_store_runs_total',
  help: 'Demper runs over one store, by outcome (ok, error: at least one product or the store failed).',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const backgroundTasks = new Gauge({
  name: 'kaspi_bot_background_tasks',
  help: 'Long chat tasks (syncs, uploads, read-backs) running now.',
  registers: [metricsRegistry],
});

/** Adds one demper run's figures (see `RunSummary`). */
export function recordDemperRun(summary: {
  stores: number;
  checked: number;
  held: number;
  planned: number;
  sent: number;
  deferred: number;
  applied: number;
  failed: number;
  errors: { storeId: number }[];
}): void {
  for (const result of ['checked', 'held', 'planned', 'sent', 'deferred', 'applied', 'failed'] as const) {
    if (summary[result] > 0) demperProducts.inc({ result }, summary[result]);
  }
  // A store's run may report several products' errors; it is one run with errors.
  const failed = new Set(summary.errors.map((error) => error.storeId)).size;
  if (summary.stores - failed > 0) demperStoreRuns.inc({ outcome: 'ok' }, summary.stores - failed);
  if (failed > 0) demperStoreRuns.inc({ outcome: 'error' }, failed);
}

/** The body and content type of `GET /metrics`. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
