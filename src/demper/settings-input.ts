import type { DemperStrategy, Product } from '../db/entities/index.js';
import { KASPI_MIN_PRICE } from '../kaspi/offer-writes.js';
import { parsePriceText } from './price-text.js';

/** What a seller may set in one message: `on min=10 000 max=15000 step=10` (or `step=1%`, `place=2`, `every=5`). */
export interface DemperSettingsChange {
  enabled?: boolean;
  minPrice?: number | null;
  maxPrice?: number | null;
  step?: number;
  stepIsPercent?: boolean;
  strategy?: DemperStrategy;
  targetPlace?: number;
  checkIntervalSeconds?: number;
  /** `город=Астана`: the floor, ceiling and step above are that city's own, not the product's (as typed). */
  city?: string;
  /** `город=Астана сброс`: the city goes back to the product's own floor, ceiling and step. */
  resetCity?: boolean;
  /** The floor as typed when it was under Kaspi's minimum (`мин=5`): `minPrice` is KASPI_MIN_PRICE, and the reply says so. */
  raisedMinFrom?: number;
}

export type ParsedSettings =
  { ok: true; change: DemperSettingsChange } | { ok: false; key: string; variables: Record<string, string | number> };

// Keywords are taken in Russian, Kazakh and English whatever the seller's language: a Kazakh seller who copies a
// Russian example, or types «min=» out of habit, is understood all the same.
const ON = new Set(['on', 'вкл', 'включить', 'қосу', 'қос']);
const OFF = new Set(['off', 'выкл', 'выключить', 'өшіру', 'өшір']);
const RESET = new Set(['reset', 'сброс', 'сбросить', 'тастау']);
/** Settings a city may have of its own; the others are the product's everywhere. */
// On/off is the product's everywhere: «город=Астана выкл» would switch every city off, so it is refused.
const CITY_SETTINGS = new Set<keyof DemperSettingsChange>([
  'minPrice',
  'maxPrice',
  'step',
  'stepIsPercent',
  'city',
  'resetCity',
  'raisedMinFrom',
]);
/** `mode=` values, as the usage text of each language shows them. */
const STRATEGIES: Record<string, DemperStrategy> = {
  first: 'first_place',
  match: 'match_leader',
  leader: 'match_leader',
  place: 'target_place',
  hold: 'hold',
  первое: 'first_place',
  лидер: 'match_leader',
  место: 'target_place',
  держать: 'hold',
  бірінші: 'first_place',
  көшбасшы: 'match_leader',
  орын: 'target_place',
  ұстау: 'hold',
};
type SettingName = 'min' | 'max' | 'step' | 'mode' | 'place' | 'every' | 'city';
/** Every spelling of a setting's name the parser takes, in any language, to the one name the code uses. */
const NAME_OF: Record<string, SettingName> = {
  min: 'min',
  мин: 'min',
  минимум: 'min',
  max: 'max',
  макс: 'max',
  максимум: 'max',
  step: 'step',
  шаг: 'step',
  қадам: 'step',
  mode: 'mode',
  режим: 'mode',
  place: 'place',
  место: 'place',
  орын: 'place',
  every: 'every',
  каждые: 'every',
  әр: 'every',
  city: 'city',
  город: 'city',
  қала: 'city',
};
const NAMES = new Set(Object.keys(NAME_OF));
const CITY_NAMES = Object.keys(NAME_OF).filter((name) => NAME_OF[name] === 'city');
const EVERY_NAMES = Object.keys(NAME_OF).filter((name) => NAME_OF[name] === 'every');
const MINUTE_UNITS = /^(мин|минут|минуты|min|m)$/i;
export const MAX_STEP_PERCENT = 20;
const MIN_INTERVAL_MINUTES = 1;
const MAX_INTERVAL_MINUTES = 24 * 60;

const fail = (key: string, variables: Record<string, string | number> = {}): ParsedSettings => ({
  ok: false,
  key,
  variables,
});

/**
 * A floor as typed: a whole price of at least 1 ₸. Under Kaspi's minimum it becomes that minimum (no price can be
 * lower, so a lower floor would only leave the product unable to run); `raisedFrom` keeps what was typed so the
 * reply can say so. Anything else (letters, 0, negatives, fractions) is undefined.
 */
export function floorOf(text: string): { price: number; raisedFrom?: number } | undefined {
  const price = parsePriceText(text);
  if (price === undefined || price < 1) return undefined;
  return price < KASPI_MIN_PRICE ? { price: KASPI_MIN_PRICE, raisedFrom: price } : { price };
}

/**
 * Parses the settings part of `/demper <sku> …`. Prices accept the seller's usual spellings («12 000», «12000₸»);
 * a value of `-` clears the ceiling. Unknown words are refused by name rather than ignored.
 */
