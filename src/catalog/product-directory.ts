import type { FilterQuery, MikroORM } from '@mikro-orm/postgresql';

import {
  PreorderSchema,
  PriceChangeSchema,
  ProductSchema,
  type CityPrice,
  type Preorder,
  type Product,
} from '../db/entities/index.js';
import { entityManagerFor } from '../db/unit-of-work.js';
import { searchProducts, type ProductMatches } from './product-search.js';

/** What a list line shows: full rows (availabilities, settings) cost most of a list's CPU to hydrate. */
const LIST_FIELDS = ['id', 'title', 'sku', 'onSale', 'price', 'cityPrices', 'availabilities'] as const;

/**
 * A seller's products as the chat reads them: one by id (only when it is in one of the seller's stores), by SKU,
 * pages of the list and of a search, counts, and the preorder plan of a product. The EntityManager is the
 * update's where there is one (`entityManagerFor`): within an update, every product read is one object.
 */
export class ProductDirectory {
  constructor(private readonly orm: MikroORM) {}

  /**
   * The product with its store, when it is in one of this seller's stores. Products a sync no longer found are
   * left out, unless `withRemoved` (their settings are kept, and a button shown before may still name one).
   */
  async productOf(
    sellerId: number,
    productId: number | undefined,
    options: { withRemoved?: boolean } = {},
  ): Promise<Product | undefined> {
    if (productId === undefined) return undefined;
    const product = await entityManagerFor(this.orm).findOne(
      ProductSchema,
      { id: productId, store: { seller: sellerId }, ...(options.withRemoved ? {} : { removedAt: null }) },
      { populate: ['store'] },
    );
    return product ?? undefined;
  }

  /** A product of this store (not of another, not removed), with its store: a card redrawn outside an update. */
  async storeProduct(storeId: number, productId: number): Promise<Product | undefined> {
    const product = await entityManagerFor(this.orm).findOne(
      ProductSchema,
      { id: productId, store: storeId, removedAt: null },
      { populate: ['store'] },
    );
    return product ?? undefined;
  }

  /**
   * The prices sent to Kaspi for this product that Kaspi has not shown yet, the latest per city (none: our copy
   * is all there is). A view shows them as on their way, never as the price: an unconfirmed write is not done.
   */
  async pendingPrices(productId: number): Promise<CityPrice[]> {
    const open = await entityManagerFor(this.orm).find(
      PriceChangeSchema,
      { product: productId, status: { $in: ['planned', 'sent'] } },
      { fields: ['cityId', 'newPrice'], orderBy: { id: 'ASC' } },
    );
    const byCity = new Map(open.map((change) => [change.cityId ?? '', change.newPrice]));
    return [...byCity].map(([cityId, price]) => ({ cityId, price }));
  }

  /** How many of the store's preorder plans were uploaded and still wait for Kaspi to show them. */
  preordersAwaitingKaspi(storeId: number): Promise<number> {
    return entityManagerFor(this.orm).count(PreorderSchema, { store: storeId, status: 'uploaded' });
  }

  /** The store's product with exactly this SKU. */
  async productBySku(storeId: number, sku: string): Promise<Product | undefined> {
    const product = await entityManagerFor(this.orm).findOne(
      ProductSchema,
      { store: storeId, sku, removedAt: null },
      { populate: ['store'] },
    );
    return product ?? undefined;
  }

  /**
   * The store's product by SKU, for commands like `/price <sku>`; the Kaspi code the card shows (masterSku) is
   * taken too when exactly one product of the store has it.
   */
  async productBySkuOrKaspiCode(storeId: number, sku: string): Promise<Product | undefined> {
    const product = await this.productBySku(storeId, sku);
    if (product) return product;
    if (!/^\d{1,20}$/.test(sku)) return undefined;
    const byKaspiCode = await entityManagerFor(this.orm).find(
      ProductSchema,
      { store: storeId, masterSku: sku, removedAt: null },
      { populate: ['store'], limit: 2 },
    );
    return byKaspiCode.length === 1 ? byKaspiCode[0] : undefined;
  }

  /**
   * The store's products a seller means by what they typed — a name, a part of one, a SKU or the Kaspi code —
   * best first (`product-search.ts`): what every command and step that asks for a product looks up.
   */
  findProducts(storeId: number, query: string, limit: number): Promise<ProductMatches> {
    return searchProducts(this.orm, storeId, query, limit);
  }

  /** One page of the store's list (or of a search in title, SKU, brand, or the exact Kaspi code), by title. */
  async listPage(storeId: number, search: string | undefined, page: number, pageSize: number) {
    const [products, total] = await entityManagerFor(this.orm).findAndCount(
      ProductSchema,
      searchFilter(storeId, search),
      {
        fields: [...LIST_FIELDS],
        orderBy: { title: 'ASC', id: 'ASC' },
        limit: pageSize,
        offset: page * pageSize,
      },
    );
    return { products, total };
  }

