import { deflateSync } from 'node:zlib';

import { DAY_MS, formatLevel, priceAxis, timeTicks } from './chart-axes.js';
import { DEFAULT_TIME_ZONE } from '../replies/format.js';

/**
 * The chart behind `/history <sku>`: our price against the cheapest rival's over time, as a PNG.
 *
 * Drawn by hand into an RGB buffer and encoded with `node:zlib` alone, so the bot needs neither a native
 * canvas (painful in Alpine images) nor a headless browser per chart. Everything is linear in pixels plus
 * points, so a busy product with thousands of checks still renders in a few milliseconds.
 */

export { timeTicks } from './chart-axes.js';

export interface PricePoint {
  at: Date;
  price: number;
}

export interface PriceChartInput {
  /** Our price after each change (step line: the price holds until the next point). */
  ours: PricePoint[];
  /** Cheapest rival price at each check (plain line with small dots). */
  rival: PricePoint[];
  /** Seller's minimum, dashed horizontal line. */
  floor?: number | null;
  /** Default 800. */
  width?: number;
  /** Default 400. */
  height?: number;
  /** Right edge of the time axis (default: last point or Date.now()). */
  now?: Date;
  /** IANA zone the time labels are in (default Asia/Almaty, the seller's default). */
  timeZone?: string;
}

type Rgb = readonly [number, number, number];

const WHITE: Rgb = [0xff, 0xff, 0xff];
const GRID: Rgb = [0xe1, 0xe4, 0xe8];
const LABEL: Rgb = [0x57, 0x60, 0x6a];
const OURS: Rgb = [0x1f, 0x6f, 0xeb];
const RIVAL: Rgb = [0xe8, 0x59, 0x0c];
const FLOOR: Rgb = [0xd1, 0x24, 0x2f];

const MIN_SIZE = 100;
const MAX_SIZE = 2000;
/** «HH:MM» and «DD.MM» are both five glyphs wide. */
const TIME_LABEL_GLYPHS = 5;
/** Below this spacing the rival's dots merge into a blob that hides the line, so they are left out. */
const MIN_DOT_SPACING = 6;
const DASH_ON = 8;
const DASH_PERIOD = 13;

export function renderPriceChart(input: PriceChartInput): Buffer {
  const width = checkSize('width', input.width ?? 800);
  const height = checkSize('height', input.height ?? 400);

  const ours = cleanSeries(input.ours);
  const rival = cleanSeries(input.rival);
  const floor = typeof input.floor === 'number' && Number.isFinite(input.floor) ? input.floor : null;

  const lastAt = Math.max(ours.at(-1)?.t ?? -Infinity, rival.at(-1)?.t ?? -Infinity);
  const nowMs = input.now && Number.isFinite(input.now.getTime()) ? input.now.getTime() : null;
  const tEnd = nowMs ?? (Number.isFinite(lastAt) ? lastAt : Date.now());

  // Changes after `now` are outside the window: they must neither be drawn nor stretch the price axis.
  const oursIn = ours.filter((p) => p.t <= tEnd);
  const rivalIn = rival.filter((p) => p.t <= tEnd);
  const firstAt = Math.min(oursIn[0]?.t ?? Infinity, rivalIn[0]?.t ?? Infinity);
  // A lone point (or none) gives no span to divide by; a day of history keeps it at the right edge.
  const tStart = Number.isFinite(firstAt) && firstAt < tEnd ? firstAt : tEnd - DAY_MS;

  const prices = [...oursIn.map((p) => p.price), ...rivalIn.map((p) => p.price)];
  // The rival line runs on to its first check after `now` and is cut there; where it is cut must fit on the axis.
  const rivalCut = cutAt(rival, tEnd);
  if (rivalCut) prices.push(rivalCut.price);
  if (floor !== null) prices.push(floor);
  const axis = priceAxis(prices);

  const scale = Math.min(width, height) >= 300 ? 2 : 1;
  const labels = axis.levels.map((v) => formatLevel(v, axis.step));
  const longest = Math.max(0, ...labels.map((l) => l.length));
  const labelWidth = longest * 6 * scale - scale;
  const margin = 10;
  // Labels that would eat more than a third of a tiny chart are worth less than the plot they squeeze.
  const showLabels = labelWidth + 4 * scale + margin <= width / 3;
  const timeLabelHeight = 7 * scale + 4 * scale;
  const showTimeLabels = showLabels && timeLabelHeight + 2 * margin <= height / 4;
  const plot = {
    left: showLabels ? labelWidth + 4 * scale + margin : margin,
    right: width - 1 - 12,
    top: margin,
    bottom: height - 1 - margin - (showTimeLabels ? timeLabelHeight : 0),
  };

  const canvas = new Canvas(width, height);
  const x = (t: number): number => Math.round(plot.left + ((t - tStart) / (tEnd - tStart)) * (plot.right - plot.left));
  const y = (price: number): number =>
    Math.round(plot.top + ((axis.hi - price) / (axis.hi - axis.lo)) * (plot.bottom - plot.top));

  axis.levels.forEach((level, i) => {
    const ly = y(level);
    canvas.fillRect(plot.left, ly, plot.right, ly, GRID);
    const label = labels[i];
    if (showLabels && label) {
      // Right-aligned against the plot, centred on its grid line.
      const textLeft = plot.left - 4 * scale - (label.length * 6 * scale - scale);
      drawText(canvas, label, textLeft, ly - Math.floor((7 * scale) / 2), scale, LABEL);
    }
  });

  if (showTimeLabels) {
    const timeLabelWidth = TIME_LABEL_GLYPHS * 6 * scale - scale;
    for (const tick of timeTicks(
      tStart,
      tEnd,
      plot.right - plot.left,
      timeLabelWidth + 12 * scale,
      input.timeZone ?? DEFAULT_TIME_ZONE,
    )) {
      const tx = x(tick.t);
      canvas.fillRect(tx, plot.top, tx, plot.bottom, GRID);
      const textLeft = Math.max(0, Math.min(width - 1 - timeLabelWidth, tx - Math.floor(timeLabelWidth / 2)));
      drawText(canvas, tick.label, textLeft, plot.bottom + 4 * scale, scale, LABEL);
    }
  }

  // Lines may overhang the plot by their own thickness (a point at `now` keeps its full dot), no more.
  canvas.clip = { x0: plot.left - 4, y0: plot.top - 4, x1: plot.right + 4, y1: plot.bottom + 4 };

  if (floor !== null) {
    const fy = y(floor);
    for (let dx = plot.left; dx <= plot.right; dx += DASH_PERIOD) {
      canvas.fillRect(dx, fy - 1, Math.min(dx + DASH_ON - 1, plot.right), fy, FLOOR);
    }
  }

  drawRival(canvas, rivalIn, rivalCut, x, y, plot.right - plot.left);
  drawOurs(canvas, oursIn, tEnd, x, y);

  return encodePng(width, height, canvas.pixels);
}

