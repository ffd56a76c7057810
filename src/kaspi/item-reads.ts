import type { z } from 'zod';

/** One list item Kaspi sent that we could not read, and the first field that stopped it. */
export interface ItemProblem {
  /** The item's own SKU / merchant id when it had one, so the product it stands for is left alone, not lost. */
  key: string | undefined;
  /** Dotted path in the answer, e.g. `data.3.masterSku`. */
  field: string;
  message: string;
}

/** A needed field missing or mistyped on most items of an answer: Kaspi changed its format, not one odd item. */
export interface FormatChange {
  /** The field with the item index replaced by `*`, e.g. `data.*.masterSku`. */
  field: string;
  missing: number;
  of: number;
}

/**
 * Reads a list's items one by one, so a single odd item is skipped and reported instead of failing the page
 * (public clients read item by item too). `keyOf` names an item from its raw JSON even when it fails.
 */
export function readItems<T extends z.ZodType>(
  schema: T,
  items: readonly unknown[],
  prefix: string,
  keyOf: (raw: unknown) => string | undefined,
): { read: { index: number; item: z.infer<T> }[]; problems: ItemProblem[] } {
  const read: { index: number; item: z.infer<T> }[] = [];
  const problems: ItemProblem[] = [];
  items.forEach((raw, index) => {
    const result = schema.safeParse(raw);
    if (result.success) return void read.push({ index, item: result.data });
    const issue = result.error.issues[0]!;
    problems.push({
      key: keyOf(raw),
      field: [prefix, index, ...issue.path].map(String).join('.'),
      message: issue.message,
    });
  });
  return { read, problems };
}

/** `data.17.availabilities.0.storeId` → `data.*.availabilities.*.storeId`: the same field of every item. */
export function fieldOfEveryItem(field: string): string {
  return field.replace(/\.\d+(?=\.|$)/g, '.*');
}

/** Fields that failed on more than half of `of` items (at least one): a format change, reported once. */
export function formatChanges(problems: readonly Pick<ItemProblem, 'field'>[], of: number): FormatChange[] {
  const counts = new Map<string, number>();
  for (const problem of problems) {
    const field = fieldOfEveryItem(problem.field);
    counts.set(field, (counts.get(field) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, missing]) => missing > of / 2)
    .map(([field, missing]) => ({ field, missing, of }))
    .sort((a, b) => b.missing - a.missing || a.field.localeCompare(b.field));
}

/** The string key of a raw item (`sku`, `merchantId`…), when it has a usable one. */
export function rawKey(raw: unknown, name: string): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const value = (raw as Record<string, unknown>)[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined;
}
