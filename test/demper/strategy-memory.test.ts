/**
 * The strategy's memory (src/demper/strategy-memory.ts): what a stored value becomes when read back, and what one
 * check teaches it — answers to our cuts, a bot's floor, turnarounds. Memories come from `decide` on a small market
 * wherever a market can make them; a few are edited by hand to show one rule alone.
 */
import { describe, expect, it } from 'vitest';

import { decide, type MarketOfferInput } from '../../src/demper/strategy.js';
import {
  BOT_WINDOW_MS,
  cheapestAtLastCheck,
  emptyMemory,
  isBot,
  learn,
  readMemory,
  remember,
  type StrategyMemory,
} from '../../src/demper/strategy-memory.js';
import {
  base,
  CHECK_MS,
  Market,
  MIN,
  naiveBot,
  NOW,
  offer,
  OWN,
  script,
  seller,
  settingsWith,
} from './strategy-fixtures.js';

const check = (memory: unknown, ourPrice: number, offers: MarketOfferInput[], now: number) =>
  decide(base, memory, { ourPrice, ownMerchantIds: OWN, offers }, now);

describe('reading a stored memory', () => {
  it('turns anything that is not a version-2 memory into an empty one', () => {
    const stored: unknown[] = [
      undefined,
      null,
      0,
      42,
      '',
      'memory',
      true,
      [],
      [1, 2, 3],
      {},
      { version: 1, lastCutAt: NOW, rivals: { 'm-A': { answers: [NOW] } } },
      { version: '2', lastCheck: null },
      // The first demper's per-city state.
      {
        recentRounds: [{ at: NOW, ourPrice: 1_099, leaderMerchantId: 'm-A', leaderPrice: 1_098 }],
        lastCutAt: '2026-11-30T10:00:00.000Z',
      },
    ];
    for (const value of stored) expect(readMemory(value), JSON.stringify(value)).toEqual(emptyMemory());
  });

  it('reads back what decide stored, through JSON, unchanged', () => {
    const market = new Market(base, 960, [
      seller(offer('Bot', 950), naiveBot(930)),
      seller(offer('Alma Market', 1_300)),
    ]);
    market.run(4);
    const stored = JSON.parse(JSON.stringify(market.memory)) as unknown;
    expect(readMemory(stored)).toEqual(market.memory);
    expect(market.memory).toMatchObject({ version: 2, lastDirection: 'up', probe: null });
  });

  it('drops what is not a number from the turnarounds', () => {
    expect(readMemory({ ...emptyMemory(), reversals: [NOW, 'soon', null, Number.NaN, NOW + 1] }).reversals).toEqual([
      NOW,
      NOW + 1,
    ]);
    expect(readMemory({ ...emptyMemory(), reversals: 'many', rivals: 'none' })).toEqual(emptyMemory());
  });

  it('a version-2 value with fields of the wrong shape (a damaged column) is read as a memory decide can use', () => {
    // Each of these makes decide throw a TypeError today (learn reads `lastCheck.rivals[…]`, `rivals[id].answers.filter`).
    const damaged: unknown[] = [
      { version: 2, lastCheck: 'x' },
      { version: 2, lastCheck: { at: NOW, ourPrice: 1_000, rivals: null } },
      { version: 2, rivals: { 'm-Tehno Trade': 'x' } },
      { version: 2, rivals: { 'm-Tehno Trade': { answers: null, lowest: 1_000, floor: null, lastSeenAt: NOW } } },
    ];
    for (const value of damaged)
      expect(() => check(value, 1_200, [offer('Tehno Trade', 1_100)], NOW), JSON.stringify(value)).not.toThrow();
  });
});

