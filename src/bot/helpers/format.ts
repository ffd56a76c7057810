/** «12 345 ₸»: the thousands separator is a narrow no-break space, as Kaspi shows prices. */
export function formatPrice(tenge: number): string {
  return `${Math.round(tenge).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')}\u00a0₸`;
}

/**
 * A price as sellers type it: «12000», «12 000», «12 000 ₸», «12000тг», «12.000». Whole tenge only;
 * `undefined` for anything else (letters, fractions, negatives).
 */
export function parsePrice(text: string): number | undefined {
  const cleaned = text
    .trim()
    .toLowerCase()
    .replace(/(₸|тг\.?|тенге|kzt|tg)$/u, '')
    .trim()
    .replace(/[\u00a0\u202f]/g, ' ');
  // Digits alone, or groups of three behind one separator («12 000», «12.000»); «12 00» is a typo, not 1200.
  const grouped = /^\d{1,3}(?:([ .,'])\d{3})(?:\1\d{3})*$/.test(cleaned);
  if (!grouped && !/^\d{1,9}$/.test(cleaned)) return undefined;
  const value = Number(cleaned.replace(/[ .,']/g, ''));
  return Number.isSafeInteger(value) && value <= 999_999_999 ? value : undefined;
}

/** Escapes text for Telegram's HTML parse mode. */
export function html(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
