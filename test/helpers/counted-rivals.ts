/**
 * The sandbox's storefront offers with the rivals the demper's default filters count first: a seller with stock
 * or pickup in the city and a record of reviews (the filters leave out other-city-only and unproven sellers).
 * Tests that move "the leader" pick it from the front of this list.
 */
export function countedRivalsFirst<T extends object>(offers: T[]): T[] {
  const counts = (offer: T) => {
    const fields = offer as Record<string, unknown>;
    const local =
      'pickup' in fields || (Array.isArray(fields.pointsWithAvailability) && fields.pointsWithAvailability.length > 0);
    return local && (Number(fields.merchantRating ?? 0) >= 4 || Number(fields.merchantReviewsQuantity ?? 0) >= 10);
  };
  return [...offers].sort((a, b) => Number(counts(b)) - Number(counts(a)));
}