export function parseDemperSettings(text: string): ParsedSettings {
  const change: DemperSettingsChange = {};
  // «min=12 000» — a space inside a price is allowed: glue digit groups back before splitting on spaces.
  const tokens = text
    .trim()
    .replace(/(\d)[\s\u00a0\u202f]+(?=\d{3}\b)/g, '$1')
    // «мин: 300000», «мин = 300000», «мин:300000» are «мин=300000»; «300 000 ₸» is one price, not two words.
    .replace(/(\p{L}+)\s*[:=]\s*/gu, '$1=')
    .replace(/(\d)\s+(₸|тг\.?|тенге|%)(?=\s|$)/giu, '$1$2')
    .split(/\s+/)
    .filter(Boolean);
  // «каждые 5 мин»: the unit after an interval is not the minimum («мин» means both).
  for (let i = 1; i < tokens.length; i++) {
    const previous = tokens[i - 1]!.toLowerCase();
    if (EVERY_NAMES.some((name) => previous === name || new RegExp(`^${name}=\\d+$`, 'u').test(previous))) {
      if (MINUTE_UNITS.test(tokens[i]!)) tokens.splice(i, 1);
    } else if (
      i >= 2 &&
      EVERY_NAMES.includes(tokens[i - 2]!.toLowerCase()) &&
      /^\d+$/.test(tokens[i - 1]!) &&
      MINUTE_UNITS.test(tokens[i]!)
    )
      tokens.splice(i, 1);
  }
  // «мин 300000» and «мин: 300000» as sellers type them: a known name followed by its value is «мин=300000».
  for (let i = 0; i < tokens.length - 1; i++) {
    const name = tokens[i]!.toLowerCase().replace(/:$/, '');
    if (NAMES.has(name) && !tokens[i + 1]!.includes('=')) tokens.splice(i, 2, `${name}=${tokens[i + 1]}`);
  }
  // A lone number could be the minimum or the maximum: asked rather than guessed.
  if (tokens.length === 1 && parsePriceText(tokens[0]!) !== undefined)
    return fail('demper-settings-bare-number', { value: tokens[0]!.slice(0, 20) });
  // «город=Усть-Каменогорск», «город=Нур Султан»: the words up to the next setting are the city's name.
  for (let i = 0; i < tokens.length; i++) {
    const name = /^(\p{L}+)=/u.exec(tokens[i]!)?.[1]?.toLowerCase();
    if (!name || !CITY_NAMES.includes(name)) continue;
    while (
      i + 1 < tokens.length &&
      !tokens[i + 1]!.includes('=') &&
      /^\p{L}[\p{L}-]*$/u.test(tokens[i + 1]!) &&
      !ON.has(tokens[i + 1]!.toLowerCase()) &&
      !OFF.has(tokens[i + 1]!.toLowerCase()) &&
      !RESET.has(tokens[i + 1]!.toLowerCase())
    ) {
      tokens.splice(i, 2, `${tokens[i]} ${tokens[i + 1]}`);
    }
  }
  // «мин=1 мин=2» or «город=… мин=…» after «мин=…»: which one the seller meant cannot be known.
  const named = tokens
    .map((token) => /^(\p{L}+)=/u.exec(token)?.[1]?.toLowerCase())
    .filter((name): name is string => name !== undefined);
  const canonicalName = (name: string) => NAME_OF[name] ?? name;
  const twice = named.map(canonicalName).find((name, index, all) => all.indexOf(name) !== index);
  if (twice) return fail('demper-settings-twice', { name: twice });
  for (const token of tokens) {
    const lower = token.toLowerCase();
    if (RESET.has(lower)) {
      change.resetCity = true;
      continue;
    }
    if (ON.has(lower)) {
      change.enabled = true;
      continue;
    }
    if (OFF.has(lower)) {
      change.enabled = false;
      continue;
    }
    const match = /^(\p{L}+)=(.+)$/u.exec(token);
    if (!match) return fail('demper-settings-unknown', { word: token.slice(0, 30) });
    const [, rawName, value] = match as unknown as [string, string, string];
    const name = NAME_OF[rawName.toLowerCase()];
    if (name === 'min') {
      const floor = floorOf(value);
      if (floor === undefined) return fail('demper-settings-bad-price', { name: 'min', value: value.slice(0, 20) });
      change.minPrice = floor.price;
      if (floor.raisedFrom !== undefined) change.raisedMinFrom = floor.raisedFrom;
    } else if (name === 'max') {
      if (value === '-') change.maxPrice = null;
      else {
        const price = parsePriceText(value);
        if (price === undefined || price < KASPI_MIN_PRICE)
          return fail('demper-settings-bad-price', { name: 'max', value: value.slice(0, 20) });
        change.maxPrice = price;
      }
    } else if (name === 'step') {
      const percent = value.endsWith('%');
      const number = Number(percent ? value.slice(0, -1) : (parsePriceText(value) ?? NaN));
      if (!Number.isInteger(number) || number < 1 || (percent && number > MAX_STEP_PERCENT) || number > 1_000_000) {
        return fail('demper-settings-bad-step', { value: value.slice(0, 20), max: MAX_STEP_PERCENT });
      }
      change.step = number;
      change.stepIsPercent = percent;
    } else if (name === 'mode') {
      const strategy = STRATEGIES[value.toLowerCase()];
      if (!strategy) return fail('demper-settings-bad-mode', { value: value.slice(0, 20) });
      change.strategy = strategy;
    } else if (name === 'place') {
      const place = Number(value);
      if (!Number.isInteger(place) || place < 1 || place > 10)
        return fail('demper-settings-bad-place', { value: value.slice(0, 20) });
      change.targetPlace = place;
      change.strategy = 'target_place';
    } else if (name === 'city') {
      change.city = value.slice(0, 40);
    } else if (name === 'every') {
      const minutes = Number(value.replace(/(м|мин|min|m)$/iu, ''));
      if (!Number.isInteger(minutes) || minutes < MIN_INTERVAL_MINUTES || minutes > MAX_INTERVAL_MINUTES) {
        return fail('demper-settings-bad-interval', { value: value.slice(0, 20), max: MAX_INTERVAL_MINUTES });
      }
      change.checkIntervalSeconds = minutes * 60;
    } else return fail('demper-settings-unknown', { word: rawName.slice(0, 30) });
  }
  if (tokens.length === 0) return fail('demper-settings-empty');
  if (change.resetCity && !change.city) return fail('demper-settings-reset-needs-city');
  if (change.city) {
    const productWide = (Object.keys(change) as (keyof DemperSettingsChange)[]).find((key) => !CITY_SETTINGS.has(key));
    if (productWide) return fail('demper-settings-city-bounds-only');
    if (change.stepIsPercent) return fail('demper-settings-city-step-tenge');
  }
  return { ok: true, change };
}