describe('answers to our cuts', () => {
  const tehno = (price: number) => [offer('Tehno Trade', price), offer('ProUnit', 1_400)];
  const answers = (memory: StrategyMemory, id = 'm-Tehno Trade') => memory.rivals[id]?.answers.length ?? 0;

  it('count only when the market shows our cut and the rival is back under us', () => {
    const cut = check(undefined, 1_200, tehno(1_100), NOW);
    expect(cut).toMatchObject({ action: 'change', price: 1_099 });
    // Our cut shows and Tehno Trade went under it: an answer.
    expect(answers(check(cut.memory, 1_099, tehno(1_098), NOW + CHECK_MS).memory)).toBe(1);
    // A tie is an answer too (we are no longer first).
    expect(answers(check(cut.memory, 1_099, tehno(1_099), NOW + CHECK_MS).memory)).toBe(1);
    // The change did not reach the storefront (it waited, or Kaspi refused it): nothing was answered.
    expect(answers(check(cut.memory, 1_200, tehno(1_098), NOW + CHECK_MS).memory)).toBe(0);
    // It stayed above our cut: no answer.
    expect(answers(check(cut.memory, 1_099, tehno(1_100), NOW + CHECK_MS).memory)).toBe(0);
  });

  it('do not count for a rival we did not cut under, nor after a raise', () => {
    // We cut to just under Alma Market; Sulpak Store was already under us, under our floor.
    const offers = [offer('Sulpak Store', 850), offer('Alma Market', 1_300)];
    const cut = check(undefined, 1_400, offers, NOW);
    expect(cut).toMatchObject({ price: 1_299, reason: 'unreachable_first' });
    expect(answers(check(cut.memory, 1_299, offers, NOW + CHECK_MS).memory, 'm-Sulpak Store')).toBe(0);
    // We raised toward Tehno Trade: a rival under us now has not answered anything.
    const raise = check(undefined, 1_000, tehno(1_100), NOW);
    expect(raise).toMatchObject({ price: 1_099, reason: 'raise_to_gap' });
    expect(answers(check(raise.memory, 1_099, tehno(1_050), NOW + CHECK_MS).memory)).toBe(0);
  });

  it('two within an hour make a bot; older ones are forgotten', () => {
    const market = new Market(base, 960, [seller(offer('Bot', 950), naiveBot(800))]);
    market.run(3);
    const bot = market.memory!.rivals['m-Bot']!;
    expect(bot.answers).toEqual([NOW + CHECK_MS, NOW + 2 * CHECK_MS]);
    expect(isBot(bot, NOW + 2 * CHECK_MS)).toBe(true);
    expect(isBot(bot, NOW + CHECK_MS + BOT_WINDOW_MS + 1)).toBe(false);
    // learn drops them from the memory too once they leave the hour.
    const later = learn(market.memory!, market.ourPrice, [offer('Bot', 1_000)], NOW + 2 * CHECK_MS + BOT_WINDOW_MS + 1);
    expect(later.rivals['m-Bot']!.answers).toEqual([]);
  });
});

describe('a bot’s floor', () => {
  it('is where it stopped, above us, after coming down in answer to our cut', () => {
    const market = new Market(base, 960, [seller(offer('Bot', 950), naiveBot(930))]);
    market.run(3); // two answers, then our probe at 900
    expect(market.memory!.rivals['m-Bot']!.floor).toBeNull();
    expect(market.price('Bot')).toBe(930);
    expect(market.check().memory.rivals['m-Bot']!.floor).toBe(930);
  });

  it('is where it held for two checks while we sat under it during a probe', () => {
    const market = new Market(base, 960, [seller(offer('Bot', 950), script(950, 948, 946, 946, 946))]);
    market.run(3);
    expect(market.check()).toMatchObject({ action: 'hold', reason: 'price_war_probe' }); // one check: not yet
    const settle = market.check();
    expect(settle.memory.rivals['m-Bot']!.floor).toBe(946);
    expect(settle).toMatchObject({ price: 945, reason: 'price_war_end' });
  });

  it('is not inferred for a seller that is not a bot', () => {
    // ProUnit came down after our cut and stopped above us, but it never answered a cut: a seller, not a bot.
    const cut = check(undefined, 1_200, [offer('Tehno Trade', 1_100), offer('ProUnit', 1_300)], NOW);
    const next = check(cut.memory, 1_099, [offer('Tehno Trade', 1_100), offer('ProUnit', 1_200)], NOW + CHECK_MS);
    expect(next.memory.rivals['m-ProUnit']).toMatchObject({ floor: null, answers: [], lowest: 1_200 });
  });

  it('is dropped when the bot is seen lower than it', () => {
    const market = new Market(base, 960, [seller(offer('Bot', 950), naiveBot(930))]);
    market.run(4);
    expect(market.memory!.rivals['m-Bot']!.floor).toBe(930);
    const lower = check(market.memory, market.ourPrice, [offer('Bot', 925)], market.now);
    expect(lower.memory.rivals['m-Bot']!.floor).toBeNull();
    expect(lower.memory.rivals['m-Bot']!.lowest).toBe(925);
  });
});

