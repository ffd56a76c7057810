import { Composer, InlineKeyboard } from 'grammy';

import type { SyncSummary } from '../../catalog/sync.js';
import type { Store } from '../../db/entities/index.js';
import { isKaspiError, KaspiSessionExpiredError, sellerMessageOf } from '../../kaspi/errors.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { html } from '../replies/format.js';
import { reloginKeyboard } from '../replies/kaspi-errors.js';
import { activeStore, ownStore, refuse } from '../guards/ownership.js';
import { countsSentence } from '../replies/counts.js';
import { replyNoStore } from '../replies/no-store.js';

/** Telegram allows about one edit per second per chat; progress is shown no more often than this. */
const PROGRESS_EVERY_MS = 1_500;

/** The sync runs in the background within the store's Kaspi budget, and re-arms the «session expired» notice. */
type SyncFeatureDeps = Pick<BotDeps, 'background' | 'limiter' | 'catalog' | 'expiryNotices'>;

/** `/sync`: one message, edited with live progress, ending with what changed. Runs in the background. */
export function createSyncFeature(deps: SyncFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('sync', async (ctx) => {
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    await startSync(ctx, deps, store);
  });

  feature.callbackQuery(actionPattern(ACTIONS.sync), async (ctx) => {
    const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!store) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await startSync(ctx, deps, store);
  });
  return feature;
}

async function startSync(ctx: BotContext, deps: SyncFeatureDeps, store: Store): Promise<void> {
  const key = `sync:${store.id}`;
  if (deps.background.isRunning(key)) return void (await ctx.reply(ctx.t('sync-already-running')));
  const wait = await deps.limiter.take(ctx.seller.id, 'sync', store.id); // each store has its own Kaspi budget
  if (wait > 0) return void (await ctx.reply(ctx.t('slow-down', { seconds: Math.ceil(wait / 1000) })));
  const message = await ctx.reply(ctx.t('sync-started', { store: html(store.name) }));
  const chatId = message.chat.id;
  const t = ctx.t.bind(ctx);
  const edit = (text: string, keyboard?: InlineKeyboard) =>
    ctx.api.editMessageText(chatId, message.message_id, text, { reply_markup: keyboard }).catch((error: unknown) => {
      ctx.logger.warn({ err: error }, 'could not edit the sync message');
    });
  deps.background.start(key, async () => {
    let lastEdit = Date.now();
    let pendingEdit: Promise<unknown> = Promise.resolve();
    try {
      const summary = await deps.catalog.sync(store.id, (progress) => {
        if (Date.now() - lastEdit < PROGRESS_EVERY_MS || progress.total === 0) return;
        lastEdit = Date.now();
        pendingEdit = pendingEdit.then(() =>
          edit(t('sync-progress', { store: html(store.name), fetched: progress.fetched, total: progress.total })),
        );
      });
      await pendingEdit;
      const done = t('sync-done', {
        store: html(store.name),
        total: summary.total,
        details:
          countsSentence(t, [
            ['sync-done-added', summary.added],
            ['sync-done-changed', summary.changed],
            ['sync-done-removed', summary.removed],
          ]) ?? t('sync-done-nothing'),
      });
      await edit(
        [done, ...syncWarnings(t, summary)].join('\n'),
        new InlineKeyboard().text(t('button-products'), callbackData(ACTIONS.list, 0)),
      );
    } catch (error) {
      await pendingEdit;
      if (error instanceof KaspiSessionExpiredError) {
        await edit(t('kaspi-error-session-expired'), reloginKeyboard({ t }, store.id));
        await deps.expiryNotices.due(store.id);
      } else if (isKaspiError(error)) {
        const { key: messageKey, variables } = sellerMessageOf(error, true);
        // A retry button: the seller is not left to find /sync again (the per-store spacing still applies).
        await edit(
          t('sync-failed', { reason: t(messageKey, variables) }),
          new InlineKeyboard().text(t('button-sync-retry'), callbackData(ACTIONS.sync, store.id)),
        );
      } else {
        await edit(t('error-generic'));
        throw error;
      }
    }
  });
}

/** What the seller should know about a sync that read less than all: one line each, never one per product. */
function syncWarnings(t: BotContext['t'], summary: SyncSummary): string[] {
  const lines: string[] = [];
  for (const change of summary.formatChanges)
    lines.push(t('sync-warning-format', { field: html(change.field), missing: change.missing, of: change.of }));
  const gap = summary.incomplete;
  if (gap?.reason === 'short') lines.push(t('sync-warning-short', { read: gap.read, total: gap.total ?? 0 }));
  else if (gap?.reason === 'no-total') lines.push(t('sync-warning-no-total'));
  else if (gap?.reason === 'unidentified') lines.push(t('sync-warning-unidentified', { count: gap.unidentified ?? 0 }));
  if (summary.skipped > 0) lines.push(t('sync-warning-skipped', { count: summary.skipped }));
  if (summary.unpriced > 0) lines.push(t('sync-warning-unpriced', { count: summary.unpriced }));
  return lines;
}
