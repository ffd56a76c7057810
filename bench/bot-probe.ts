/**
 * What the bot process of `npm run bench:bot` measures about itself, from the outside of src/.
 *
 * `bot.handleUpdate` is wrapped (the grammY runner calls it for every update) and each update runs inside an
 * AsyncLocalStorage span; what the update waits for is attributed to its span without touching the bot's code:
 *   telegram  HTTP requests to the Bot API emulator (node:diagnostics_channel `http.client.request.start`);
 *   kaspi     every other HTTP request (the Kaspi sandbox, directly or through the forward proxies);
 *   pacing    our own Kaspi limiter: waits for a storefront exit (`pool.acquire`) and a write slot;
 *   db        PostgreSQL round trips (`pg.Client#query`); pool: the wait for a pooled connection.
 * A span stops collecting when its update is done: background work it started (read-backs, syncs) is not
 * counted against it. Memory (RSS, heap), event-loop delay and CPU are sampled per phase.
 *
 * Only type imports from src/ here: the baseline process must not load the bot's modules.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { Writable } from 'node:stream';

import type { Bot, Context } from 'grammy';
import type { Update } from 'grammy/types';

// ---- the protocol between bench/bot.ts and bench/bot-child.ts --------------------------------------------------

export interface ChildConfig {
  mode: 'bot' | 'baseline';
  token: string;
  apiRoot: string;
  logLevel: 'info' | 'warn';
  /** Write a V8 CPU profile of the `measured` phase to this file and summarize it in the report. */
  profileFile?: string;
  /** Production bot only. */
  bot?: {
    databaseUrl: string;
    secretKey: string;
    idmcUrl: string;
    mcUrl: string;
    shopUrl: string;
    proxies: string[];
    pricefeedRps: number;
    /** The sandbox's time scale: Kaspi's 30-minute change window is this many times shorter there. */
    timeScale: number;
    demperCron: string;
    demperVerifyAfterMs: number;
    verifyFirstAfterMs: number;
    /** Experiment: resize the database pool after start-up (production: 10). */
    poolMax?: number;
  };
}

export type ParentMessage = { type: 'phase'; phase: string } | { type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; rss: number }
  | { type: 'phase'; phase: string; rss: number }
  | { type: 'report'; report: ChildReport }
  | { type: 'fatal'; error: string };

/** One update as the bot handled it; durations in ms. */
export interface UpdateRecord {
  phase: string;
  kind: string;
  wall: number;
  telegram: number;
  kaspi: number;
  pacing: number;
  db: number;
  pool: number;
  telegramCalls: number;
  kaspiCalls: number;
  queries: number;
}

export interface PhaseStats {
  startedAt: number;
  endedAt: number;
  rssStart: number;
  rssEnd: number;
  rssPeak: number;
  heapPeak: number;
  /** Heap still in use after a full GC when the phase ended (needs --expose-gc). */
  heapAfterGc: number | null;
  /** Delay beyond the sampling period, as monitorEventLoopDelay reports it minus its resolution. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  cpuMs: { user: number; system: number };
}

export interface DemperTotals {
  ticks: number;
  tickMsMax: number;
  stores: number;
  checked: number;
  planned: number;
  sent: number;
  deferred: number;
  applied: number;
  failed: number;
  errors: number;
  errorSamples: string[];
}

export interface HoldStats {
  count: number;
  ms: number;
  maxMs: number;
}

export interface ChildReport {
  mode: ChildConfig['mode'];
  records: UpdateRecord[];
  phases: Record<string, PhaseStats>;
  unhandledRejections: number;
  uncaughtExceptions: number;
  problemSamples: string[];
  /** Warnings and errors the bot logged, by message. */
  logs: Record<string, number>;
  /** Bot API answers other than 200 seen by this process, by method and status. */
  telegramFailures: Record<string, number>;
  /** HTTP requests made outside any update (the demper and its notifier, read-backs, syncs). */
  background: { telegramCalls: number; kaspiCalls: number };
  demper: DemperTotals;
  /** Pooled database connections: how long they were held, by updates and by everything else, per phase. */
  poolHolds: Record<string, { size: number; update: HoldStats; background: HoldStats }>;
  /** The SQL statements (first 100 characters) of the first measured update of each kind. */
  sqlSamples: Record<string, string[]>;
  /** Self time of the `measured` phase by package and by function, ms (with `profileFile`). */
  profile?: { sampledMs: number; byPackage: [string, number][]; byFunction: [string, number][] };
}

// ---- spans -------------------------------------------------------------------------------------------------------

