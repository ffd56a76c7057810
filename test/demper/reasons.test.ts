import { describe, expect, it } from 'vitest';

import { explainDecision, formatTenge } from '../../src/demper/reasons.js';
import { decide, type DecisionInput, type ReasonCode } from '../../src/demper/strategy.js';
import { createI18n, LOCALES } from '../../src/i18n.js';

const i18n = createI18n();
const CODES: ReasonCode[] = [
  'undercut_leader', 'match_leader', 'target_place', 'raise_to_gap', 'already_first', 'already_optimal', 'raise_cooldown', 'no_rivals_hold',
  'no_rivals_ceiling', 'floor_reached', 'below_floor_fix', 'above_ceiling_fix', 'max_drop_limited', 'price_war_jump', 'price_war_hold',
  'strategy_hold', 'invalid_settings',
];

describe('why this price', () => {
  it('has a line for every reason in every language', () => {
    for (const locale of LOCALES) {
      for (const reason of CODES) {
        const text = explainDecision(i18n, locale, { action: 'hold', price: 1000, reason, details: {}, leader: null, place: 1, floorReached: false, priceWar: false }, 1000);
        expect(text, `${locale} ${reason}`).not.toMatch(/demper-reason|\{|undefined/);
      }
    }
  });

  it('reads naturally in Russian', () => {
    const input: DecisionInput = {
      ourPrice: 362_500,
      ownMerchantIds: ['30067228'],
      offers: [{ merchantId: '11271005', merchantName: 'Tehno Trade', price: 361_788, rating: 4.8, reviews: 231, deliveryDuration: 'TILL_5_DAYS' }],
      settings: {
        minPrice: 300_000, maxPrice: 400_000, step: 1, stepIsPercent: false, strategy: 'first_place', targetPlace: 1, excludedMerchants: [], autoRaise: true,
        raiseCooldownMs: 0, whenAlone: 'hold', maxDropPerChange: null, priceWar: 'off', rivalFilter: { minRating: null, minReviews: null, maxDeliveryRank: null },
      },
      now: 0,
      lastCutAt: null,
      recentRounds: [],
    };
    expect(explainDecision(i18n, 'ru', decide(input), input.ourPrice)).toBe(
      `Tehno Trade продаёт за ${formatTenge(361_788)} — ставим ${formatTenge(361_787)}, на ${formatTenge(1)} дешевле, чтобы быть первыми.`,
    );
    expect(formatTenge(361_787)).toBe('361\u202f787\u00a0₸');
  });
});
