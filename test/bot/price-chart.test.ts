import { describe, expect, it } from 'vitest';

import { textWidth } from '../../src/bot/charts/chart-font.js';
import { chartWindow, wallClock } from '../../src/bot/charts/chart-time.js';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  renderPriceChart,
  type PriceChartInput,
  type PriceMark,
  type PricePoint,
} from '../../src/bot/charts/price-chart.js';
import { createI18n, type Locale } from '../../src/i18n.js';

const i18n = createI18n();
const HOUR = 3_600_000;
// 2026-03-10 15:00 UTC is 20:00 in Almaty (UTC+5 all year).
const NOW = Date.UTC(2026, 2, 10, 15, 0);
const at = (hoursAgo: number): Date => new Date(NOW - hoursAgo * HOUR);
const pt = (hoursAgo: number, price: number): PricePoint => ({ at: at(hoursAgo), price });
const mark = (hoursAgo: number, price: number, raised = false, byDemper = true): PriceMark => ({
  ...pt(hoursAgo, price),
  raised,
  byDemper,
});

function labels(locale: Locale): PriceChartInput['labels'] {
  return {
    rival: i18n.t(locale, 'history-chart-rival'),
    floor: i18n.t(locale, 'history-chart-floor'),
    demperChanges: i18n.t(locale, 'history-chart-changes-demper'),
    otherChanges: i18n.t(locale, 'history-chart-changes-other'),
  };
}

function chart(input: Partial<PriceChartInput> & { locale?: Locale } = {}) {
  const locale = input.locale ?? 'ru';
  return renderPriceChart({
    ours: [{ label: i18n.t(locale, 'history-chart-ours'), points: [pt(48, 366_000), pt(20, 364_000)] }],
    rival: Array.from({ length: 49 }, (_, i) => pt(48 - i, 363_000 + (i % 5) * 500)),
    floor: 360_000,
    marks: [mark(20, 364_000)],
    labels: labels(locale),
    now: new Date(NOW),
    timeZone: 'Asia/Almaty',
    ...input,
  });
}

