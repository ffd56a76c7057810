import type { Conversation } from '@grammyjs/conversations';
import { InlineKeyboard } from 'grammy';

import { ACTIONS, callbackData } from '../src/bot/callback-data.js';
import type { BotContext, ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { formatPrice, html, truncate } from '../src/bot/replies/format.js';
import { priceJump } from '../src/bot/flows/price-jump.js';
import { importDemperNote } from '../src/bot/replies/demper-store.js';
import { importDoneText } from '../src/bot/replies/import-done.js';
import { pointLabel } from '../src/catalog/point-label.js';
import { applyImport } from '../src/excel/import-apply.js';
import { MAX_IMPORT_BYTES, planImport, type ImportChange } from '../src/excel/products-import.js';
import { LOCALES } from '../src/i18n.js';
import { isKaspiError, sellerMessageOf } from '../src/kaspi/errors.js';
import { KASPI_MIN_PRICE } from '../src/kaspi/offer-writes.js';
import { readBackPreorders } from '../src/bot/flows/preorder-read-back.js';
import { readBackBatch } from '../src/bot/flows/offer-read-back.js';
import { remind } from './common.js';

const CANCEL = callbackData(ACTIONS.cancel);
const APPLY = callbackData(ACTIONS.save);
const SHOWN_CHANGES = 10;
const SHOWN_ERRORS = 15;

export interface IncomingFile {
  fileId: string;
  fileName: string;
  fileSize: number;
}

/**
 * `/import`: the seller sends the edited workbook → every row validated → a preview of what changes and which
 * rows are wrong → «Применить» → applied through the same services as manual edits, recorded as `import`.
 */
export function excelImportConversation(deps: BotDeps) {
  return async function excelImport(
    conversation: Conversation<BotContext, ConversationContext>,
    ctx: ConversationContext,
    incoming: IncomingFile | null,
  ): Promise<void> {
    let file = incoming;
    if (!file) {
      await ctx.reply(ctx.t('import-ask-file'), {
        reply_markup: new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL),
      });
      const answer = await conversation.waitUntil(
        (update) => Boolean(update.message?.document) || update.callbackQuery?.data === CANCEL,
        {
          otherwise: remind('import-ask-file'),
        },
      );
      if (answer.callbackQuery) {
        await answer.answerCallbackQuery();
        return void (await answer.reply(answer.t('cancelled')));
      }
      const document = answer.message!.document!;
      file = { fileId: document.file_id, fileName: document.file_name ?? '', fileSize: document.file_size ?? 0 };
    }
    for (;;) {
      const chosen: IncomingFile = file;
      if (!/\.xlsx$/i.test(chosen.fileName)) return void (await ctx.reply(ctx.t('import-not-xlsx')));
      if (chosen.fileSize > MAX_IMPORT_BYTES)
        return void (await ctx.reply(ctx.t('import-too-big', { mb: MAX_IMPORT_BYTES / 1024 / 1024 })));
      await ctx.replyWithChatAction('typing').catch(() => undefined);

      const planned = await conversation.external(async (outer) => {
        const store = await deps.stores.activeStoreOf(outer.seller);
        if (!store) return { ok: false as const, key: 'no-store', variables: {} };
        const telegramFile = await outer.api.getFile(chosen.fileId);
        if (!telegramFile.file_path) return { ok: false as const, key: 'import-broken', variables: {} };
        const response = await fetch(
          `${deps.config.telegramApiRoot}/file/bot${outer.api.token}/${telegramFile.file_path}`,
        );
        if (!response.ok) return { ok: false as const, key: 'import-broken', variables: {} };
        const data = Buffer.from(await response.arrayBuffer());
        const products = await deps.products.liveProductsOf(store.id);
        const translators = LOCALES.map(
          (locale) => (key: string, variables?: Record<string, string | number>) => deps.i18n.t(locale, key, variables),
        );
        const plan = await planImport(data, translators, store.merchantUid, store.points, products, (since) =>
          deps.history.pricesBeforeChangesSince(store.id, since),
        );
        // Points for the preview as the seller knows them («Алматы, ТЦ Mega: 3 дн.»): the plan names Kaspi ids.
        const pointCodes = Object.fromEntries(
          store.points.map((point) => [point.storeId, pointLabel(point, store.points)]),
        );
        const cityNames = Object.fromEntries(store.points.map((point) => [point.cityId, point.cityName]));
        return plan.ok
          ? { ...plan, storeId: store.id, storeName: store.name, pointCodes, cityNames }
          : { ok: false as const, key: plan.key, variables: plan.variables ?? {} };
      });
      if (!planned.ok) return void (await ctx.reply(ctx.t(planned.key, planned.variables)));

      const count = (pick: (change: ImportChange) => unknown) =>
        planned.changes.filter((change) => pick(change) !== undefined).length;
      const lines = [
        ctx.t('import-preview', {
          store: html(planned.storeName),
          rows: planned.rows,
          changes: planned.changes.length,
          prices: planned.changes.filter((change) => change.price || change.cityPrices).length,
          onSale: count((change) => change.onSale),
          demper: planned.changes.filter(
            (change) =>
              change.minPrice !== undefined ||
              change.maxPrice !== undefined ||
              change.step ||
              change.strategy ||
              change.demperEnabled !== undefined ||
              change.cityMins,
          ).length,
          preorders: count((change) => change.preorder),
        }),
      ];
      for (const change of planned.changes.slice(0, SHOWN_CHANGES)) {
        const parts: string[] = [];
        if (change.price) {
          // A cut to less than half is marked: a missing zero in a cell costs as much as in the chat.
          const jump = priceJump(change.price.from, change.price.to);
          const cut = jump ? (jump.kind === 'drop' ? ` ⚠️ −${jump.percent} %` : ` ⚠️ ×${jump.times}`) : '';
          parts.push(`${formatPrice(change.price.from)} → ${formatPrice(change.price.to)}${cut}`);
        }
        for (const city of change.cityPrices ?? []) {
          const jump = priceJump(city.from, city.to);
          const cut = jump ? (jump.kind === 'drop' ? ` ⚠️ −${jump.percent} %` : ` ⚠️ ×${jump.times}`) : '';
          parts.push(
            `${html(planned.cityNames[city.cityId] ?? city.cityId)}: ${formatPrice(city.from)} → ${formatPrice(city.to)}${cut}`,
          );
        }
        if (change.onSale !== undefined) parts.push(ctx.t(change.onSale ? 'import-on-sale' : 'import-off-sale'));
        if (change.demperEnabled !== undefined)
          parts.push(ctx.t(change.demperEnabled ? 'import-demper-on' : 'import-demper-off'));
        // The values themselves, not «настройки демпера»: the seller confirms a floor they can read.
        const bound = (value: number | null) => (value === null ? '—' : formatPrice(value));
        if (change.minPrice !== undefined) parts.push(ctx.t('import-demper-min', { value: bound(change.minPrice) }));
        if (change.maxPrice !== undefined) parts.push(ctx.t('import-demper-max', { value: bound(change.maxPrice) }));
        for (const city of change.cityMins ?? [])
          parts.push(
            `${html(planned.cityNames[city.cityId] ?? city.cityId)}: ${ctx.t('import-demper-min', { value: bound(city.minPrice) })}`,
          );
        // A floor typed under Kaspi's 10 ₸ is 10 ₸: said where the seller confirms it.
        for (const raised of change.raisedFloors ?? []) {
          const note = ctx.t('import-floor-raised', {
            typed: formatPrice(raised.typed),
            floor: formatPrice(KASPI_MIN_PRICE),
          });
          parts.push(raised.cityId ? `${html(planned.cityNames[raised.cityId] ?? raised.cityId)}: ${note}` : note);
        }
        if (change.step)
          parts.push(
            ctx.t('import-demper-step', {
              value: change.step.percent ? `${change.step.value}%` : formatPrice(change.step.value),
            }),
          );
        if (change.strategy)
          parts.push(
            ctx.t(`demper-strategy-${change.strategy.strategy.replace(/_/g, '-')}`, { place: change.strategy.place }),
          );
        if (change.preorder) {
          const days = change.preorder.map(
            (point) =>
              `${planned.pointCodes[point.storeId] ?? point.storeId}: ${point.days > 0 ? ctx.t('preorder-days', { days: point.days }) : ctx.t('preorder-off')}`,
          );
          parts.push(ctx.t('import-preorder-days', { points: days.join(', ') }));
        }
        lines.push(`• <code>${html(change.sku)}</code> ${html(truncate(change.title, 40))}: ${parts.join(', ')}`);
      }
      if (planned.changes.length > SHOWN_CHANGES)
        lines.push(ctx.t('offers-more', { count: planned.changes.length - SHOWN_CHANGES }));
      if (planned.errors.length) {
        lines.push(ctx.t('import-errors', { count: planned.errors.length }));
        for (const error of planned.errors.slice(0, SHOWN_ERRORS)) {
          lines.push(
            ctx.t('import-error-line', {
              row: error.row,
              sku: html(String(error.variables.sku ?? '')),
              reason: html(ctx.t(error.key, error.variables)),
            }),
          );
        }
        if (planned.errors.length > SHOWN_ERRORS)
          lines.push(ctx.t('offers-more', { count: planned.errors.length - SHOWN_ERRORS }));
      }
      if (planned.changes.length === 0) {
        lines.push(ctx.t('import-nothing'));
        return void (await ctx.reply(lines.join('\n')));
      }
      await ctx.reply(lines.join('\n'), {
        reply_markup: new InlineKeyboard()
          // «Применить (240)» takes a phone's whole row.
          .text(ctx.t('button-import-apply', { count: planned.changes.length }), APPLY)
          .row()
          .text(ctx.t('button-cancel'), CANCEL),
      });
      // A newer file replaces this preview; «Применить» applies exactly what was previewed.
      const decision = await conversation.waitUntil(
        (update) =>
          update.callbackQuery?.data === APPLY ||
          update.callbackQuery?.data === CANCEL ||
          Boolean(update.message?.document),
        { otherwise: remind('import-confirm-hint') },
      );
      if (decision.message?.document) {
        const document = decision.message.document;
        file = { fileId: document.file_id, fileName: document.file_name ?? '', fileSize: document.file_size ?? 0 };
        continue;
      }
      await decision.answerCallbackQuery();
      await decision.editMessageReplyMarkup().catch(() => undefined);
      if (decision.callbackQuery!.data === CANCEL) return void (await decision.reply(decision.t('cancelled')));
      await apply(decision, planned.storeId, planned.changes);
      return;
    }

    async function apply(decision: ConversationContext, storeId: number, changes: ImportChange[]): Promise<void> {
      await decision.reply(decision.t('import-applying', { count: changes.length }));
      const applied = await conversation.external(async (outer) => {
        try {
          return {
            ok: true as const,
            summary: await applyImport({ ...deps, logger: deps.logger }, storeId, changes, outer.t('import-reason')),
          };
        } catch (error) {
          if (!isKaspiError(error)) throw error;
          const message = sellerMessageOf(error);
          return { ok: false as const, key: message.key, variables: message.variables };
        }
      });
      if (!applied.ok)
        return void (await decision.reply(
          decision.t('import-failed', { reason: decision.t(applied.key, applied.variables) }),
        ));
      const summary = applied.summary;
      // Kaspi took them but shows them later: our copy of each offer moves once it does (not before).
      await conversation.external((outer) => readBackBatch(outer, outer.deps, storeId, summary.sent));
      if (summary.preorders.sent > 0) {
        // The same read-back as «⬆️ Загрузить в Kaspi»: the plans move to «в Kaspi» once Kaspi shows them.
        // The store's open read-back, if there is one, takes these plans too.
        await conversation.external((outer) => readBackPreorders(outer, storeId, outer.chat!.id));
      }
      await decision.reply(importDoneText(decision.t.bind(decision), summary));
      if (summary.demper.switchedOn > 0) {
        // Products switched on here: the store's switch off says so (with its button), else when they are checked.
        await conversation.external(async (outer) => {
          const store = await outer.deps.stores.storeOf(outer.seller.id, storeId);
          const note = store && importDemperNote(outer, store, summary.demper.switchedOn, summary.demper.spreadSeconds);
          if (note)
            await outer.reply(note.text, {
              ...(note.keyboard ? { reply_markup: note.keyboard } : {}),
            });
        });
      }
    }
  };
}
