import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { countedRivals, decide, KASPI_MIN_PRICE, type DecisionInput, type DemperSettings, type MarketOfferInput } from '../../src/demper/strategy.js';

const RUNS = 100_000;
const OWN = ['30067228', '30463421'];
const DURATIONS = ['EXPRESS', 'TODAY', 'TOMORROW', 'TILL_2_DAYS', 'TILL_5_DAYS', 'OTHER', null];

const price = fc.integer({ min: 1, max: 2_000_000 });
const offer = (merchantIds: fc.Arbitrary<string>): fc.Arbitrary<MarketOfferInput> =>
  fc.record({
    merchantId: merchantIds,
    merchantName: fc.constantFrom('Tehno Trade', 'MOOD PLACE', 'ProUnit', 'Gadgetkz'),
    price: fc.oneof(price, fc.double({ min: 1, max: 2_000_000, noNaN: true })),
    rating: fc.option(fc.double({ min: 0, max: 5, noNaN: true })),
    reviews: fc.option(fc.integer({ min: 0, max: 5_000 })),
    deliveryDuration: fc.constantFrom(...DURATIONS),
  });

const settings: fc.Arbitrary<DemperSettings> = fc
  .record({
    minPrice: fc.integer({ min: KASPI_MIN_PRICE, max: 1_000_000 }),
    ceilingGap: fc.option(fc.integer({ min: 0, max: 1_000_000 })),
    step: fc.integer({ min: 1, max: 5_000 }),
    stepIsPercent: fc.boolean(),
    percentStep: fc.integer({ min: 1, max: 20 }),
    strategy: fc.constantFrom('first_place', 'match_leader', 'target_place', 'hold' as const),
    targetPlace: fc.integer({ min: 1, max: 5 }),
    excludedMerchants: fc.subarray(['100', '101', '102']),
    autoRaise: fc.boolean(),
    raiseCooldownMs: fc.constantFrom(0, 600_000),
    whenAlone: fc.constantFrom('hold', 'ceiling' as const),
    maxDropPerChange: fc.option(fc.integer({ min: 1, max: 50_000 })),
    priceWar: fc.constantFrom('jump', 'hold', 'off' as const),
    minRating: fc.option(fc.double({ min: 0, max: 5, noNaN: true })),
    minReviews: fc.option(fc.integer({ min: 0, max: 100 })),
    maxDeliveryRank: fc.option(fc.integer({ min: 0, max: 7 })),
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
    rivalFilter: { minRating: raw.minRating, minReviews: raw.minReviews, maxDeliveryRank: raw.maxDeliveryRank },
  }));

const market: fc.Arbitrary<DecisionInput> = fc
  .record({
    ourPrice: price,
    rivals: fc.array(offer(fc.constantFrom('100', '101', '102', '103', '104', '105', '106')), { maxLength: 12 }),
    ownOffers: fc.array(offer(fc.constantFrom(...OWN)), { maxLength: 3 }),
    settings,
    lastCutAgoMs: fc.option(fc.integer({ min: 0, max: 3_600_000 })),
    rounds: fc.array(
      fc.record({ ago: fc.integer({ min: 0, max: 3_600_000 }), ourPrice: price, leaderMerchantId: fc.option(fc.constantFrom('100', '101')), leaderPrice: fc.option(price) }),
      { maxLength: 6 },
    ),
  })
  .map((raw) => {
    const now = 1_790_000_000_000;
    return {
      ourPrice: raw.ourPrice,
      ownMerchantIds: OWN,
      offers: [...raw.rivals, ...raw.ownOffers],
      settings: raw.settings,
      now,
      lastCutAt: raw.lastCutAgoMs === null ? null : now - raw.lastCutAgoMs,
      recentRounds: raw.rounds.map((round) => ({ ...round, at: now - round.ago })).sort((a, b) => a.at - b.at),
    };
  });

const withoutOwnOffers = (input: DecisionInput): DecisionInput => ({ ...input, offers: input.offers.filter((o) => !OWN.includes(o.merchantId)) });

// 100,000 runs take seconds alone; the timeout only keeps a loaded machine (CI beside other work) from failing them.
describe(`demper strategy over ${RUNS.toLocaleString('en')} random markets`, { timeout: 180_000 }, () => {
  it('never prices below the floor or 10 ₸, never above the ceiling, always in whole tenge', () => {
    fc.assert(
      fc.property(market, (input) => {
        const decision = decide(input);
        if (decision.reason === 'invalid_settings') return decision.action === 'hold';
        if (decision.action === 'hold') return decision.price === input.ourPrice;
        expect(Number.isInteger(decision.price)).toBe(true);
        expect(decision.price).toBeGreaterThanOrEqual(Math.max(KASPI_MIN_PRICE, input.settings.minPrice));
        if (input.settings.maxPrice !== null) expect(decision.price).toBeLessThanOrEqual(input.settings.maxPrice);
        return true;
      }),
      { numRuns: RUNS, seed: 20261125 },
    );
  });

  it('never reacts to the seller’s own offers (no undercutting ourselves)', () => {
    fc.assert(
      fc.property(market, (input) => {
        expect(decide(input)).toEqual(decide(withoutOwnOffers(input)));
      }),
      { numRuns: RUNS, seed: 7 },
    );
  });

  it('changes nothing when the price is already where the decision put it', () => {
    fc.assert(
      fc.property(market, (input) => {
        const first = decide(input);
        // A limited drop moves in several steps on purpose.
        if (first.action !== 'change' || input.settings.maxDropPerChange !== null) return true;
        const wasCut = first.price < input.ourPrice;
        const again = decide({ ...input, ourPrice: first.price, lastCutAt: wasCut ? input.now : input.lastCutAt });
        expect(again.action, `${first.reason} → ${again.reason} ${again.price}`).toBe('hold');
        return true;
      }),
      { numRuns: RUNS, seed: 42 },
    );
  });

  it('never follows a rival below the floor; a cut always beats the rival it names', () => {
    fc.assert(
      fc.property(market, (input) => {
        const decision = decide(input);
        if (decision.action !== 'change' || decision.price >= input.ourPrice) return true;
        const floor = Math.max(KASPI_MIN_PRICE, input.settings.minPrice);
        expect(decision.price).toBeGreaterThanOrEqual(floor);
        const rivals = countedRivals(input);
        if (['undercut_leader', 'target_place'].includes(decision.reason)) {
          expect(decision.details.rivalPrice).toBeDefined();
          expect(decision.price).toBeLessThan(decision.details.rivalPrice!);
          expect(rivals.some((rival) => rival.price === decision.details.rivalPrice)).toBe(true);
        }
        return true;
      }),
      { numRuns: RUNS, seed: 99 },
    );
  });
});
