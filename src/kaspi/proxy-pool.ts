import { redactUrlCredentials } from '../config.js';
import type { Logger } from '../logger.js';
import { KaspiIpBlockedError, KaspiRateLimitedError, KaspiTransientError } from './errors.js';
import { DIRECT_EXIT, type ExitProxy } from './http.js';
import type { KaspiLimits } from './limits/kaspi-limits.js';

interface ExitHealth {
  exit: ExitProxy;
  consecutiveFailures: number;
  benchedUntil: number;
  requests: number;
  failures: number;
}

export interface ExitStatus {
  id: string;
  requests: number;
  failures: number;
  benchedUntil: number | undefined;
  pausedUntil: number | undefined;
}

export class NoExitAvailableError extends Error {
  constructor(readonly retryInMs: number) {
    super('every storefront exit is busy, paused or benched');
    this.name = 'NoExitAvailableError';
  }
}

export function proxyToExit(url: string): ExitProxy {
  const parsed = new URL(url);
  return {
    id: redactUrlCredentials(`${parsed.protocol}//${parsed.host}`),
    config: {
      protocol: parsed.protocol.replace(':', ''),
      host: parsed.hostname,
      port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)),
      ...(parsed.username
        ? { auth: { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } }
        : {}),
    },
  };
}

/**
 * Spreads storefront reads over the exit IPs of KASPI_PROXIES (or the server's own IP when there are none).
 * Each exit has its own pace (KASPI_OFFERS_RPS); a 403 pauses that exit for every process; an exit that keeps
 * failing at the network level is benched with a growing cooldown.
 *
 * Cabinet traffic never goes through the pool: a merchant's cabinet session always leaves from the server's
 * own address, so Kaspi never sees one session hop between IPs.
 */
export class ProxyPool {
  private readonly exits: ExitHealth[];
  private cursor = 0;

  constructor(
    proxyUrls: string[],
    private readonly limits: KaspiLimits,
    private readonly logger: Logger,
    private readonly options: { benchAfterFailures?: number; benchMs?: number; now?: () => number } = {},
  ) {
    const exits = proxyUrls.length ? proxyUrls.map(proxyToExit) : [DIRECT_EXIT];
    this.exits = exits.map((exit) => ({ exit, consecutiveFailures: 0, benchedUntil: 0, requests: 0, failures: 0 }));
  }

  get size(): number {
    return this.exits.length;
  }

  /** Waits for the exit whose next slot comes first; throws `NoExitAvailableError` after `maxWaitMs`. */
  async acquire(maxWaitMs = 30_000, signal?: AbortSignal): Promise<ExitProxy> {
    const now = this.now();
    const ready = this.exits.filter((health) => health.benchedUntil <= now);
    if (ready.length === 0) {
      throw new NoExitAvailableError(Math.min(...this.exits.map((health) => health.benchedUntil)) - now);
    }
    // The soonest slot of any exit; the order rotates so that idle exits (equal slots) take turns.
    const start = this.cursor++ % ready.length;
    const order = [...ready.slice(start), ...ready.slice(0, start)];
    const exitId = await this.limits.storefrontEarliestSlot(
      order.map((health) => health.exit.id),
      maxWaitMs,
      signal,
    );
    const health = order.find((candidate) => candidate.exit.id === exitId);
    if (!health) throw new NoExitAvailableError(1_000);
    health.requests++;
    return health.exit;
  }

  reportSuccess(exit: ExitProxy): void {
    const health = this.find(exit);
    if (health) health.consecutiveFailures = 0;
  }

  async reportFailure(exit: ExitProxy, error: unknown): Promise<void> {
    const health = this.find(exit);
    if (!health) return;
    health.failures++;
    if (
      error instanceof KaspiIpBlockedError ||
      (error instanceof KaspiRateLimitedError && error.scope === 'storefront')
    ) {
      await this.limits.pauseExit(exit.id, error);
      this.logger.warn({ exit: exit.id, endpoint: error.endpoint }, 'storefront blocked this exit; pausing it');
      return;
    }
    if (error instanceof KaspiTransientError) {
      health.consecutiveFailures++;
      if (health.consecutiveFailures >= (this.options.benchAfterFailures ?? 3)) {
        const base = this.options.benchMs ?? 60_000;
        const cooldown = Math.min(
          base * 2 ** (health.consecutiveFailures - (this.options.benchAfterFailures ?? 3)),
          15 * 60_000,
        );
        health.benchedUntil = this.now() + cooldown;
        this.logger.warn({ exit: exit.id, cooldown }, 'storefront exit keeps failing; benched');
      }
    }
  }

  async status(): Promise<ExitStatus[]> {
    const now = this.now();
    return Promise.all(
      this.exits.map(async (health) => ({
        id: health.exit.id,
        requests: health.requests,
        failures: health.failures,
        benchedUntil: health.benchedUntil > now ? health.benchedUntil : undefined,
        pausedUntil: await this.limits.exitPausedUntil(health.exit.id),
      })),
    );
  }

  private find(exit: ExitProxy): ExitHealth | undefined {
    return this.exits.find((health) => health.exit.id === exit.id);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
