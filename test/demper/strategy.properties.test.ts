/**
 * The strategy's guarantees over random markets that evolve: each case makes a random market (static sellers,
 * naive and slow bots, sellers who jitter, raise once, or come and go, the seller's other store), runs `decide` on
 * it for a few checks with the memory each check leaves (the memory under test is always `decide`'s own), and then
 * checks the property on the next decision. The market's moves come from a seeded generator inside the case, so a
 * failure prints its seed and replays exactly; the settings are fast-check's and shrink.
 */
import fc from 'fast-check';
import { SeededRandom } from '../../src/kaspi-sandbox/random.js';
import { describe, expect, it } from 'vitest';

import {
  decide,
  KASPI_MIN_PRICE,
  type Decision,
  type DemperSettings,
  type MarketObservation,
  type MarketOfferInput,
} from '../../src/demper/strategy.js';
import type { StrategyMemory } from '../../src/demper/strategy-memory.js';
import { CHECK_MS, MIN, NOW, OWN } from './strategy-fixtures.js';

/** Markets per property; 100,000 in all. */
const RUNS = {
  bounds: 35_000,
  own: 20_000,
  again: 25_000,
  json: 12_000,
  maxDrop: 4_000,
  garbage: 2_000,
  reversals: 2_000,
};
const LOOP_CHECKS = 200;
const REPAIRS = new Set(['below_floor_fix', 'above_ceiling_fix']);

const settingsArb: fc.Arbitrary<DemperSettings> = fc
  .record({
    // 1–9 ₸ is not a valid floor: those cases must hold with `invalid_settings`.
    minPrice: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 9 }), weight: 1 },
      { arbitrary: fc.integer({ min: 10, max: 300 }), weight: 5 },
      { arbitrary: fc.integer({ min: 300, max: 1_000_000 }), weight: 14 },
    ),
    ceilingGap: fc.option(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1_000_000 }))),
    step: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5_000 })),
    stepIsPercent: fc.boolean(),
    percentStep: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.double({ min: 0.1, max: 20, noNaN: true })),
    strategy: fc.oneof(
      { arbitrary: fc.constant('first_place' as const), weight: 12 },
      { arbitrary: fc.constantFrom('match_leader', 'target_place' as const), weight: 3 },
      { arbitrary: fc.constant('hold' as const), weight: 1 },
    ),
    targetPlace: fc.integer({ min: 1, max: 5 }),
    excludedMerchants: fc.subarray(['r0', 'r1', 'r2']),
    autoRaise: fc.boolean(),
    raiseCooldownMs: fc.constantFrom(0, 10 * MIN, 30 * MIN),
    whenAlone: fc.constantFrom('hold', 'ceiling' as const),
    maxDropPerChange: fc.option(fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 50_000 })), {
      freq: 3,
    }),
    priceWar: fc.constantFrom('jump', 'jump', 'hold', 'off' as const),
    minRating: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { freq: 1 }),
    minReviews: fc.option(fc.integer({ min: 0, max: 100 }), { freq: 1 }),
    maxDeliveryRank: fc.option(fc.integer({ min: 0, max: 7 }), { freq: 1 }),
    ignoreIntercity: fc.boolean(),
    ignoreUnproven: fc.boolean(),
  })
  .map((raw) => ({
    minPrice: raw.minPrice,
    maxPrice: raw.ceilingGap === null ? null : raw.minPrice + raw.ceilingGap,
    step: raw.stepIsPercent ? raw.percentStep : raw.step,
    stepIsPercent: raw.stepIsPercent,
    strategy: raw.strategy,
    targetPlace: raw.targetPlace,
    excludedMerchants: raw.excludedMerchants,
    autoRaise: raw.autoRaise,
    raiseCooldownMs: raw.raiseCooldownMs,
    whenAlone: raw.whenAlone,
    maxDropPerChange: raw.maxDropPerChange,
    priceWar: raw.priceWar,
    rivalFilter: {
      minRating: raw.minRating,
      minReviews: raw.minReviews,
      maxDeliveryRank: raw.maxDeliveryRank,
      ignoreIntercity: raw.ignoreIntercity,
      ignoreUnproven: raw.ignoreUnproven,
    },
  }));

