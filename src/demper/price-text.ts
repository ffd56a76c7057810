/**
 * A price as sellers type it: «12000», «12 000», «12 000 ₸», «12000тг», «12.000», «12 500,00». Whole tenge only;
 * `undefined` for anything else (letters, fractions, negatives, «12 00»).
 */
export function parsePriceText(text: string): number | undefined {
  const cleaned = text
    .trim()
    .toLowerCase()
    .replace(/(₸|тг\.?|тенге|kzt|tg)$/u, '')
    .trim()
    .replace(/[\u00a0\u202f]/g, ' ')
    // «12 500,00» as price lists write it: zero kopecks are whole tenge (two digits: «12.000» stays thousands).
    // Not below 100: «12.00» is more likely «12.000» short of a zero than a 12 ₸ price (or floor).
    .replace(/(\d{3})[.,]0{1,2}$/, '$1');
  // Digits alone, or groups of three behind one separator («12 000», «12.000»); «12 00» is a typo, not 1200.
  const grouped = /^\d{1,3}(?:([ .,'])\d{3})(?:\1\d{3})*$/.test(cleaned);
  if (!grouped && !/^\d{1,9}$/.test(cleaned)) return undefined;
  const value = Number(cleaned.replace(/[ .,']/g, ''));
  return Number.isSafeInteger(value) && value <= 999_999_999 ? value : undefined;
}
