import { randomBytes } from 'node:crypto';

import { InlineKeyboard } from 'grammy';

import type { Product, Store } from '../../db/entities/index.js';
import { ACTIONS, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { clip, formatPrice, html, truncate } from '../replies/format.js';
import { ownProduct, refuse } from '../guards/ownership.js';

/** What a picked product goes on to: the command or step that asked for it. */
export type LookupIntent = 'price' | 'offers' | 'history' | 'demper' | 'enable' | 'disable' | 'preorder';

/** Pick buttons shown at once; more matches are counted and the seller is asked to say more. */
export const PICK_LIMIT = 8;
/** A pick button is one row a phone shows whole: title and price within this many characters. */
export const PICK_ROW_BUDGET = 30;

/** A typed query as stored and quoted back: a name is never longer. */
export const clipQuery = (text: string) => clip(text.trim().replace(/\s+/g, ' '), 128);

/** A pick list's token: a button of an older list is told it is outdated instead of acting. */
export const lookupToken = () => randomBytes(3).toString('base64url');

/**
 * One row per product: «Чайник Tefal X98 · 12 990 ₸», the title cut to fit. Two titles that read the same once
 * cut show their ends instead (where product lines differ: «…Max16» / «…Max18»), then their SKU's end.
 */
export function pickLabels(products: Pick<Product, 'title' | 'price' | 'sku'>[]): string[] {
  const prices = products.map((product) => formatPrice(product.price));
  // The title's part of a row: what is left of the budget after « · » and the price.
  const cut = (text: string, index: number, fromEnd: boolean) => {
    const room = PICK_ROW_BUDGET - prices[index]!.length - 3;
    if (text.length <= room) return text;
    return fromEnd ? `…${text.slice(-(room - 1))}` : truncate(text, room);
  };
  const repeated = (list: string[], index: number) => list.filter((body) => body === list[index]).length > 1;
  // Prices alone do not tell two products apart for a seller: titles that read the same once cut show their ends.
  const heads = products.map((product, index) => cut(product.title, index, false));
  const ends = heads.map((head, index) => (repeated(heads, index) ? cut(products[index]!.title, index, true) : head));
  const bodies = ends.map((body, index) =>
    repeated(ends, index) ? cut(`${products[index]!.title} ${products[index]!.sku}`, index, true) : body,
  );
  return bodies.map((body, index) => `${body} · ${prices[index]}`);
}

/** The pick buttons: `1:lp:<intent>:<token>:<productId>`, one product per row, then «Отмена». */
export function pickKeyboard(
  t: (key: string) => string,
  products: Pick<Product, 'id' | 'title' | 'price' | 'sku'>[],
  intent: LookupIntent,
  token: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  pickLabels(products).forEach((label, index) =>
    keyboard.text(label, callbackData(ACTIONS.lookupPick, intent, token, products[index]!.id)).row(),
  );
  return keyboard.text(t('button-cancel'), callbackData(ACTIONS.cancel));
}

/** «Нашлось несколько…» or «не найден…», with what was searched. */
export function matchesText(
  t: (key: string, variables?: Record<string, string | number>) => string,
  query: string,
  matches: { total: number; products: unknown[] },
): string {
  const quoted = html(truncate(query, 60));
  if (matches.total === 0) return t('product-lookup-none', { query: quoted });
  const lines = [t('product-lookup-several', { query: quoted, count: matches.total })];
  if (matches.total > matches.products.length)
    lines.push(t('product-lookup-more', { shown: matches.products.length, count: matches.total }));
  return lines.join('\n');
}

/**
 * The product a command names by name, part of a name, SKU or Kaspi code, in the active store. One match (or the
 * exact SKU) is returned and the caller goes on; several get pick buttons (the caller's `args` wait in the
 * session for the pick: see `pickedProduct`); none get «не найден» with what was searched. `undefined`: answered.
 */
export async function lookUpProduct(
  ctx: BotContext,
  store: Store,
  query: string,
  intent: LookupIntent,
  args: string[] = [],
): Promise<Product | undefined> {
  const typed = clipQuery(query);
  const matches = await ctx.deps.products.findProducts(store.id, typed, PICK_LIMIT);
  if (matches.products.length > 0 && (matches.exact || matches.total === 1)) return matches.products[0];
  if (matches.total === 0) {
    await ctx.reply(matchesText(ctx.t.bind(ctx), typed, matches));
    return undefined;
  }
  const token = lookupToken();
  ctx.session.lookup = { token, intent, storeId: store.id, ids: matches.products.map(({ id }) => id), args };
  await ctx.reply(matchesText(ctx.t.bind(ctx), typed, matches), {
    reply_markup: pickKeyboard(ctx.t.bind(ctx), matches.products, intent, token),
  });
  return undefined;
}

/** The pick buttons of one intent, for `feature.callbackQuery(...)`. */
export function pickPattern(intent: LookupIntent): RegExp {
  return new RegExp(`^1:${ACTIONS.lookupPick}:${intent}:`);
}

/**
 * The product a pick button names, with the arguments its command was given. The product is looked up through the
 * sender first (another seller's id is refused as such); then it must be one the current list offered: a forged
 * id of the seller's own products is refused too, an older list's button is told it is outdated.
 */
export async function pickedProduct(
  ctx: BotContext,
  intent: LookupIntent,
): Promise<{ product: Product; args: string[] } | undefined> {
  const [, token, id] = parseCallback(ctx.callbackQuery?.data)?.args ?? [];
  const product = await ownProduct(ctx, idArg(id));
  if (!product) return void (await refuse(ctx));
  const lookup = ctx.session.lookup;
  if (!lookup || lookup.token !== token || lookup.intent !== intent) {
    await ctx.answerCallbackQuery({ text: ctx.t('button-outdated'), show_alert: true });
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    return undefined;
  }
  if (!lookup.ids.includes(product.id) || product.store.id !== lookup.storeId) return void (await refuse(ctx));
  ctx.session.lookup = undefined;
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup().catch(() => undefined); // one pick, one action
  return { product, args: lookup.args };
}

/** What `/enable` and `/disable` were given, resolved: the products, and what named none or several. */
export interface BatchLookup {
  ids: number[];
  missing: string[];
  ambiguous: string[];
}

/**
 * `/enable`, `/disable` arguments: SKUs separated by spaces or commas, as before, or names (and parts of names)
 * separated by commas. One name that matches several gets pick buttons (`undefined`: answered, as for one product);
 * in a list, such a name is told back to be said more exactly. `too-many`: more than `max` entries.
 */
export async function lookUpProducts(
  ctx: BotContext,
  store: Store,
  text: string,
  intent: 'enable' | 'disable',
  max: number,
): Promise<BatchLookup | 'too-many' | undefined> {
  const items = [
    ...new Set(
      text
        .split(/[,;\n]+/)
        .map(clipQuery)
        .filter(Boolean),
    ),
  ];
  const words = items.length === 1 ? [...new Set(items[0]!.split(' '))] : [];
  if (items.length > max || words.length > max) return 'too-many';
  if (items.length === 1) {
    // «SKU1 SKU2»: a space-separated list of SKUs, when one of them is a SKU of the store; else one name.
    const bySku = words.length > 1 ? await ctx.deps.products.bySkus(store.id, words) : [];
    if (bySku.length > 0) {
      const missing = words.filter((word) => !bySku.some((product) => product.sku === word));
      return { ids: bySku.map(({ id }) => id), missing, ambiguous: [] };
    }
    const product = await lookUpProduct(ctx, store, items[0]!, intent);
    return product ? { ids: [product.id], missing: [], ambiguous: [] } : undefined;
  }
  const bySku = await ctx.deps.products.bySkus(store.id, items);
  const found: BatchLookup = { ids: bySku.map(({ id }) => id), missing: [], ambiguous: [] };
  for (const item of items) {
    if (bySku.some((product) => product.sku === item)) continue;
    const matches = await ctx.deps.products.findProducts(store.id, item, 1);
    if (matches.products[0] && (matches.exact || matches.total === 1)) found.ids.push(matches.products[0].id);
    else (matches.total === 0 ? found.missing : found.ambiguous).push(item);
  }
  found.ids = [...new Set(found.ids)];
  return found;
}
