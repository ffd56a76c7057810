import type { MikroORM } from '@mikro-orm/postgresql';

import type { OfferActions } from '../catalog/offer-actions.js';
import { ProductSchema } from '../db/entities/index.js';
import { applySettings, settingsProblem, type DemperSettingsChange } from '../demper/settings-input.js';
import { staggeredFirstCheck } from '../demper/due.js';
import { STAGGER_ABOVE } from '../demper/store-switch.js';
import type { Logger } from '../logger.js';
import type { PreorderService } from '../preorders/service.js';
import type { ImportChange } from './products-import.js';

export interface ImportSummary {
  settings: number;
  settingsRefused: number;
  availability: { sent: number; unchanged: number; deferred: number; skipped: number };
  prices: { sent: number; unchanged: number; deferred: number; failed: number };
  preorders: { sent: number; other: number };
  /** What Kaspi took and is yet to show: read back, so our copy of each offer moves once Kaspi shows it. */
  sent: {
    availability: { productIds: number[]; available: boolean }[];
    prices: { productId: number; changeIds: number[]; newPrice: number }[];
  };
  /** Products whose demper this import switched on, and over how long their first checks are spread (0: the next tick). */
  demper: { switchedOn: number; spreadSeconds: number };
}

/**
 * Applies a confirmed import through the same services as manual edits. Demper settings go in one database
 * transaction (all or none); Kaspi writes are recorded (source `import`) and batched within Kaspi's limits —
 * whatever Kaspi's budget defers is reported, never silently dropped.
 */
export async function applyImport(
  services: { orm: MikroORM; offers: OfferActions; preorders: PreorderService; logger: Logger },
  storeId: number,
  changes: ImportChange[],
  reasonText: string,
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    settings: 0,
    settingsRefused: 0,
    availability: { sent: 0, unchanged: 0, deferred: 0, skipped: 0 },
    prices: { sent: 0, unchanged: 0, deferred: 0, failed: 0 },
    preorders: { sent: 0, other: 0 },
    demper: { switchedOn: 0, spreadSeconds: 0 },
    sent: { availability: [], prices: [] },
  };
  const now = new Date();
  // A few products switched on are looked at on the next tick, as from the chat; hundreds at once must not hit
  // the storefront in one burst, so their first checks spread over one interval.
  const stagger = changes.filter((change) => change.demperEnabled === true).length > STAGGER_ABOVE;
  await services.orm.em.fork().transactional(async (em) => {
    for (const change of changes) {
      const settings: DemperSettingsChange = {};
      if (change.minPrice !== undefined) settings.minPrice = change.minPrice;
      if (change.maxPrice !== undefined) settings.maxPrice = change.maxPrice;
      if (change.step) Object.assign(settings, { step: change.step.value, stepIsPercent: change.step.percent });
      if (change.strategy)
        Object.assign(settings, { strategy: change.strategy.strategy, targetPlace: change.strategy.place });
      if (change.demperEnabled !== undefined) settings.enabled = change.demperEnabled;
      if (Object.keys(settings).length === 0 && !change.cityMins) continue;
      const product = await em.findOne(ProductSchema, { id: change.productId, store: storeId });
      const cityProblem = change.cityMins?.some(
        (city) => product && settingsProblem(product, { minPrice: city.minPrice }, city.cityId),
      );
      if (!product || settingsProblem(product, settings) || cityProblem) {
        summary.settingsRefused++;
        continue;
      }
      const enabling = settings.enabled === true && !product.demperEnabled;
      applySettings(product, settings, now);
      for (const city of change.cityMins ?? []) applySettings(product, { minPrice: city.minPrice }, now, city.cityId);
      if (enabling) {
        summary.demper.switchedOn++;
        if (stagger) {
          product.nextCheckAt = staggeredFirstCheck(product.id, product.checkIntervalSeconds, now);
          summary.demper.spreadSeconds = Math.max(summary.demper.spreadSeconds, product.checkIntervalSeconds);
        }
      }
      summary.settings++;
    }
  });

  for (const available of [false, true]) {
    const ids = changes.filter((change) => change.onSale === available).map((change) => change.productId);
    if (ids.length === 0) continue;
    const result = await services.offers.setAvailability(storeId, ids, available);
    summary.availability.sent += result.sent.length;
    if (result.sent.length)
      summary.sent.availability.push({ productIds: result.sent.map((product) => product.id), available });
    summary.availability.unchanged += result.unchanged.length;
    summary.availability.deferred += result.deferred.length;
    summary.availability.skipped += result.skipped.length;
  }

  const prices = changes.flatMap((change) => [
    ...(change.price ? [{ productId: change.productId, price: change.price.to }] : []),
    ...(change.cityPrices ?? []).map((city) => ({ productId: change.productId, price: city.to, cityId: city.cityId })),
  ]);
  if (prices.length) {
    const result = await services.offers.setPrices(storeId, prices, { source: 'import', reasonText });
    summary.prices = {
      sent: result.sent.length,
      unchanged: result.unchanged.length,
      deferred: result.deferred.length,
      failed: result.failed.length,
    };
    for (const sent of result.sentChanges) {
      const asked = prices.find((item) => item.productId === sent.productId)!;
      summary.sent.prices.push({ ...sent, newPrice: asked.price });
    }
  }

  const preorderIds: number[] = [];
  for (const change of changes.filter((candidate) => candidate.preorder)) {
    const planned = await services.preorders.plan(storeId, change.productId, change.preorder!);
    if (planned.ok) preorderIds.push(planned.preorder.id);
    else summary.preorders.other++;
  }
  if (preorderIds.length) {
    const outcomes = await services.preorders.uploadViaPricefeed(storeId, preorderIds);
    summary.preorders.sent += outcomes.filter(
      (outcome) => outcome.result === 'sent' || outcome.result === 'unchanged',
    ).length;
    summary.preorders.other += outcomes.filter(
      (outcome) => outcome.result !== 'sent' && outcome.result !== 'unchanged',
    ).length;
  }
  const { sent: _sent, ...counts } = summary;
  services.logger.info({ storeId, changes: changes.length, ...counts }, 'Excel import applied');
  return summary;
}
