import { Composer, InlineKeyboard, InputFile } from 'grammy';

import type { Store } from '../../db/entities/index.js';
import { pointLabel as labelOf } from '../../catalog/point-label.js';
import { buildPreorderWorkbook } from '../../excel/preorder-workbook.js';
import { isKaspiError, sellerMessageOf } from '../../kaspi/errors.js';
import { preorderFailureOf, type UploadOutcome } from '../../preorders/service.js';
import { fileStatusText, uploadSummaryText } from '../replies/preorder-upload-summary.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { html, localDate, truncate } from '../replies/format.js';
import { activeStore, ownProduct, refuse } from '../guards/ownership.js';
import { followPreorderFile, readBackPreorders } from '../flows/preorder-read-back.js';
import { PREORDER_EDIT } from '../../../conversations/names.js';
import { replyNoStore } from '../replies/no-store.js';

export { fileStatusText };

/** Lines per page of /preorders, each with its ✏️ and 🗑/⏹ buttons (two lines' buttons per keyboard row). */
const PAGE_SIZE = 8;

/** The store's preorders on Kaspi and planned here, the plan of a product, and the upload run in the background. */
type PreordersFeatureDeps = Pick<BotDeps, 'preorders' | 'products' | 'background'>;

/** `/preorders`: what Kaspi shows on preorder, what is planned, add/edit/remove, upload (price feed or file), Excel. */
export function createPreordersFeature(deps: PreordersFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('preorders', async (ctx) => {
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    await showPreorders(ctx, deps, store);
  });

  feature.callbackQuery(actionPattern(ACTIONS.preorders), async (ctx) => {
    const [what, id] = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const store = await activeStore(ctx);
    if (!store) return void (await ctx.answerCallbackQuery({ text: ctx.t('no-store'), show_alert: true }));
    switch (what) {
      case 'list':
        await ctx.answerCallbackQuery();
        return showPreorders(ctx, deps, store);
      case 'page': {
        const page = Number(id);
        if (!Number.isInteger(page) || page < 0 || page > 10_000) return refuse(ctx);
        await ctx.answerCallbackQuery();
        return showPreorders(ctx, deps, store, page, true);
      }
      case 'add':
        await ctx.answerCallbackQuery();
        return ctx.conversation.enter(PREORDER_EDIT, null);
      case 'edit': {
        const product = await ownProduct(ctx, idArg(id));
        if (!product) return refuse(ctx);
        await ctx.answerCallbackQuery();
        return ctx.conversation.enter(PREORDER_EDIT, product.id);
      }
      case 'off': {
        const product = await ownProduct(ctx, idArg(id));
        if (!product) return refuse(ctx);
        await deps.preorders.planRemoval(product.store.id, product.id);
        await ctx.answerCallbackQuery({ text: ctx.t('preorder-removal-planned') });
        return showPreorders(ctx, deps, product.store);
      }
      case 'del': {
        const owned = await deps.products.preorderPlanOf(ctx.seller.id, idArg(id));
        if (!owned) return refuse(ctx);
        const cancelled = await deps.preorders.cancelPlan(owned.store.id, owned.id);
        await ctx.answerCallbackQuery({ text: ctx.t(cancelled ? 'preorder-plan-cancelled' : 'preorder-plan-busy') });
        return showPreorders(ctx, deps, owned.store);
      }
      case 'upload':
        await ctx.answerCallbackQuery();
        return uploadPreorders(ctx, deps, store, 'pricefeed');
      case 'file':
        await ctx.answerCallbackQuery();
        return uploadPreorders(ctx, deps, store, 'file');
      case 'xlsx': {
        await ctx.answerCallbackQuery();
        await ctx.replyWithChatAction('upload_document').catch(() => undefined);
        const { onKaspi, planned } = await deps.preorders.list(store.id);
        const workbook = await buildPreorderWorkbook(ctx.t.bind(ctx), store.points, onKaspi, planned);
        const date = localDate(ctx.seller.timezone);
        await ctx.replyWithDocument(new InputFile(workbook, `preorders-${store.merchantUid}-${date}.xlsx`), {
          caption: ctx.t('preorder-xlsx-caption', { count: onKaspi.length + planned.length }),
        });
        return;
      }
      default:
        return refuse(ctx);
    }
  });
  return feature;
}

function pointLabel(store: Store, storeId: string): string {
  const point = store.points.find(
    (candidate) => candidate.storeId === storeId || candidate.storeId.endsWith(`_${storeId}`),
  );
  return point ? labelOf(point, store.points) : storeId.split('_').pop()!;
}

