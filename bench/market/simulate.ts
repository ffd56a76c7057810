/**
 * One strategy over the simulated cards: rivals act every minute; the demper's tick comes every 3 minutes and
 * decides each due card the way the production engine does (a card whose rival moved within the hour is
 * checked every tick, others every 15 minutes, later when the strategy asks), and Kaspi's rolling limit of 250
 * changes per store per 30 minutes refuses the rest. The figures are measured per minute.
 */
import { changeValue, pickWithinBudget, runAllowance } from '../../src/demper/budget.js';
import type { MarketObservation } from '../../src/demper/strategy.js';
import type { Pricer, PricerDecision } from './pricers.js';
import {
  buyersPick,
  cloneCards,
  moveRivals,
  OUR_ID,
  OWN_OTHER_ID,
  RIVAL_KINDS,
  visibleOffers,
  type RivalKind,
  type SimCard,
} from './world.js';

export const TICK_MINUTES = 3;
const CONTESTED_MINUTES = 60;
const QUIET_CHECK_MINUTES = 15;
const KASPI_LIMIT = 250;
const WINDOW_MINUTES = 30;

export interface Figures {
  name: string;
  /** Share of card-minutes we were the buyer's pick. */
  firstShare: number;
  /** Margin over the floor in % of the floor, per card-minute, 0 while not first. */
  yieldPct: number;
  byKind: Record<RivalKind, { yieldPct: number; firstShare: number; cards: number }>;
  changes: number;
  maxChangesPer30Min: number;
  refusedByKaspi: number;
  waited: number;
  floorViolations: number;
  selfUndercuts: number;
  /** Turnarounds of our price per card per hour, on average, and the most any card made in one rolling hour. */
  reversalsPerCardHour: number;
  maxReversalsInAnHour: number;
  reasons: Record<string, number>;
}

interface CardState {
  price: number;
  memory: unknown;
  nextCheck: number;
  rivalMovedAt: number;
  lastDirection: 'up' | 'down' | null;
  reversals: number[];
  maxReversals: number;
  firstMinutes: number;
  yieldSum: number;
}

export function simulate(cardsIn: SimCard[], pricer: Pricer, minutes: number): Figures {
  const cards = cloneCards(cardsIn);
  const states: CardState[] = cards.map((card) => ({
    price: card.startPrice,
    memory: undefined,
    nextCheck: 0,
    rivalMovedAt: -Infinity,
    lastDirection: null,
    reversals: [],
    maxReversals: 0,
    firstMinutes: 0,
    yieldSum: 0,
  }));
  const changeTimes: number[] = [];
  const figures = {
    changes: 0,
    refused: 0,
    waited: 0,
    floorViolations: 0,
    selfUndercuts: 0,
    reversals: 0,
    maxChanges: 0,
    reasons: {} as Record<string, number>,
  };

  for (let minute = 0; minute < minutes; minute++) {
    cards.forEach((card, index) => {
      const before = card.rivals.map((rival) => rival.price + (rival.gone ? 0.5 : 0));
      moveRivals(card, states[index]!.price, minute);
      if (card.rivals.some((rival, r) => rival.price + (rival.gone ? 0.5 : 0) !== before[r]))
        states[index]!.rivalMovedAt = minute;
    });
    if (minute % TICK_MINUTES === 0) tick(cards, states, pricer, minute, changeTimes, figures);
    cards.forEach((card, index) => {
      const state = states[index]!;
      if (buyersPick(card, state.price) !== OUR_ID) return;
      state.firstMinutes++;
      state.yieldSum += ((state.price - card.floor) / card.floor) * 100;
    });
  }

  const total = cards.length * minutes;
  const byKind = Object.fromEntries(
    RIVAL_KINDS.map((kind) => {
      const withKind = cards
        .map((card, index) => ({ card, state: states[index]! }))
        .filter(({ card }) => card.rivals.some((rival) => rival.kind === kind));
      const cardMinutes = withKind.length * minutes || 1;
      return [
        kind,
        {
          cards: withKind.length,
          yieldPct: withKind.reduce((sum, { state }) => sum + state.yieldSum, 0) / cardMinutes,
          firstShare: withKind.reduce((sum, { state }) => sum + state.firstMinutes, 0) / cardMinutes,
        },
      ];
    }),
  ) as Figures['byKind'];
  return {
    name: pricer.name,
    firstShare: states.reduce((sum, state) => sum + state.firstMinutes, 0) / total,
    yieldPct: states.reduce((sum, state) => sum + state.yieldSum, 0) / total,
    byKind,
    changes: figures.changes,
    maxChangesPer30Min: figures.maxChanges,
    refusedByKaspi: figures.refused,
    waited: figures.waited,
    floorViolations: figures.floorViolations,
    selfUndercuts: figures.selfUndercuts,
    reversalsPerCardHour: figures.reversals / (cards.length * (minutes / 60)),
    maxReversalsInAnHour: Math.max(0, ...states.map((state) => state.maxReversals)),
    reasons: figures.reasons,
  };
}

