/**
 * What every part of the pricing strategy (strategy.ts and its strategy-*.ts parts) shares: the seller's
 * settings and their check, the reason codes and their numbers, one check's market as the parts read it
 * (`Context`) and the price a part asks for (`Wanted`). It imports none of the parts, so they never import
 * strategy.ts back.
 */
import { KASPI_MIN_PRICE, type MarketOfferInput, type RivalFilter } from './rivals.js';
import type { StrategyMemory } from './strategy-memory.js';

type Strategy = 'first_place' | 'match_leader' | 'target_place' | 'hold';

export interface DemperSettings {
  /** Floor in whole tenge; the demper never goes below it. */
  minPrice: number;
  /** Ceiling in whole tenge; null = no ceiling (raises stop at the rival-derived target). */
  maxPrice: number | null;
  /** Undercut step: tenge, or percent of the rival's price when `stepIsPercent`. */
  step: number;
  stepIsPercent: boolean;
  strategy: Strategy;
  /** For `target_place`: the place (1 = cheapest) to hold. */
  targetPlace: number;
  /** Merchants never treated as rivals (partners, own brands elsewhere). */
  excludedMerchants: string[];
  /** Climb toward just under the rival to beat when there is room. */
  autoRaise: boolean;
  /** No climbing back within this long after our own cut unless a rival raised (avoids see-saw). */
  raiseCooldownMs: number;
  /** With no rivals: hold, or go to the ceiling. */
  whenAlone: 'hold' | 'ceiling';
  /** At most this many tenge down in one change; null = no limit. */
  maxDropPerChange: number | null;
  /** A rival answering each cut within one check: end the war (probe, settle), hold, or keep stepping. */
  priceWar: 'jump' | 'hold' | 'off';
  rivalFilter: RivalFilter;
}

export type ReasonCode =
  | 'undercut_leader'
  | 'undercut_filtered'
  | 'match_leader'
  | 'target_place'
  | 'raise_to_gap'
  | 'rival_raised'
  | 'already_first'
  | 'already_optimal'
  | 'raise_cooldown'
  | 'no_rivals_hold'
  | 'no_rivals_ceiling'
  | 'floor_reached'
  | 'unreachable_first'
  | 'unreachable_ceiling'
  | 'below_floor_fix'
  | 'above_ceiling_fix'
  | 'max_drop_limited'
  | 'price_war_probe'
  | 'price_war_end'
  | 'price_war_retreat'
  | 'price_war_hold'
  | 'reversal_limit'
  | 'strategy_hold'
  | 'invalid_settings';

export interface DecisionDetails {
  rivalName?: string;
  rivalPrice?: number;
  floor?: number;
  ceiling?: number;
  place?: number;
  step?: number;
  /** The seller we price just under when first place is out of reach or not worth a war. */
  anchorName?: string;
  anchorPrice?: number;
  /** First place becomes possible with a floor below this. */
  needFloor?: number;
  /** A bot's floor, as far as we can tell. */
  rivalFloor?: number;
  count?: number;
}

/** A probe not answered clearly within this long (a bot that never holds one price) is given up. */
export const PROBE_WAIT_MS = 10 * 60_000;

/** What a part of the strategy asks for, before the seller's floor, ceiling and drop limit are applied. */
export interface Wanted {
  price: number;
  reason: ReasonCode;
  details: DecisionDetails;
  floorReached?: boolean;
  priceWar?: boolean;
  recheckInMs?: number;
  probe?: string;
}

/** One check's market as the parts read it: the settings, what was learned, the counted rivals, the bounds. */
export interface Context {
  settings: DemperSettings;
  memory: StrategyMemory;
  ourPrice: number;
  rivals: MarketOfferInput[];
  floor: number;
  ceiling: number | null;
  now: number;
  spareBudget: boolean;
}

export function settingsProblem(settings: DemperSettings): string | undefined {
  const { minPrice, maxPrice, step } = settings;
  if (!Number.isInteger(minPrice) || minPrice < KASPI_MIN_PRICE) return 'floor';
  if (maxPrice !== null && (!Number.isInteger(maxPrice) || maxPrice < minPrice)) return 'ceiling';
  if (!Number.isFinite(step) || step <= 0 || (settings.stepIsPercent && step >= 50)) return 'step';
  if (settings.strategy === 'target_place' && (!Number.isInteger(settings.targetPlace) || settings.targetPlace < 1))
    return 'place';
  if (
    settings.maxDropPerChange !== null &&
    (!Number.isInteger(settings.maxDropPerChange) || settings.maxDropPerChange < 1)
  )
    return 'max-drop';
  return undefined;
}