async function showPreorders(
  ctx: BotContext,
  deps: Pick<BotDeps, 'preorders'>,
  store: Store,
  page = 0,
  edit = false,
): Promise<void> {
  const { onKaspi, planned } = await deps.preorders.list(store.id);
  const days = (value: number) => (value > 0 ? ctx.t('preorder-days', { days: value }) : '—');
  // One numbering for both lists, a page of PAGE_SIZE lines at a time, every line with its own buttons:
  // «✏️ 3», «🗑 3» / «⏹ 3» act on line 3.
  const entries = [
    ...planned.map((preorder) => ({ kind: 'plan' as const, preorder, productId: preorder.product.id })),
    ...onKaspi.map((entry) => ({ kind: 'kaspi' as const, entry, productId: entry.product.id })),
  ];
  const pages = Math.max(1, Math.ceil(entries.length / PAGE_SIZE));
  const current = Math.min(Math.max(0, page), pages - 1);
  const first = current * PAGE_SIZE;
  const shown = entries.slice(first, first + PAGE_SIZE);
  const lines = [
    ctx.t('preorders-header', { store: html(store.name) }),
    ctx.t('preorders-planned', { count: planned.length }),
  ];
  shown.forEach((item, index) => {
    if (item.kind === 'kaspi' && (index === 0 || shown[index - 1]!.kind === 'plan'))
      lines.push(ctx.t('preorders-on-kaspi', { count: onKaspi.length }));
    const number = first + index + 1;
    if (item.kind === 'plan') {
      const { preorder } = item;
      const where = preorder.points
        .map(
          (point) =>
            `${pointLabel(store, point.storeId)}: ${point.days > 0 ? ctx.t('preorder-days', { days: point.days }) : ctx.t('preorder-off')}`,
        )
        .join(', ');
      const error =
        preorder.status === 'failed' ? ` (${ctx.t(`preorder-failure-${preorderFailureOf(preorder.error)}`)})` : '';
      lines.push(
        `${number}. ${html(truncate(preorder.product.title, 50))} — ${where} · ${ctx.t(`preorder-status-${preorder.status}`)}${error}`,
      );
    } else {
      lines.push(
        `${number}. ${html(truncate(item.entry.product.title, 50))} — ${item.entry.points.map((point) => `${pointLabel(store, point.storeId)}: ${days(point.days)}`).join(', ')}`,
      );
    }
  });
  if (!shown.some((item) => item.kind === 'kaspi')) lines.push(ctx.t('preorders-on-kaspi', { count: onKaspi.length }));
  if (shown.length > 0) lines.push(ctx.t('preorders-buttons-legend'));
  const keyboard = new InlineKeyboard().text(ctx.t('button-preorder-add'), callbackData(ACTIONS.preorders, 'add'));
  if (planned.some((preorder) => preorder.status === 'planned' || preorder.status === 'failed')) {
    keyboard
      .row()
      .text(ctx.t('button-preorder-upload'), callbackData(ACTIONS.preorders, 'upload'))
      // Each on its own row: a phone would cut both labels side by side.
      .row()
      .text(ctx.t('button-preorder-file'), callbackData(ACTIONS.preorders, 'file'));
  }
  keyboard.row().text(ctx.t('button-preorder-xlsx'), callbackData(ACTIONS.preorders, 'xlsx')).row();
  shown.forEach((item, index) => {
    const number = first + index + 1;
    const undo =
      item.kind === 'plan'
        ? { label: '🗑', data: callbackData(ACTIONS.preorders, 'del', item.preorder.id) }
        : { label: '⏹', data: callbackData(ACTIONS.preorders, 'off', item.productId) };
    keyboard
      .text(`✏️ ${number}`, callbackData(ACTIONS.preorders, 'edit', item.productId))
      .text(`${undo.label} ${number}`, undo.data);
    if (index % 2 === 1) keyboard.row();
  });
  if (pages > 1) {
    keyboard.row();
    if (current > 0) keyboard.text('◀️', callbackData(ACTIONS.preorders, 'page', current - 1));
    keyboard.text(`${current + 1}/${pages}`, callbackData(ACTIONS.preorders, 'page', current));
    if (current + 1 < pages) keyboard.text('▶️', callbackData(ACTIONS.preorders, 'page', current + 1));
  }
  const options = { reply_markup: keyboard };
  if (edit && ctx.callbackQuery?.message) await ctx.editMessageText(lines.join('\n'), options);
  else await ctx.reply(lines.join('\n'), options);
}

/** Runs an upload in the background (a file can take minutes at Kaspi), editing one message as it goes. */
async function uploadPreorders(
  ctx: BotContext,
  deps: Pick<BotDeps, 'background' | 'preorders'>,
  store: Store,
  method: 'pricefeed' | 'file',
): Promise<void> {
  const key = preorderUploadKey(store.id);
  if (deps.background.isRunning(key)) return void (await ctx.reply(ctx.t('preorder-upload-running')));
  const message = await ctx.reply(ctx.t(method === 'file' ? 'preorder-file-started' : 'preorder-upload-started'));
  const chatId = message.chat.id;
  const t = ctx.t.bind(ctx);
  const statusMessageId = message.message_id;
  const edit = (text: string) => ctx.api.editMessageText(chatId, statusMessageId, text).catch(() => undefined);
  deps.background.start(key, async () => {
    try {
      let outcomes: UploadOutcome[];
      if (method === 'file') {
        const status = (value: string) => edit(t('preorder-file-status', { status: fileStatusText(t, value) }));
        const result = await deps.preorders.uploadViaFile(
          store.id,
          async (fileId, notInFile) => {
            // Shown before the follow-up exists: its outcome, edited into this message, is never overwritten.
            await status('PROCESSING');
            await followPreorderFile(ctx, { storeId: store.id, fileId, chatId, statusMessageId, notInFile });
          },
          (value) => void status(value),
        );
        // Kaspi took the file: the follow-up reads its status and tells the outcome (surviving a restart).
        if (result.status === 'UPLOADED') return;
        outcomes = result.outcomes;
        if (result.status === 'UNFINISHED') await edit(t('preorder-file-unfinished'));
      } else outcomes = await deps.preorders.uploadViaPricefeed(store.id);
      // Recorded before the summary: a process that dies after telling «отправлено» still reads them back.
      if (outcomes.some((outcome) => outcome.result === 'sent')) await readBackPreorders(ctx, store.id, chatId);
      await edit(uploadSummaryText(t, outcomes));
    } catch (error) {
      if (isKaspiError(error)) {
        const { key: messageKey, variables } = sellerMessageOf(error);
        await edit(t('preorder-upload-failed', { reason: t(messageKey, variables) }));
      } else {
        await edit(t('error-generic'));
        throw error;
      }
    }
  });
}

/** One background task per store uploads preorders: the button never runs two. */
function preorderUploadKey(storeId: number): string {
  return `preorders-upload:${storeId}`;
}
