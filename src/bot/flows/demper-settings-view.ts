import { InlineKeyboard } from 'grammy';

import { cityNameOf } from '../../catalog/city-prices.js';
import type { Product, Store } from '../../db/entities/index.js';
import { FLOOR_PERCENTS, STEP_PRESETS, STRATEGY_PRESETS, strategyCode } from '../../demper/settings-values.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { productDemperReply, type SavedSettings } from './product-demper-settings.js';
import { formatPrice, html } from '../replies/format.js';
import { buttonBudget, fitLabel } from '../replies/keyboard-budget.js';

// A product's demper settings as buttons: one message, edited in place after each tap, that always shows the
// values as they are now. Every button is `dt:<productId>:<op>[:<value>[:<cityId>]]`; the feature checks each
// press against the sender's products and the store's cities before acting.

/** What a tap does (the `op` of its button). */
export const TAP = {
  view: 'v',
  on: 'on',
  off: 'off',
  strategyMenu: 'sm',
  strategy: 's',
  floor: 'f',
  floorEnter: 'fe',
  stepMenu: 'tm',
  step: 't',
  stepEnter: 'te',
  cityMenu: 'cm',
  cityReset: 'cr',
  walk: 'w',
  // The demper-setup conversation's own buttons: outside it they are outdated.
  skip: 'sk',
  noCeiling: 'nm',
  enableNow: 'y',
  notNow: 'n',
} as const;

export type TapScreen = 'main' | 'strategy' | 'step' | 'city';

export function tapData(productId: number, op: string, value: string | number = '', cityId = ''): string {
  return cityId
    ? callbackData(ACTIONS.demperTap, productId, op, value, cityId)
    : value !== ''
      ? callbackData(ACTIONS.demperTap, productId, op, value)
      : callbackData(ACTIONS.demperTap, productId, op);
}

/** The store's cities, each once, in the order of its points. */
export function citiesOf(store: Store): string[] {
  return [...new Set(store.points.map((point) => point.cityId))];
}

/** The view's text and buttons for `screen`; `cityId`: the floor and step buttons set that city's own. */
export function demperSettingsView(
  ctx: BotContext,
  product: Product & { store: Store },
  screen: TapScreen,
  cityId?: string,
  saved?: Pick<SavedSettings, 'change' | 'enabledNow'>,
): { text: string; keyboard: InlineKeyboard } {
  const reply = productDemperReply(ctx, product, saved);
  const lines = [reply.text];
  if (cityId) lines.push('', cityLine(ctx, product, cityId));
  const question = {
    main: undefined,
    strategy: 'demper-tap-strategy-ask',
    step: 'demper-tap-step-ask',
    city: 'demper-tap-city-ask',
  }[screen];
  lines.push('', question ? ctx.t(question) : ctx.t('demper-tap-hint', { sku: html(product.sku) }));
  const keyboard = new InlineKeyboard();
  if (reply.storeButton && screen === 'main') keyboard.text(reply.storeButton.text, reply.storeButton.data).row();
  const id = product.id;
  const city = cityId ?? '';
  const back = () => keyboard.text(ctx.t('button-tap-back'), tapData(id, TAP.view, '', city));
  if (screen === 'strategy') {
    const current = strategyCode(product.strategy, product.targetPlace);
    Object.keys(STRATEGY_PRESETS).forEach((code, index) => {
      const label = ctx.t(`button-tap-strategy-${code}`);
      keyboard.text(
        fit(code === current ? `✓ ${label.replace(/^\S+\s/u, '')}` : label),
        tapData(id, TAP.strategy, code),
      );
      if (index % 2 === 1) keyboard.row();
    });
    back();
  } else if (screen === 'step') {
    // A city's own step is in tenge: no percent button there.
    STEP_PRESETS.filter((code) => !(cityId && code.endsWith('p'))).forEach((code, index) => {
      const label = code.endsWith('p') ? `${code.slice(0, -1)} %` : formatPrice(Number(code));
      keyboard.text(label, tapData(id, TAP.step, code, city));
      if (index % 2 === 1) keyboard.row();
    });
    keyboard.text(ctx.t('button-tap-step-enter'), tapData(id, TAP.stepEnter, '', city));
    back();
  } else if (screen === 'city') {
    citiesOf(product.store).forEach((each, index) => {
      keyboard.text(fit(cityNameOf(product.store.points, each)), tapData(id, TAP.view, '', each));
      if (index % 2 === 1) keyboard.row();
    });
    keyboard.row().text(ctx.t('button-tap-all-cities'), tapData(id, TAP.view)).row();
    keyboard.text(ctx.t('button-tap-back'), tapData(id, TAP.view));
  } else {
    if (!cityId)
      keyboard
        .text(
          ctx.t(product.demperEnabled ? 'button-tap-off' : 'button-tap-on'),
          tapData(id, product.demperEnabled ? TAP.off : TAP.on),
        )
        .text(ctx.t('button-tap-strategy'), tapData(id, TAP.strategyMenu))
        .row();
    for (const percent of FLOOR_PERCENTS)
      keyboard.text(ctx.t('button-tap-floor', { percent }), tapData(id, TAP.floor, percent, city));
    keyboard
      .row()
      .text(ctx.t('button-tap-floor-enter'), tapData(id, TAP.floorEnter, '', city))
      .text(ctx.t('button-tap-step'), tapData(id, TAP.stepMenu, '', city))
      .row();
    const several = citiesOf(product.store).length > 1;
    if (cityId)
      keyboard
        .text(ctx.t('button-tap-city-reset'), tapData(id, TAP.cityReset, '', city))
        .text(ctx.t('button-tap-all-cities'), tapData(id, TAP.view))
        .row();
    else {
      if (several) keyboard.text(ctx.t('button-tap-city'), tapData(id, TAP.cityMenu));
      keyboard.text(ctx.t('button-tap-walk'), tapData(id, TAP.walk)).row();
    }
    keyboard
      .text(ctx.t('button-tap-text'), callbackData(ACTIONS.demperProduct, id))
      .text(ctx.t('button-back-to-card'), callbackData(ACTIONS.product, id));
  }
  return { text: lines.join('\n'), keyboard };
}

/** «🏙 Астана: мин. 310 000 ₸, макс. —, шаг 1 ₸» — what applies in that city, its own values or the product's. */
function cityLine(ctx: BotContext, product: Product & { store: Store }, cityId: string): string {
  const own = product.cityOverrides?.[cityId] ?? {};
  const min = own.minPrice ?? product.minPrice;
  const max = own.maxPrice !== undefined ? own.maxPrice : product.maxPrice;
  const step =
    own.step !== undefined
      ? formatPrice(own.step)
      : product.stepIsPercent
        ? `${product.step}%`
        : formatPrice(product.step);
  return ctx.t('demper-tap-city', {
    city: html(cityNameOf(product.store.points, cityId)),
    min: min ? formatPrice(min) : '—',
    max: max ? formatPrice(max) : '—',
    step,
  });
}

/** A label that fits half a phone's width (two buttons share each row of these menus), measured as a phone draws it. */
function fit(label: string): string {
  return fitLabel(label, buttonBudget(2));
}