type Interval = [number, number];

interface Span {
  kind: string;
  phase: string;
  done: boolean;
  sql?: string[];
  telegram: Interval[];
  kaspi: Interval[];
  pacing: Interval[];
  db: Interval[];
  pool: Interval[];
  telegramCalls: number;
  kaspiCalls: number;
  queries: number;
}

const spans = new AsyncLocalStorage<Span>();
const newSpan = (kind: string, phase: string): Span => ({
  kind,
  phase,
  done: false,
  telegram: [],
  kaspi: [],
  pacing: [],
  db: [],
  pool: [],
  telegramCalls: 0,
  kaspiCalls: 0,
  queries: 0,
});

/** Length of the union of intervals clipped to [from, to]: overlapping waits are counted once. */
export function covered(intervals: Interval[], from: number, to: number): number {
  const clipped = intervals
    .map(([start, end]): Interval => [Math.max(from, start), Math.min(to, end)])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: Interval | undefined;
  for (const interval of clipped) {
    if (!current || interval[0] > current[1]) {
      if (current) total += current[1] - current[0];
      current = [...interval];
    } else current[1] = Math.max(current[1], interval[1]);
  }
  if (current) total += current[1] - current[0];
  return total;
}

/** Wraps an async function so the time its promise takes is recorded as `kind` in the calling update's span. */
export function timedWaits<A extends unknown[], R>(
  kind: 'pacing' | 'pool',
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return (...args: A) => {
    const span = spans.getStore();
    const promise = fn(...args);
    if (!span || span.done) return promise;
    const started = performance.now();
    const record = () => span[kind].push([started, performance.now()]);
    promise.then(record, record);
    return promise;
  };
}

// ---- state of this process ---------------------------------------------------------------------------------------

const EVENT_LOOP_RESOLUTION_MS = 2;

export const state = {
  records: [] as UpdateRecord[],
  phases: {} as Record<string, PhaseStats>,
  problemSamples: [] as string[],
  logCounts: new Map<string, number>(),
  telegramFailures: new Map<string, number>(),
  background: { telegramCalls: 0, kaspiCalls: 0 },
  demper: {
    ticks: 0,
    tickMsMax: 0,
    stores: 0,
    checked: 0,
    planned: 0,
    sent: 0,
    deferred: 0,
    applied: 0,
    failed: 0,
    errors: 0,
    errorSamples: [],
  } as DemperTotals,
  unhandledRejections: 0,
  uncaughtExceptions: 0,
  phase: 'setup',
  /** Updates being handled right now. */
  inFlight: 0,
  profile: undefined as ChildReport['profile'],
  poolHolds: {} as ChildReport['poolHolds'],
  poolSize: 0,
  sqlSamples: {} as Record<string, string[]>,
};

/** True while the caller runs inside an update's handling. */
export function inUpdate(): boolean {
  const span = spans.getStore();
  return span !== undefined && !span.done;
}

/** A pooled connection held for `ms` by an update or by other work (the demper, read-backs, syncs). */
export function recordHold(owner: 'update' | 'background', ms: number, phase = state.phase): void {
  const entry = (state.poolHolds[phase] ??= {
    size: state.poolSize,
    update: { count: 0, ms: 0, maxMs: 0 },
    background: { count: 0, ms: 0, maxMs: 0 },
  })[owner];
  entry.count++;
  entry.ms += ms;
  entry.maxMs = Math.max(entry.maxMs, ms);
}
let phaseHistogram: IntervalHistogram | undefined;
let phaseCpu = process.cpuUsage();

export function problem(text: string): void {
  if (state.problemSamples.length < 12) state.problemSamples.push(text.slice(0, 600));
}

