/** «12 345 ₸»: the thousands separator is a narrow no-break space, as Kaspi shows prices. */
export function formatPrice(tenge: number): string {
  return `${Math.round(tenge).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')}\u00a0₸`;
}

/** Prices as sellers type them; shared with the demper settings parser. */
export { parsePriceText as parsePrice } from '../../demper/price-text.js';

/** Escapes text for Telegram's HTML parse mode. */
export function html(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
