/**
 * A tiny market for the strategy's tests: our offer, rivals that stay or react, and a check every few minutes
 * that runs `decide` with the memory the previous check left, applies a change, then lets the rivals answer.
 * The same loop the engine runs (load memory → decide → store memory when carried out), without the I/O.
 */
import { decide, type Decision, type DemperSettings, type MarketOfferInput } from '../../src/demper/strategy.js';
import type { StrategyMemory } from '../../src/demper/strategy-memory.js';

export const MIN = 60_000;
export const NOW = 1_790_000_000_000;
/** This store and the seller's other store. */
export const OWN = ['30067228', '30463421'];
export const CHECK_MS = 3 * MIN;

/** Settings as `demperSettingsOf` gives them for a new product: floor 900, ceiling 1 500, step 1 ₸, filters on. */
export const base: DemperSettings = {
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
  rivalFilter: {
    minRating: null,
    minReviews: null,
    maxDeliveryRank: null,
    ignoreIntercity: true,
    ignoreUnproven: true,
  },
};

export const settingsWith = (changes: Partial<DemperSettings> = {}): DemperSettings => ({ ...base, ...changes });

/** A well-rated seller in our city (passes every default filter). */
export function offer(name: string, price: number, extra: Partial<MarketOfferInput> = {}): MarketOfferInput {
  return {
    merchantId: `m-${name}`,
    merchantName: name,
    price,
    rating: 4.8,
    reviews: 200,
    deliveryDuration: 'TOMORROW',
    ...extra,
  };
}

/** How a rival sets its price after seeing the market (its own price excluded from `others`). */
export type Behaviour = (own: number, others: number[], round: number) => number;

const stays: Behaviour = (own) => own;

/** Cheapest other − step, never under its own floor; raises too when the others go up. */
export const naiveBot =
  (floor: number, step = 1): Behaviour =>
  (_own, others) =>
    others.length ? Math.max(floor, Math.min(...others) - step) : _own;

/** Prices by round (the last one stays). */
export const script =
  (...prices: number[]): Behaviour =>
  (own, _others, round) =>
    prices[Math.min(round, prices.length - 1)] ?? own;

export interface Seller {
  offer: MarketOfferInput;
  behaviour: Behaviour;
}

export const seller = (offerIn: MarketOfferInput, behaviour: Behaviour = stays): Seller => ({
  offer: offerIn,
  behaviour,
});

export interface Check {
  at: number;
  /** Our price the check saw. */
  before: number;
  decision: Decision;
}

export class Market {
  ourPrice: number;
  now: number;
  memory: StrategyMemory | undefined;
  /** The store's change budget has room for changes worth little (see `MarketObservation.spareBudget`). */
  spareBudget = false;
  readonly checks: Check[] = [];
  private round = 0;

  constructor(
    public settings: DemperSettings,
    ourPrice: number,
    public sellers: Seller[],
    options: { now?: number; memory?: StrategyMemory } = {},
  ) {
    this.ourPrice = ourPrice;
    this.now = options.now ?? NOW;
    this.memory = options.memory;
  }

  /** The city's offers as the storefront shows them: ours among the rivals'. */
  offers(): MarketOfferInput[] {
    return [offer('Our store', this.ourPrice, { merchantId: OWN[0]! }), ...this.sellers.map((s) => s.offer)];
  }

  price(name: string): number {
    const found = this.sellers.find((s) => s.offer.merchantName === name);
    if (!found) throw new Error(`no seller ${name}`);
    return found.offer.price;
  }

  /** One check: decide, carry the decision out, let every rival answer, move the clock to the next check. */
  check(): Decision {
    const observation = {
      ourPrice: this.ourPrice,
      ownMerchantIds: OWN,
      offers: this.offers(),
      spareBudget: this.spareBudget,
    };
    const decision = decide(this.settings, this.memory, observation, this.now);
    this.checks.push({ at: this.now, before: this.ourPrice, decision });
    this.memory = decision.memory;
    if (decision.action === 'change') this.ourPrice = decision.price;
    this.react();
    // The engine looks again no sooner than the decision asks.
    this.now += Math.max(CHECK_MS, decision.recheckInMs ?? 0);
    return decision;
  }

  /** `n` checks; the decisions in order. */
  run(n: number): Decision[] {
    return Array.from({ length: n }, () => this.check());
  }

  /** Rivals answer one after another, each seeing the market as it is at that moment (own offers are others too). */
  react(): void {
    this.round++;
    for (const s of this.sellers) {
      const others = [this.ourPrice, ...this.sellers.filter((o) => o !== s).map((o) => o.offer.price)];
      s.offer = { ...s.offer, price: s.behaviour(s.offer.price, others, this.round) };
    }
  }
}