describe('what else one check leaves', () => {
  it('keeps a rival out of sight for a day, then forgets it; the stored JSON stays small', () => {
    const seen = check(undefined, 1_200, [offer('Tehno Trade', 1_100), offer('ProUnit', 1_300)], NOW).memory;
    const away = learn(seen, 1_099, [offer('ProUnit', 1_300)], NOW + 23 * 60 * MIN);
    expect(Object.keys(away.rivals).sort()).toEqual(['m-ProUnit', 'm-Tehno Trade']);
    expect(Object.keys(learn(seen, 1_099, [offer('ProUnit', 1_300)], NOW + 24 * 60 * MIN).rivals)).toEqual([
      'm-ProUnit',
    ]);
    const crowd = Array.from({ length: 40 }, (_, i) => offer(`Seller ${i}`, 1_000 + i));
    const memory = check(undefined, 1_200, crowd, NOW).memory;
    expect(Object.keys(memory.rivals)).toHaveLength(12);
    expect(Object.keys(memory.lastCheck!.rivals)).toHaveLength(12);
    expect(JSON.stringify(memory).length).toBeLessThan(3_000);
  });

  it('records counted rivals only: not our stores; a filtered seller at what a buyer weighs it (its price + 10 %)', () => {
    const offers = [
      offer('Наш второй магазин', 950, { merchantId: OWN[1]! }),
      offer('Astana Express', 960, { intercity: true }),
      offer('Tehno Trade', 1_100),
    ];
    const memory = check(undefined, 1_200, offers, NOW).memory;
    expect(memory.lastCheck).toEqual({
      at: NOW,
      ourPrice: 1_200,
      rivals: { 'm-Astana Express': 1_056, 'm-Tehno Trade': 1_100 },
    });
    expect(Object.keys(memory.rivals).sort()).toEqual(['m-Astana Express', 'm-Tehno Trade']);
  });

  it('remembers the last move, cuts and turnarounds: a hold changes only the last check', () => {
    const rivals = [offer('Tehno Trade', 1_100)];
    const down = remember(emptyMemory(), 1_200, 1_099, rivals, NOW);
    expect(down).toMatchObject({
      lastMove: { at: NOW, from: 1_200, to: 1_099 },
      lastCutAt: NOW,
      lastDirection: 'down',
      reversals: [],
    });
    const up = remember(down, 1_099, 1_199, rivals, NOW + CHECK_MS);
    expect(up).toMatchObject({
      lastMove: { from: 1_099, to: 1_199 },
      lastCutAt: NOW,
      lastDirection: 'up',
      reversals: [NOW + CHECK_MS],
    });
    const held = remember(up, 1_199, 1_199, rivals, NOW + 2 * CHECK_MS);
    expect(held).toEqual({
      ...up,
      lastCheck: { at: NOW + 2 * CHECK_MS, ourPrice: 1_199, rivals: { 'm-Tehno Trade': 1_100 } },
    });
    // Turnarounds older than an hour leave at the next check.
    expect(learn(up, 1_199, rivals, NOW + CHECK_MS + 60 * MIN + 1).reversals).toEqual([]);
  });

  it('tells the cheapest counted rival at the last check, from whatever is stored', () => {
    // The other-city seller at 900 weighs 990 for a buyer.
    const memory = check(
      undefined,
      1_200,
      [offer('ProUnit', 1_300), offer('Tehno Trade', 1_100), offer('Astana Express', 900, { intercity: true })],
      NOW,
    ).memory;
    expect(cheapestAtLastCheck(JSON.parse(JSON.stringify(memory)))).toBe(990);
    expect(cheapestAtLastCheck(check(undefined, 1_200, [], NOW).memory)).toBeNull();
    for (const stored of [undefined, null, 'x', {}, { version: 1 }]) expect(cheapestAtLastCheck(stored)).toBeNull();
  });

  it('an invalid setting still leaves a memory of what was seen', () => {
    const decision = decide(
      settingsWith({ minPrice: 5 }),
      undefined,
      { ourPrice: 1_200, ownMerchantIds: OWN, offers: [offer('Tehno Trade', 1_100)] },
      NOW,
    );
    expect(decision.reason).toBe('invalid_settings');
    expect(decision.memory).toMatchObject({ lastCheck: { at: NOW, ourPrice: 1_200 }, lastMove: null });
  });
});
