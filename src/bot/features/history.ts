import { Composer, InputFile } from 'grammy';

import { cityLabel } from '../../catalog/city-prices.js';
import type { PriceChange, Product } from '../../db/entities/index.js';
import { explainRecorded } from '../../demper/reasons.js';
import type { Locale } from '../../i18n.js';
import { ACTIONS, actionPattern, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { cityPricesLabel } from '../replies/city-price-label.js';
import { formatPrice, html, truncate, zonedFormat } from '../replies/format.js';
import { activeStore, ownProduct, refuse } from '../guards/ownership.js';
import { lookUpProduct, pickedProduct, pickPattern } from '../flows/product-lookup.js';
import { historyChart } from './history-chart.js';
import { replyNoStore } from '../replies/no-store.js';

const SHOWN = 12;

/** The product's recorded price changes and market checks, and i18n to explain a change's reason. */
type HistoryFeatureDeps = Pick<BotDeps, 'history' | 'i18n'>;

/** `/history <name or SKU>` and «История» on a card: each change with its reason, and a chart of us vs the cheapest rival. */
export function createHistoryFeature(deps: HistoryFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('history', async (ctx) => {
    const query = ctx.match.trim();
    if (!query) return void (await ctx.reply(ctx.t('history-usage')));
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    const product = await lookUpProduct(ctx, store, query, 'history');
    if (product) await showHistory(ctx, deps, product);
  });

  feature.callbackQuery(pickPattern('history'), async (ctx) => {
    const picked = await pickedProduct(ctx, 'history');
    if (picked) await showHistory(ctx, deps, picked.product);
  });

  feature.callbackQuery(actionPattern(ACTIONS.history), async (ctx) => {
    const product = await ownProduct(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!product) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await showHistory(ctx, deps, product);
  });
  return feature;
}

/** The reason in the language the seller reads now (it was recorded in Russian when the change was made). */
function reasonIn(ctx: BotContext, deps: HistoryFeatureDeps, change: PriceChange): string {
  if (change.reasonDetails && change.source === 'demper')
    return explainRecorded(deps.i18n, ctx.seller.language as Locale, {
      ...change,
      reasonDetails: change.reasonDetails,
    });
  // A change by hand, by file or by rollback: the source already says all there is («вручную, применено»).
  if (change.source === 'manual' || change.source === 'rollback' || change.source === 'import') return '';
  return change.reasonText;
}

async function showHistory(ctx: BotContext, deps: HistoryFeatureDeps, product: Product): Promise<void> {
  const changes = await deps.history.changesOf(product.id, 200);
  const locale = ctx.seller.language === 'en' ? 'en-GB' : 'ru-RU';
  const format = zonedFormat(locale, ctx.seller.timezone, {
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const when = (date: Date) => format.format(date);
  const points = product.store.points;
  const lines = [
    ctx.t('history-header', { title: html(truncate(product.title, 80)), price: cityPricesLabel(product, points) }),
  ];
  if (changes.length === 0) lines.push(ctx.t('history-empty'));
  for (const change of changes.slice(0, SHOWN)) {
    // Each city's price has its own history: a store selling in several cities reads which one moved.
    const cityName = change.cityId ? cityLabel(points, change.cityId) : undefined;
    const city = cityName ? `${html(cityName)}: ` : '';
    lines.push(
      city +
        ctx
          .t('history-line', {
            at: when(change.createdAt),
            old: formatPrice(change.oldPrice),
            new: formatPrice(change.newPrice),
            source: ctx.t(`history-source-${change.source}`),
            status: ctx.t(`history-status-${change.status}`),
            reason: html(truncate(reasonIn(ctx, deps, change), 160)),
          })
          .trimEnd(),
    );
  }
  await ctx.reply(lines.join('\n'));

  const chart = await historyChart(ctx, deps, product, changes);
  if (chart)
    await ctx.replyWithPhoto(new InputFile(chart.png, `history-${product.sku}.png`), { caption: chart.caption });
}
