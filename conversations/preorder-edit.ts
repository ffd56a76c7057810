import type { Conversation } from '@grammyjs/conversations';
import { InlineKeyboard } from 'grammy';

import { ACTIONS, callbackData, idArg, parseCallback } from '../src/bot/callback-data.js';
import type { BotContext, ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { clip, html } from '../src/bot/replies/format.js';
import {
  clipQuery,
  lookupToken,
  matchesText,
  pickKeyboard,
  pickPattern,
  PICK_LIMIT,
} from '../src/bot/flows/product-lookup.js';
import { pointLabel } from '../src/catalog/point-label.js';
import { MAX_PREORDER_DAYS, prefixStoreId } from '../src/kaspi/offer-writes.js';
import { cancelledBy, remind } from './common.js';

const CANCEL = callbackData(ACTIONS.cancel);
const DONE = callbackData(ACTIONS.pointDone);
const ALL = callbackData(ACTIONS.pointAll);
const SAVE = callbackData(ACTIONS.save);
const PICK = pickPattern('preorder');

interface Target {
  productId: number;
  storeId: number;
  title: string;
  points: { storeId: string; label: string; days: number }[];
}

/** Add or edit a preorder: product (by name or SKU) → points → days 1–30 → confirm. Uploading is a separate step. */
export function preorderEditConversation(deps: BotDeps) {
  return async function preorderEdit(
    conversation: Conversation<BotContext, ConversationContext>,
    ctx: ConversationContext,
    productId: number | null,
  ): Promise<void> {
    const sellerId = await conversation.external((outer) => outer.seller.id);
    const load = (id: number) =>
      conversation.external(async (): Promise<Target | undefined> => {
        const product = await deps.products.productOf(sellerId, id);
        if (!product) return undefined;
        const plan = await deps.products.preorderPlanFor(product.id);
        const merchantUid = product.store.merchantUid;
        return {
          productId: product.id,
          storeId: product.store.id,
          title: product.title,
          points: product.availabilities.map((availability) => {
            const storeId = prefixStoreId(merchantUid, availability.storeId);
            const point = product.store.points.find((candidate) => candidate.storeId === storeId);
            const planned = plan?.points.find((candidate) => candidate.storeId === storeId);
            return {
              storeId,
              label: point ? pointLabel(point, product.store.points) : storeId,
              days: planned?.days ?? availability.preOrder ?? 0,
            };
          }),
        };
      });
    const cancelKeyboard = new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL);

    let target = productId === null ? undefined : await load(productId);
    if (productId !== null && !target) return void (await ctx.reply(ctx.t('access-denied')));
    if (!target) await ctx.reply(ctx.t('preorder-ask-sku'), { reply_markup: cancelKeyboard });
    // A name may match several products: they are offered as buttons, and only those are taken.
    let offered: { token: string; ids: number[] } | undefined;
    for (let tries = 0; !target; tries++) {
      if (tries >= 5) return void (await ctx.reply(ctx.t('gave-up')));
      const answer = await conversation.waitUntil(
        (update) =>
          Boolean(update.message?.text) ||
          update.callbackQuery?.data === CANCEL ||
          PICK.test(update.callbackQuery?.data ?? ''),
        { otherwise: remind('preorder-ask-sku') },
      );
      if (await cancelledBy(answer)) return;
      if (answer.callbackQuery) {
        const [, token, id] = parseCallback(answer.callbackQuery.data)?.args ?? [];
        const picked = idArg(id);
        if (!offered || token !== offered.token || picked === undefined || !offered.ids.includes(picked)) {
          await answer.answerCallbackQuery({ text: answer.t('access-denied'), show_alert: true });
          continue;
        }
        await answer.answerCallbackQuery();
        await answer.editMessageReplyMarkup().catch(() => undefined);
        target = await load(picked);
        if (!target) await answer.reply(answer.t('access-denied'));
        continue;
      }
      const query = clipQuery(answer.message!.text!);
      const found = await conversation.external(async (outer) => {
        const store = await deps.stores.activeStoreOf(outer.seller);
        const matches = store ? await deps.products.findProducts(store.id, query, PICK_LIMIT) : undefined;
        return {
          total: matches?.total ?? 0,
          exact: matches?.exact ?? false,
          products: (matches?.products ?? []).map(({ id, title, price, sku }) => ({ id, title, price, sku })),
          token: lookupToken(),
        };
      });
      const first = found.products[0];
      if (first && (found.exact || found.total === 1)) target = await load(first.id);
      else if (found.total === 0) await answer.reply(matchesText(answer.t.bind(answer), query, found));
      else {
        offered = { token: found.token, ids: found.products.map(({ id }) => id) };
        await answer.reply(matchesText(answer.t.bind(answer), query, found), {
          reply_markup: pickKeyboard(answer.t.bind(answer), found.products, 'preorder', found.token),
        });
        tries--; // a list to pick from is not a failed try
      }
    }

    // Points: all ticked by default when the product has one; a seller can narrow it down.
    const chosen = new Set(target.points.filter((point) => point.days > 0).map((point) => point.storeId));
    if (chosen.size === 0) target.points.forEach((point) => chosen.add(point.storeId));
    const pointsKeyboard = () => {
      const keyboard = new InlineKeyboard();
      target!.points.forEach((point, index) =>
        keyboard
          .text(`${chosen.has(point.storeId) ? '☑️' : '⬜️'} ${point.label}`, callbackData(ACTIONS.pointToggle, index))
          .row(),
      );
      return keyboard
        .text(ctx.t('button-all-points'), ALL)
        .text(ctx.t('button-next'), DONE)
        .row()
        .text(ctx.t('button-cancel'), CANCEL);
    };
    const pointsMessage = await ctx.reply(ctx.t('preorder-ask-points', { title: html(target.title) }), {
      reply_markup: pointsKeyboard(),
    });
    for (;;) {
      const press = await conversation.waitForCallbackQuery(/^1:(pt:\d{1,2}|pa|pd|x)$/, {
        otherwise: remind('preorder-ask-points-hint'),
      });
      if (await cancelledBy(press)) return;
      await press.answerCallbackQuery();
      const data = press.callbackQuery.data;
      if (data === DONE) {
        if (chosen.size > 0) break;
        await press.reply(press.t('preorder-no-points'));
        continue;
      }
      if (data === ALL) target.points.forEach((point) => chosen.add(point.storeId));
      else {
        const point = target.points[Number(data.split(':')[2])];
        if (point) {
          if (chosen.has(point.storeId)) chosen.delete(point.storeId);
          else chosen.add(point.storeId);
        }
      }
      await press.api
        .editMessageReplyMarkup(pointsMessage.chat.id, pointsMessage.message_id, { reply_markup: pointsKeyboard() })
        .catch(() => undefined);
    }

    await ctx.reply(ctx.t('preorder-ask-days', { max: MAX_PREORDER_DAYS }), { reply_markup: cancelKeyboard });
    let days: number | undefined;
    for (let tries = 0; days === undefined; tries++) {
      if (tries >= 5) return void (await ctx.reply(ctx.t('gave-up')));
      const answer = await conversation.waitUntil(
        (update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL,
        {
          otherwise: remind('preorder-ask-days', { max: MAX_PREORDER_DAYS }),
        },
      );
      if (await cancelledBy(answer)) return;
      const text = answer.message!.text!.trim().replace(/\s*(дн(ей|я)?|д|days?|күн)\.?$/iu, '');
      const value = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
      if (Number.isInteger(value) && value >= 1 && value <= MAX_PREORDER_DAYS) days = value;
      else await answer.reply(answer.t('preorder-bad-days', { days: html(clip(answer.message!.text!, 20)) }));
    }

    const labels = target.points.filter((point) => chosen.has(point.storeId)).map((point) => point.label);
    await ctx.reply(ctx.t('preorder-confirm', { title: html(target.title), points: html(labels.join(', ')), days }), {
      reply_markup: new InlineKeyboard().text(ctx.t('button-save'), SAVE).text(ctx.t('button-cancel'), CANCEL),
    });
    const confirm = await conversation.waitForCallbackQuery([SAVE, CANCEL], {
      otherwise: remind('preorder-confirm-hint'),
    });
    if (await cancelledBy(confirm)) return;
    await confirm.answerCallbackQuery();
    const planTarget = target;
    const planDays = days;
    const saved = await conversation.external(() =>
      deps.preorders
        .plan(
          planTarget.storeId,
          planTarget.productId,
          planTarget.points
            .filter((point) => chosen.has(point.storeId))
            .map((point) => ({ storeId: point.storeId, days: planDays })),
        )
        .then((result) =>
          result.ok
            ? { ok: true as const }
            : { ok: false as const, key: result.key, variables: result.variables ?? {} },
        ),
    );
    if (!saved.ok) return void (await confirm.reply(confirm.t(saved.key, saved.variables)));
    await confirm.reply(confirm.t('preorder-planned', { title: html(planTarget.title) }), {
      reply_markup: new InlineKeyboard()
        .text(confirm.t('button-preorder-upload'), callbackData(ACTIONS.preorders, 'upload'))
        .row()
        .text(confirm.t('button-preorders'), callbackData(ACTIONS.preorders, 'list')),
    });
  };
}