// --- A seeded market that reacts ------------------------------------------------------------------------------

type Kind = 'static' | 'naive' | 'down_only' | 'slow_bot' | 'jitter' | 'raiser' | 'leaver';
const KINDS: Kind[] = [
  'static',
  'static',
  'naive',
  'naive',
  'naive',
  'down_only',
  'slow_bot',
  'jitter',
  'raiser',
  'leaver',
];
const NAMES = ['Tehno Trade', 'MOOD PLACE', 'ProUnit', 'Gadgetkz', 'Alma Market', 'Sulpak Store'];
const DURATIONS = ['EXPRESS', 'TODAY', 'TOMORROW', 'TILL_2_DAYS', 'TILL_5_DAYS', 'TILL_7_DAYS', 'OTHER', null];

interface SimRival {
  offer: MarketOfferInput;
  kind: Kind;
  floor: number;
  step: number;
  present: boolean;
  raiseAt: number;
}

interface World {
  ourPrice: number;
  rivals: SimRival[];
  own: MarketOfferInput[];
  now: number;
  round: number;
  spareBudget: boolean;
  random: () => number;
}

/** The same sequence for the same seed on every machine (the Kaspi sandbox's own generator). */
function generator(seed: number): () => number {
  const stream = new SeededRandom(seed);
  return () => stream.next();
}

function makeWorld(settings: DemperSettings, seed: number): World {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const scale = Math.max(settings.minPrice, 1);
  const around = (low: number, high: number) => Math.max(1, Math.round(scale * (low + random() * (high - low))));
  const rivals: SimRival[] = Array.from({ length: Math.floor(random() * 9) }, (_, i) => {
    // A few prices are not whole tenge (a storefront quirk): a change must still be a whole number.
    const price = (random() < 0.2 ? around(0.5, 2.2) : around(0.9, 1.5)) + (random() < 0.03 ? 0.5 : 0);
    return {
      offer: {
        merchantId: `r${i}`,
        merchantName: pick(NAMES),
        price,
        rating: random() < 0.15 ? null : 2.5 + random() * 2.5,
        reviews: random() < 0.15 ? null : random() < 0.3 ? Math.floor(random() * 10) : Math.floor(random() * 500),
        deliveryDuration: pick(DURATIONS),
        intercity: random() < 0.15,
      },
      kind: pick(KINDS),
      floor: around(0.6, 1.4),
      step: random() < 0.7 ? 1 : Math.max(1, Math.round(scale * 0.01 * random())),
      present: true,
      raiseAt: 1 + Math.floor(random() * 30),
    };
  });
  const own = Array.from({ length: Math.floor(random() * 3) }, (_, i) => ({
    merchantId: OWN[i % OWN.length]!,
    merchantName: 'Наш второй магазин',
    price: around(0.3, 2),
    rating: 4.9,
    reviews: 900,
    deliveryDuration: 'TODAY',
  }));
  return {
    ourPrice: random() < 0.2 ? around(0.3, 2.5) : around(0.9, 1.6),
    rivals,
    own,
    now: NOW,
    round: 0,
    spareBudget: random() < 0.5,
    random,
  };
}

function observe(world: World): MarketObservation {
  const ours: MarketOfferInput = {
    merchantId: OWN[0]!,
    merchantName: 'Наш магазин',
    price: world.ourPrice,
    rating: 4.9,
    reviews: 900,
    deliveryDuration: 'TODAY',
  };
  return {
    ourPrice: world.ourPrice,
    ownMerchantIds: OWN,
    spareBudget: world.spareBudget,
    offers: [ours, ...world.own, ...world.rivals.filter((r) => r.present).map((r) => r.offer)],
  };
}

