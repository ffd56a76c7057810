/**
 * How long the `/history` chart takes to draw: ECharts to SVG, resvg to a 1080 px PNG. Renders a set of
 * realistic fortnights (a rival checked every five minutes, a few dozen changes, one to three cities, a burst
 * of changes in the last hour on some) after a warm-up, and prints ms per chart against the 150 ms limit.
 *
 *   npm run bench:chart [-- --charts 30]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
  renderPriceChart,
  type PriceChartInput,
  type PriceMark,
  type PricePoint,
} from '../src/bot/charts/price-chart.js';

const LIMIT_MS = 150;
const HOUR = 3_600_000;
const { values } = parseArgs({ options: { charts: { type: 'string', default: '30' } } });
const charts = Number(values.charts);

/** A deterministic pseudo-random walk, so every run draws the same charts. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

function fortnight(seed: number, now: number): PriceChartInput {
  const next = random(seed);
  const rival: PricePoint[] = [];
  let rivalPrice = 350_000 + Math.round(next() * 50_000);
  for (let t = now - 14 * 24 * HOUR; t <= now; t += 5 * 60_000) {
    if (next() < 0.05) rivalPrice += Math.round((next() - 0.5) * 4000);
    rival.push({ at: new Date(t), price: rivalPrice });
  }
  const cities = 1 + (seed % 3);
  const ours: PriceChartInput['ours'] = [];
  const marks: PriceMark[] = [];
  for (let c = 0; c < cities; c++) {
    let price = rivalPrice + 2000 + c * 1500;
    const points: PricePoint[] = [{ at: new Date(now - 14 * 24 * HOUR), price }];
    const burst = seed % 2 === 0 && c === 0;
    for (let i = 0; i < 30; i++) {
      const hoursAgo = burst && i >= 24 ? (30 - i) * 0.15 : (30 - i) * 10;
      const newPrice = price + Math.round((next() - 0.55) * 3000);
      points.push({ at: new Date(now - hoursAgo * HOUR), price: newPrice });
      marks.push({
        at: new Date(now - hoursAgo * HOUR),
        price: newPrice,
        byDemper: next() < 0.8,
        raised: newPrice > price,
      });
      price = newPrice;
    }
    ours.push({ label: cities > 1 ? `Ваша цена, город ${c + 1}` : 'Ваша цена', points });
  }
  return {
    ours,
    rival,
    floor: rivalPrice - 10_000,
    marks,
    labels: {
      rival: 'Самый дешёвый конкурент',
      floor: 'Ваш минимум',
      demperChanges: 'Изменения демпера',
      otherChanges: 'Изменения вручную',
    },
    now: new Date(now),
    timeZone: 'Asia/Almaty',
  };
}

const now = Date.now();
if (process.env.CHART_OUT) writeFileSync(process.env.CHART_OUT, renderPriceChart(fortnight(2, now)).png);
const inputs = Array.from({ length: charts }, (_, i) => fortnight(i + 1, now));
// The first charts pay for loading ECharts and measuring the font's characters once per process.
for (const input of inputs.slice(0, 3)) renderPriceChart(input);
const times: number[] = [];
let bytes = 0;
for (const input of inputs) {
  const started = performance.now();
  bytes += renderPriceChart(input).png.length;
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
const p95 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!;
const round = (value: number) => Math.round(value * 100) / 100;
console.table([
  { metric: 'ms per chart (mean)', value: round(mean), ratio: `${round(mean / LIMIT_MS)} × ${LIMIT_MS} ms limit` },
  { metric: 'ms per chart (p95)', value: round(p95), ratio: `${round(p95 / LIMIT_MS)} × ${LIMIT_MS} ms limit` },
  { metric: 'PNG size (KiB, mean)', value: round(bytes / charts / 1024), ratio: '' },
]);
if (mean > LIMIT_MS) process.exitCode = 1;