function observationOf(card: SimCard, price: number): MarketObservation {
  return {
    ourPrice: price,
    ownMerchantIds: [OUR_ID, OWN_OTHER_ID],
    offers: visibleOffers(card, price).map((offer) => ({
      merchantId: offer.id,
      merchantName: offer.id,
      price: offer.price,
      rating: offer.rival ? offer.rival.rating : 4.7,
      reviews: offer.rival ? offer.rival.reviews : 150,
      deliveryDuration: offer.rival ? offer.rival.deliveryDuration : 'TOMORROW',
      intercity: offer.rival?.intercity ?? false,
    })),
  };
}

function tick(
  cards: SimCard[],
  states: CardState[],
  pricer: Pricer,
  minute: number,
  changeTimes: number[],
  figures: {
    changes: number;
    refused: number;
    waited: number;
    floorViolations: number;
    selfUndercuts: number;
    reversals: number;
    maxChanges: number;
    reasons: Record<string, number>;
  },
): void {
  const nowMs = minute * 60_000;
  while (changeTimes.length && changeTimes[0]! <= minute - WINDOW_MINUTES) changeTimes.shift();
  const spareBudget = KASPI_LIMIT - changeTimes.length >= KASPI_LIMIT / 2;
  const proposals: { index: number; decision: PricerDecision }[] = [];
  cards.forEach((card, index) => {
    const state = states[index]!;
    if (state.nextCheck > minute) return;
    const decision = pricer.decide(card, state.memory, { ...observationOf(card, state.price), spareBudget }, nowMs);
    figures.reasons[decision.reason] = (figures.reasons[decision.reason] ?? 0) + 1;
    const contested = minute - state.rivalMovedAt < CONTESTED_MINUTES;
    state.nextCheck =
      minute +
      Math.max(contested ? TICK_MINUTES : QUIET_CHECK_MINUTES, Math.ceil((decision.recheckInMs ?? 0) / 60_000));
    if (decision.price === null) state.memory = decision.memory;
    else proposals.push({ index, decision });
  });
  let going = proposals;
  if (pricer.budgetAware) {
    const value = ({ index, decision }: (typeof proposals)[number]) =>
      changeValue({
        oldPrice: states[index]!.price,
        newPrice: decision.price!,
        floor: cards[index]!.floor,
        reason: decision.reason as never,
        place: decision.place ?? 1,
        contested: minute - states[index]!.rivalMovedAt < CONTESTED_MINUTES,
        walkingWithBot: decision.walkingWithBot ?? false,
      });
    const picked = pickWithinBudget(
      proposals,
      runAllowance(KASPI_LIMIT - changeTimes.length, {
        limit: KASPI_LIMIT,
        runsPerWindow: WINDOW_MINUTES / TICK_MINUTES,
      }),
      value,
    );
    going = picked.now;
    figures.waited += picked.waiting.length;
    for (const { index } of picked.waiting) states[index]!.nextCheck = minute + TICK_MINUTES;
  }
  for (const { index, decision } of going) {
    const state = states[index]!;
    const card = cards[index]!;
    if (changeTimes.length >= KASPI_LIMIT) {
      // Kaspi refuses it; the card is decided again at the next tick, as the engine does.
      figures.refused++;
      state.nextCheck = minute + TICK_MINUTES;
      continue;
    }
    const price = decision.price!;
    changeTimes.push(minute);
    figures.changes++;
    figures.maxChanges = Math.max(figures.maxChanges, changeTimes.length);
    if (price < card.floor || price < 10 || price > card.ceiling || !Number.isInteger(price)) figures.floorViolations++;
    const own = card.ownOther?.price;
    const rivalsUnderOwn = card.rivals.some((rival) => !rival.gone && own !== undefined && rival.price <= own);
    if (own !== undefined && price < own && own <= state.price && !rivalsUnderOwn) figures.selfUndercuts++;
    const direction = price < state.price ? 'down' : 'up';
    if (state.lastDirection !== null && state.lastDirection !== direction) {
      figures.reversals++;
      state.reversals = [...state.reversals.filter((at) => minute - at < 60), minute];
      state.maxReversals = Math.max(state.maxReversals, state.reversals.length);
    }
    state.lastDirection = direction;
    state.price = price;
    state.memory = decision.memory;
  }
}
