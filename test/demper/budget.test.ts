/**
 * The store's change budget (src/demper/budget.ts): how much one run may spend of Kaspi's 250 changes per rolling
 * 30 minutes, and which changes go first when it binds. That the engine sends a product's cities in one batch
 * item is engine.integration.test.ts's business; here only that they are ranked and picked as one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  BUDGET_RESERVE,
  changeValue,
  pickProductsWithinBudget,
  pickWithinBudget,
  runAllowance,
  walkingWithBot,
  type ValuedChange,
} from '../../src/demper/budget.js';
import { Market, naiveBot, offer, seller, settingsWith, base } from './strategy-fixtures.js';

const change = (fields: Partial<ValuedChange> = {}): ValuedChange => ({
  oldPrice: 1_200,
  newPrice: 1_099,
  floor: 900,
  reason: 'undercut_leader',
  place: 1,
  contested: false,
  ...fields,
});

describe('how much one run may spend', () => {
  it('keeps a reserve for the seller’s own edits', () => {
    for (let left = -5; left <= BUDGET_RESERVE; left++) expect(runAllowance(left), `${left} left`).toBe(0);
    expect(runAllowance(BUDGET_RESERVE + 1)).toBe(1);
    expect(runAllowance(BUDGET_RESERVE + 2)).toBe(2);
  });

  it('spends at most half of what is left above the reserve (at least 2, when there are 2)', () => {
    expect([13, 14, 20, 50, 250].map((left) => runAllowance(left))).toEqual([2, 2, 5, 20, 120]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 250 }), (left) => {
        const allowance = runAllowance(left);
        const spendable = Math.max(0, left - BUDGET_RESERVE);
        expect(allowance).toBeLessThanOrEqual(spendable);
        expect(allowance).toBeLessThanOrEqual(Math.max(Math.min(spendable, 2), Math.ceil(spendable / 2)));
        expect(allowance).toBeLessThanOrEqual(left / 2);
        if (spendable > 0) expect(allowance).toBeGreaterThan(0);
      }),
    );
  });

  it('run after run within one window, the budget lasts and the reserve is never touched', () => {
    let left = 250;
    const runs: number[] = [];
    while (runAllowance(left) > 0) {
      runs.push(runAllowance(left));
      left -= runs.at(-1)!;
    }
    expect(left).toBe(BUDGET_RESERVE);
    expect(runs.slice(0, 4)).toEqual([120, 60, 30, 15]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(240);
    expect(runs.length).toBeGreaterThan(6);
  });

  it('with the clock’s pace, a run never takes less than its fair share of the window, and never more than is left', () => {
    const pace = { limit: 250, runsPerWindow: 30 }; // a run every minute: (250 − 10) / 30 = 8 each
    expect([5, 12, 15, 20, 30, 250].map((left) => runAllowance(left, pace))).toEqual([0, 2, 5, 8, 10, 120]);
    expect(runAllowance(250, { limit: 250, runsPerWindow: 1 })).toBe(240);
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 250 }), fc.integer({ min: 1, max: 60 }), (left, runsPerWindow) => {
        const allowance = runAllowance(left, { limit: 250, runsPerWindow });
        expect(allowance).toBeLessThanOrEqual(Math.max(0, left - BUDGET_RESERVE));
        expect(allowance).toBeGreaterThanOrEqual(runAllowance(left));
      }),
    );
  });

  it('within one window, the last of the budget goes in its fair share, not in a trickle of 4, 2, 1 while changes wait', () => {
    const runsOf = (pace?: { limit: number; runsPerWindow: number }) => {
      let left = 250;
      const runs: number[] = [];
      while (runAllowance(left, pace) > 0) {
        runs.push(runAllowance(left, pace));
        left -= runs.at(-1)!;
      }
      return { runs, left };
    };
    expect(runsOf({ limit: 250, runsPerWindow: 10 })).toEqual({ runs: [120, 60, 30, 24, 6], left: BUDGET_RESERVE });
    expect(runsOf()).toEqual({ runs: [120, 60, 30, 15, 8, 4, 2, 1], left: BUDGET_RESERVE });
  });
});

describe('which changes go first', () => {
  it('repairs of a price outside the seller’s bounds come before everything', () => {
    expect(changeValue(change({ reason: 'below_floor_fix', newPrice: 900 }))).toBe(Number.POSITIVE_INFINITY);
    expect(changeValue(change({ reason: 'above_ceiling_fix', newPrice: 1_500 }))).toBe(Number.POSITIVE_INFINITY);
    const items = [
      change({ newPrice: 500_000, floor: 100_000, contested: true }),
      change({ reason: 'below_floor_fix', newPrice: 900 }),
      change({ reason: 'above_ceiling_fix' }),
    ];
    expect(pickWithinBudget(items, 2, changeValue).now.map((c) => c.reason)).toEqual([
      'below_floor_fix',
      'above_ceiling_fix',
    ]);
  });

  it('worth more: a dearer product, a wider margin, first place, a moving market; a cut a bot answers at once is worth least', () => {
    const plain = changeValue(change());
    expect(changeValue(change({ newPrice: 2_000, floor: 1_500 }))).toBeGreaterThan(plain);
    expect(changeValue(change({ floor: 500 }))).toBeGreaterThan(plain);
    expect(changeValue(change({ place: 1 }))).toBe(4 * changeValue(change({ place: 2 })));
    expect(changeValue(change({ contested: true }))).toBeCloseTo(1.5 * plain);
    expect(changeValue(change({ walkingWithBot: true }))).toBeLessThan(changeValue(change({ place: 3 })));
    // A price at the floor still has some worth: it is not ranked with nothing.
    expect(changeValue(change({ newPrice: 900 }))).toBeGreaterThan(0);
  });

  it('the most valuable go now in their original order, the rest wait; ties keep their order', () => {
    const values = [5, 1, 9, 9, 3, 7];
    const items = values.map((value, index) => ({ value, index }));
    const { now, waiting } = pickWithinBudget(items, 3, (item) => item.value);
    expect(now.map((i) => i.index)).toEqual([2, 3, 5]);
    expect(waiting.map((i) => i.index)).toEqual([0, 1, 4]);
    const ties = pickWithinBudget(
      items.map((i) => ({ ...i, value: 1 })),
      2,
      (item) => item.value,
    );
    expect(ties.now.map((i) => i.index)).toEqual([0, 1]);
    expect(pickWithinBudget(items, 10, (item) => item.value)).toEqual({ now: items, waiting: [] });
    expect(pickWithinBudget(items, 0, (item) => item.value)).toEqual({ now: [], waiting: items });
  });

  it('any allowance: nothing is lost or doubled, and nothing waiting is worth more than what went', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 40 }),
        fc.integer({ min: -2, max: 45 }),
        (values, allowance) => {
          const items = values.map((value, index) => ({ value, index }));
          const { now, waiting } = pickWithinBudget(items, allowance, (item) => item.value);
          expect([...now, ...waiting].map((i) => i.index).sort((a, b) => a - b)).toEqual(items.map((i) => i.index));
          expect(now.length).toBe(Math.min(items.length, Math.max(0, allowance)));
          const lowestNow = Math.min(...now.map((i) => i.value));
          for (const item of waiting) expect(item.value).toBeLessThanOrEqual(lowestNow);
        },
      ),
    );
  });

  it('a cut under a bot that goes lower than our floor is recognised from the decision', () => {
    // With room in the budget we step under a bot each check: those cuts are `walkingWithBot`.
    const market = new Market(base, 960, [seller(offer('Bot', 950), naiveBot(800))]);
    market.spareBudget = true;
    const decisions = market.run(6);
    expect(decisions.slice(0, 2).map(walkingWithBot)).toEqual([false, false]); // not yet a bot
    expect(decisions.slice(2).every(walkingWithBot)).toBe(true);
    // A plain cut, a probe and a settle are not.
    const probe = new Market(settingsWith(), 960, [seller(offer('Bot', 950), naiveBot(930))]).run(4);
    expect(probe.map((d) => `${d.reason} ${walkingWithBot(d)}`)).toEqual([
      'undercut_leader false',
      'undercut_leader false',
      'price_war_probe false',
      'price_war_end false',
    ]);
  });

  it('a product’s cities are picked as one: they go or wait together, ranked by their worth together', () => {
    const plan = (id: number, price: number, reason: 'undercut_leader' | 'below_floor_fix' = 'undercut_leader') => ({
      product: { id, rivalMovedAt: null },
      oldPrice: price + 100,
      decision: { price, reason, place: 1, priceWar: false, details: {} },
    });
    // Product 1 sells in two cities, product 2 in one at a higher price, product 3 needs a repair.
    const plans = [plan(1, 1_000), plan(2, 5_000), plan(1, 1_100), plan(3, 900, 'below_floor_fix')];
    const floor = () => 900;
    expect(pickProductsWithinBudget(plans, 1, floor).now.map((p) => p.product.id)).toEqual([3]);
    const two = pickProductsWithinBudget(plans, 2, floor);
    expect(two.now.map((p) => p.product.id)).toEqual([2, 3]);
    expect(two.waiting.map((p) => p.product.id)).toEqual([1, 1]);
    expect(pickProductsWithinBudget(plans, 3, floor).now).toHaveLength(4);
  });
});
