/**
 * How much text a keyboard button shows on a phone before Telegram cuts it with «…».
 *
 * Measured for the narrowest phone sellers commonly use, 390 px wide (iPhone 12–15; most Android phones are
 * 360–412 px). A message's inline keyboard there is about 360 px wide; buttons in one row share it with 4 px
 * between them, and each button keeps about 10 px of padding on either side. The chat font is 15–16 px; its
 * average Cyrillic or Latin letter (mixed case, digits, spaces) is about 9.5–10.5 px wide, and an emoji is
 * drawn about twice as wide as a letter. So a row of n buttons gives each one (360 − 4·(n−1)) / n − 20 px:
 *   1 per row: 340 px ≈ 32–36 letters; 2: 158 px ≈ 15; 3: 97 px ≈ 9; 4: 66 px ≈ 6; 5: 48 px ≈ 4.
 * Checked against what Telegram really showed on such a phone: a full-width row was cut after 36 letters
 * («🟢 Влажные полотенца Sunlight Lite30 …»), two in a row after 12–13 («Синхронизиро…», «Включить тов…»).
 * The figures below keep a letter or two in hand for wide letters (Ж, Ш, Щ, М, W) and Kazakh's longer words:
 * a label within its budget is shown whole on such a phone, never «Синхронизиро…».
 */
const BUDGET_BY_ROW_SIZE: readonly number[] = [34, 34, 13, 9, 6, 4];

/** The widest label a button shows whole when `buttonsInRow` buttons share its row (in letters, emoji = 2). */
export function buttonBudget(buttonsInRow: number): number {
  const count = Math.max(1, Math.floor(buttonsInRow));
  return BUDGET_BY_ROW_SIZE[Math.min(count, BUDGET_BY_ROW_SIZE.length - 1)]!;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
/** A keycap («1️⃣») is a digit drawn as an emoji. */
const KEYCAP = '\u20e3';
/** East Asian wide letters (a product name may carry one) take two letters' room, like emoji. */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
/** Drawn with no width of their own: joiners, variation selectors, combining marks outside a cluster. */
const INVISIBLE: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2069],
  [0xfe00, 0xfe0f],
];
const invisible = (segment: string) =>
  [...segment].every((char) =>
    INVISIBLE.some(([from, to]) => char.codePointAt(0)! >= from && char.codePointAt(0)! <= to),
  );

/** How wide a label is on a phone, in letters: a user-perceived character is 1, an emoji or a wide letter 2. */
export function labelWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (invisible(segment)) continue;
    width += PICTOGRAPHIC.test(segment) || segment.includes(KEYCAP) || WIDE.test(segment) ? 2 : 1;
  }
  return width;
}

/** `text` cut at a character boundary (never inside an emoji) so that it is at most `budget` wide, with «…» when cut. */
export function fitLabel(text: string, budget: number): string {
  if (labelWidth(text) <= budget) return text;
  let kept = '';
  let width = 0;
  for (const { segment } of graphemes.segment(text)) {
    const next = labelWidth(segment);
    if (width + next > budget - 1) break;
    kept += segment;
    width += next;
  }
  return `${kept.trimEnd()}…`;
}

/** A button whose label a phone cuts. */
export interface KeyboardOverflow {
  label: string;
  width: number;
  budget: number;
  /** Buttons in its row. */
  rowSize: number;
}

type Button = string | { text?: unknown };

/** Rows of an inline keyboard (`inline_keyboard`) or a reply keyboard (`keyboard`), whichever the markup carries. */
function rowsOf(markup: unknown): Button[][] {
  if (!markup || typeof markup !== 'object') return [];
  const { inline_keyboard: inline, keyboard } = markup as { inline_keyboard?: unknown; keyboard?: unknown };
  const rows = Array.isArray(inline) ? inline : Array.isArray(keyboard) ? keyboard : [];
  return rows.filter((row): row is Button[] => Array.isArray(row));
}

/** Every button of `markup` (inline or reply keyboard) that a 390 px phone would cut. */
export function keyboardOverflows(markup: unknown): KeyboardOverflow[] {
  const overflows: KeyboardOverflow[] = [];
  for (const row of rowsOf(markup)) {
    const budget = buttonBudget(row.length);
    for (const button of row) {
      const label = typeof button === 'string' ? button : typeof button?.text === 'string' ? button.text : '';
      const width = labelWidth(label);
      if (width > budget) overflows.push({ label, width, budget, rowSize: row.length });
    }
  }
  return overflows;
}

/**
 * Labels of rows that read the same: one-button rows (a list's products, a store's name) must tell their items apart.
 * Rows of several buttons may repeat (each store's «Войти снова · Удалить» sits under the store's own name).
 */
export function repeatedRows(markup: unknown): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const row of rowsOf(markup)) {
    if (row.length !== 1) continue;
    const [button] = row;
    const label = typeof button === 'string' ? button : typeof button?.text === 'string' ? button.text : '';
    if (seen.has(label)) repeated.add(label);
    seen.add(label);
  }
  return [...repeated];
}
