/**
 * The store's change budget: Kaspi takes at most 250 price/stock changes per store in a rolling 30 minutes
 * (the demper's, the seller's own edits, on/off and preorders together). Each run spends at most half of what
 * is left, so the budget lasts the window instead of going in the first minute; when it binds, the changes that
 * are worth most go first and the rest wait for a later run. Pure; the engine and the market simulator share it.
 */
import type { Decision, ReasonCode } from './strategy.js';

/** Kept free for the seller's own edits from the chat, which must never be refused by the demper's spending. */
export const BUDGET_RESERVE = 10;

/** How the demper's runs meet Kaspi's window: its size and how many runs the clock makes in it. */
export interface BudgetPace {
  limit: number;
  runsPerWindow: number;
}

/**
 * How many changes one run may send with `left` changes left in the store's window: half of what is left above
 * the reserve, so a burst leaves room for the runs after it, but never less than the run's fair share of the
 * window, so the last of the budget goes at once instead of in a trickle (4, 2, 1, …) while changes wait.
 */
export function runAllowance(left: number, pace?: BudgetPace): number {
  const spendable = left - BUDGET_RESERVE;
  if (spendable <= 0) return 0;
  const fairShare = pace ? Math.ceil((pace.limit - BUDGET_RESERVE) / Math.max(1, pace.runsPerWindow)) : 0;
  return Math.min(spendable, Math.max(2, fairShare, Math.ceil(spendable / 2)));
}

export interface ValuedChange {
  oldPrice: number;
  newPrice: number;
  floor: number;
  reason: ReasonCode;
  /** Our place after the change (1 = first). */
  place: number;
  /** A rival moved within the last hour. */
  contested: boolean;
  /** The strategy is answering a bot that goes lower than our floor: the cut holds only until its answer. */
  walkingWithBot?: boolean;
}

/**
 * A cut a bot answers within minutes buys first place for a minute or two; a change that holds buys it for
 * hours. Measured in the market simulator: at 0.05 the walks crowd out lasting changes when the budget binds.
 */
const WALK_WEIGHT = 0.01;

const REPAIRS: ReadonlySet<ReasonCode> = new Set(['below_floor_fix', 'above_ceiling_fix']);

/**
 * What a change is worth: the price times the margin it earns over the floor, more when it takes or keeps first
 * place and when the market is moving. Repairs of a price outside the seller's bounds come before everything.
 */
export function changeValue(change: ValuedChange): number {
  if (REPAIRS.has(change.reason)) return Number.POSITIVE_INFINITY;
  const margin = Math.max(change.newPrice - change.floor, 1) / change.floor;
  const first = change.place === 1 ? 4 : 1;
  const contested = change.contested ? 1.5 : 1;
  const lasting = change.walkingWithBot ? WALK_WEIGHT : 1;
  return change.newPrice * margin * first * contested * lasting;
}

/** The most valuable `allowance` of `items` go now, the rest wait; ties keep their order. */
export function pickWithinBudget<T>(
  items: T[],
  allowance: number,
  value: (item: T) => number,
): { now: T[]; waiting: T[] } {
  if (items.length <= allowance) return { now: items, waiting: [] };
  const ranked = items
    .map((item, index) => ({ item, index, value: value(item) }))
    .sort((a, b) => b.value - a.value || a.index - b.index);
  const chosen = new Set(ranked.slice(0, Math.max(0, allowance)).map((entry) => entry.index));
  return {
    now: items.filter((_, index) => chosen.has(index)),
    waiting: items.filter((_, index) => !chosen.has(index)),
  };
}

/** A cut under a bot that goes lower than our floor (see the strategy): worth the least of all changes. */
export function walkingWithBot(decision: Pick<Decision, 'priceWar' | 'reason'>): boolean {
  return decision.priceWar && (decision.reason === 'undercut_leader' || decision.reason === 'max_drop_limited');
}

interface ProductPlan {
  product: { id: number; rivalMovedAt?: Date | null };
  oldPrice: number;
  decision: Pick<Decision, 'price' | 'reason' | 'place' | 'priceWar' | 'details'>;
}

/** A product's cities travel in one batch item (one change of the budget): they go or wait together. */
export function pickProductsWithinBudget<T extends ProductPlan>(
  plans: T[],
  allowance: number,
  floorOf: (plan: T) => number | undefined,
): { now: T[]; waiting: T[] } {
  const byProduct = new Map<number, T[]>();
  for (const plan of plans) byProduct.set(plan.product.id, [...(byProduct.get(plan.product.id) ?? []), plan]);
  const value = (group: T[]) =>
    group.reduce((sum, plan) => {
      const moved = plan.product.rivalMovedAt;
      const contested = moved !== null && moved !== undefined && Date.now() - moved.getTime() < 60 * 60_000;
      const floor = plan.decision.details.floor ?? floorOf(plan) ?? 1;
      return (
        sum +
        changeValue({
          oldPrice: plan.oldPrice,
          newPrice: plan.decision.price,
          floor,
          reason: plan.decision.reason,
          place: plan.decision.place,
          contested,
          walkingWithBot: walkingWithBot(plan.decision),
        })
      );
    }, 0);
  const picked = pickWithinBudget([...byProduct.values()], allowance, value);
  return { now: picked.now.flat(), waiting: picked.waiting.flat() };
}
