import type { FollowUpKind } from '../../db/entities/index.js';
import type { FollowUpHandlers, FollowUpPayloads } from '../types.js';
import { availabilityFollowUp } from './availability.js';
import { preorderFileFollowUp } from './preorder-file.js';
import { preordersFollowUp } from './preorders.js';
import { priceFollowUp } from './price.js';

export const FOLLOW_UP_HANDLERS: FollowUpHandlers = {
  price: priceFollowUp,
  availability: availabilityFollowUp,
  preorders: preordersFollowUp,
  'preorder-file': preorderFileFollowUp,
};

/**
 * At most one open follow-up per key: one read-back per store reads all its uploaded preorders (two at once
 * would both see the same plan confirmed and both tell it). Price and on/off changes are each their own.
 */
export function openKeyOf<K extends FollowUpKind>(kind: K, payload: FollowUpPayloads[K]): string | null {
  return kind === 'preorders' ? `preorders:${payload.storeId}` : null;
}
