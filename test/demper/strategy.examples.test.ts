import { describe, expect, it } from 'vitest';

import { decide, detectPriceWar, type DecisionInput, type DemperSettings, type MarketOfferInput, type MarketRound } from '../../src/demper/strategy.js';

const NOW = 1_790_000_000_000;
const MIN = 60_000;
const base: DemperSettings = {
  minPrice: 900,
  maxPrice: 1_500,
  step: 1,
  stepIsPercent: false,
  strategy: 'first_place',
  targetPlace: 1,
  excludedMerchants: [],
  autoRaise: true,
  raiseCooldownMs: 30 * MIN,
  whenAlone: 'hold',
  maxDropPerChange: null,
  priceWar: 'jump',
  rivalFilter: { minRating: null, minReviews: null, maxDeliveryRank: null },
};
const rival = (merchantId: string, price: number, extra: Partial<MarketOfferInput> = {}): MarketOfferInput => ({
  merchantId,
  merchantName: `Rival ${merchantId}`,
  price,
  rating: 4.8,
  reviews: 200,
  deliveryDuration: 'TOMORROW',
  ...extra,
});
const input = (ourPrice: number, offers: MarketOfferInput[], settings: Partial<DemperSettings> = {}, extra: Partial<DecisionInput> = {}): DecisionInput => ({
  ourPrice,
  ownMerchantIds: ['30067228', '30463421'],
  offers,
  settings: { ...base, ...settings },
  now: NOW,
  lastCutAt: null,
  recentRounds: [],
  ...extra,
});

describe('demper strategy, by example', () => {
  it('takes first place by the step', () => {
    expect(decide(input(1_200, [rival('1', 1_100), rival('2', 1_150)]))).toMatchObject({ action: 'change', price: 1_099, reason: 'undercut_leader', place: 1 });
    expect(decide(input(1_100, [rival('1', 1_100)])).price).toBe(1_099); // a tie is not first place
  });

  it('uses a percent step of the rival’s price, rounded down to whole tenge', () => {
    expect(decide(input(1_500, [rival('1', 1_234)], { step: 2, stepIsPercent: true })).price).toBe(1_210);
  });

  it('holds when first, raises toward just under the leader when the gap is wider than the step, not right after a cut', () => {
    expect(decide(input(1_099, [rival('1', 1_100)]))).toMatchObject({ action: 'hold', reason: 'already_optimal' });
    expect(decide(input(1_000, [rival('1', 1_100)]))).toMatchObject({ action: 'change', price: 1_099, reason: 'raise_to_gap' });
    expect(decide(input(1_000, [rival('1', 1_100)], {}, { lastCutAt: NOW - 5 * MIN }))).toMatchObject({ action: 'hold', reason: 'raise_cooldown' });
    expect(decide(input(1_000, [rival('1', 1_100)], { autoRaise: false }))).toMatchObject({ action: 'hold', reason: 'already_first' });
    expect(decide(input(1_000, [rival('1', 2_000)])).price).toBe(1_500); // a raise stops at the ceiling
  });

  it('never follows a rival below the floor, and says so', () => {
    expect(decide(input(1_000, [rival('1', 850)]))).toMatchObject({ action: 'hold', price: 1_000, reason: 'floor_reached', floorReached: true });
  });

  it('repairs a price outside the seller’s bounds', () => {
    expect(decide(input(800, [rival('1', 850)]))).toMatchObject({ action: 'change', price: 900, reason: 'below_floor_fix' });
    expect(decide(input(2_000, [rival('1', 3_000)], { autoRaise: false }))).toMatchObject({ action: 'change', price: 1_500, reason: 'above_ceiling_fix' });
  });

  it('matches the leader, or holds a target place', () => {
    expect(decide(input(1_200, [rival('1', 1_100)], { strategy: 'match_leader' }))).toMatchObject({ price: 1_100, reason: 'match_leader' });
    const market = [rival('1', 1_000), rival('2', 1_100), rival('3', 1_300)];
    expect(decide(input(1_400, market, { strategy: 'target_place', targetPlace: 2 }))).toMatchObject({ price: 1_099, place: 2, reason: 'target_place' });
    expect(decide(input(1_400, market, { strategy: 'target_place', targetPlace: 5 }))).toMatchObject({ action: 'hold' });
  });

  it('with no rivals holds, or goes to the ceiling when the seller chose that', () => {
    expect(decide(input(1_200, []))).toMatchObject({ action: 'hold', reason: 'no_rivals_hold' });
    expect(decide(input(1_200, [], { whenAlone: 'ceiling' }))).toMatchObject({ action: 'change', price: 1_500, reason: 'no_rivals_ceiling' });
  });

  it('ignores our own stores, excluded merchants and rivals failing the filters', () => {
    const offers = [rival('30463421', 950), rival('7', 990), rival('8', 1_000, { rating: 3.1 }), rival('9', 1_050, { reviews: 2 }), rival('10', 1_080, { deliveryDuration: 'TILL_7_DAYS' }), rival('11', 1_100)];
    const decision = decide(input(1_200, offers, { excludedMerchants: ['7'], rivalFilter: { minRating: 4, minReviews: 10, maxDeliveryRank: 3 } }));
    expect(decision).toMatchObject({ price: 1_099, leader: { merchantId: '11' } });
  });

  it('limits how far one change may drop', () => {
    expect(decide(input(1_400, [rival('1', 1_000)], { maxDropPerChange: 100 }))).toMatchObject({ price: 1_300, reason: 'max_drop_limited' });
  });

  it('recognises a price war and jumps to where it ends, or holds', () => {
    const rounds: MarketRound[] = [
      { at: NOW - 40 * MIN, ourPrice: 1_100, leaderMerchantId: '1', leaderPrice: 1_099 },
      { at: NOW - 30 * MIN, ourPrice: 1_098, leaderMerchantId: '1', leaderPrice: 1_097 },
      { at: NOW - 20 * MIN, ourPrice: 1_096, leaderMerchantId: '1', leaderPrice: 1_095 },
      { at: NOW - 10 * MIN, ourPrice: 1_094, leaderMerchantId: '1', leaderPrice: 1_093 },
    ];
    expect(detectPriceWar(rounds, '1', NOW)).toBe(true);
    expect(detectPriceWar(rounds.slice(0, 2), '1', NOW)).toBe(false);
    const market = [rival('1', 1_093)];
    expect(decide(input(1_094, market, {}, { recentRounds: rounds }))).toMatchObject({ price: 900, reason: 'price_war_jump', priceWar: true });
    expect(decide(input(1_094, market, { priceWar: 'hold' }, { recentRounds: rounds }))).toMatchObject({ action: 'hold', reason: 'price_war_hold' });
    expect(decide(input(1_094, market, { priceWar: 'off' }, { recentRounds: rounds }))).toMatchObject({ price: 1_092, reason: 'undercut_leader' });
  });

  it('refuses to act on impossible settings', () => {
    expect(decide(input(1_000, [rival('1', 900)], { minPrice: 5 }))).toMatchObject({ action: 'hold', reason: 'invalid_settings' });
    expect(decide(input(1_000, [rival('1', 900)], { maxPrice: 800 }))).toMatchObject({ action: 'hold', reason: 'invalid_settings' });
  });
});
