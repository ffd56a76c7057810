/**
 * The strategies `npm run bench:market` plays against one another: ours (the production `decide`, with its
 * memory and the store's change budget) and baselines written from the public descriptions of Kaspi
 * repricers: "cheapest − step" (our seed's demper), AlgaTop's rules, Cube's target price, and Amazon's
 * "match the lowest price". Baselines run with their published defaults: no rival filters, no budget of
 * their own (Kaspi's limit still applies to them, in arrival order).
 */
import {
  countedRivals,
  decide,
  stepAmount,
  type DemperSettings,
  type MarketObservation,
  type MarketOfferInput,
} from '../../src/demper/strategy.js';
import { walkingWithBot } from '../../src/demper/budget.js';
import type { SimCard } from './world.js';

export interface PricerDecision {
  /** The new price, or null to hold. */
  price: number | null;
  reason: string;
  place?: number;
  walkingWithBot?: boolean;
  recheckInMs?: number;
  /** Ours: the memory to keep once the decision is carried out. */
  memory?: unknown;
}

export interface Pricer {
  name: string;
  /** Spends the store's budget by value (ours); baselines send everything and meet Kaspi's limit in order. */
  budgetAware: boolean;
  decide(card: SimCard, memory: unknown, observation: MarketObservation, nowMs: number): PricerDecision;
}

function settingsOf(card: SimCard, filters = true): DemperSettings {
  return {
    minPrice: card.floor,
    maxPrice: card.ceiling,
    step: card.step,
    stepIsPercent: false,
    strategy: 'first_place',
    targetPlace: 1,
    excludedMerchants: [],
    autoRaise: true,
    raiseCooldownMs: 30 * 60_000,
    whenAlone: 'ceiling',
    maxDropPerChange: null,
    priceWar: 'jump',
    rivalFilter: {
      minRating: null,
      minReviews: null,
      maxDeliveryRank: null,
      ignoreIntercity: filters,
      ignoreUnproven: filters,
    },
  };
}

export function ours(name = 'ours (demper v2)', filters = true): Pricer {
  return {
    name,
    budgetAware: true,
    decide(card, memory, observation, nowMs) {
      const decision = decide(settingsOf(card, filters), memory, observation, nowMs);
      return {
        price: decision.action === 'change' ? decision.price : null,
        reason: decision.reason,
        place: decision.place,
        walkingWithBot: walkingWithBot(decision),
        ...(decision.recheckInMs !== undefined ? { recheckInMs: decision.recheckInMs } : {}),
        memory: decision.memory,
      };
    },
  };
}

function rivalsOf(card: SimCard, observation: MarketObservation): MarketOfferInput[] {
  const settings = settingsOf(card, false);
  return countedRivals(observation.offers, observation.ownMerchantIds, [], settings.rivalFilter).rivals;
}

const clamp = (price: number, card: SimCard) => Math.min(card.ceiling, Math.max(card.floor, Math.floor(price)));
const change = (price: number, observation: MarketObservation, reason: string): PricerDecision => ({
  price: price === observation.ourPrice ? null : price,
  reason,
});

/** The seed's demper: one step under the cheapest rival, both ways, never under the floor. */
const cheapestMinusStep: Pricer = {
  name: 'cheapest − step (seed)',
  budgetAware: false,
  decide(card, _memory, observation) {
    const leader = rivalsOf(card, observation)[0];
    if (!leader) return { price: null, reason: 'alone' };
    return change(clamp(leader.price - card.step, card), observation, 'undercut');
  },
};

/** Cube: min competitor − step, raises with it up to the ceiling; under the floor: to the floor once, then hold; alone: ceiling. */
const cube: Pricer = {
  name: 'Cube target price',
  budgetAware: false,
  decide(card, _memory, observation) {
    const leader = rivalsOf(card, observation)[0];
    if (!leader) return change(card.ceiling, observation, 'alone-max');
    const target = Math.min(card.ceiling, leader.price - card.step);
    if (target < card.floor)
      return observation.ourPrice > card.floor
        ? change(card.floor, observation, 'floor')
        : { price: null, reason: 'min-reached' };
    return change(target, observation, 'undercut');
  },
};

/**
 * AlgaTop's rules (BEAT_FIRST with auto-increase on, its best setting): rank by price, then the higher rating;
 * first → climb to one step under the next; otherwise leader − step; a target under the floor keeps the price,
 * or with auto-increase sits just under the seller behind us; alone → keep; cap at the ceiling.
 */
const algaTop: Pricer = {
  name: 'AlgaTop rules',
  budgetAware: false,
  decide(card, _memory, observation) {
    const rivals = rivalsOf(card, observation);
    const leader = rivals[0];
    if (!leader) return { price: null, reason: 'alone-keep' };
    const step = stepAmount(settingsOf(card), leader.price);
    const first =
      observation.ourPrice < leader.price || (observation.ourPrice === leader.price && 4.7 > (leader.rating ?? 0));
    const target = Math.min(card.ceiling, leader.price - step);
    if (first)
      return target > observation.ourPrice
        ? change(target, observation, 'raise-when-first')
        : { price: null, reason: 'keep-first' };
    if (target < card.floor) {
      const behind = rivals.find((rival) => rival.price - step >= card.floor);
      return behind
        ? change(Math.min(card.ceiling, behind.price - step), observation, 'under-next')
        : { price: null, reason: 'min-short' };
    }
    return change(target, observation, 'beat-first');
  },
};

/** Amazon's "match the lowest price" (ties go to the better-rated seller), within the bounds. */
const matchLowest: Pricer = {
  name: 'match lowest (Amazon)',
  budgetAware: false,
  decide(card, _memory, observation) {
    const leader = rivalsOf(card, observation)[0];
    if (!leader) return { price: null, reason: 'alone' };
    return change(clamp(leader.price, card), observation, 'match');
  },
};

export const BASELINES: Pricer[] = [cheapestMinusStep, algaTop, cube, matchLowest];
