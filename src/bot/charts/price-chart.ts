import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';

import { formatPrice } from '../replies/format.js';
import { chartWindow, wallClock, type ChartWindow } from './chart-time.js';
import { textWidth } from './chart-font.js';
import { renderChart, type ChartOption, type RenderedChart } from './render-png.js';

/**
 * The chart behind `/history`: our price per city as step lines, the cheapest rival at every market check,
 * the floor dashed, and each price change marked (▲ raised, ▼ lowered; its colour tells the demper from a
 * change by hand). 1080 px wide with 22–24 px text, so a phone shows it legibly without zooming.
 */

export interface PricePoint {
  at: Date;
  price: number;
}

export interface PriceMark extends PricePoint {
  /** True for the demper's changes; by hand, from a file or a rollback otherwise. */
  byDemper: boolean;
  raised: boolean;
}

export interface PriceChartInput {
  /** Our price per city: each point is the price from then on (the first also held before it). */
  ours: { label: string; points: PricePoint[] }[];
  /** The cheapest rival's price at each check. */
  rival: PricePoint[];
  floor?: number | null;
  marks: PriceMark[];
  /** The legend's words, in the seller's language. */
  labels: { rival: string; floor: string; demperChanges: string; otherChanges: string };
  now: Date;
  timeZone: string;
  width?: number;
  height?: number;
}

export interface PriceChart extends RenderedChart {
  /** What the chart shows, for a caption that names it. */
  window: ChartWindow;
}

export const CHART_WIDTH = 1080;
export const CHART_HEIGHT = 810;
const FONT_SIZE = 24;
const AXIS_FONT_SIZE = 22;
const EDGE = 16;
const LEGEND_TOP = 14;
const LEGEND_ICON = 40;
const LEGEND_ICON_GAP = 8;
const LEGEND_GAP = 28;
const LEGEND_ROW = 30;
/** Room after now, so the latest mark is not cut in half by the plot's edge. */
const RIGHT_PAD = 0.03;
/** Above this many checks the rival's dots merge into a band that hides the line. */
const MAX_RIVAL_DOTS = 60;

const CITY_COLORS = ['#1f6feb', '#8250df', '#0a7b83', '#bf3989', '#6e7781'];
const RIVAL_COLOR = '#e8590c';
const FLOOR_COLOR = '#d1242f';
const DEMPER_MARK = '#0b2f6b';
const OTHER_MARK = '#1a7f37';
const AXIS_TEXT = '#3d444d';
const GRID_LINE = '#e1e4e8';

type Sample = [number, number];