  /** How many products the store has (a sync no longer finding one removes it from the count). */
  liveCount(storeId: number): Promise<number> {
    return entityManagerFor(this.orm).count(ProductSchema, { store: storeId, removedAt: null });
  }

  /** How many of the store's products have their demper on, and how many products it has. */
  async demperCounts(storeId: number): Promise<{ enabled: number; total: number }> {
    const em = entityManagerFor(this.orm);
    const [enabled, total] = await Promise.all([
      em.count(ProductSchema, { store: storeId, removedAt: null, demperEnabled: true }),
      em.count(ProductSchema, { store: storeId, removedAt: null }),
    ]);
    return { enabled, total };
  }

  /** Every product of the store, by title (an export, an import's plan). */
  liveProductsOf(storeId: number): Promise<Product[]> {
    return entityManagerFor(this.orm).find(
      ProductSchema,
      { store: storeId, removedAt: null },
      { orderBy: { title: 'ASC', id: 'ASC' } },
    );
  }

  /** The store's products with these SKUs (the ones that exist). */
  bySkus(storeId: number, skus: string[]): Promise<Product[]> {
    return entityManagerFor(this.orm).find(ProductSchema, { store: storeId, sku: { $in: skus }, removedAt: null });
  }

  /** A page of the products an on/off batch can change: on-sale ones to take off, off-sale ones to put on. */
  async onSalePage(storeId: number, onSale: boolean, page: number, pageSize: number) {
    const [products, total] = await entityManagerFor(this.orm).findAndCount(
      ProductSchema,
      { store: storeId, removedAt: null, onSale },
      { orderBy: { title: 'ASC', id: 'ASC' }, limit: pageSize, offset: page * pageSize },
    );
    return { products, total };
  }

  /** The ids on the same page as `onSalePage`, for the seller's own store only. */
  async onSalePageIds(sellerId: number, storeId: number, onSale: boolean, page: number, pageSize: number) {
    const products = await entityManagerFor(this.orm).find(
      ProductSchema,
      { store: { id: storeId, seller: sellerId }, removedAt: null, onSale },
      { orderBy: { title: 'ASC', id: 'ASC' }, limit: pageSize, offset: page * pageSize, fields: ['id'] },
    );
    return products.map((product) => product.id);
  }

  /** The first `limit` of these products of the store by title, as a confirmation names them. */
  named(storeId: number, productIds: number[], limit: number) {
    return entityManagerFor(this.orm).find(
      ProductSchema,
      { id: { $in: productIds }, store: storeId },
      { fields: ['id', 'title', 'price'], orderBy: { title: 'ASC', id: 'ASC' }, limit },
    );
  }

  /**
   * Loads the seller's product (with its store) and lets `change` alter it; what `change` returns is saved with
   * the product, `undefined` declines and saves nothing (a declining `change` must leave the product as it
   * was). Undefined when the product is not the seller's. Products a sync removed keep their settings: included.
   */
  async change<T>(
    sellerId: number,
    productId: number,
    change: (product: Product) => T | undefined | Promise<T | undefined>,
  ): Promise<{ product: Product; result: T | undefined } | undefined> {
    const em = entityManagerFor(this.orm);
    const product = await em.findOne(
      ProductSchema,
      { id: productId, store: { seller: sellerId } },
      { populate: ['store'] },
    );
    if (!product) return undefined;
    const result = await change(product);
    if (result !== undefined) await em.flush();
    return { product, result };
  }

  /** A preorder plan with its store, when it is in one of this seller's stores. */
  async preorderPlanOf(sellerId: number, preorderId: number | undefined): Promise<Preorder | undefined> {
    if (preorderId === undefined) return undefined;
    const plan = await entityManagerFor(this.orm).findOne(
      PreorderSchema,
      { id: preorderId, store: { seller: sellerId } },
      { populate: ['store'] },
    );
    return plan ?? undefined;
  }

  /** The preorder plan of a product, if one was made. */
  async preorderPlanFor(productId: number): Promise<Preorder | undefined> {
    return (await entityManagerFor(this.orm).findOne(PreorderSchema, { product: productId })) ?? undefined;
  }
}

function searchFilter(storeId: number, search: string | undefined): FilterQuery<Product> {
  const filter: FilterQuery<Product> = { store: storeId, removedAt: null };
  if (!search) return filter;
  const like = `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return {
    ...filter,
    $or: [{ title: { $ilike: like } }, { sku: { $ilike: like } }, { brand: { $ilike: like } }, { masterSku: search }],
  };
}
