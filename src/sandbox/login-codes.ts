import type { KaspiSandbox } from '../kaspi-sandbox/index.js';

export interface LoginCode {
  kind: 'sms' | 'email';
  /** The phone as Kaspi writes it (`+7 (701) 000-00-01`) or the e-mail. */
  identity: string;
  code: string;
}

/**
 * Reports each code the Kaspi sandbox «sends» by SMS or e-mail, as a phone would show it. The sandbox keeps
 * the last code per identity; looking a few times a second is cheap and needs nothing from its internals.
 */
export function watchLoginCodes(
  kaspi: KaspiSandbox,
  onCode: (code: LoginCode) => void,
  intervalMs = 200,
): { stop(): void } {
  const identities = kaspi.accounts.map((account) =>
    account.kind === 'sms'
      ? { kind: 'sms' as const, identity: account.phone }
      : { kind: 'email' as const, identity: account.email },
  );
  const seen = new Map<string, string | undefined>(
    identities.map(({ identity }) => [identity, kaspi.lastCode(identity)]),
  );
  const timer = setInterval(() => {
    for (const { kind, identity } of identities) {
      const code = kaspi.lastCode(identity);
      if (code === undefined || code === seen.get(identity)) continue;
      seen.set(identity, code);
      onCode({ kind, identity, code });
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
