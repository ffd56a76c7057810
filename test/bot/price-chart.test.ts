import { crc32, inflateSync } from 'node:zlib';

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import { type PricePoint, renderPriceChart, timeTicks } from '../../src/bot/charts/price-chart.js';

type Rgb = readonly [number, number, number];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const GRID: Rgb = [0xe1, 0xe4, 0xe8];
const LABEL: Rgb = [0x57, 0x60, 0x6a];
const BLUE: Rgb = [0x1f, 0x6f, 0xeb];
const ORANGE: Rgb = [0xe8, 0x59, 0x0c];
const RED: Rgb = [0xd1, 0x24, 0x2f];

interface Image {
  width: number;
  height: number;
  /** 3 bytes per pixel whatever the file used, so the checks below need not care. */
  rgb: Uint8Array;
}

/**
 * A PNG reader written against the spec rather than the encoder: it checks the CRC of every chunk with
 * Node's own crc32 and undoes all five row filters, so the chart's encoder may change its choices freely.
 */
function decodePng(png: Buffer): Image {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: { type: string; data: Buffer }[] = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const stored = png.readUInt32BE(at + 8 + length);
    if (crc32(png.subarray(at + 4, at + 8 + length)) !== stored) throw new Error(`bad CRC in ${type}`);
    chunks.push({ type, data });
    at += 12 + length;
  }
  expect(at).toBe(png.length);
  expect(chunks[0]?.type).toBe('IHDR');
  expect(chunks.at(-1)?.type).toBe('IEND');
  expect(chunks.at(-1)?.data.length).toBe(0);

  const ihdr = chunks[0]!.data;
  expect(ihdr.length).toBe(13);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8];
  const colourType = ihdr[9];
  expect(bitDepth).toBe(8);
  expect([2, 6]).toContain(colourType); // RGB or RGBA, as the brief allows
  expect([ihdr[10], ihdr[11], ihdr[12]]).toEqual([0, 0, 0]);
  const channels = colourType === 6 ? 4 : 3;

  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[row + i - channels]! : 0;
      const b = y > 0 ? pixels[row - stride + i]! : 0;
      const c = i >= channels && y > 0 ? pixels[row - stride + i - channels]! : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`unknown filter ${filter} on row ${y}`);
      }
      pixels[row + i] = (line[i]! + predictor) & 0xff;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    rgb[p * 3] = pixels[p * channels]!;
    rgb[p * 3 + 1] = pixels[p * channels + 1]!;
    rgb[p * 3 + 2] = pixels[p * channels + 2]!;
  }
  return { width, height, rgb };
}

function is(img: Image, x: number, y: number, [r, g, b]: Rgb): boolean {
  const i = (y * img.width + x) * 3;
  return img.rgb[i] === r && img.rgb[i + 1] === g && img.rgb[i + 2] === b;
}

/** Every pixel of a colour, as coordinates. */
function find(img: Image, colour: Rgb): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) if (is(img, x, y, colour)) out.push({ x, y });
  return out;
}

function rowsIn(img: Image, colour: Rgb, x: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y < img.height; y++) if (is(img, x, y, colour)) rows.push(y);
  return rows;
}

const mid = (values: number[]): number => (Math.min(...values) + Math.max(...values)) / 2;

/** Grid lines are long runs of the grid colour; rows where it covers a third of the width. */
function gridRows(img: Image): number[] {
  const rows: number[] = [];
  for (let y = 0; y < img.height; y++) {
    let n = 0;
    for (let x = 0; x < img.width; x++) if (is(img, x, y, GRID)) n++;
    if (n >= img.width / 3) rows.push(y);
  }
  return rows;
}

function expectEvenGrid(img: Image): number[] {
  const rows = gridRows(img);
  expect(rows.length).toBeGreaterThanOrEqual(4);
  expect(rows.length).toBeLessThanOrEqual(6);
  const gaps = rows.slice(1).map((y, i) => y - rows[i]!);
  expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  return rows;
}

const T0 = Date.UTC(2025, 2, 1, 9);
const HOUR = 3_600_000;
const at = (hours: number): Date => new Date(T0 + hours * HOUR);
const pt = (hours: number, price: number): PricePoint => ({ at: at(hours), price });