function checkSize(name: string, value: number): number {
  if (!Number.isInteger(value) || value < MIN_SIZE || value > MAX_SIZE) {
    throw new RangeError(`${name} must be an integer from ${MIN_SIZE} to ${MAX_SIZE}, got ${value}`);
  }
  return value;
}

interface Sample {
  t: number;
  price: number;
}

/** Drops points a chart cannot place (invalid dates, NaN prices) and sorts a copy, leaving the caller's array alone. */
function cleanSeries(points: readonly PricePoint[] | undefined): Sample[] {
  const out: Sample[] = [];
  for (const p of points ?? []) {
    const t = p?.at instanceof Date ? p.at.getTime() : NaN;
    if (Number.isFinite(t) && Number.isFinite(p.price)) out.push({ t, price: p.price });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** Where the rival line crosses `tEnd`, when it runs past it; `undefined` when it ends before or exactly there. */
function cutAt(series: readonly Sample[], tEnd: number): Sample | undefined {
  const after = series.findIndex((p) => p.t > tEnd);
  const before = series[after - 1];
  const next = series[after];
  if (after <= 0 || !before || !next || before.t === tEnd) return undefined;
  return { t: tEnd, price: before.price + ((next.price - before.price) * (tEnd - before.t)) / (next.t - before.t) };
}

type ToX = (t: number) => number;
type ToY = (price: number) => number;

/** The price holds until the next change, so the line is flat then jumps; the last price runs on to `now`. */
function drawOurs(canvas: Canvas, points: readonly Sample[], tEnd: number, x: ToX, y: ToY): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const next = points[i + 1];
    const x0 = x(p.t);
    const x1 = x(next ? next.t : tEnd);
    const py = y(p.price);
    canvas.fillRect(x0 - 1, py - 1, x1 + 1, py + 1, OURS);
    if (next) canvas.fillRect(x1 - 1, Math.min(py, y(next.price)) - 1, x1 + 1, Math.max(py, y(next.price)) + 1, OURS);
  }
}

