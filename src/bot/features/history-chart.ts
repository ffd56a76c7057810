import {
  cityIdsOf,
  cityLabel,
  cityNameOf,
  floorIn,
  mainCityOf,
  priceIn,
  pricesDiffer,
} from '../../catalog/city-prices.js';
import type { PriceChange, Product } from '../../db/entities/index.js';
import { renderPriceChart, type PricePoint } from '../charts/price-chart.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The furthest back the chart looks; the window it shows may be shorter (see chartWindow). */
const CHART_DAYS = 14;
/** Latest market checks read for the rival's line (runs of one price collapse, so this stays cheap to draw). */
const CHECKS_READ = 2_000;

export interface HistoryChart {
  png: Buffer;
  caption: string;
}

/**
 * The `/history` chart of a product: our price in each city where the prices differ (else in the main city),
 * the cheapest rival and the floor in the main city, each applied change marked. Undefined when nothing was
 * recorded in the last fortnight.
 */
export async function historyChart(
  ctx: BotContext,
  deps: Pick<BotDeps, 'history'>,
  product: Product,
  changes: readonly PriceChange[],
): Promise<HistoryChart | undefined> {
  const points = product.store.points;
  const mainCity = mainCityOf(product, points);
  const now = new Date();
  const since = new Date(now.getTime() - CHART_DAYS * DAY_MS);
  const checks = await deps.history.snapshotsSince(product.id, since, mainCity, CHECKS_READ);
  const applied = changes
    .filter((change) => change.status === 'applied' && change.createdAt >= since)
    .map((change) => ({ change, at: change.settledAt ?? change.createdAt }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const severalCities = pricesDiffer(product, points);
  const cities: (string | undefined)[] = severalCities ? cityIdsOf(product, points) : [mainCity];
  // A change without a city predates prices per city: it moved the one price, the main city's.
  const inCity = (change: PriceChange, city: string | undefined) =>
    !city || (change.cityId ?? mainCity) === city || (!severalCities && !change.cityId);
  const shown = applied.filter(({ change }) => cities.some((city) => inCity(change, city)));
  if (shown.length === 0 && checks.length === 0) return undefined;

  const firstAt = Math.min(shown[0]?.at.getTime() ?? Infinity, checks[0]?.takenAt.getTime() ?? Infinity);
  const start = new Date(Number.isFinite(firstAt) ? firstAt : now.getTime());
  const ours = cities.map((city) => {
    const own = shown.filter(({ change }) => inCity(change, city));
    // The line starts from the price before the first change, so the chart shows where we came from.
    const line: PricePoint[] = [{ at: start, price: own[0]?.change.oldPrice ?? priceIn(product, city) }];
    for (const { change, at } of own) line.push({ at, price: change.newPrice });
    const label =
      severalCities && city
        ? ctx.t('history-chart-ours-city', { city: cityNameOf(points, city) })
        : ctx.t('history-chart-ours');
    return { label, points: line };
  });
  const rival = checks
    .filter((check) => typeof check.cheapestRivalPrice === 'number')
    .map((check) => ({ at: check.takenAt, price: check.cheapestRivalPrice! }));
  const chart = renderPriceChart({
    ours,
    rival,
    floor: floorIn(product, mainCity),
    marks: shown.map(({ change, at }) => ({
      at,
      price: change.newPrice,
      byDemper: change.source === 'demper',
      raised: change.newPrice > change.oldPrice,
    })),
    labels: {
      rival: ctx.t('history-chart-rival'),
      floor: ctx.t('history-chart-floor'),
      demperChanges: ctx.t('history-chart-changes-demper'),
      otherChanges: ctx.t('history-chart-changes-other'),
    },
    now,
    timeZone: ctx.seller.timezone,
  });

  const span = chart.window.end - chart.window.start;
  const period =
    span < 2 * DAY_MS
      ? ctx.t('history-chart-hours', { hours: Math.ceil(span / HOUR_MS) })
      : ctx.t('history-chart-days', { days: Math.ceil(span / DAY_MS) });
  // The rival and the floor are the main city's; a store in several cities reads which one that is.
  const mainCityName = mainCity ? cityLabel(points, mainCity) : undefined;
  const caption =
    ctx.t(severalCities ? 'history-chart-caption-cities' : 'history-chart-caption', { period }) +
    (mainCityName ? ` · ${mainCityName}` : '');
  return { png: chart.png, caption };
}
