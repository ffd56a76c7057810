/**
 * The simulated market of `npm run bench:market`: product cards, each with our offer and 2–8 rivals of the kinds
 * sellers meet on Kaspi, seeded so every strategy plays the very same cards. Time runs in minutes; a rival acts
 * at its own moments and sees the prices of the minute before.
 */
import { SeededRandom } from '../../src/kaspi-sandbox/random.js';

export type RivalKind = 'static' | 'human' | 'naive-bot' | 'algatop' | 'below-floor' | 'raiser' | 'intercity';
export const RIVAL_KINDS: RivalKind[] = [
  'static',
  'human',
  'naive-bot',
  'algatop',
  'below-floor',
  'raiser',
  'intercity',
];

export interface SimRival {
  id: string;
  kind: RivalKind;
  price: number;
  floor: number;
  ceiling: number;
  step: number;
  rating: number | null;
  reviews: number | null;
  deliveryDuration: string;
  intercity: boolean;
  /** Minute of its first action and minutes between actions (static sellers never act). */
  phase: number;
  every: number;
  /** The one-time raiser's moment; the below-floor seller's sell-out moment (Infinity = never). */
  eventAt: number;
  /** AlgaTop-like: since when it is first without a break. */
  firstSince: number | null;
  gone: boolean;
}

export interface SimCard {
  id: number;
  basePrice: number;
  floor: number;
  ceiling: number;
  step: number;
  startPrice: number;
  rivals: SimRival[];
  /** The seller's other store on this card (never a rival), or null. */
  ownOther: { id: string; price: number } | null;
}

export const OUR_ID = 'us';
export const OWN_OTHER_ID = 'us-2';
const OUR_RATING = 4.7;

export function makeCards(count: number, seed: number, horizon: number): SimCard[] {
  const stream = new SeededRandom(seed);
  const random = () => stream.next();
  const between = (low: number, high: number) => low + random() * (high - low);
  const int = (low: number, high: number) => Math.floor(between(low, high + 1));
  const cards: SimCard[] = [];
  for (let id = 0; id < count; id++) {
    const basePrice = Math.round(Math.exp(between(Math.log(2_000), Math.log(500_000))));
    const floor = Math.round(basePrice * between(0.86, 0.94));
    const ceiling = Math.round(basePrice * between(1.15, 1.3));
    const step = random() < 0.7 ? 1 : 10;
    const rivals: SimRival[] = [];
    const rivalCount = int(2, 8);
    for (let r = 0; r < rivalCount; r++) {
      const kind = RIVAL_KINDS[int(0, RIVAL_KINDS.length - 1)]!;
      const rival: SimRival = {
        id: `r${id}-${r}`,
        kind,
        price: Math.round(basePrice * between(0.97, 1.12)),
        floor: Math.round(basePrice * between(0.84, 0.97)),
        ceiling: Math.round(basePrice * 1.3),
        step: int(1, 10),
        rating: Math.round(between(4.2, 5) * 10) / 10,
        reviews: int(10, 3_000),
        deliveryDuration: random() < 0.5 ? 'TOMORROW' : 'TILL_2_DAYS',
        intercity: false,
        phase: 0,
        every: Infinity,
        eventAt: Infinity,
        firstSince: null,
        gone: false,
      };
      if (kind === 'human') {
        rival.every = int(150, 210);
        rival.phase = int(0, rival.every);
      } else if (kind === 'naive-bot') {
        rival.every = 3;
        rival.phase = int(0, 2);
        rival.step = 1;
      } else if (kind === 'algatop') {
        rival.every = 15;
        rival.phase = int(0, 14);
      } else if (kind === 'below-floor') {
        rival.price = Math.round(floor * between(0.9, 0.98));
        rival.floor = rival.price;
        rival.eventAt = random() < 0.5 ? int(300, Math.max(301, horizon - 300)) : Infinity;
      } else if (kind === 'raiser') {
        rival.price = Math.round(basePrice * between(0.97, 1.08));
        rival.eventAt = int(100, Math.max(101, horizon - 200));
      } else if (kind === 'intercity') {
        rival.price = Math.round(basePrice * between(0.88, 0.96));
        rival.rating = Math.round(between(3.0, 3.6) * 10) / 10;
        rival.reviews = int(1, 8);
        rival.deliveryDuration = random() < 0.5 ? 'TILL_5_DAYS' : 'TILL_7_DAYS';
        rival.intercity = true;
      }
      rival.floor = Math.min(rival.floor, rival.price);
      rivals.push(rival);
    }
    const ownOther = random() < 0.15 ? { id: OWN_OTHER_ID, price: Math.round(basePrice * between(0.95, 1.1)) } : null;
    cards.push({
      id,
      basePrice,
      floor,
      ceiling,
      step,
      startPrice: Math.round(basePrice * between(1.0, 1.1)),
      rivals,
      ownOther,
    });
  }
  return cards;
}