/** Carry the decision out, let each rival answer the market it sees, move the clock. */
function advance(world: World, decision: Decision, intervalMs: number): void {
  if (decision.action === 'change') world.ourPrice = decision.price;
  world.round++;
  for (const rival of world.rivals) {
    const others = [
      world.ourPrice,
      ...world.own.map((o) => o.price),
      ...world.rivals.filter((o) => o !== rival && o.present).map((o) => o.offer.price),
    ];
    const cheapest = Math.min(...others);
    const undercut = Math.max(rival.floor, cheapest - rival.step);
    const price = rival.offer.price;
    let next = price;
    if (rival.kind === 'naive') next = undercut;
    else if (rival.kind === 'down_only' && cheapest <= price) next = undercut;
    else if (rival.kind === 'slow_bot' && world.round % 5 === 0) next = undercut;
    else if (rival.kind === 'jitter' && world.random() < 0.3)
      next = Math.max(1, Math.round(price * (0.95 + world.random() * 0.1)));
    else if (rival.kind === 'raiser' && world.round === rival.raiseAt)
      next = Math.round(price * (1.1 + world.random() * 0.2));
    else if (rival.kind === 'leaver' && world.random() < 0.15) rival.present = !rival.present;
    rival.offer = { ...rival.offer, price: next };
  }
  if (world.random() < 0.1) world.spareBudget = !world.spareBudget;
  world.now += intervalMs;
}

interface Prepared {
  world: World;
  memory: StrategyMemory | undefined;
  /** Each decision of the warm-up with the observation it was made on. */
  history: { observation: MarketObservation; memory: StrategyMemory | undefined; now: number; decision: Decision }[];
}

/** A few checks on an evolving market (mostly 3 min apart, some longer): the memory `decide` leaves. */
function prepare(settings: DemperSettings, seed: number, rounds: number): Prepared {
  const world = makeWorld(settings, seed);
  let memory: StrategyMemory | undefined;
  const history: Prepared['history'] = [];
  for (let i = 0; i < rounds; i++) {
    const observation = observe(world);
    const decision = decide(settings, memory, observation, world.now);
    history.push({ observation, memory, now: world.now, decision });
    memory = decision.memory;
    advance(world, decision, world.random() < 0.7 ? CHECK_MS : Math.ceil(world.random() * 60) * MIN);
  }
  return { world, memory, history };
}

const caseArb = fc.record({ settings: settingsArb, seed: fc.integer(), rounds: fc.integer({ min: 0, max: 10 }) });

function expectWithinBounds(settings: DemperSettings, ourPrice: number, decision: Decision): void {
  if (decision.reason === 'invalid_settings') expect(decision.action).toBe('hold');
  if (decision.action === 'hold') {
    expect(decision.price).toBe(ourPrice);
    return;
  }
  expect(Number.isInteger(decision.price), `${decision.reason} ${decision.price}`).toBe(true);
  expect(decision.price, decision.reason).toBeGreaterThanOrEqual(Math.max(settings.minPrice, KASPI_MIN_PRICE));
  if (settings.maxPrice !== null) expect(decision.price, decision.reason).toBeLessThanOrEqual(settings.maxPrice);
}

const roundTrip = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

