/**
 * Kaspi's `validate/v2` answers a refused offer as `{valid: false, errorOffers: [...]}`. The entries' exact shape
 * is not documented; public clients see a code per offer or per point. Everything that looks like a code is
 * collected, so the seller reads each reason in their language (`kaspi-refusal-<CODE>`, or the code itself).
 */
export function refusalCodes(errorOffers: unknown[] | undefined): string[] {
  const codes = new Set<string>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (/^[A-Z][A-Z0-9_]{2,63}$/.test(value)) codes.add(value);
      return;
    }
    if (Array.isArray(value)) return value.forEach((inner) => visit(inner, depth + 1));
    if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value))
        if (['errors', 'code', 'errorCode', 'error', 'codes', 'availabilities'].includes(key)) visit(inner, depth + 1);
    }
  };
  visit(errorOffers ?? [], 0);
  return codes.size ? [...codes] : ['UNKNOWN'];
}

/** The refusal codes that have their own seller message; any other is shown as Kaspi wrote it. */
export const KNOWN_REFUSALS = ['PRICE_TOO_LOW', 'UNKNOWN_POINT', 'NO_STOCK', 'OFFER_BLOCKED', 'UNKNOWN'] as const;
