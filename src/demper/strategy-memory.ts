/**
 * What the strategy remembers of one product's market in one city between checks, as plain JSON (stored per
 * product and city, passed in and out of `decide`), and how one observation teaches it: which rivals answer our
 * cuts (bots), where a bot stops following (its floor), and how often our price turned around.
 */
import type { MarketOfferInput } from './rivals.js';

/** A rival answered our cut when it was back under us by the next check; two answers within this long = a bot. */
export const BOT_WINDOW_MS = 60 * 60_000;
const BOT_ANSWERS = 2;
/** A rival not seen for this long is forgotten. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;
/** At most this many rivals are remembered (the cheapest), so the JSON stays small. */
const REMEMBERED_RIVALS = 12;

export interface RivalMemory {
  /** Times it answered one of our cuts by going under us again by the next check (last hour). */
  answers: number[];
  /** The lowest price it was seen at. */
  lowest: number;
  /** Where it stopped following our cut: its floor, as far as we can tell. */
  floor: number | null;
  lastSeenAt: number;
}

export interface StrategyMemory {
  version: 2;
  /** The last check: when, our price, each counted rival's price. */
  lastCheck: { at: number; ourPrice: number; rivals: Record<string, number> } | null;
  /** Our last decided change; an answer is only counted when the market shows it applied. */
  lastMove: { at: number; from: number; to: number } | null;
  lastCutAt: number | null;
  /** A probe at our floor, made to see where a bot stops. */
  probe: { rivalId: string; at: number } | null;
  /** Times our price turned around (a cut after a raise or a raise after a cut), last hour. */
  reversals: number[];
  lastDirection: 'up' | 'down' | null;
  rivals: Record<string, RivalMemory>;
}

export function emptyMemory(): StrategyMemory {
  return {
    version: 2,
    lastCheck: null,
    lastMove: null,
    lastCutAt: null,
    probe: null,
    reversals: [],
    lastDirection: null,
    rivals: {},
  };
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.filter(isNumber) : []);

/** Any stored value (older shapes, null, damaged fields) as a memory the strategy can trust: what fails a check is forgotten. */
export function readMemory(value: unknown): StrategyMemory {
  if (!isRecord(value) || value.version !== 2) return emptyMemory();
  const memory = emptyMemory();
  const check = value.lastCheck;
  if (isRecord(check) && isNumber(check.at) && isNumber(check.ourPrice) && isRecord(check.rivals)) {
    const rivals = Object.fromEntries(
      Object.entries(check.rivals).filter((entry): entry is [string, number] => isNumber(entry[1])),
    );
    memory.lastCheck = { at: check.at, ourPrice: check.ourPrice, rivals };
  }
  const move = value.lastMove;
  if (isRecord(move) && isNumber(move.at) && isNumber(move.from) && isNumber(move.to))
    memory.lastMove = { at: move.at, from: move.from, to: move.to };
  if (isNumber(value.lastCutAt)) memory.lastCutAt = value.lastCutAt;
  const probe = value.probe;
  if (isRecord(probe) && typeof probe.rivalId === 'string' && isNumber(probe.at))
    memory.probe = { rivalId: probe.rivalId, at: probe.at };
  memory.reversals = numbers(value.reversals);
  if (value.lastDirection === 'up' || value.lastDirection === 'down') memory.lastDirection = value.lastDirection;
  if (isRecord(value.rivals)) {
    for (const [id, rival] of Object.entries(value.rivals)) {
      if (!isRecord(rival) || !isNumber(rival.lowest) || !isNumber(rival.lastSeenAt)) continue;
      memory.rivals[id] = {
        answers: numbers(rival.answers),
        lowest: rival.lowest,
        floor: isNumber(rival.floor) ? rival.floor : null,
        lastSeenAt: rival.lastSeenAt,
      };
    }
  }
  return memory;
}