export function watchProcess(): void {
  process.on('unhandledRejection', (reason) => {
    state.unhandledRejections++;
    problem(`unhandledRejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
  process.on('uncaughtException', (error) => {
    state.uncaughtExceptions++;
    problem(`uncaughtException: ${error.stack ?? error.message}`);
  });
}

/** Closes the current phase's figures and opens a new phase. */
export function startPhase(name: string): void {
  const now = performance.now();
  const previous = state.phases[state.phase];
  if (previous) {
    const rss = process.memoryUsage.rss();
    previous.endedAt = now;
    previous.rssEnd = rss;
    previous.rssPeak = Math.max(previous.rssPeak, rss);
    if (phaseHistogram) {
      phaseHistogram.disable();
      const delay = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - EVENT_LOOP_RESOLUTION_MS);
      previous.eventLoopDelayMs = {
        p50: delay(phaseHistogram.percentile(50)),
        p99: delay(phaseHistogram.percentile(99)),
        max: delay(phaseHistogram.max),
      };
    }
    const cpu = process.cpuUsage(phaseCpu);
    previous.cpuMs = { user: cpu.user / 1000, system: cpu.system / 1000 };
    // What the phase left behind, garbage collected (outside the phase's own figures).
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      previous.heapAfterGc = process.memoryUsage().heapUsed;
    }
  }
  // After the collection above: a phase starts from the memory the previous one really left.
  const rss = process.memoryUsage.rss();
  state.phase = name;
  phaseCpu = process.cpuUsage();
  phaseHistogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  phaseHistogram.enable();
  state.phases[name] = {
    startedAt: now,
    endedAt: now,
    rssStart: rss,
    rssEnd: rss,
    rssPeak: rss,
    heapPeak: process.memoryUsage().heapUsed,
    heapAfterGc: null,
    eventLoopDelayMs: { p50: 0, p99: 0, max: 0 },
    cpuMs: { user: 0, system: 0 },
  };
}

/** Every 50 ms: the current phase's peak RSS and heap. */
export function sampleMemory(): NodeJS.Timeout {
  return setInterval(() => {
    const current = state.phases[state.phase];
    if (!current) return;
    const memory = process.memoryUsage();
    current.rssPeak = Math.max(current.rssPeak, memory.rss);
    current.heapPeak = Math.max(current.heapPeak, memory.heapUsed);
  }, 50);
}

export function report(mode: ChildConfig['mode']): ChildReport {
  return {
    ...(state.profile ? { profile: state.profile } : {}),
    mode,
    records: state.records,
    phases: state.phases,
    unhandledRejections: state.unhandledRejections,
    uncaughtExceptions: state.uncaughtExceptions,
    problemSamples: state.problemSamples,
    logs: Object.fromEntries(state.logCounts),
    poolHolds: state.poolHolds,
    sqlSamples: state.sqlSamples,
    telegramFailures: Object.fromEntries(state.telegramFailures),
    background: state.background,
    demper: state.demper,
  };
}

/** What an update is, in a few words: `/price ok`, `cb:pl`, `text`. */
export function updateKind(update: Update): string {
  const message = update.message;
  if (message?.text !== undefined) {
    const command = /^\/(\w+)(?:@\w+)?(?:\s+(.*))?$/s.exec(message.text);
    if (!command) return 'text';
    if (command[1] === 'price') return /\s\d{2,}$/.test(message.text) ? '/price ok' : '/price bad';
    return `/${command[1]}`;
  }
  if (message?.contact) return 'contact';
  if (message) return 'message:other';
  const data = update.callback_query?.data;
  if (data !== undefined) {
    const action = /^1:([a-z]+)(?::|$)/.exec(data)?.[1];
    return action ? `cb:${action}` : `cb:${data.split('/')[0] ?? '?'}`;
  }
  return Object.keys(update).find((key) => key !== 'update_id') ?? '?';
}

// ---- CPU profile ---------------------------------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Where a function lives: a package under node_modules, a folder of ours, or Node itself. */
function packageOf(url: string): string {
  if (!url) return '(native/idle)';
  if (url.startsWith('node:')) return 'node:internal';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  const ours = /\/(src\/[^/]+|conversations|bench|migrations)\//.exec(url);
  return ours
    ? ours[1]!
    : url
        .replace(/^file:\/\//, '')
        .split('/')
        .slice(-2)
        .join('/');
}

/** Starts the V8 sampling profiler; the returned function stops it, writes the profile and keeps a summary. */
export async function startProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    const nodes = new Map<number, ProfileNode>((profile.nodes as ProfileNode[]).map((node) => [node.id, node]));
    const byPackage = new Map<string, number>();
    const byFunction = new Map<string, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let sampledMs = 0;
    samples.forEach((id, index) => {
      const node = nodes.get(id);
      const ms = (deltas[index + 1] ?? deltas[index] ?? 0) / 1000;
      if (!node) return;
      sampledMs += ms;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = packageOf(url);
      byPackage.set(where, (byPackage.get(where) ?? 0) + ms);
      const name = `${functionName || '(anonymous)'} ${where}${url && !url.startsWith('node:') ? `:${lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    });
    const top = (map: Map<string, number>, count: number): [string, number][] =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, count)
        .map(([name, ms]) => [name, Math.round(ms)]);
    state.profile = {
      sampledMs: Math.round(sampledMs),
      byPackage: top(byPackage, 15),
      byFunction: top(byFunction, 25),
    };
  };
}

// ---- instrumentation -----------------------------------------------------------------------------------------------

/** HTTP requests of this process: to the emulator (by host) or anywhere else (Kaspi), per update or in the background. */
export function instrumentHttp(telegramHost: string): void {
  diagnostics.subscribe('http.client.request.start', (message) => {
    const request = (message as { request: ClientRequest }).request;
    const isTelegram = String(request.getHeader('host') ?? request.host) === telegramHost;
    const span = spans.getStore();
    const inUpdate = span !== undefined && !span.done;
    if (!inUpdate) {
      if (isTelegram) state.background.telegramCalls++;
      else state.background.kaspiCalls++;
    } else if (isTelegram) span.telegramCalls++;
    else span.kaspiCalls++;
    const started = performance.now();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (inUpdate) (isTelegram ? span.telegram : span.kaspi).push([started, performance.now()]);
    };
    request.once('response', (response: IncomingMessage) => {
      if (isTelegram && response.statusCode !== 200) {
        const key = `${request.path.split('/').pop()?.split('?')[0] ?? '?'} ${response.statusCode}`;
        state.telegramFailures.set(key, (state.telegramFailures.get(key) ?? 0) + 1);
      }
      response.once('end', finish);
      response.once('close', finish);
    });
    request.once('error', finish);
    request.once('close', finish);
  });
}

/** pg round trips (knex calls `client.query(config, callback)`), attributed to the update that sent them. */
export function instrumentPg(client: { prototype: object }): void {
  const prototype = client.prototype as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function query(this: unknown, ...args: unknown[]) {
    const span = spans.getStore();
    if (!span || span.done) return original.apply(this, args);
    span.queries++;
    if (span.phase === 'measured' && !state.sqlSamples[span.kind]) {
      const text =
        typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: unknown } | undefined)?.text ?? '?');
      (span.sql ??= []).push(text.replace(/\s+/g, ' ').slice(0, 100));
    }
    const started = performance.now();
    const record = () => span.db.push([started, performance.now()]);
    const callbackIndex = args.findIndex((arg) => typeof arg === 'function');
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (...results: unknown[]) => unknown;
      args[callbackIndex] = function (this: unknown, ...results: unknown[]) {
        record();
        return callback.apply(this, results);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args) as { then?: unknown; once?: unknown } | undefined;
    if (result && typeof result.then === 'function') (result as Promise<unknown>).then(record, record);
    else if (result && typeof result.once === 'function') {
      (result as NodeJS.EventEmitter).once('end', record);
      (result as NodeJS.EventEmitter).once('error', record);
    }
    return result;
  };
}

/** Every update handled by `bot` becomes an UpdateRecord of the phase it started in. */
export function instrumentUpdates<C extends Context>(bot: Bot<C>): void {
  const original = bot.handleUpdate.bind(bot);
  bot.handleUpdate = async (update, webhookReplyEnvelope) => {
    const kind = updateKind(update);
    const phase = state.phase;
    const span = newSpan(kind, phase);
    const started = performance.now();
    state.inFlight++;
    try {
      await spans.run(span, () => original(update, webhookReplyEnvelope));
    } finally {
      const ended = performance.now();
      state.inFlight--;
      span.done = true;
      if (span.sql && !state.sqlSamples[kind]) state.sqlSamples[kind] = span.sql;
      state.records.push({
        phase,
        kind,
        wall: ended - started,
        telegram: covered(span.telegram, started, ended),
        kaspi: covered(span.kaspi, started, ended),
        pacing: covered(span.pacing, started, ended),
        db: covered(span.db, started, ended),
        pool: covered(span.pool, started, ended),
        telegramCalls: span.telegramCalls,
        kaspiCalls: span.kaspiCalls,
        queries: span.queries,
      });
    }
  };
}

/** A pino destination that counts warnings and errors (keeping a few) instead of printing the bot's log. */
export function countingDestination(): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (!line) continue;
        try {
          const parsed = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
          const level = parsed.level ?? 0;
          if (level >= 40) {
            const key = `${level >= 50 ? 'error' : 'warn'}: ${parsed.msg ?? '?'}`;
            state.logCounts.set(key, (state.logCounts.get(key) ?? 0) + 1);
            if (level >= 50) problem(`${key}${parsed.err?.message ? ` — ${parsed.err.message}` : ''}`);
          }
        } catch {
          // not JSON; ignore
        }
      }
      callback();
    },
  });
}
