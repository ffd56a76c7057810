/**
 * Small helpers shared by the benchmarks: a throw-away PostgreSQL database, a logger that only counts,
 * percentiles and the compact table. Nothing here measures anything by itself.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';

import { createLogger, type Logger } from '../src/logger.js';

/** The real PostgreSQL the tests use; the bench creates (and drops) its own database on it. */
export const BENCH_ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(tag: string): Promise<BenchDatabase> {
  const name = `kaspi_bot_bench_${tag}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`create database "${name}"`));
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** A real pino logger that writes nowhere but counts warnings and errors by message. */
export function countingLogger(level: 'warn' | 'error' | 'debug' = 'warn'): {
  logger: Logger;
  counts: Map<string, number>;
  lines: string[];
} {
  const counts = new Map<string, number>();
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (!line) continue;
        try {
          const parsed = JSON.parse(line) as { level?: number; msg?: string };
          if ((parsed.level ?? 0) >= 40) {
            const key = `${parsed.level === 40 ? 'warn' : 'error'}: ${parsed.msg ?? '?'}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
          if (level === 'debug') lines.push(parsed.msg ?? '');
        } catch {
          // not a JSON line; ignore
        }
      }
      callback();
    },
  });
  return { logger: createLogger({ level, destination: destination as never }), counts, lines };
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function median(values: number[]): number | null {
  return percentile(values, 50);
}

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A left-aligned table of `[metric, value, ratio]` rows. */
export function table(rows: [string, string, string][]): string {
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `--name value` / `--name=value` / `--flag`; unknown options are an error so typos never go unnoticed. */
export function parseArgs(
  argv: string[],
  known: Record<string, 'number' | 'boolean' | 'string'>,
): Record<string, number | boolean | string> {
  const values: Record<string, number | boolean | string> = {};
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    if (!raw.startsWith('--')) throw new Error(`unexpected argument "${raw}"`);
    const [name, inline] = raw.slice(2).split('=', 2) as [string, string | undefined];
    const kind = known[name];
    if (!kind)
      throw new Error(
        `unknown option --${name} (known: ${Object.keys(known)
          .map((key) => `--${key}`)
          .join(', ')})`,
      );
    if (kind === 'boolean') {
      values[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const text = inline ?? argv[++i];
    if (text === undefined) throw new Error(`--${name} needs a value`);
    if (kind === 'number') {
      const number = Number(text.replace(/_/g, ''));
      if (!Number.isFinite(number) || number < 0)
        throw new Error(`--${name} takes a non-negative number, got "${text}"`);
      values[name] = number;
    } else values[name] = text;
  }
  return values;
}
