import { pino, type DestinationStream, type Logger } from 'pino';

import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * Keys whose values never reach a log line, at any depth: Kaspi cookies and tokens, passwords,
 * SMS/e-mail codes (also Kaspi's own body fields `_p`, `_c`, `_m_c`), the encryption key.
 */
const SECRET_KEY_PATTERN =
  /^(?:.*(?:password|passwd|secret|token|cookie|authorization|credential|sealed|otp|sms_?code|mfa_?code|security_?code|api_?key|private_?key|mc-?session|mc-?sid|ms_auth_sso).*|code|_p|_c|_m_c)$/i;

/** Names of cookies and headers (in `{name, value}` pairs) whose value is a secret. */
const SECRET_NAME_PATTERN = /(session|sid|sso|auth|token|secret|password|mc_arr|code)/i;

/** Cookie pairs that may hide inside free text (error messages, URLs, raw headers). */
const SECRET_COOKIE_IN_TEXT = /\b(mc-session|mc-sid|MS_AUTH_SSO|mc_arr|X-Mc-Api-Session-Id)=([^;\s"',]+)/gi;
const BOT_TOKEN_IN_TEXT = /\b(\d{5,}):[A-Za-z0-9_-]{30,}\b/g;

export const REDACTED = '[redacted]';

/** Exact secret values (e.g. SECRET_KEY, the bot token) that are scrubbed wherever they appear in text. */
const registeredSecrets = new Set<string>();

export function registerSecretValue(value: string | undefined): void {
  if (value && value.length >= 6) registeredSecrets.add(value);
}

function scrubText(text: string): string {
  let result = text.replace(SECRET_COOKIE_IN_TEXT, `$1=${REDACTED}`).replace(BOT_TOKEN_IN_TEXT, `$1:${REDACTED}`);
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

const MAX_DEPTH = 8;

/** Returns a copy of `value` with secret-named keys replaced and secret-looking text scrubbed. */
function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth limit]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1, seen));
  if (value instanceof Date) return value;
  const source = value instanceof Error ? errorToObject(value) : (value as Record<string, unknown>);
  const result: Record<string, unknown> = {};
  // Cookie jars as Playwright and tough-cookie keep them: `{ name: 'mc-session', value: '…' }`.
  const namedSecret = typeof source.name === 'string' && 'value' in source && SECRET_NAME_PATTERN.test(source.name);
  for (const [key, item] of Object.entries(source)) {
    if (namedSecret && key === 'value') {
      result[key] = REDACTED;
      continue;
    }
    result[key] =
      SECRET_KEY_PATTERN.test(key) && item !== undefined && item !== null
        ? REDACTED
        : redactDeep(item, depth + 1, seen);
  }
  return result;
}

function errorToObject(error: Error): Record<string, unknown> {
  const plain: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, item] of Object.entries(error)) {
    // axios errors carry the whole request (with its Cookie header) in `config`/`request`; keep only the useful part.
    if (key === 'config' || key === 'request') continue;
    if (key === 'response' && item && typeof item === 'object') {
      const response = item as { status?: unknown; statusText?: unknown };
      plain.response = { status: response.status, statusText: response.statusText };
      continue;
    }
    plain[key] = item;
  }
  if (error.cause !== undefined) plain.cause = error.cause;
  return plain;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; stdout by default. Tests pass a stream they read back. */
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? { pid: process.pid },
      formatters: {
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
      serializers: {
        // pino's default err serializer would run before `formatters.log` and keep axios' request config.
        err: (error: unknown) => redactDeep(error),
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<
            typeof method
          >;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
