import { buttonBudget, fitLabel, labelWidth } from './keyboard-budget.js';

/** One product's button in a list: its mark (status or tick), its price as shown, and what names it. */
export interface ProductRow {
  /** «🟢», «⚪️», «☑️»…: what the row says at a glance. */
  mark: string;
  price: string;
  title: string;
  sku: string;
}

/** The shortest useful name: below this many letters a row names nothing, and the SKU's tail says more. */
const MIN_NAME = 6;
/** How much of a SKU tells two same-named products apart. */
const SKU_TAIL = 4;

/**
 * Labels for a list of product buttons, one per row: «🟢 12 990 ₸ Чайник Tefal… X98». The price comes first so a
 * phone never cuts it; the name is shortened to what is left, keeping its last word (the model, the size: what
 * tells products of one line apart); two products never read alike (the word where their names part decides,
 * else the SKU's tail).
 */
export function productRowLabels(rows: readonly ProductRow[], budget = buttonBudget(1)): string[] {
  const room = rows.map((row) => Math.max(MIN_NAME, budget - labelWidth(`${row.mark} ${row.price} `)));
  const names = rows.map((row, index) => shortName(row.title, room[index]!));
  // Shortened names read alike when they start and end alike, whatever the cut left of their middle.
  const looks = (index: number) => {
    const own = words(rows[index]!.title);
    return names[index] === own.join(' ') ? names[index]! : `${own[0]}…${own.at(-1)}`;
  };
  for (const group of duplicates(rows.map((_, index) => looks(index)))) {
    for (const index of group) {
      const others = group.filter((other) => other !== index).map((other) => rows[other]!.title);
      names[index] = distinctName(rows[index]!, others, room[index]!);
    }
  }
  // Whatever still reads the same gets its SKU's tail (SKUs are unique in a store).
  for (const group of duplicates(names))
    for (const index of group) names[index] = withSkuTail(rows[index]!, room[index]!);
  return rows.map((row, index) => `${row.mark} ${row.price} ${names[index]}`);
}

const words = (title: string) => title.trim().split(/\s+/).filter(Boolean);

/** `head` and `tail` within `width` letters, the head cut with «…» when both do not fit; undefined when no room. */
function headAndTail(head: string, tail: string, width: number): string | undefined {
  if (!head) return labelWidth(tail) <= width ? tail : undefined;
  const whole = `${head} ${tail}`;
  if (labelWidth(whole) <= width) return whole;
  const headRoom = width - labelWidth(tail) - 1;
  return headRoom >= 4 ? `${cutAtWord(head, headRoom)} ${tail}` : undefined;
}

/** `text` cut with «…» to `width` letters after its last whole word that fits, or mid-word when none does. */
function cutAtWord(text: string, width: number): string {
  const kept: string[] = [];
  for (const word of words(text)) {
    if (labelWidth([...kept, word].join(' ')) > width - 1) break;
    kept.push(word);
  }
  return kept.length ? `${kept.join(' ')}…` : fitLabel(text, width);
}

/** `title` within `width` letters: whole when it fits, else its head and last word, else cut. */
function shortName(title: string, width: number): string {
  const own = words(title);
  const last = own.at(-1) ?? '';
  return headAndTail(own.slice(0, -1).join(' '), last, width) ?? fitLabel(own.join(' '), width);
}

/** A name for `row` that differs from `others`: its head with the word where the names part, else the SKU's tail. */
function distinctName(row: ProductRow, others: readonly string[], width: number): string {
  const own = words(row.title);
  const differs = own.findIndex((word, at) => others.some((other) => words(other)[at] !== word));
  if (differs < 0) return withSkuTail(row, width);
  const head = own.slice(0, differs).join(' ');
  return (
    headAndTail(head, own[differs]!, width) ??
    headAndTail(head, own.slice(differs).join(' '), width) ??
    withSkuTail(row, width)
  );
}

/** The name cut to make room for «·1234», the end of the SKU. */
function withSkuTail(row: ProductRow, width: number): string {
  const tail = `·${row.sku.slice(-SKU_TAIL)}`;
  return headAndTail(words(row.title).join(' '), tail, width) ?? tail;
}

/** Indexes of the entries that are equal to another, grouped. */
function duplicates(names: readonly string[]): number[][] {
  const byName = new Map<string, number[]>();
  names.forEach((name, index) => byName.set(name, [...(byName.get(name) ?? []), index]));
  return [...byName.values()].filter((group) => group.length > 1);
}