export function renderPriceChart(input: PriceChartInput): PriceChart {
  const width = input.width ?? CHART_WIDTH;
  const height = input.height ?? CHART_HEIGHT;
  const now = input.now.getTime();
  const ours = input.ours.map((city) => ({ label: city.label, samples: clean(city.points) }));
  const rival = clean(input.rival);
  const marks = input.marks.filter((mark) => valid(mark) && mark.at.getTime() <= now);
  const firstAt = Math.min(...ours.map((city) => city.samples[0]?.[0] ?? Infinity), rival[0]?.[0] ?? Infinity);
  const window = chartWindow(
    now,
    Number.isFinite(firstAt) ? firstAt : undefined,
    marks.map((mark) => mark.at.getTime()),
  );
  const wall = wallClock(input.timeZone);
  const shift = ([t, price]: Sample): Sample => [wall(t), price];

  const series: (LineSeriesOption | ScatterSeriesOption)[] = ours.map((city, i) => ({
    type: 'line',
    name: city.label,
    step: 'end',
    symbol: 'none',
    color: CITY_COLORS[i % CITY_COLORS.length],
    lineStyle: { width: i === 0 ? 5 : 4 },
    z: 3,
    // The price holds until the next change, the latest one until now, and the first one back to the edge:
    // it is the price the city had before anything was recorded.
    data: extendTo(fromStart(within(city.samples, window), window.start), now).map(shift),
  }));
  const rivalIn = collapseRuns(within(rival, window));
  if (rivalIn.length)
    series.push({
      type: 'line',
      name: input.labels.rival,
      color: RIVAL_COLOR,
      lineStyle: { width: 3 },
      showSymbol: rivalIn.length <= MAX_RIVAL_DOTS,
      symbol: 'circle',
      symbolSize: 8,
      sampling: 'lttb',
      z: 2,
      data: rivalIn.map(shift),
    });
  const floor = typeof input.floor === 'number' && Number.isFinite(input.floor) ? input.floor : null;
  if (floor !== null)
    series.push({
      type: 'line',
      name: input.labels.floor,
      color: FLOOR_COLOR,
      lineStyle: { width: 3, type: [14, 10] },
      symbol: 'none',
      z: 1,
      data: [shift([window.start, floor]), shift([now, floor])],
    });
  for (const byDemper of [true, false]) {
    const kind = marks.filter((mark) => mark.byDemper === byDemper && mark.at.getTime() >= window.start);
    if (!kind.length) continue;
    series.push({
      type: 'scatter',
      name: byDemper ? input.labels.demperChanges : input.labels.otherChanges,
      color: byDemper ? DEMPER_MARK : OTHER_MARK,
      symbol: 'triangle',
      symbolSize: 22,
      itemStyle: { borderColor: '#ffffff', borderWidth: 2 },
      z: 4,
      data: kind.map((mark) => ({
        value: shift([mark.at.getTime(), mark.price]),
        symbolRotate: mark.raised ? 0 : 180,
      })),
    });
  }

  const span = window.end - window.start;
  const legendNames = series.map((entry) => String(entry.name));
  const option: ChartOption = {
    useUTC: true,
    textStyle: { fontSize: FONT_SIZE, color: AXIS_TEXT },
    legend: {
      top: LEGEND_TOP,
      left: EDGE,
      right: EDGE,
      itemWidth: LEGEND_ICON,
      itemHeight: 18,
      itemGap: LEGEND_GAP,
      textStyle: { fontSize: FONT_SIZE, color: AXIS_TEXT },
      data: legendNames,
    },
    grid: {
      left: EDGE,
      right: EDGE + 8,
      bottom: EDGE,
      top: LEGEND_TOP + legendHeight(legendNames, width - 2 * EDGE) + 28,
      // The axis labels stay inside these margins: ECharts shrinks the plot rather than let them overrun.
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: {
      type: 'time',
      min: wall(window.start),
      max: wall(window.end + span * RIGHT_PAD),
      splitNumber: 6,
      axisLabel: { fontSize: AXIS_FONT_SIZE, color: AXIS_TEXT, hideOverlap: true, formatter: timeLabel },
      splitLine: { show: true, lineStyle: { color: GRID_LINE } },
      axisLine: { lineStyle: { color: AXIS_TEXT } },
    },
    yAxis: {
      type: 'value',
      scale: true,
      minInterval: 1,
      splitNumber: 5,
      axisLabel: { fontSize: AXIS_FONT_SIZE, color: AXIS_TEXT, formatter: (value: number) => formatPrice(value) },
      splitLine: { lineStyle: { color: GRID_LINE } },
    },
    series,
  };
  return { ...renderChart(option, width, height), window };
}

/** «14:00» on the hour, «25.11» at midnight: the axis reads the seller's wall clock (the values are shifted). */
function timeLabel(value: number): string {
  const at = new Date(value);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (at.getUTCHours() === 0 && at.getUTCMinutes() === 0) return `${pad(at.getUTCDate())}.${pad(at.getUTCMonth() + 1)}`;
  return `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

/** How tall the legend is once ECharts wraps its entries into rows of `width`. */
function legendHeight(names: readonly string[], width: number): number {
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const item = LEGEND_ICON + LEGEND_ICON_GAP + textWidth(name, FONT_SIZE);
    if (used > 0 && used + LEGEND_GAP + item > width) {
      rows++;
      used = item;
    } else used += (used > 0 ? LEGEND_GAP : 0) + item;
  }
  return rows * LEGEND_ROW + (rows - 1) * LEGEND_GAP;
}

const valid = (point: PricePoint): boolean =>
  point?.at instanceof Date && Number.isFinite(point.at.getTime()) && Number.isFinite(point.price);

/** Placeable points only, oldest first, leaving the caller's array alone. */
function clean(points: readonly PricePoint[]): Sample[] {
  return points
    .filter(valid)
    .map((point): Sample => [point.at.getTime(), point.price])
    .sort((a, b) => a[0] - b[0]);
}

/** The samples inside the window, led by the value in force at its start so the line enters from the edge. */
function within(samples: readonly Sample[], window: ChartWindow): Sample[] {
  const inside = samples.filter(([t]) => t >= window.start && t <= window.end);
  const before = samples.filter(([t]) => t < window.start).at(-1);
  return before ? [[window.start, before[1]], ...inside] : inside;
}

function fromStart(samples: Sample[], start: number): Sample[] {
  const first = samples[0];
  return first && first[0] > start ? [[start, first[1]], ...samples] : samples;
}

function extendTo(samples: Sample[], now: number): Sample[] {
  const last = samples.at(-1);
  return last && last[0] < now ? [...samples, [now, last[1]]] : samples;
}

/**
 * Runs of equal prices keep only their first and last check: the line they draw is the same, and a rival
 * checked every minute for a fortnight stays a few hundred points instead of twenty thousand.
 */
function collapseRuns(samples: readonly Sample[]): Sample[] {
  return samples.filter((sample, i) => sample[1] !== samples[i - 1]?.[1] || sample[1] !== samples[i + 1]?.[1]);
}
