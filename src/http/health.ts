export type CheckResult = { ok: true } | { ok: false; error: string };

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult | 'not configured'>;
}

export type HealthCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 2_000;

/** Runs every dependency check in parallel, each with a deadline, so a hung database cannot hang /healthz. */
export async function checkHealth(checks: Record<string, HealthCheck | undefined>): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult | 'not configured']> => {
      if (!check) return [name, 'not configured'];
      return [name, await runWithDeadline(check)];
    }),
  );
  const report: HealthReport['checks'] = Object.fromEntries(entries);
  const healthy = Object.values(report).every((result) => result === 'not configured' || result.ok);
  return { status: healthy ? 'ok' : 'unavailable', checks: report };
}

async function runWithDeadline(check: HealthCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      check().then((): CheckResult => ({ ok: true })),
      deadline,
    ]);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
