/**
 * The axes of the `/history` chart: round price levels for the grid, and time ticks on whole hours or days of the
 * seller's time zone. Pure arithmetic, apart from the zone's offset read through Intl.
 */
import { zonedFormat } from '../replies/format.js';

const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Time-axis steps, smallest first; the first that leaves room between labels is used. */
const TIME_STEPS_MS = [HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS, DAY_MS, 2 * DAY_MS, 7 * DAY_MS];
/** Prices are whole tenge: a narrower axis would need fractional grid levels nobody wants to read. */
const MIN_PRICE_SPAN = 10;

export interface Axis {
  lo: number;
  hi: number;
  step: number;
  levels: number[];
}

/**
 * The price range with 5% padding and 4–6 grid levels on 1/2/5 × 10^n steps. When no such step fits the
 * padded range, it grows to the next level: an extra sliver of padding is less confusing than 3 or 8 lines.
 */
export function priceAxis(prices: readonly number[]): Axis {
  // An empty chart still gets a plausible grid rather than a degenerate one. A loop, not Math.min(...prices):
  // spreading a long history into arguments can overflow the stack.
  let min = prices.length ? Infinity : 0;
  let max = prices.length ? -Infinity : 1000;
  for (const p of prices) {
    if (p < min) min = p;
    if (p > max) max = p;
  }
  const spread = max - min;
  const pad = spread > 0 ? spread * 0.05 : Math.max(Math.abs(min) * 0.05, MIN_PRICE_SPAN / 2);
  let lo = min - pad;
  let hi = max + pad;
  if (hi - lo < MIN_PRICE_SPAN) {
    const mid = (lo + hi) / 2;
    lo = mid - MIN_PRICE_SPAN / 2;
    hi = mid + MIN_PRICE_SPAN / 2;
  }
  // Negative tenge never happens, so padding must not invent a «-50» grid line under real prices.
  if (min >= 0 && lo < 0) {
    lo = 0;
    hi = Math.max(hi, MIN_PRICE_SPAN);
  }

  const count = (step: number): number => Math.floor(hi / step) - Math.ceil(lo / step) + 1;
  const steps: number[] = [];
  const span = hi - lo;
  for (let e = Math.floor(Math.log10(span / 10)); e <= Math.ceil(Math.log10(span)); e++) {
    for (const m of [1, 2, 5]) steps.push(m * 10 ** e);
  }
  let step = 0;
  for (const s of steps) {
    const c = count(s);
    if (c >= 4 && c <= 6 && (step === 0 || Math.abs(c - 5) < Math.abs(count(step) - 5))) step = s;
  }
  if (step === 0) {
    step = steps.find((s) => count(s) < 4) ?? steps[steps.length - 1] ?? 1;
    let up = true;
    while (count(step) < 4) {
      if (up || lo - step < 0) hi = (Math.floor(hi / step) + 1) * step;
      else lo = (Math.ceil(lo / step) - 1) * step;
      up = !up;
    }
  }
  const levels: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi; k++) levels.push(k * step);
  return { lo, hi, step, levels };
}

/** Short enough for the left margin: «150k», «2M»; exact because every level is a multiple of the step. */
export function formatLevel(value: number, step: number): string {
  const v = Math.round(value);
  if (step >= 1_000_000 && v % 1_000_000 === 0 && v !== 0) return `${v / 1_000_000}M`;
  if (step >= 1000 && Math.abs(v) >= 10_000 && v % 1000 === 0) return `${v / 1000}k`;
  return String(v);
}

export interface TimeTick {
  t: number;
  /** «HH:MM», or «DD.MM» at a local midnight and on steps of a day or more. */
  label: string;
}

/**
 * Ticks on whole local hours or days of `timeZone`, as many as fit `plotWidth` with `spacing` pixels each.
 * The zone's offset is taken once, at the start: Kazakhstan keeps no daylight saving, and elsewhere a label
 * would at worst sit an hour off its tick for part of a week.
 */
export function timeTicks(
  tStart: number,
  tEnd: number,
  plotWidth: number,
  spacing: number,
  timeZone: string,
): TimeTick[] {
  const span = tEnd - tStart;
  if (!(span > 0) || plotWidth <= 0) return [];
  const fit = Math.max(1, Math.floor(plotWidth / spacing));
  const week = TIME_STEPS_MS.at(-1)!;
  const step = TIME_STEPS_MS.find((candidate) => span / candidate <= fit) ?? week * Math.ceil(span / (fit * week));
  const offset = zoneOffsetMs(tStart, timeZone);
  const ticks: TimeTick[] = [];
  for (let local = Math.ceil((tStart + offset) / step) * step; local - offset <= tEnd; local += step) {
    const wall = new Date(local);
    const pad = (n: number) => String(n).padStart(2, '0');
    const midnight = wall.getUTCHours() === 0 && wall.getUTCMinutes() === 0;
    const label =
      step >= DAY_MS || midnight
        ? `${pad(wall.getUTCDate())}.${pad(wall.getUTCMonth() + 1)}`
        : `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
    ticks.push({ t: local - offset, label });
  }
  return ticks;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `t` (an unknown zone counts as Almaty, the default). */
function zoneOffsetMs(t: number, timeZone: string): number {
  const parts = zonedFormat('en-GB', timeZone, {
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(t));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(t / 1000) * 1000;
}