export function isBot(rival: RivalMemory | undefined, now: number): boolean {
  return rival !== undefined && rival.answers.filter((at) => now - at <= BOT_WINDOW_MS).length >= BOT_ANSWERS;
}

/**
 * Learns from one check. An answer: at our last check we cut under the rival, the market shows our cut, and
 * the rival is under us again. A floor: a rival that answers us stopped above our price after our cut — it came
 * down toward us and stayed above (it cannot go lower), or held for two checks while we sat under it.
 */
export function learn(
  memory: StrategyMemory,
  ourPrice: number,
  rivals: MarketOfferInput[],
  now: number,
): StrategyMemory {
  const previous = memory.lastCheck;
  const move = memory.lastMove;
  const ourCutShows =
    move !== null && previous !== null && move.at >= previous.at && move.to < move.from && ourPrice === move.to;
  const next: Record<string, RivalMemory> = {};
  for (const rival of rivals.slice(0, REMEMBERED_RIVALS)) {
    const known = memory.rivals[rival.merchantId];
    const memo: RivalMemory = known
      ? {
          ...known,
          answers: known.answers.filter((at) => now - at <= BOT_WINDOW_MS),
          lowest: Math.min(known.lowest, rival.price),
          lastSeenAt: now,
        }
      : { answers: [], lowest: rival.price, floor: null, lastSeenAt: now };
    const before = previous?.rivals[rival.merchantId];
    if (ourCutShows && before !== undefined && move!.to < before) {
      if (rival.price <= ourPrice) memo.answers.push(now);
      else if (rival.price < before && isBot(memo, now)) memo.floor = rival.price; // came down, stopped above us
    } else if (
      before !== undefined &&
      rival.price === before &&
      rival.price > ourPrice &&
      isBot(memo, now) &&
      memory.probe?.rivalId === rival.merchantId
    ) {
      memo.floor = rival.price; // held under pressure while we sat under it
    }
    // A rival seen under the floor we inferred has a lower one: start over.
    if (memo.floor !== null && rival.price < memo.floor) memo.floor = null;
    next[rival.merchantId] = memo;
  }
  // Rivals out of sight this check (sold out, filtered) are kept a day: a bot coming back is still known.
  for (const [id, memo] of Object.entries(memory.rivals)) {
    if (!next[id] && now - memo.lastSeenAt < FORGET_AFTER_MS && Object.keys(next).length < REMEMBERED_RIVALS * 2)
      next[id] = memo;
  }
  return { ...memory, rivals: next, reversals: memory.reversals.filter((at) => now - at <= BOT_WINDOW_MS) };
}

/** The memory after deciding `price` on a market where our price was `ourPrice`. */
export function remember(
  memory: StrategyMemory,
  ourPrice: number,
  price: number,
  rivals: MarketOfferInput[],
  now: number,
): StrategyMemory {
  const lastCheck = {
    at: now,
    ourPrice,
    rivals: Object.fromEntries(rivals.slice(0, REMEMBERED_RIVALS).map((rival) => [rival.merchantId, rival.price])),
  };
  if (price === ourPrice) return { ...memory, lastCheck };
  const direction = price < ourPrice ? 'down' : 'up';
  const reversals =
    memory.lastDirection !== null && memory.lastDirection !== direction ? [...memory.reversals, now] : memory.reversals;
  return {
    ...memory,
    lastCheck,
    lastMove: { at: now, from: ourPrice, to: price },
    lastCutAt: direction === 'down' ? now : memory.lastCutAt,
    reversals,
    lastDirection: direction,
  };
}

/** The cheapest counted rival at the city's last check, from a stored memory (null when none is known). */
export function cheapestAtLastCheck(stored: unknown): number | null {
  const rivals = readMemory(stored).lastCheck?.rivals;
  if (!rivals) return null;
  const cheapest = Math.min(...Object.values(rivals));
  return Number.isFinite(cheapest) ? cheapest : null;
}