describe('demper strategy over 100,000 random evolving markets', { timeout: 120_000 }, () => {
  it('a change is a whole number of tenge, never under the floor or 10 ₸, never over the ceiling (every check of the warm-up too)', () => {
    const changed = new Set<string>();
    fc.assert(
      fc.property(caseArb, ({ settings, seed, rounds }) => {
        const { world, memory, history } = prepare(settings, seed, rounds);
        const decision = decide(settings, memory, observe(world), world.now);
        for (const step of [...history, { observation: observe(world), decision }]) {
          expectWithinBounds(settings, step.observation.ourPrice, step.decision);
          if (step.decision.action === 'change') changed.add(step.decision.reason);
        }
      }),
      { numRuns: RUNS.bounds, seed: 20261206 },
    );
    // The markets reach every way of changing a price, the war's included: the property is not vacuous there.
    const CHANGING = [
      'undercut_leader',
      'match_leader',
      'target_place',
      'raise_to_gap',
      'rival_raised',
      'no_rivals_ceiling',
      'unreachable_first',
      'unreachable_ceiling',
      'below_floor_fix',
      'above_ceiling_fix',
      'max_drop_limited',
      'price_war_probe',
      'price_war_end',
      'price_war_retreat',
    ];
    expect([...changed].sort()).toEqual(expect.arrayContaining(CHANGING));
  });

  it('the seller’s own offers never change the decision: removed, or moved to any price', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.array(fc.integer({ min: 1, max: 2_000_000 }), { minLength: 1, maxLength: 3 }),
        ({ settings, seed, rounds }, prices) => {
          const { world, memory } = prepare(settings, seed, rounds);
          const observation = observe(world);
          const decision = decide(settings, memory, observation, world.now);
          const rivalsOnly = observation.offers.filter((o) => !OWN.includes(o.merchantId));
          // Our own store's offer at a price under everyone's, our other store at any price.
          const moved = [
            ...rivalsOnly,
            ...prices.map((price, i) => ({ ...observation.offers[0]!, merchantId: OWN[i % OWN.length]!, price })),
          ];
          expect(decide(settings, memory, { ...observation, offers: rivalsOnly }, world.now)).toEqual(decision);
          expect(decide(settings, memory, { ...observation, offers: moved }, world.now)).toEqual(decision);
        },
      ),
      { numRuns: RUNS.own, seed: 7 },
    );
  });

  /*
   * Deciding again 3 minutes later on the market the decision produced (our price replaced by the decided one,
   * the same rivals, the decision's memory) holds. What may legitimately move twice:
   * - `max_drop_limited`, and a `price_war_probe` that `maxDropPerChange` stopped above the floor: the seller asked
   *   for the way down in several changes;
   * - a repair (`below_floor_fix` / `above_ceiling_fix`) lands on the bound; the market logic may move on from there
   *   once (pinned as a failing example: it should go to the final price at once), and then holds;
   * - a probe in progress (the memory holds one): the check after the probe may learn the bot's floor and settle
   *   (`price_war_end`); the check after that holds;
   * - a hold that only waited for time: `raise_cooldown` when the cooldown ends within those 3 minutes (the raise
   *   that follows is `raise_to_gap`), `reversal_limit` when a turnaround leaves the hour, and a bot's answers
   *   ageing out of the hour (`price_war_hold` / a probe against a rival that is no longer a bot).
   */
  it('deciding again on the market the decision produced holds (except the moves listed above)', () => {
    fc.assert(
      fc.property(caseArb, ({ settings, seed, rounds }) => {
        const { world, memory } = prepare(settings, seed, rounds);
        const observation = observe(world);
        const produced = (decision: Decision): MarketObservation => ({
          ...observation,
          ourPrice: decision.price,
          offers: observation.offers.map((o) => (o.merchantId === OWN[0] ? { ...o, price: decision.price } : o)),
        });
        /** `first` was decided at `at` on `seen`; the check 3 minutes later, on the market it produced, holds. */
        const settles = (first: Decision, seen: number, at: number, depth: number): void => {
          // The seller asked for the way down in steps: a limited cut or a limited probe toward the floor goes on.
          const limited =
            first.reason === 'max_drop_limited' ||
            (first.reason === 'price_war_probe' && first.price > Math.max(settings.minPrice, KASPI_MIN_PRICE));
          if (limited) return;
          const later = at + CHECK_MS;
          const again = decide(settings, first.memory, produced(first), later);
          if (again.action === 'hold') return;
          const story = `${first.action} ${seen}→${first.price} ${first.reason}, then ${again.reason} → ${again.price}`;
          expect(depth, story).toBeLessThan(2);
          // A repair lands on the bound, then the market logic moves from there (see the failing example).
          // After a probe, the check that learns the bot's floor settles under it.
          if (REPAIRS.has(first.reason) || (first.memory.probe !== null && again.reason === 'price_war_end'))
            return settles(again, first.price, later, depth + 1);
          if (first.action === 'hold' && first.reason === 'raise_cooldown') {
            expect(again.reason, story).toBe('raise_to_gap');
            expect(later - first.memory.lastCutAt!, story).toBeGreaterThanOrEqual(settings.raiseCooldownMs);
            return;
          }
          if (first.action === 'hold' && first.reason === 'reversal_limit') {
            expect(first.memory.reversals.filter((t) => later - t <= 60 * MIN).length, story).toBeLessThan(4);
            return;
          }
          if (first.action === 'hold' && (first.reason === 'price_war_hold' || first.reason === 'price_war_probe')) {
            // The rival stopped being a bot: its answers left the hour.
            const answers = first.memory.rivals[first.leader!.merchantId]?.answers ?? [];
            expect(answers.filter((t) => later - t <= 60 * MIN).length, story).toBeLessThan(2);
            return;
          }
          expect.fail(story);
        };
        settles(decide(settings, memory, observation, world.now), observation.ourPrice, world.now, 0);
      }),
      { numRuns: RUNS.again, seed: 42 },
    );
  });

  it('the memory survives JSON: a stored and reloaded memory gives the same next decision, at every check', () => {
    fc.assert(
      fc.property(caseArb, ({ settings, seed, rounds }) => {
        const { world, memory, history } = prepare(settings, seed, rounds);
        for (const step of history) {
          expect(decide(settings, roundTrip(step.memory), step.observation, step.now)).toEqual(step.decision);
          expect(roundTrip(step.decision.memory)).toEqual(step.decision.memory);
        }
        const observation = observe(world);
        expect(decide(settings, roundTrip(memory), observation, world.now)).toEqual(
          decide(settings, memory, observation, world.now),
        );
      }),
      { numRuns: RUNS.json, seed: 1234 },
    );
  });

  it('a stored value that is not a memory (older shapes, garbage) decides like no memory at all', () => {
    const stored = fc.oneof(
      fc.jsonValue(),
      fc.record({
        recentRounds: fc.array(fc.record({ at: fc.integer(), ourPrice: fc.integer() })),
        lastCutAt: fc.option(fc.integer()),
      }),
      fc.record({ version: fc.constantFrom(1, 3, '2', null), lastCheck: fc.jsonValue(), rivals: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(caseArb, stored, ({ settings, seed }, value) => {
        const world = makeWorld(settings, seed);
        expect(decide(settings, value, observe(world), world.now)).toEqual(
          decide(settings, undefined, observe(world), world.now),
        );
      }),
      { numRuns: RUNS.garbage, seed: 5 },
    );
  });

  // `maxDropPerChange` is «at most this many tenge down in one change», whatever the market reads (unreachable
  // first place, the war's moves). Only a repair of a price over the ceiling may go further: the ceiling wins.
  it('a cut never goes further down than maxDropPerChange (repairs aside)', () => {
    fc.assert(
      fc.property(
        caseArb.filter(({ settings }) => settings.maxDropPerChange !== null),
        ({ settings, seed }) => {
          const world = makeWorld(settings, seed);
          let memory: StrategyMemory | undefined;
          for (let i = 0; i < 12; i++) {
            const decision = decide(settings, memory, observe(world), world.now);
            if (decision.action === 'change' && decision.price < world.ourPrice && !REPAIRS.has(decision.reason)) {
              expect(
                world.ourPrice - decision.price,
                `${world.ourPrice}→${decision.price} ${decision.reason}`,
              ).toBeLessThanOrEqual(settings.maxDropPerChange!);
            }
            memory = decision.memory;
            advance(world, decision, CHECK_MS);
          }
        },
      ),
      { numRuns: RUNS.maxDrop, seed: 77 },
    );
  });

  it(`never more than 4 turnarounds of our price in any hour over ${LOOP_CHECKS} checks every 3 min against a market that reacts (repairs aside)`, () => {
    fc.assert(
      fc.property(caseArb, ({ settings, seed }) => {
        const world = makeWorld(settings, seed);
        let memory: StrategyMemory | undefined;
        let lastDirection: 'up' | 'down' | null = null;
        const turns: number[] = [];
        for (let i = 0; i < LOOP_CHECKS; i++) {
          const before = world.ourPrice;
          const decision = decide(settings, memory, observe(world), world.now);
          expectWithinBounds(settings, before, decision);
          if (decision.action === 'change') {
            const direction = decision.price < before ? 'down' : 'up';
            if (lastDirection !== null && direction !== lastDirection && !REPAIRS.has(decision.reason)) {
              turns.push(world.now);
              const inHour = turns.filter((at) => world.now - at <= 60 * MIN).length;
              expect(inHour, `check ${i}: ${before}→${decision.price} ${decision.reason}`).toBeLessThanOrEqual(4);
            }
            lastDirection = direction;
          }
          memory = decision.memory;
          advance(world, decision, CHECK_MS);
        }
      }),
      { numRuns: RUNS.reversals, seed: 2026 },
    );
  });
});
