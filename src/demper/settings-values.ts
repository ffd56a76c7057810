import type { DemperStrategy } from '../db/entities/index.js';
import { KASPI_MIN_PRICE } from '../kaspi/offer-writes.js';
import { parsePriceText } from './price-text.js';
import { floorOf, MAX_STEP_PERCENT, type DemperSettingsChange } from './settings-input.js';

// The settings a seller taps or answers one at a time: presets a button stands for, and one value read from a
// message. They become the same `DemperSettingsChange` the one-line syntax makes, checked and saved by one path.

/** The floor buttons: this many percent under the current price. */
export const FLOOR_PERCENTS = [5, 10] as const;

/** The step buttons: tenge, and «1%» as a percent of the rival's price. */
export const STEP_PRESETS = ['1', '10', '100', '1p'] as const;

/** The strategy buttons, by a short code a button carries. */
export const STRATEGY_PRESETS: Record<string, Pick<DemperSettingsChange, 'strategy' | 'targetPlace'>> = {
  f: { strategy: 'first_place' },
  m: { strategy: 'match_leader' },
  p2: { strategy: 'target_place', targetPlace: 2 },
  h: { strategy: 'hold' },
};

const MAX_STEP_TENGE = 1_000_000;

/**
 * A floor `percent` under `price`, rounded down to a figure a seller would write (three significant digits:
 * 361 500 − 5 % = 343 425 → 343 400; 12 990 − 10 % → 11 690), never under Kaspi's minimum price.
 */
export function floorBelow(price: number, percent: number): number {
  const exact = Math.floor((price * (100 - percent)) / 100);
  if (exact <= KASPI_MIN_PRICE) return KASPI_MIN_PRICE;
  const unit = Math.max(1, 10 ** (Math.floor(Math.log10(exact)) - 3));
  return Math.max(KASPI_MIN_PRICE, Math.floor(exact / unit) * unit);
}

/** A step preset (`10`, `1p`) as a change; undefined for anything a button of this layout does not carry. */
export function stepPreset(code: string | undefined): DemperSettingsChange | undefined {
  if (!code || !(STEP_PRESETS as readonly string[]).includes(code)) return undefined;
  return code.endsWith('p')
    ? { step: Number(code.slice(0, -1)), stepIsPercent: true }
    : { step: Number(code), stepIsPercent: false };
}

export function strategyPreset(code: string | undefined): DemperSettingsChange | undefined {
  const preset = code ? STRATEGY_PRESETS[code] : undefined;
  return preset ? { ...preset } : undefined;
}

/** The strategy code of a product's current strategy, to mark its button. */
export function strategyCode(strategy: DemperStrategy, targetPlace: number): string | undefined {
  if (strategy === 'target_place') return targetPlace === 2 ? 'p2' : undefined;
  return Object.keys(STRATEGY_PRESETS).find((code) => STRATEGY_PRESETS[code]!.strategy === strategy);
}

export type ValueName = 'min' | 'max' | 'step';

export type ParsedValue =
  { ok: true; change: DemperSettingsChange } | { ok: false; key: string; variables: Record<string, string | number> };

/**
 * One value typed in answer to one question: a floor, a ceiling («-» for none) or a step («10», «1%»). The
 * refusals say what was wrong in the seller's words: not a number, a negative one, out of range.
 */
export function parseValue(name: ValueName, text: string): ParsedValue {
  const typed = text.trim().slice(0, 20);
  const refuse = (key: string): ParsedValue => ({
    ok: false,
    key,
    variables: { value: typed, min: KASPI_MIN_PRICE, max: MAX_STEP_PERCENT },
  });
  if (/^[-−–]\s*\d/.test(typed)) return refuse('demper-setup-negative');
  if (name === 'min') {
    const floor = floorOf(typed);
    if (!floor) return refuse('demper-setup-bad-price');
    return {
      ok: true,
      change: { minPrice: floor.price, ...(floor.raisedFrom !== undefined ? { raisedMinFrom: floor.raisedFrom } : {}) },
    };
  }
  if (name === 'max') {
    if (/^[-−–—]$/.test(typed)) return { ok: true, change: { maxPrice: null } };
    const price = parsePriceText(typed);
    if (price === undefined) return refuse('demper-setup-bad-price');
    if (price < KASPI_MIN_PRICE) return refuse('demper-setup-under-kaspi-min');
    return { ok: true, change: { maxPrice: price } };
  }
  const percent = /%\s*$/.test(typed);
  const number = percent ? Number(typed.replace(/\s*%\s*$/, '')) : (parsePriceText(typed) ?? NaN);
  if (!Number.isInteger(number) || number < 1 || number > (percent ? MAX_STEP_PERCENT : MAX_STEP_TENGE))
    return refuse('demper-setup-bad-step');
  return { ok: true, change: { step: number, stepIsPercent: percent } };
}
