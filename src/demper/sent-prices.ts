/** One product's demper changes Kaspi took (or may have: a timeout is never resent), as the digest names them. */
export interface SentPrice {
  productId: number;
  title: string;
  /** The city, named where the store sells in several and one city moved. */
  cityName?: string;
  changeIds: number[];
  oldPrice: number;
  newPrice: number;
}

/**
 * Who reads the demper's sent changes back as soon as Kaspi applies them (the durable price follow-ups), so our
 * copy of the offer moves without waiting for the demper's next run. The demper's own read-back stays the
 * safety net: the outbox lets only one of them settle a change, and only that one tells the seller.
 */
export interface SentPriceReadBack {
  sent(storeId: number, prices: SentPrice[]): Promise<void>;
}
