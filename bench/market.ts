/**
 * `npm run bench:market` — the demper's strategy against the public Kaspi repricers in a simulated market.
 *
 * N product cards × R rounds of 3 minutes (defaults 200 × 500), one store, seeded. Each card has 2–8 rivals:
 * static sellers, slow humans (look every ~3 h), naive bots (cheapest other − 1 ₸ every round, both ways),
 * AlgaTop-like bots (every 15 min, hold when first, raise after 2 h), a seller below our floor (half of them
 * sell out), a seller who raises 10–30 % once, a cheap other-city seller (3.0–3.6 ★, ≤ 8 reviews, 5–7 days);
 * 15 % of cards also carry the seller's other store. Every strategy plays the same cards from the same start.
 *
 * Yield = margin over the floor in % of the floor, per card-minute, 0 while a buyer would pick someone else
 * (a buyer pays ~8 % more to avoid a 5–7-day other-city delivery, ~7 % more to avoid a seller with no record).
 * Printed, as ratios against the best baseline of the same run: overall yield (target ≥ 1.15), first-place
 * share (≥ 1), yield per rival kind (≥ 1); and 0 floor violations, 0 self-undercuts, ≤ 240 changes per store per
 * rolling 30 min, ≤ 4 turnarounds per card per hour. Exit code 1 when a target is missed.
 *
 * Options: --cards N, --rounds R, --seed S, --quick (60 cards × 200 rounds).
 */
import { parseArgs } from 'node:util';

import { BASELINES, ours } from './market/pricers.js';
import { simulate, TICK_MINUTES, type Figures } from './market/simulate.js';
import { makeCards, RIVAL_KINDS } from './market/world.js';

const { values } = parseArgs({
  options: { cards: { type: 'string' }, rounds: { type: 'string' }, seed: { type: 'string' }, quick: { type: 'boolean' } },
});
const cardCount = Number(values.cards ?? (values.quick ? 60 : 200));
const rounds = Number(values.rounds ?? (values.quick ? 200 : 500));
const seed = Number(values.seed ?? 15);
const minutes = rounds * TICK_MINUTES;

const cards = makeCards(cardCount, seed, minutes);
const started = Date.now();
const mine = simulate(cards, ours(), minutes);
const unfiltered = simulate(cards, ours('ours, rival filters off', false), minutes);
const baselines = BASELINES.map((pricer) => simulate(cards, pricer, minutes));

const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
const row = (figures: Figures) =>
  [
    figures.name.padEnd(26),
    pct(figures.firstShare).padStart(8),
    `${figures.yieldPct.toFixed(2)} %`.padStart(8),
    String(figures.changes).padStart(7),
    String(figures.maxChangesPer30Min).padStart(6),
    String(figures.refusedByKaspi).padStart(7),
    String(figures.floorViolations).padStart(5),
    String(figures.selfUndercuts).padStart(5),
    figures.reversalsPerCardHour.toFixed(2).padStart(6),
    String(figures.maxReversalsInAnHour).padStart(4),
  ].join(' ');

console.log(`bench:market — ${cardCount} cards × ${rounds} rounds of ${TICK_MINUTES} min, seed ${seed} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(`${'strategy'.padEnd(26)} ${'first'.padStart(8)} ${'yield'.padStart(8)} ${'changes'.padStart(7)} ${'/30min'.padStart(6)} ${'refused'.padStart(7)} ${'floor'.padStart(5)} ${'self'.padStart(5)} ${'rev/h'.padStart(6)} ${'maxh'.padStart(4)}`);
for (const figures of [mine, unfiltered, ...baselines]) console.log(row(figures));

console.log('\nyield per rival kind (cards with at least one rival of the kind):');
console.log(`${'kind'.padEnd(12)} ${'cards'.padStart(5)} ${'ours'.padStart(8)} ${'best baseline'.padStart(30)} ${'ratio'.padStart(6)}`);
const checks: { name: string; value: number; limit: number; atMost?: boolean }[] = [];
for (const kind of RIVAL_KINDS) {
  const best = baselines.reduce((top, figures) => (figures.byKind[kind].yieldPct > top.byKind[kind].yieldPct ? figures : top));
  const bestYield = best.byKind[kind].yieldPct;
  const ratio = bestYield > 0 ? mine.byKind[kind].yieldPct / bestYield : mine.byKind[kind].yieldPct >= 0 ? 1 : 0;
  console.log(`${kind.padEnd(12)} ${String(mine.byKind[kind].cards).padStart(5)} ${`${mine.byKind[kind].yieldPct.toFixed(2)} %`.padStart(8)} ${`${best.name} ${bestYield.toFixed(2)} %`.padStart(30)} ${ratio.toFixed(2).padStart(6)}`);
  checks.push({ name: `yield on cards with ${kind} / best baseline`, value: ratio, limit: 1 });
}

const bestYield = baselines.reduce((top, figures) => (figures.yieldPct > top.yieldPct ? figures : top));
const bestShare = baselines.reduce((top, figures) => (figures.firstShare > top.firstShare ? figures : top));
checks.unshift(
  { name: `overall yield / best baseline (${bestYield.name})`, value: mine.yieldPct / bestYield.yieldPct, limit: 1.15 },
  { name: `first-place share / best baseline (${bestShare.name})`, value: mine.firstShare / bestShare.firstShare, limit: 1 },
  { name: 'changes per store per rolling 30 min / 240', value: mine.maxChangesPer30Min / 240, limit: 1, atMost: true },
  { name: 'turnarounds per card in any hour / 4', value: mine.maxReversalsInAnHour / 4, limit: 1, atMost: true },
);
console.log('\ntargets (ratios of the same run):');
let missed = 0;
for (const check of checks) {
  const ok = check.atMost ? check.value <= check.limit : check.value >= check.limit;
  if (!ok) missed++;
  console.log(`  ${ok ? 'ok  ' : 'MISS'} ${check.name}: ${check.value.toFixed(2)} (${check.atMost ? '≤' : '≥'} ${check.limit})`);
}
for (const [name, value] of [['floor violations', mine.floorViolations], ['self-undercuts', mine.selfUndercuts]] as const) {
  if (value !== 0) missed++;
  console.log(`  ${value === 0 ? 'ok  ' : 'MISS'} ${name}: ${value} (= 0)`);
}
console.log(`\nour reasons: ${Object.entries(mine.reasons).sort((a, b) => b[1] - a[1]).map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
console.log(`changes that waited for the budget: ${mine.waited}`);
process.exitCode = missed ? 1 : 0;