describe('renderPriceChart', () => {
  it('writes a PNG of the requested size whose chunks all carry a correct CRC', () => {
    const img = decodePng(renderPriceChart({ ours: [pt(0, 1000)], rival: [pt(0, 900)] }));
    expect([img.width, img.height]).toEqual([800, 400]);
    const small = decodePng(renderPriceChart({ ours: [], rival: [], width: 321, height: 123 }));
    expect([small.width, small.height]).toEqual([321, 123]);
  });

  it('is caught by the reader when a byte of the image data is damaged (the CRC check is real)', () => {
    const png = renderPriceChart({ ours: [pt(0, 1000)], rival: [] });
    const damaged = Buffer.from(png);
    const inIdat = 8 + 25 + 8 + 3; // past the signature, the IHDR chunk, IDAT's length and type
    damaged[inIdat] = damaged[inIdat]! ^ 0xff;
    expect(() => decodePng(damaged)).toThrow(/bad CRC in IDAT/);
  });

  describe('ours flat at 1000, rival from 500 to 1500, floor at 750', () => {
    // Rendered in beforeAll, not while collecting, so a broken encoder fails these tests instead of the file.
    let img!: Image;
    let blue: { x: number; y: number }[] = [];
    let orange: { x: number; y: number }[] = [];
    let y1500 = 0;
    let y500 = 0;
    const yOf = (price: number): number => y1500 + ((1500 - price) / 1000) * (y500 - y1500);
    beforeAll(() => {
      img = decodePng(
        renderPriceChart({ ours: [pt(0, 1000), pt(10, 1000)], rival: [pt(0, 500), pt(10, 1500)], floor: 750 }),
      );
      blue = find(img, BLUE);
      orange = find(img, ORANGE);
      // The rival's two ends mark 1500 and 500 on screen; its dots reach 2 px above and 1 px below a point.
      y1500 = Math.min(...orange.map((p) => p.y)) + 2;
      y500 = Math.max(...orange.map((p) => p.y)) - 1;
    });

    it('leaves the background white far from the lines', () => {
      expect(is(img, img.width - 1, 0, WHITE)).toBe(true);
      expect(is(img, img.width - 1, img.height - 1, WHITE)).toBe(true);
      expect(is(img, img.width - 3, img.height / 2, WHITE)).toBe(true);
    });

    it('draws our price as a 3 px blue band in the vertical middle, across the whole time range', () => {
      expect(blue.length).toBeGreaterThan(500);
      const rows = [...new Set(blue.map((p) => p.y))];
      expect(rows.length).toBe(3);
      expect(Math.abs(mid(rows) - yOf(1000))).toBeLessThanOrEqual(1.5);
      expect(Math.abs(mid(rows) - img.height / 2)).toBeLessThanOrEqual(img.height * 0.05);
      const orangeXs = orange.map((p) => p.x);
      expect(Math.abs(Math.min(...blue.map((p) => p.x)) - Math.min(...orangeXs))).toBeLessThanOrEqual(2);
      expect(Math.abs(Math.max(...blue.map((p) => p.x)) - Math.max(...orangeXs))).toBeLessThanOrEqual(2);
    });

    it('draws the rival in orange along its own prices', () => {
      expect(y500 - y1500).toBeGreaterThan(img.height / 2);
      const xs = orange.map((p) => p.x);
      const quarter = Math.round(Math.min(...xs) + (Math.max(...xs) - Math.min(...xs)) / 4);
      // A quarter of the way from 500 to 1500 in time is 750 in price on a straight line.
      expect(Math.abs(mid(rowsIn(img, ORANGE, quarter)) - yOf(750))).toBeLessThanOrEqual(2);
    });

    it('draws the floor as a red dashed line at 750', () => {
      const red = find(img, RED);
      const rows = [...new Set(red.map((p) => p.y))];
      expect(rows.length).toBe(2);
      expect(Math.abs(mid(rows) - yOf(750))).toBeLessThanOrEqual(1.5);
      const y = rows[0]!;
      const xs = red.filter((p) => p.y === y).map((p) => p.x);
      const [from, to] = [Math.min(...xs), Math.max(...xs)];
      expect(to - from).toBeGreaterThan(img.width * 0.8);
      let dashes = 0;
      let whiteGaps = 0;
      for (let x = from; x <= to; x++) {
        if (is(img, x, y, RED) && !is(img, x - 1, y, RED)) dashes++;
        if (is(img, x, y, WHITE) && is(img, x - 1, y, RED)) whiteGaps++;
      }
      expect(dashes).toBeGreaterThan(20);
      expect(whiteGaps).toBeGreaterThan(20);
    });

    it('labels each grid line on the left', () => {
      // Our line at 1000 hides that level's grid line, so only the visible ones are counted here.
      const rows = gridRows(img);
      expect(rows.length).toBeGreaterThanOrEqual(4);
      const gridLeft = Math.min(...[...Array(img.width).keys()].filter((x) => is(img, x, rows[0]!, GRID)));
      for (const y of rows) {
        let ink = 0;
        for (let dy = -7; dy <= 7; dy++) for (let x = 0; x < gridLeft; x++) if (is(img, x, y + dy, LABEL)) ink++;
        expect(ink, `label at row ${y}`).toBeGreaterThan(10);
      }
    });
  });

  it('draws our price as a step line: each price holds until the next change, the last one until now', () => {
    const img = decodePng(
      renderPriceChart({ ours: [pt(0, 800), pt(10, 1200)], rival: [pt(0, 600), pt(20, 1400)], now: at(20) }),
    );
    const orange = find(img, ORANGE);
    const y1400 = Math.min(...orange.map((p) => p.y)) + 2;
    const y600 = Math.max(...orange.map((p) => p.y)) - 1;
    const yOf = (price: number): number => y1400 + ((1400 - price) / 800) * (y600 - y1400);
    const blueXs = find(img, BLUE).map((p) => p.x);
    const [left, right] = [Math.min(...blueXs), Math.max(...blueXs)];
    const firstQuarter = rowsIn(img, BLUE, Math.round(left + (right - left) * 0.25));
    const lastQuarter = rowsIn(img, BLUE, Math.round(left + (right - left) * 0.75));
    expect(firstQuarter.length).toBe(3);
    expect(Math.abs(mid(firstQuarter) - yOf(800))).toBeLessThanOrEqual(1.5);
    expect(lastQuarter.length).toBe(3);
    expect(Math.abs(mid(lastQuarter) - yOf(1200))).toBeLessThanOrEqual(1.5);
    // The jump is vertical, halfway in time, and the line reaches `now` where the rival's last check is.
    const jump = rowsIn(img, BLUE, Math.round((left + right) / 2));
    expect(Math.max(...jump) - Math.min(...jump)).toBeGreaterThan((yOf(800) - yOf(1200)) * 0.9);
    expect(Math.abs(right - Math.max(...orange.map((p) => p.x)))).toBeLessThanOrEqual(2);
  });

  it('draws no floor when there is none', () => {
    const img = decodePng(renderPriceChart({ ours: [pt(0, 1000), pt(5, 1100)], rival: [pt(0, 900)], floor: null }));
    expect(find(img, RED)).toEqual([]);
    expect(find(img, BLUE).length).toBeGreaterThan(0);
  });

  it('ignores changes after `now`: they neither stretch the price axis nor get drawn', () => {
    const img = decodePng(
      renderPriceChart({
        ours: [pt(0, 1000), pt(30, 100_000)],
        rival: [pt(0, 500), pt(10, 1500)],
        now: at(10),
      }),
    );
    const orange = find(img, ORANGE);
    const rows = [...new Set(find(img, BLUE).map((p) => p.y))];
    expect(rows.length).toBe(3);
    const yTop = Math.min(...orange.map((p) => p.y)) + 2;
    const yBottom = Math.max(...orange.map((p) => p.y)) - 1;
    expect(Math.abs(mid(rows) - (yTop + yBottom) / 2)).toBeLessThanOrEqual(1.5);
  });

  it('cuts the rival line at `now`, at the price it had reached by then', () => {
    // From 500 at 0h to 1500 at 20h, so 1000 at `now` = 10h; ours holds 500 throughout.
    const img = decodePng(renderPriceChart({ ours: [pt(0, 500)], rival: [pt(0, 500), pt(20, 1500)], now: at(10) }));
    const blue = find(img, BLUE);
    const orange = find(img, ORANGE);
    const right = Math.max(...orange.map((p) => p.x));
    expect(Math.abs(right - Math.max(...blue.map((p) => p.x)))).toBeLessThanOrEqual(1);
    const top = Math.min(...orange.map((p) => p.y));
    // The cut is the highest price on the chart: the line climbs to it, stays inside the plot and the padding above it.
    expect(Math.min(...rowsIn(img, ORANGE, right))).toBeLessThanOrEqual(top + 1);
    const blueY = mid([...new Set(blue.map((p) => p.y))]);
    const span = blueY - top;
    expect(span).toBeGreaterThan(img.height * 0.7);
    expect(top).toBeGreaterThan(10 + span * 0.03);
  });

  it('draws an empty grid of 4–6 evenly spaced lines when there is no history', () => {
    const img = decodePng(renderPriceChart({ ours: [], rival: [] }));
    expectEvenGrid(img);
    expect(find(img, BLUE)).toEqual([]);
    expect(find(img, ORANGE)).toEqual([]);
    expect(find(img, RED)).toEqual([]);
  });

  it('keeps 4–6 evenly spaced grid lines for any price range up to 999,999,999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 999_999_999 }), (a, b) => {
        // A flat line could sit exactly on a grid line and hide it; equal prices have their own test.
        fc.pre(a !== b);
        const img = decodePng(renderPriceChart({ ours: [], rival: [pt(0, a), pt(5, b)], width: 240, height: 160 }));
        expectEvenGrid(img);
      }),
      { numRuns: 60 },
    );
  });

  it('pads a range of equal prices instead of dividing by zero', () => {
    const chart = (price: number): Image =>
      decodePng(renderPriceChart({ ours: [pt(0, price), pt(5, price)], rival: [pt(0, price), pt(5, price)] }));
    const bandOf = (img: Image): number[] => [...new Set(find(img, BLUE).map((p) => p.y))];

    // Off the grid levels, so our line hides none of them: the padded range keeps its 4–6 even lines around it.
    for (const price of [1003, 12_345]) {
      const img = chart(price);
      const grid = expectEvenGrid(img);
      const band = bandOf(img);
      expect(band.length).toBe(3);
      expect(Math.min(...band)).toBeGreaterThan(grid[0]!);
      expect(Math.max(...band)).toBeLessThan(grid.at(-1)!);
    }
    // Zero cannot be padded below (no negative prices): the line lies at the bottom, under the grid.
    const zero = chart(0);
    expect(bandOf(zero).length).toBe(3);
    expect(gridRows(zero).length).toBeGreaterThanOrEqual(4);
    expect(Math.min(...bandOf(zero))).toBeGreaterThanOrEqual(Math.max(...gridRows(zero)) - 1);
    const top = chart(999_999_999);
    expect(bandOf(top).length).toBe(3);
    expect(Math.min(...bandOf(top))).toBeGreaterThan(Math.min(...gridRows(top)));
    expect(Math.max(...bandOf(top))).toBeLessThan(Math.max(...gridRows(top)));
  });

  it('draws a single point of either series', () => {
    const ours = decodePng(renderPriceChart({ ours: [pt(0, 1000)], rival: [] }));
    expect(find(ours, BLUE).length).toBeGreaterThan(0);
    const rival = decodePng(renderPriceChart({ ours: [], rival: [pt(0, 1000)] }));
    expect(find(rival, ORANGE).length).toBeGreaterThan(0);
  });

  it('places huge prices proportionally', () => {
    const img = decodePng(
      renderPriceChart({ ours: [pt(0, 1), pt(10, 999_999_999)], rival: [pt(5, 500_000_000)], floor: 999_999_999 }),
    );
    const blueRows = find(img, BLUE).map((p) => p.y);
    const orangeRows = find(img, ORANGE).map((p) => p.y);
    expect(Math.abs(mid(orangeRows) - mid(blueRows))).toBeLessThanOrEqual(2);
    expect(Math.max(...blueRows) - Math.min(...blueRows)).toBeGreaterThan(img.height * 0.7);
  });

  it('rejects a width or height outside 100..2000 with a RangeError', () => {
    for (const bad of [99, 2001, 800.5, Number.NaN, 0, -800]) {
      expect(() => renderPriceChart({ ours: [], rival: [], width: bad })).toThrow(RangeError);
      expect(() => renderPriceChart({ ours: [], rival: [], height: bad })).toThrow(RangeError);
    }
    const edge = decodePng(renderPriceChart({ ours: [pt(0, 1)], rival: [], width: 2000, height: 100 }));
    expect([edge.width, edge.height]).toEqual([2000, 100]);
    const tall = decodePng(renderPriceChart({ ours: [pt(0, 1)], rival: [], width: 100, height: 2000 }));
    expect([tall.width, tall.height]).toEqual([100, 2000]);
  });

  it('renders 1,000 points per series, in any order, without touching the caller’s arrays', () => {
    const ours = Array.from({ length: 1000 }, (_, i) => pt(i, 10_000 + ((i * 7919) % 3000)));
    const rival = Array.from({ length: 1000 }, (_, i) => pt(i, 9_000 + ((i * 104_729) % 3000)));
    const sorted = renderPriceChart({ ours, rival, floor: 9500 });
    const img = decodePng(sorted);
    expect([img.width, img.height]).toEqual([800, 400]);
    expect(find(img, BLUE).length).toBeGreaterThan(1000);
    expect(find(img, ORANGE).length).toBeGreaterThan(1000);

    const shuffled = [...ours].reverse();
    const before = shuffled.map((p) => p.at.getTime());
    expect(renderPriceChart({ ours: shuffled, rival, floor: 9500 }).equals(sorted)).toBe(true);
    expect(shuffled.map((p) => p.at.getTime())).toEqual(before);
  });

  it('skips points it cannot place rather than throwing', () => {
    const clean = renderPriceChart({ ours: [pt(0, 1000), pt(5, 1200)], rival: [pt(0, 900)] });
    const dirty = renderPriceChart({
      ours: [pt(0, 1000), { at: new Date(Number.NaN), price: 5 }, pt(2, Number.NaN), pt(5, 1200)],
      rival: [pt(0, 900), pt(1, Number.POSITIVE_INFINITY)],
    });
    expect(dirty.equals(clean)).toBe(true);
  });

  describe("time axis, in the seller's zone", () => {
    const DAY = 24 * HOUR;
    // 2026-11-25 14:20 UTC is 19:20 in Almaty (UTC+5 all year).
    const NOW = Date.UTC(2026, 10, 25, 14, 20);

    it('marks each Almaty midnight of a week with its date', () => {
      const ticks = timeTicks(NOW - 7 * DAY, NOW, 700, 80, 'Asia/Almaty');
      expect(ticks.map((tick) => tick.label)).toEqual(['19.11', '20.11', '21.11', '22.11', '23.11', '24.11', '25.11']);
      for (const tick of ticks) expect(new Date(tick.t).getUTCHours(), 'local midnight is 19:00 UTC').toBe(19);
    });

    it('marks whole local hours in a short window, and a midnight inside it by its date', () => {
      const ticks = timeTicks(Date.UTC(2026, 10, 25, 15, 10), Date.UTC(2026, 10, 26, 1, 0), 700, 80, 'Asia/Almaty');
      expect(ticks.map((tick) => tick.label)).toEqual(['22:00', '26.11', '02:00', '04:00', '06:00']);
      expect(ticks.map((tick) => new Date(tick.t).getUTCHours())).toEqual([17, 19, 21, 23, 1]);
    });

    it('reads an unknown stored zone as Almaty, like the rest of the bot', () => {
      expect(timeTicks(NOW - 7 * DAY, NOW, 700, 80, 'Mars/Olympus')).toEqual(
        timeTicks(NOW - 7 * DAY, NOW, 700, 80, 'Asia/Almaty'),
      );
    });

    it('never puts more labels than fit, for any window and width', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 60 * DAY }),
          fc.integer({ min: 50, max: 2000 }),
          fc.constantFrom('Asia/Almaty', 'Asia/Aqtobe', 'UTC', 'Europe/Moscow'),
          (span, width, zone) => {
            const ticks = timeTicks(NOW - span, NOW, width, 60, zone);
            expect(ticks.length).toBeLessThanOrEqual(Math.max(1, Math.floor(width / 60)) + 1);
            for (const tick of ticks) expect(tick.t >= NOW - span && tick.t <= NOW).toBe(true);
            for (const tick of ticks) expect(tick.label).toMatch(/^\d\d[.:]\d\d$/);
          },
        ),
      );
    });

    it('writes the labels under the plot, one under each vertical grid line', () => {
      const img = decodePng(
        renderPriceChart({
          ours: [{ at: new Date(NOW - 7 * DAY), price: 1000 }],
          rival: [
            { at: new Date(NOW - 7 * DAY), price: 900 },
            { at: new Date(NOW), price: 950 },
          ],
          now: new Date(NOW),
        }),
      );
      const orange = find(img, ORANGE);
      const plotBottom = Math.max(...gridRows(img), ...orange.map((p) => p.y));
      // Vertical grid lines: columns where the grid colour runs down most of the plot.
      const columns: number[] = [];
      for (let x = 0; x < img.width; x++) if (rowsIn(img, GRID, x).length > img.height / 2) columns.push(x);
      expect(columns.length).toBe(7);
      for (const x of columns) {
        let ink = 0;
        for (let y = plotBottom + 1; y < img.height; y++)
          for (let dx = -30; dx <= 30; dx++) if (is(img, x + dx, y, LABEL)) ink++;
        expect(ink, `label under x=${x}`).toBeGreaterThan(20);
      }
    });

    it('leaves the time labels out of a chart too small to hold them', () => {
      const img = decodePng(
        renderPriceChart({ ours: [pt(0, 1000)], rival: [pt(0, 900), pt(30, 950)], width: 150, height: 100 }),
      );
      // Price labels stay on the left of the plot; time labels would run across under it.
      expect(find(img, LABEL).filter((p) => p.x > img.width / 2)).toEqual([]);
    });
  });
});