/**
 * Checks the change against what the product already has; `undefined` when the result is consistent. `cityId`:
 * the change is that city's override, checked against the city's resulting floor and ceiling.
 */
export function settingsProblem(
  product: Pick<Product, 'minPrice' | 'maxPrice' | 'demperEnabled'> & Partial<Pick<Product, 'cityOverrides'>>,
  change: DemperSettingsChange,
  cityId?: string,
): ParsedSettings | undefined {
  const override = cityId && !change.resetCity ? product.cityOverrides?.[cityId] : undefined;
  const baseMin = override?.minPrice ?? product.minPrice;
  const baseMax = override?.maxPrice !== undefined ? override.maxPrice : product.maxPrice;
  const minPrice = change.minPrice !== undefined ? change.minPrice : baseMin;
  const maxPrice = change.maxPrice !== undefined ? change.maxPrice : baseMax;
  const enabled = change.enabled ?? product.demperEnabled;
  // A city's own floor does not cover the product's other cities: switching on needs the product's floor too.
  const productFloor = cityId ? product.minPrice : minPrice;
  if (enabled && (productFloor === null || productFloor === undefined)) return fail('demper-settings-floor-required');
  if (
    minPrice !== null &&
    minPrice !== undefined &&
    maxPrice !== null &&
    maxPrice !== undefined &&
    minPrice > maxPrice
  ) {
    return fail('demper-settings-min-above-max', { min: minPrice, max: maxPrice });
  }
  return undefined;
}

/**
 * Applies a checked change to the product entity (the caller flushes). With `cityId` the floor, ceiling and step
 * become that city's override (a percent step stays the product's: an override step is in tenge).
 */
export function applySettings(product: Product, change: DemperSettingsChange, now = new Date(), cityId?: string): void {
  if (cityId) {
    const overrides = { ...product.cityOverrides };
    const own = change.resetCity ? {} : { ...overrides[cityId] };
    if (change.minPrice === null)
      delete own.minPrice; // back to the product's floor
    else if (change.minPrice !== undefined) own.minPrice = change.minPrice;
    if (change.maxPrice !== undefined) own.maxPrice = change.maxPrice;
    if (change.step !== undefined) own.step = change.step;
    if (Object.keys(own).length) overrides[cityId] = own;
    else delete overrides[cityId];
    product.cityOverrides = overrides;
  } else {
    if (change.minPrice !== undefined) product.minPrice = change.minPrice;
    if (change.maxPrice !== undefined) product.maxPrice = change.maxPrice;
    if (change.step !== undefined) product.step = change.step;
    if (change.stepIsPercent !== undefined) product.stepIsPercent = change.stepIsPercent;
  }
  if (change.strategy !== undefined) product.strategy = change.strategy;
  if (change.targetPlace !== undefined) product.targetPlace = change.targetPlace;
  if (change.checkIntervalSeconds !== undefined) product.checkIntervalSeconds = change.checkIntervalSeconds;
  if (change.enabled !== undefined) {
    if (change.enabled && !product.demperEnabled) product.nextCheckAt = now; // looked at on the next tick
    product.demperEnabled = change.enabled;
  }
  // New settings of a running demper take effect on the next tick, not at the check the old ones scheduled.
  const retuned = Object.entries(change).some(
    ([key, value]) => key !== 'enabled' && key !== 'city' && key !== 'raisedMinFrom' && value !== undefined,
  );
  if (product.demperEnabled && retuned && (!product.nextCheckAt || product.nextCheckAt > now))
    product.nextCheckAt = now;
}