/** A fresh copy of the cards' rivals, so every strategy starts from the same market. */
export function cloneCards(cards: SimCard[]): SimCard[] {
  return cards.map((card) => ({
    ...card,
    rivals: card.rivals.map((rival) => ({ ...rival })),
    ownOther: card.ownOther ? { ...card.ownOther } : null,
  }));
}

/**
 * Whose offer a buyer takes: the cheapest once a slow other-city delivery and a thin record are priced in
 * (a buyer pays a few percent more to get it tomorrow from a seller with a record); ties go to the higher
 * rating. The seller's other store is the seller's own sale and is left out.
 */
export function buyersPick(card: SimCard, ourPrice: number): string {
  let best = OUR_ID;
  let bestValue = ourPrice;
  let bestRating = OUR_RATING;
  for (const rival of card.rivals) {
    if (rival.gone) continue;
    const unproven = (rival.rating ?? 0) < 4 && (rival.reviews ?? 0) < 10;
    const value = rival.price * (1 + (rival.intercity ? 0.08 : 0) + (unproven ? 0.07 : 0));
    if (value < bestValue || (value === bestValue && (rival.rating ?? 0) > bestRating)) {
      best = rival.id;
      bestValue = value;
      bestRating = rival.rating ?? 0;
    }
  }
  return best;
}

/** Every offer on the card as the storefront lists it (ours and the seller's other store included). */
export function visibleOffers(card: SimCard, ourPrice: number): { id: string; price: number; rival?: SimRival }[] {
  const offers: { id: string; price: number; rival?: SimRival }[] = [{ id: OUR_ID, price: ourPrice }];
  if (card.ownOther) offers.push({ id: card.ownOther.id, price: card.ownOther.price });
  for (const rival of card.rivals) if (!rival.gone) offers.push({ id: rival.id, price: rival.price, rival });
  return offers;
}

/** One minute of the rivals' lives: each acts on the prices it saw (ours `ourPrice`). */
export function moveRivals(card: SimCard, ourPrice: number, minute: number): void {
  const seen = visibleOffers(card, ourPrice).map((offer) => ({ id: offer.id, price: offer.price }));
  for (const rival of card.rivals) {
    if (rival.gone) continue;
    if (rival.kind === 'below-floor' && minute >= rival.eventAt) rival.gone = true;
    if (rival.kind === 'raiser' && minute === rival.eventAt)
      rival.price = Math.round(rival.price * (1.1 + ((rival.eventAt * 7) % 20) / 100));
    if (rival.every === Infinity || minute < rival.phase || (minute - rival.phase) % rival.every !== 0) continue;
    const others = seen.filter((offer) => offer.id !== rival.id).map((offer) => offer.price);
    const cheapest = Math.min(...others);
    const cheapestAbove = Math.min(...others.filter((price) => price > rival.price));
    if (rival.kind === 'naive-bot') {
      rival.price = Math.min(rival.ceiling, Math.max(rival.floor, cheapest - 1));
    } else if (rival.kind === 'human') {
      const cut = Math.max(10, Math.round((rival.price * 0.002) / 10) * 10);
      if (cheapest <= rival.price) {
        if (cheapest - cut >= rival.floor) rival.price = cheapest - cut;
      } else if (Number.isFinite(cheapestAbove) && cheapestAbove - rival.price > rival.price * 0.02) {
        rival.price = cheapestAbove - cut;
      }
    } else if (rival.kind === 'algatop') {
      if (cheapest > rival.price) {
        rival.firstSince ??= minute;
        if (minute - rival.firstSince >= 120 && cheapest - rival.step > rival.price) {
          rival.price = cheapest - rival.step;
          rival.firstSince = minute;
        }
      } else {
        rival.firstSince = null;
        const target = cheapest - rival.step;
        if (target >= rival.floor) rival.price = target;
      }
    }
  }
}
