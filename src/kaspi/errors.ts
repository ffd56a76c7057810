/**
 * Typed Kaspi failures. Each carries what the caller needs to decide (retry? freeze? ask the seller to log in?)
 * and a `sellerMessage` key that the bot turns into Russian/Kazakh/English text from the locale files.
 */

export type KaspiErrorKind =
  'session-expired' | 'rate-limited' | 'ip-blocked' | 'transient' | 'bad-request' | 'schema' | 'login';

export abstract class KaspiError extends Error {
  abstract readonly kind: KaspiErrorKind;
  /** Locale key of the message a seller reads (`kaspi-error-…`). */
  abstract readonly sellerMessage: string;
  constructor(
    message: string,
    readonly endpoint: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 401, or a redirect to the login page: the cabinet cookies no longer work. */
export class KaspiSessionExpiredError extends KaspiError {
  readonly kind = 'session-expired';
  readonly sellerMessage = 'kaspi-error-session-expired';
}

/** 429 on cabinet writes: Kaspi blocks the merchant's writes for ~30 minutes; nothing may be sent until then. */
export class KaspiRateLimitedError extends KaspiError {
  readonly kind = 'rate-limited';
  readonly sellerMessage = 'kaspi-error-rate-limited';
  constructor(
    message: string,
    endpoint: string,
    readonly retryAfterMs: number,
    readonly scope: 'merchant-writes' | 'store-changes' | 'storefront',
  ) {
    super(message, endpoint);
  }
}

/** 403/405 or an HTML anti-bot page instead of JSON: this exit IP is blocked for a while. */
export class KaspiIpBlockedError extends KaspiError {
  readonly kind = 'ip-blocked';
  readonly sellerMessage = 'kaspi-error-ip-blocked';
  constructor(
    message: string,
    endpoint: string,
    readonly status: number,
    readonly exitIp: string,
  ) {
    super(message, endpoint);
  }
}

/** 5xx, timeouts, connection resets: safe reads may be retried; writes are re-read before any retry. */
export class KaspiTransientError extends KaspiError {
  readonly kind = 'transient';
  readonly sellerMessage = 'kaspi-error-transient';
  constructor(
    message: string,
    endpoint: string,
    readonly status: number | undefined,
  ) {
    super(message, endpoint);
  }
}

/** 4xx with Kaspi's own errorCode: our request was refused as it stands; retrying cannot help. */
export class KaspiBadRequestError extends KaspiError {
  readonly kind = 'bad-request';
  readonly sellerMessage = 'kaspi-error-bad-request';
  constructor(
    message: string,
    endpoint: string,
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly errorData: unknown,
  ) {
    super(message, endpoint);
  }
}

/** Kaspi answered with a shape we do not know: stop before acting on a misread. */
export class KaspiSchemaError extends KaspiError {
  readonly kind = 'schema';
  readonly sellerMessage = 'kaspi-error-schema';
  constructor(
    endpoint: string,
    /** Dotted path of the first field that did not match, e.g. `offers.0.price`. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Kaspi ${endpoint} changed its answer: ${field || '(body)'} ${problem}`, endpoint);
  }
}

/**
 * Login refused; `errorCode` is Kaspi's (MFA_SEND_FLOOD, SECURITY_CODE_INVALID, NO_MERCHANTS, …) or one of ours for
 * what happened on this side (LOGIN_EXPIRED, BROWSER_UNAVAILABLE, PAGE_TIMEOUT, MERCHANT_CHOICE_REQUIRED, …).
 */
export class KaspiLoginError extends KaspiError {
  readonly kind = 'login';
  constructor(
    message: string,
    endpoint: string,
    readonly errorCode: string,
    /** For MFA_SEND_FLOOD: how long Kaspi wants us to wait before another code. */
    readonly breakTimeSeconds?: number,
  ) {
    super(message, endpoint);
  }

  get sellerMessage(): string {
    return LOGIN_ERROR_MESSAGES[this.errorCode] ?? 'kaspi-login-failed';
  }
}

/** Login error codes (Kaspi's: REFERENCE §1.2–1.3; then ours) → locale keys with a clear explanation for the seller. */
const LOGIN_ERROR_MESSAGES: Record<string, string> = {
  MFA_SEND_FLOOD: 'kaspi-login-flood',
  MFA_CODE_TOO_MANY_SEND: 'kaspi-login-flood',
  SECURITY_CODE_INVALID: 'kaspi-login-code-invalid',
  MFA_CODE_INVALID: 'kaspi-login-code-invalid',
  MFA_CODE_ATTEMPT_LIMIT: 'kaspi-login-code-attempts',
  CREDENTIALS_INVALID: 'kaspi-login-credentials-invalid',
  NO_MERCHANTS: 'kaspi-login-no-merchants',
  INSUFFICIENT_PERMISSIONS: 'kaspi-login-no-permissions',
  PHONE_NOT_FOUND: 'kaspi-login-phone-unknown',
  PHONE_INVALID: 'kaspi-login-phone-invalid',
  // Kaspi's: the code is no longer good. A new code is the way on, not a new login.
  TIMEOUT_EXCEEDED: 'kaspi-login-code-expired',
  INACTIVE_CODE_ERROR: 'kaspi-login-code-expired',
  NO_SESSION: 'kaspi-login-restart',
  FAILED: 'kaspi-login-restart',
  MISSING_COOKIES: 'kaspi-login-failed',
  LOGIN_IN_PROGRESS: 'kaspi-login-in-progress',
  LOGIN_EXPIRED: 'kaspi-login-timeout',
  PAGE_TIMEOUT: 'kaspi-login-page-slow',
  LOGIN_PAGE_BLOCKED: 'kaspi-error-ip-blocked',
  BROWSER_UNAVAILABLE: 'kaspi-login-email-unavailable',
  MERCHANT_CHOICE_REQUIRED: 'kaspi-login-choose-merchant',
};

/**
 * What a login conversation does after a refused step — the same in the SMS and the e-mail flows: `retry` asks
 * for the same input again, `new-code` gets a fresh code, `wait` waits out Kaspi's pause and then tries the same
 * step, `restart` ends the conversation (its message says /login).
 */
export type LoginNextStep = 'retry' | 'new-code' | 'wait' | 'restart';
const LOGIN_NEXT_STEPS: Record<string, LoginNextStep> = {
  SECURITY_CODE_INVALID: 'retry',
  MFA_CODE_INVALID: 'retry',
  CREDENTIALS_INVALID: 'retry',
  PHONE_INVALID: 'retry',
  PHONE_NOT_FOUND: 'retry',
  TIMEOUT_EXCEEDED: 'new-code',
  INACTIVE_CODE_ERROR: 'new-code',
  MFA_SEND_FLOOD: 'wait',
  MFA_CODE_TOO_MANY_SEND: 'wait',
  LOGIN_IN_PROGRESS: 'wait',
};

export function loginNextStep(errorCode: string): LoginNextStep {
  return LOGIN_NEXT_STEPS[errorCode] ?? 'restart';
}

/**
 * The locale key and variables that explain `error` to a seller. `reading`: the failed step only read (a sync,
 * a read-back), so a 429 slowed requests down; «changes limited, not sent» would describe a write.
 */
export function sellerMessageOf(
  error: KaspiError,
  reading = false,
): { key: string; variables: Record<string, string | number> } {
  const variables: Record<string, string | number> = {};
  if (error instanceof KaspiRateLimitedError) variables.minutes = Math.max(1, Math.ceil(error.retryAfterMs / 60_000));
  if (error instanceof KaspiLoginError) variables.seconds = Math.max(1, Math.ceil(error.breakTimeSeconds ?? 60));
  if (error instanceof KaspiBadRequestError) variables.code = error.errorCode ?? String(error.status);
  // A storefront 429 slows reads down; «changes limited» would tell the seller something that did not happen.
  if (error instanceof KaspiRateLimitedError && (reading || error.scope === 'storefront'))
    return { key: 'kaspi-error-requests-limited', variables };
  return { key: error.sellerMessage, variables };
}

export function isKaspiError(error: unknown): error is KaspiError {
  return error instanceof KaspiError;
}
