import { cityNameOf, findCity, priceIn } from '../../catalog/city-prices.js';
import type { Product, Store } from '../../db/entities/index.js';
import {
  applySettings,
  parseDemperSettings,
  settingsProblem,
  type DemperSettingsChange,
} from '../../demper/settings-input.js';
import { demperCitiesOf, demperSettingsOf } from '../../demper/settings.js';
import type { BotContext } from '../context.js';
import { refuse } from '../guards/ownership.js';
import { titleInCity, unknownCityText } from '../replies/city-price-label.js';
import { productFiltersLine, productNotes, storeOnButton } from '../replies/demper-store.js';
import { formatPrice, html } from '../replies/format.js';

// A product's demper settings are typed after `/demper <sku>` and in the demper-settings conversation alike:
// saving them and the reply about them sit below both.

/** A change the seller's message made: what the reply says about it (a raised floor, the first check). */
export interface SavedSettings {
  product: Product & { store: Store };
  change: DemperSettingsChange;
  /** This message switched the product's demper on. */
  enabledNow: boolean;
}

/**
 * What the seller asked for: a line of the one-line syntax (its `город=` is a name to find), or a change a button
 * or a conversation made (its city, if any, an id of one of the store's cities).
 */
export type SettingsInput = string | { change: DemperSettingsChange; cityId?: string };

/**
 * Parses, checks and saves; tells the problem (a reply unless `tell` says otherwise) and returns undefined when
 * the input is refused.
 */
export async function saveProductSettings(
  ctx: BotContext,
  productId: number,
  input: SettingsInput,
  tell: (text: string) => Promise<unknown> = (text) => ctx.reply(text),
): Promise<SavedSettings | undefined> {
  let change: DemperSettingsChange;
  if (typeof input === 'string') {
    const parsed = parseDemperSettings(input);
    if (!parsed.ok) {
      await tell(ctx.t(parsed.key, parsed.variables));
      return undefined;
    }
    change = parsed.change;
  } else change = input.change;
  const changed = await ctx.deps.products.change(ctx.seller.id, productId, async (product) => {
    // `город=Астана`: the bounds are that city's own; the city must be one the store sells in.
    let cityId: string | undefined;
    if (typeof input !== 'string' && input.cityId !== undefined) {
      cityId = product.store.points.some((point) => point.cityId === input.cityId) ? input.cityId : undefined;
      if (!cityId) return { refused: true as const };
    } else if (change.city !== undefined) {
      cityId = findCity(product.store.points, change.city);
      if (!cityId) {
        await tell(unknownCityText(ctx, product.store.points, change.city));
        return undefined;
      }
    }
    const problem = settingsProblem(product, change, cityId);
    if (problem && !problem.ok) {
      await tell(
        ctx.t(problem.key, {
          ...problem.variables,
          min: formatPrice(Number(problem.variables.min ?? 0)),
          max: formatPrice(Number(problem.variables.max ?? 0)),
        }),
      );
      return undefined;
    }
    const wasEnabled = product.demperEnabled;
    // Both switches on: the product is looked at on the next tick (applySettings), and the reply says when.
    applySettings(product, change, new Date(), cityId);
    return { wasEnabled, refused: false as const };
  });
  // A city that is not the store's comes only from a forged or outdated button: refused like another's product.
  if (!changed || changed.result?.refused) return void (await refuse(ctx));
  if (!changed.result) return undefined;
  const { product } = changed;
  const { wasEnabled } = changed.result;
  ctx.logger.info({ productId, change }, 'demper settings changed');
  await warnOfForcedMove(ctx, product);
  return { product, change, enabledNow: product.demperEnabled && !wasEnabled };
}

/**
 * A product's demper reply: its settings, the rival filters that apply, and below them what the seller must know
 * (a floor raised to Kaspi's minimum, the store's switch off — with its button — or when the first check comes).
 */
export function productDemperReply(
  ctx: BotContext,
  product: Product & { store: Store },
  saved?: Pick<SavedSettings, 'change' | 'enabledNow'>,
): { text: string; storeButton?: { text: string; data: string } } {
  const notes = productNotes(ctx, product, product.store, saved?.change, saved?.enabledNow);
  const text = [
    `${productDemperText(ctx, product)}\n${productFiltersLine(ctx, product, product.store)}`,
    ...notes.lines,
  ].join('\n');
  return { text, ...(notes.storeButton ? { storeButton: storeOnButton(ctx, product.store.id) } : {}) };
}

/**
 * A floor above today's price (or a ceiling below it) makes the running demper move the price there at its
 * next check, whatever the rivals do: said now, so the seller is not surprised by a jump they did not type.
 */
async function warnOfForcedMove(ctx: BotContext, product: Product & { store: Store }): Promise<void> {
  // Only a running demper moves anything; in trial mode it proposes the move instead of making it.
  if (!product.demperEnabled || !product.store.demperEnabled) return;
  const mode = product.store.demperDryRun ? '-dry' : '';
  const points = product.store.points;
  // Only the cities the demper decides (those where the offer is on sale) can see their price moved.
  for (const cityId of demperCitiesOf(product, points)) {
    const settings = demperSettingsOf(product, cityId);
    const cityPrice = priceIn(product, cityId);
    const variables = { title: titleInCity(product.title, points, cityId), price: formatPrice(cityPrice) };
    if (settings && cityPrice < settings.minPrice) {
      await ctx.reply(
        ctx.t(`demper-floor-above-price${mode}`, { ...variables, floor: formatPrice(settings.minPrice) }),
      );
    } else if (settings?.maxPrice !== null && settings?.maxPrice !== undefined && cityPrice > settings.maxPrice) {
      await ctx.reply(
        ctx.t(`demper-ceiling-below-price${mode}`, { ...variables, ceiling: formatPrice(settings.maxPrice) }),
      );
    }
  }
}

function productDemperText(ctx: BotContext, product: Product): string {
  const strategy = ctx.t(`demper-strategy-${product.strategy.replace(/_/g, '-')}`, { place: product.targetPlace });
  return (
    ctx.t(product.demperEnabled ? 'demper-product-on' : 'demper-product-off', {
      title: html(product.title),
      min: product.minPrice ? formatPrice(product.minPrice) : '—',
      max: product.maxPrice ? formatPrice(product.maxPrice) : '—',
      step: product.stepIsPercent ? `${product.step}%` : formatPrice(product.step),
      strategy,
      minutes: Math.round(product.checkIntervalSeconds / 60),
    }) + cityOverrideLines(ctx, product)
  );
}

/** Each city with bounds of its own, as «Астана: мин. 310 000 ₸, макс. —, шаг 1 ₸». */
function cityOverrideLines(ctx: BotContext, product: Product): string {
  const points = (product.store as Store | undefined)?.points ?? [];
  const lines = Object.entries(product.cityOverrides ?? {}).map(([cityId, override]) =>
    ctx.t('demper-city-override', {
      city: html(cityNameOf(points, cityId)),
      min: formatPrice(override.minPrice ?? product.minPrice ?? 0),
      max:
        override.maxPrice !== undefined
          ? override.maxPrice === null
            ? '—'
            : formatPrice(override.maxPrice)
          : product.maxPrice
            ? formatPrice(product.maxPrice)
            : '—',
      step:
        override.step !== undefined
          ? formatPrice(override.step)
          : product.stepIsPercent
            ? `${product.step}%`
            : formatPrice(product.step),
    }),
  );
  return lines.length ? `\n${lines.join('\n')}` : '';
}