interface SvgText {
  text: string;
  x: number;
  anchor: string;
  size: number;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Every label ECharts wrote, where it anchors it and at what size. */
function texts(svg: string): SvgText[] {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map(([, attrs, body]) => {
    const translate = /translate\(([-\d.]+)/.exec(attrs!)?.[1] ?? '0';
    const own = /\sx="([-\d.]+)"/.exec(attrs!)?.[1] ?? '0';
    return {
      text: body!.replace(/&(\w+);/g, (_, name: string) => entities[name] ?? `&${name};`),
      x: Number(translate) + Number(own),
      anchor: /text-anchor="(\w+)"/.exec(attrs!)?.[1] ?? 'start',
      size: Number(/font-size:\s*([\d.]+)px|font:[^"]*?([\d.]+)px/.exec(attrs!)?.slice(1).find(Boolean) ?? 12),
    };
  });
}

const spaced = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

/** No label reaches past the image's left or right edge, and none is smaller than a phone can read. */
function expectInside(svg: string, width = CHART_WIDTH): void {
  const all = texts(svg);
  expect(all.length).toBeGreaterThan(5);
  for (const label of all) {
    const w = textWidth(label.text, label.size);
    const left = label.anchor === 'end' ? label.x - w : label.anchor === 'middle' ? label.x - w / 2 : label.x;
    expect(left, `«${label.text}» starts inside`).toBeGreaterThanOrEqual(0);
    expect(left + w, `«${label.text}» ends inside`).toBeLessThanOrEqual(width);
    expect(label.size, `«${label.text}» is legible`).toBeGreaterThanOrEqual(22);
  }
}

/** The PNG's own header: signature, then IHDR with width and height. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const timeLabels = (svg: string) =>
  texts(svg)
    .map((label) => label.text)
    .filter((text) => /^\d\d:\d\d$/.test(text));

describe('the price history chart', () => {
  it('is a 1080 px wide PNG with the legend in Russian and prices in ₸ with thousands separators', () => {
    const { png, svg } = chart();
    expect(pngSize(png)).toEqual({ width: 1080, height: CHART_HEIGHT });
    const words = texts(svg).map((label) => spaced(label.text));
    for (const legend of ['Ваша цена', 'Самый дешёвый конкурент', 'Ваш минимум', 'Изменения демпера'])
      expect(words).toContain(legend);
    const prices = words.filter((text) => text.endsWith('₸'));
    expect(prices.length).toBeGreaterThanOrEqual(3);
    for (const price of prices) expect(price).toMatch(/^\d{1,3}( \d{3})* ₸$/);
    expect(prices).toContain('364 000 ₸');
    expect(words.some((text) => /\dk\b/.test(text))).toBe(false);
    expect(svg).toMatch(/stroke-dasharray/); // the floor is dashed
    expectInside(svg);
  });

  it('speaks Kazakh and English in those locales', () => {
    const kk = texts(chart({ locale: 'kk' }).svg).map((label) => label.text);
    expect(kk).toEqual(expect.arrayContaining(['Сіздің бағаңыз', 'Ең арзан бәсекелес', 'Сіздің минимумыңыз']));
    const en = texts(chart({ locale: 'en' }).svg).map((label) => label.text);
    expect(en).toEqual(expect.arrayContaining(['Your price', 'Cheapest competitor', 'Your minimum']));
    expect(en).not.toContain('Ваша цена');
  });

  it("writes times on the seller's clock, whatever the process's zone", () => {
    const input = { ours: [{ label: 'Ваша цена', points: [pt(6, 1000)] }], rival: [pt(6, 900), pt(0, 950)], marks: [] };
    const utc = timeLabels(chart({ ...input, timeZone: 'UTC' }).svg);
    const almaty = timeLabels(chart({ ...input, timeZone: 'Asia/Almaty' }).svg);
    expect(utc.length).toBeGreaterThanOrEqual(3);
    const plus5 = (text: string) => `${String((Number(text.slice(0, 2)) + 5) % 24).padStart(2, '0')}${text.slice(2)}`;
    expect(almaty).toEqual(utc.map(plus5));
    expect(utc).toContain('14:00');
    expect(almaty).toContain('19:00');
  });

  it('marks a midnight of the seller’s zone by its date', () => {
    // 19:00 UTC is midnight in Almaty; the window runs from 10.03 14:00 to 11.03 02:00 there.
    const now = new Date(Date.UTC(2026, 2, 10, 21, 0));
    const { svg } = chart({ ours: [{ label: 'Ваша цена', points: [{ at: at(0), price: 1000 }] }], rival: [], now });
    expect(texts(svg).map((label) => label.text)).toContain('11.03');
  });

  it('renders a single point, without rival data, unclipped', () => {
    const { png, svg } = chart({
      ours: [{ label: 'Ваша цена', points: [pt(0, 364_000)] }],
      rival: [],
      marks: [],
      floor: null,
    });
    expect(pngSize(png)).toEqual({ width: 1080, height: CHART_HEIGHT });
    const words = texts(svg).map((label) => label.text);
    expect(words).toContain('Ваша цена');
    expect(words).not.toContain('Самый дешёвый конкурент');
    expect(words).not.toContain('Ваш минимум');
    expectInside(svg);
  });

  it('draws one line per city, each named in the legend, unclipped', () => {
    const { png, svg } = chart({
      ours: [
        { label: 'Ваша цена, Алматы', points: [pt(48, 366_000), pt(20, 364_000)] },
        { label: 'Ваша цена, Астана', points: [pt(48, 368_000), pt(10, 367_500)] },
        { label: 'Ваша цена, Усть-Каменогорск', points: [pt(48, 1_250_000)] },
      ],
      marks: [mark(20, 364_000), mark(10, 367_500, false, false)],
    });
    expect(pngSize(png).width).toBe(1080);
    const words = texts(svg).map((label) => label.text);
    for (const city of ['Ваша цена, Алматы', 'Ваша цена, Астана', 'Ваша цена, Усть-Каменогорск', 'Изменения вручную'])
      expect(words).toContain(city);
    expect(words.map(spaced)).toContain('1 200 000 ₸');
    expectInside(svg);
  });

  it('gives a burst of changes in the last hour room instead of the last pixels of a fortnight', () => {
    const points = [
      pt(14 * 24, 370_000),
      pt(5 * 24, 368_000),
      pt(0.9, 367_000),
      pt(0.6, 366_500),
      pt(0.3, 366_000),
      pt(0.1, 365_500),
    ];
    const marks = points.slice(1).map((p) => mark((NOW - p.at.getTime()) / HOUR, p.price));
    const rival = Array.from({ length: 14 * 24 * 12 }, (_, i) => pt(14 * 24 - i / 12, 365_000 + (i % 7) * 100));
    const { png, svg, window } = chart({ ours: [{ label: 'Ваша цена', points }], rival, marks });
    expect(pngSize(png).width).toBe(1080);
    const span = window.end - window.start;
    expect(window.end).toBe(NOW);
    expect(span).toBeLessThanOrEqual(12 * HOUR);
    // The four changes of the last hour spread over at least a sixth of the width.
    expect((0.9 * HOUR) / span).toBeGreaterThan(1 / 6);
    expectInside(svg);
  });
});

describe('the chart window', () => {
  it('shows the whole history when changes are spread out, and at least an hour', () => {
    expect(chartWindow(NOW, NOW - 100 * HOUR, [NOW - 90 * HOUR, NOW - 50 * HOUR])).toEqual({
      start: NOW - 100 * HOUR,
      end: NOW,
    });
    expect(chartWindow(NOW, NOW, [])).toEqual({ start: NOW - HOUR, end: NOW });
    expect(chartWindow(NOW, undefined, [NOW])).toEqual({ start: NOW - HOUR, end: NOW });
  });

  it('shortens until the latest changes each have 4 % of the width', () => {
    const { start } = chartWindow(NOW, NOW - 300 * HOUR, [NOW - 2 * HOUR, NOW - 4 * HOUR, NOW - 200 * HOUR]);
    // Two changes within 4 h need the window to be at most 4 h / 8 % = 50 h.
    expect(NOW - start).toBe(50 * HOUR);
  });
});

describe("the seller's wall clock", () => {
  it('is UTC+5 in Almaty and UTC+3 in Moscow, and Almaty for an unknown zone', () => {
    expect(wallClock('Asia/Almaty')(NOW)).toBe(NOW + 5 * HOUR);
    expect(wallClock('Europe/Moscow')(NOW)).toBe(NOW + 3 * HOUR);
    expect(wallClock('Mars/Olympus')(NOW)).toBe(NOW + 5 * HOUR);
  });
});