function drawRival(
  canvas: Canvas,
  points: readonly Sample[],
  cut: Sample | undefined,
  x: ToX,
  y: ToY,
  plotWidth: number,
): void {
  const line = cut ? [...points, cut] : points;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1]!;
    const b = line[i]!;
    canvas.line(x(a.t), y(a.price), x(b.t), y(b.price), 2, RIVAL);
  }
  if (points.length * MIN_DOT_SPACING > plotWidth && points.length > 1) return;
  for (const p of points) canvas.dot(x(p.t), y(p.price), RIVAL);
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

class Canvas {
  readonly pixels: Buffer;
  clip: Rect;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = Buffer.alloc(width * height * 3, WHITE[0]);
    this.clip = { x0: 0, y0: 0, x1: width - 1, y1: height - 1 };
  }

  /** Inclusive corners in any order, clipped to both the clip rectangle and the image. */
  fillRect(ax: number, ay: number, bx: number, by: number, [r, g, b]: Rgb): void {
    const x0 = Math.max(Math.min(ax, bx), this.clip.x0, 0);
    const x1 = Math.min(Math.max(ax, bx), this.clip.x1, this.width - 1);
    const y0 = Math.max(Math.min(ay, by), this.clip.y0, 0);
    const y1 = Math.min(Math.max(ay, by), this.clip.y1, this.height - 1);
    for (let py = y0; py <= y1; py++) {
      let i = (py * this.width + x0) * 3;
      for (let px = x0; px <= x1; px++, i += 3) {
        this.pixels[i] = r;
        this.pixels[i + 1] = g;
        this.pixels[i + 2] = b;
      }
    }
  }

  /**
   * A thick line stepped along its major axis with a perpendicular-ish span per step: no anti-aliasing,
   * but gap-free and proportional to the line's length, which keeps thousands of segments cheap.
   */
  line(ax: number, ay: number, bx: number, by: number, thickness: number, color: Rgb): void {
    const lo = -Math.floor((thickness - 1) / 2);
    const hi = lo + thickness - 1;
    const dx = bx - ax;
    const dy = by - ay;
    if (Math.abs(dx) >= Math.abs(dy)) {
      const n = Math.abs(dx);
      const sx = Math.sign(dx);
      for (let k = 0; k <= n; k++) {
        const py = n === 0 ? ay : Math.round(ay + (dy * k) / n);
        const px = ax + sx * k;
        this.fillRect(px, py + lo, px, py + hi, color);
      }
    } else {
      const n = Math.abs(dy);
      const sy = Math.sign(dy);
      for (let k = 0; k <= n; k++) {
        const px = Math.round(ax + (dx * k) / n);
        const py = ay + sy * k;
        this.fillRect(px + lo, py, px + hi, py, color);
      }
    }
  }

  /** A 4 px dot: a 4×4 square without its corners reads as round at this size. */
  dot(cx: number, cy: number, color: Rgb): void {
    this.fillRect(cx - 1, cy - 2, cx, cy + 1, color);
    this.fillRect(cx - 2, cy - 1, cx + 1, cy, color);
  }
}

/** 5×7 glyphs, rows top to bottom: only what price and time labels can contain. */
const FONT: Record<string, readonly string[]> = {
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  '-': ['.....', '.....', '.....', '#####', '.....', '.....', '.....'],
  '.': ['.....', '.....', '.....', '.....', '.....', '.##..', '.##..'],
  ':': ['.....', '.##..', '.##..', '.....', '.##..', '.##..', '.....'],
  k: ['#....', '#....', '#..#.', '#.#..', '##...', '#.#..', '#..#.'],
  M: ['#...#', '##.##', '#.#.#', '#.#.#', '#...#', '#...#', '#...#'],
};

function drawText(canvas: Canvas, text: string, left: number, top: number, scale: number, color: Rgb): void {
  let cx = left;
  for (const ch of text) {
    const glyph = FONT[ch];
    glyph?.forEach((row, gy) => {
      for (let gx = 0; gx < row.length; gx++) {
        if (row[gx] !== '#') continue;
        const px = cx + gx * scale;
        const py = top + gy * scale;
        canvas.fillRect(px, py, px + scale - 1, py + scale - 1, color);
      }
    });
    cx += 6 * scale;
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * 8-bit RGB, every row with the Up filter: a chart is mostly rows identical to the one above, which Up
 * turns into zeros, so the file stays small enough for Telegram to show it inline at once.
 */
function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let row = 0; row < height; row++) {
    const out = row * (stride + 1);
    const src = row * stride;
    raw[out] = 2;
    for (let i = 0; i < stride; i++) {
      const above = row > 0 ? rgb[src - stride + i]! : 0;
      raw[out + 1 + i] = (rgb[src + i]! - above) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
