/** How a failed plan's `error` (English, for the operator and the log) starts, per kind of failure. */
export const PREORDER_FAILURE = {
  notFound: 'offer not found in the cabinet',
  notShown: 'Kaspi does not show the preorder',
  fileRefused: 'Kaspi processed the file with status',
  notSent: 'not sent:',
} as const;

export type PreorderFailure = 'not-found' | 'not-shown' | 'file-refused' | 'not-sent' | 'points' | 'other';

/** What a failed plan's stored error means, for the seller's message (the text itself stays in the log). */
export function preorderFailureOf(error: string | null | undefined): PreorderFailure {
  if (!error) return 'other';
  if (error === PREORDER_FAILURE.notFound) return 'not-found';
  if (error === PREORDER_FAILURE.notShown) return 'not-shown';
  if (error.startsWith(PREORDER_FAILURE.fileRefused)) return 'file-refused';
  if (error.startsWith(PREORDER_FAILURE.notSent)) return 'not-sent';
  // OfferWriteError about the store's points: the synced points no longer match the offer.
  if (/\bpoints?\b|cities/.test(error)) return 'points';
  return 'other';
}
