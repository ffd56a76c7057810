import { zonedFormat } from '../replies/format.js';

/**
 * Time on a chart's axis, on the seller's clock. ECharts formats a time axis in the process's zone, or in UTC
 * with `useUTC`; the charts use UTC and move every timestamp by the seller's zone offset first, so ticks fall
 * on the seller's whole hours and midnights and the labels read their wall clock whatever the server's zone.
 */

const HOUR_MS = 3_600_000;
const MIN_WINDOW_MS = HOUR_MS;
/** The latest changes whose spacing the window protects (about as many as a glance takes in). */
const RECENT_CHANGES = 5;
/** The width each of them gets at least, as a share of the window. */
const SHARE_PER_CHANGE = 0.04;

/** `timeZone`'s wall clock as a UTC timestamp, for a chart with `useUTC`; offsets are cached by the UTC hour. */
export function wallClock(timeZone: string): (t: number) => number {
  const format = zonedFormat('en-GB', timeZone, {
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const offsets = new Map<number, number>();
  const offsetAt = (t: number): number => {
    const hour = Math.floor(t / HOUR_MS);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const at = hour * HOUR_MS;
      const parts = format.formatToParts(new Date(at));
      const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
      offset = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute')) - at;
      offsets.set(hour, offset);
    }
    return offset;
  };
  return (t) => t + offsetAt(t);
}

export interface ChartWindow {
  start: number;
  end: number;
}

/**
 * The stretch of time a history chart shows, ending now. A fixed fortnight would squeeze a burst of changes
 * made in the last hour into the last few pixels, and a category axis of checks would space the time labels
 * unevenly and hide how long a price held. So it is the whole history, shortened until the k latest changes
 * (k = 2…5) take at least k × 4 % of the width from the k-th to now, which leaves each mark room of its own;
 * older changes stay in the text list above the chart. At least an hour, so a lone point has an axis.
 */
export function chartWindow(now: number, firstAt: number | undefined, changeTimes: readonly number[]): ChartWindow {
  let span = Math.max(MIN_WINDOW_MS, now - (firstAt ?? now));
  const latest = changeTimes.filter((t) => t <= now).sort((a, b) => b - a);
  for (let k = 2; k <= Math.min(RECENT_CHANGES, latest.length); k++)
    span = Math.min(span, Math.max(MIN_WINDOW_MS, (now - latest[k - 1]!) / (k * SHARE_PER_CHANGE)));
  return { start: now - span, end: now };
}
