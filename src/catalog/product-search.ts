import type { MikroORM } from '@mikro-orm/postgresql';

import { ProductSchema, type Product } from '../db/entities/index.js';
import { entityManagerFor } from '../db/unit-of-work.js';

/** A typed query longer than this is cut: no product name is longer, and a paste of a page is not a name. */
const MAX_QUERY = 128;

/** What a product is found by: its SKU, its Kaspi code, its title and brand. */
interface Candidate {
  id: number;
  sku: string;
  masterSku: string;
  title: string;
  brand?: string | null;
}

/** The store's products that match a query, best first, and whether the first one is the one meant. */
export interface ProductMatches {
  /** At most `limit` products, each with its store. */
  products: Product[];
  /** How many products match in all. */
  total: number;
  /**
   * The first product is the one the seller named: its exact SKU, the Kaspi code only it has, or the full title
   * only it has. A command then acts on it without asking, as it did when only SKUs were accepted.
   */
  exact: boolean;
}

// Cyrillic letters that look like Latin ones: «Х98» typed on a Russian keyboard is «X98».
const LOOK_ALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
};

/**
 * Text as it is compared: lower case, «ё» as «е», Cyrillic look-alikes as their Latin twins, punctuation as
 * spaces. Both the query and the products are folded the same way, so «ЧАЙНИК tefal х98» finds «Чайник Tefal X98».
 */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFC')
    .replace(/ё/g, 'е')
    .replace(/[авекмнорстух]/g, (letter) => LOOK_ALIKES[letter]!)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** 0: exact SKU; 1: the Kaspi code; 2: the full title; 3: the title starts so; 4: words start title words; 5: found. */
function rankOf(candidate: Candidate, raw: string, folded: string, words: string[]): number | undefined {
  if (candidate.sku.toLowerCase() === raw.toLowerCase()) return 0;
  if (candidate.masterSku === raw) return 1;
  const title = foldText(candidate.title);
  if (!folded) return undefined;
  if (title === folded) return 2;
  const haystack = `${title} ${foldText(candidate.brand ?? '')} ${foldText(candidate.sku)}`;
  if (!words.every((word) => haystack.includes(word))) return undefined;
  if (title.startsWith(folded)) return 3;
  const titleWords = title.split(' ');
  if (words.every((word) => titleWords.some((titleWord) => titleWord.startsWith(word)))) return 4;
  return 5;
}

/**
 * Ranks candidates for a query: a name, a part of one (words in any order, any case, Cyrillic or Latin look-alikes),
 * a SKU or a Kaspi code. Exact SKU first, then the Kaspi code, the full title, titles that start with the query,
 * titles whose words start with the query's words, then any product whose title, brand or SKU holds every word;
 * within a rank, shorter titles first (the closest to what was typed).
 */
export function rankProducts<T extends Candidate>(candidates: T[], query: string): { ranked: T[]; exact: boolean } {
  const raw = query.trim().slice(0, MAX_QUERY);
  if (!raw) return { ranked: [], exact: false };
  const folded = foldText(raw);
  const words = [...new Set(folded.split(' ').filter(Boolean))];
  const scored = candidates
    .map((candidate) => ({ candidate, rank: rankOf(candidate, raw, folded, words) }))
    .filter((entry): entry is { candidate: T; rank: number } => entry.rank !== undefined)
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        a.candidate.title.length - b.candidate.title.length ||
        a.candidate.title.localeCompare(b.candidate.title) ||
        a.candidate.id - b.candidate.id,
    );
  const first = scored[0];
  // A Kaspi code or a full title two products share names neither: the seller picks.
  const exact = first !== undefined && (first.rank === 0 || (first.rank <= 2 && scored[1]?.rank !== first.rank));
  return { ranked: scored.map((entry) => entry.candidate), exact };
}

/**
 * The store's live products matching a query, ranked (`rankProducts`). Matching runs over a light projection of
 * the store's products rather than in SQL: the folding (look-alike letters, «ё») is the same for every database.
 */
export async function searchProducts(
  orm: MikroORM,
  storeId: number,
  query: string,
  limit: number,
): Promise<ProductMatches> {
  const em = entityManagerFor(orm);
  const candidates = await em.find(
    ProductSchema,
    { store: storeId, removedAt: null },
    // Outside the identity map: a partly loaded product there would be what the update reads next.
    { fields: ['id', 'sku', 'masterSku', 'title', 'brand'], disableIdentityMap: true },
  );
  const { ranked, exact } = rankProducts(candidates, query);
  const ids = ranked.slice(0, limit).map((candidate) => candidate.id);
  if (ids.length === 0) return { products: [], total: 0, exact: false };
  const loaded = await em.find(ProductSchema, { id: { $in: ids }, store: storeId }, { populate: ['store'] });
  const byId = new Map(loaded.map((product) => [product.id, product]));
  const products = ids.map((id) => byId.get(id)).filter((product): product is Product => product !== undefined);
  return { products, total: ranked.length, exact };
}
