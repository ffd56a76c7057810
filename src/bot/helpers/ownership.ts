import { ProductSchema, StoreSchema, type Product, type Store } from '../../db/entities/index.js';
import type { BotContext } from '../context.js';

/**
 * Every id that arrives in a button or a command is looked up *through the sender*: a store of this seller,
 * a product of one of this seller's stores. Anything else is `undefined`, whatever the id.
 */
export async function ownStore(ctx: BotContext, storeId: number | undefined): Promise<Store | undefined> {
  if (storeId === undefined) return undefined;
  return (await ctx.deps.orm.em.fork().findOne(StoreSchema, { id: storeId, seller: ctx.seller.id })) ?? undefined;
}

export async function ownProduct(ctx: BotContext, productId: number | undefined): Promise<Product | undefined> {
  if (productId === undefined) return undefined;
  const product = await ctx.deps.orm.em
    .fork()
    .findOne(
      ProductSchema,
      { id: productId, store: { seller: ctx.seller.id }, removedAt: null },
      { populate: ['store'] },
    );
  return product ?? undefined;
}

/** The seller's active store, falling back to their only/first store. */
export async function activeStore(ctx: BotContext): Promise<Store | undefined> {
  const em = ctx.deps.orm.em.fork();
  const stores = await em.find(StoreSchema, { seller: ctx.seller.id }, { orderBy: { id: 'ASC' } });
  return stores.find((store) => store.id === ctx.seller.activeStoreId) ?? stores[0];
}

/**
 * Products of the active store by SKU, for commands like `/price <sku>`; the Kaspi code the card shows
 * (masterSku) is taken too when exactly one product of the store has it.
 */
export async function ownProductBySku(ctx: BotContext, store: Store, sku: string): Promise<Product | undefined> {
  const em = ctx.deps.orm.em.fork();
  const product = await em.findOne(ProductSchema, { store: store.id, sku, removedAt: null }, { populate: ['store'] });
  if (product) return product;
  if (!/^\d{1,20}$/.test(sku)) return undefined;
  const byKaspiCode = await em.find(
    ProductSchema,
    { store: store.id, masterSku: sku, removedAt: null },
    { populate: ['store'], limit: 2 },
  );
  return byKaspiCode.length === 1 ? byKaspiCode[0] : undefined;
}

/** The refusal for a button or id that is not the sender's: no detail about what exists. */
export async function refuse(ctx: BotContext): Promise<void> {
  ctx.logger.warn({ data: ctx.callbackQuery?.data, text: ctx.message?.text }, 'refused an id that is not the sender’s');
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('access-denied'), show_alert: true });
  else await ctx.reply(ctx.t('access-denied'));
}
