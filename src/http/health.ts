import type { Logger } from '../logger.js';

/**
 * What the health page says of a failing check: a category, never the driver's message — that can name hosts,
 * ports, users or databases, and `/healthz` may sit on the same public port as the webhook. The log has it all.
 */
type CheckResult = { ok: true } | { ok: false; error: 'timeout' | 'failed' };

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult | 'not configured'>;
}

export type HealthCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 2_000;

/** Runs every dependency check in parallel, each with a deadline, so a hung database cannot hang /healthz. */
export async function checkHealth(
  checks: Record<string, HealthCheck | undefined>,
  logger?: Logger,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult | 'not configured']> => {
      if (!check) return [name, 'not configured'];
      return [name, await runWithDeadline(name, check, logger)];
    }),
  );
  const report: HealthReport['checks'] = Object.fromEntries(entries);
  const healthy = Object.values(report).every((result) => result === 'not configured' || result.ok);
  return { status: healthy ? 'ok' : 'unavailable', checks: report };
}

async function runWithDeadline(name: string, check: HealthCheck, logger: Logger | undefined): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      logger?.warn({ check: name }, `health check: no answer within ${CHECK_TIMEOUT_MS} ms`);
      resolve({ ok: false, error: 'timeout' });
    }, CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then((): CheckResult => ({ ok: true })), deadline]);
  } catch (error) {
    logger?.warn({ err: error, check: name }, 'health check failed');
    return { ok: false, error: 'failed' };
  } finally {
    clearTimeout(timer);
  }
}
