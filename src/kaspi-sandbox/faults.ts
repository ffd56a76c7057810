import type { ServerResponse } from 'node:http';

import { sendHtml } from './http-util.js';
import type { SandboxFaults } from './types.js';

/** The three Kaspi hosts a fault can be aimed at. */
export type SandboxService = 'idmc' | 'cabinet' | 'storefront';

type PendingFaults = Omit<SandboxFaults, 'target'>;

/** Failures on demand: what a test queued for each host, spent one request at a time. */
export class SandboxFaultBook {
  private readonly pending = new Map<SandboxService, PendingFaults>();

  inject(faults: SandboxFaults): void {
    const targets: SandboxService[] =
      faults.target === 'all' ? ['idmc', 'cabinet', 'storefront'] : [faults.target === 'idmc' ? 'idmc' : faults.target];
    for (const target of targets) {
      const current = this.pending.get(target) ?? {};
      const { target: _ignored, ...rest } = faults;
      this.pending.set(target, { ...current, ...rest });
    }
  }

  /** Applies a pending fault to this request; true when the request was answered (or dropped) by it. */
  async apply(service: SandboxService, response: ServerResponse): Promise<boolean> {
    const fault = this.pending.get(service);
    if (!fault) return false;
    if (fault.delayedRequests && fault.delayedRequests > 0 && fault.delayMs) {
      fault.delayedRequests--;
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
    if (fault.resets && fault.resets > 0) {
      fault.resets--;
      response.socket?.destroy();
      return true;
    }
    if (fault.serverErrors && fault.serverErrors > 0) {
      fault.serverErrors--;
      sendHtml(response, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
      return true;
    }
    if (fault.htmlWall && fault.htmlWall > 0) {
      fault.htmlWall--;
      sendHtml(
        response,
        200,
        '<!doctype html><html><body><h1>Проверка браузера</h1><p>Пожалуйста, подождите…</p></body></html>',
      );
      return true;
    }
    return false;
  }

  /** Schema drift: renames one field everywhere in an answer, as Kaspi did without notice. */
  drift(service: SandboxService, value: unknown): unknown {
    const drift = this.pending.get(service)?.drift;
    if (!drift) return value;
    const rename = (item: unknown): unknown => {
      if (Array.isArray(item)) return item.map(rename);
      if (item && typeof item === 'object') {
        return Object.fromEntries(
          Object.entries(item).map(([key, inner]) => [key === drift.from ? drift.to : key, rename(inner)]),
        );
      }
      return item;
    };
    return rename(value);
  }

  /** The next injected login refusal, if a test queued one. */
  nextLoginError(): NonNullable<SandboxFaults['loginErrors']>[number] | undefined {
    return this.pending.get('idmc')?.loginErrors?.shift();
  }

  /** True while the cabinet accepts writes but never applies them. */
  dropsWrites(): boolean {
    return Boolean(this.pending.get('cabinet')?.dropWrites);
  }
}
