import type { Decision } from './strategy.js';

/** What the demper tells a seller; the bot implements it with one digest message per store per cycle. */
export interface DigestLine {
  productId: number;
  sku: string;
  title: string;
  oldPrice: number;
  newPrice: number;
  /** «Почему такая цена» in Russian (the log, the CLI); the chat re-explains `decision` in the seller's language. */
  reason: string;
  decision?: Decision;
  rivalName: string | undefined;
  rivalPrice: number | undefined;
  /** The city whose price moved, named where the store sells in several. */
  cityId?: string;
  cityName?: string;
}

type DemperAlertKind = 'floor-reached' | 'lost-first-place' | 'not-applied' | 'session-expired' | 'rate-limited';

export interface DemperAlert {
  kind: DemperAlertKind;
  productId?: number;
  sku?: string;
  title?: string;
  /** The city the alert is about, named where the store sells in several. */
  cityName?: string;
  details?: Record<string, string | number>;
  /** The decision a market alert is about: the chat explains it in the seller's language. */
  decision?: Decision;
}

export interface DigestExtra {
  waited?: number;
}

export interface DemperNotifier {
  /** `extra.waited`: how many products' changes wait for the store's change budget (Kaspi's 250 per 30 min). */
  digest(storeId: number, lines: DigestLine[], dryRun: boolean, extra?: DigestExtra): Promise<void>;
  alert(storeId: number, alert: DemperAlert): Promise<void>;
  /** The store's expired session was renewed without the seller: a later expiry is news again. */
  sessionRestored?(storeId: number): Promise<void>;
}

/** Used by the CLI and tests: keeps what would have been sent. */
export class RecordingNotifier implements DemperNotifier {
  readonly digests: { storeId: number; lines: DigestLine[]; dryRun: boolean; waited?: number }[] = [];
  readonly alerts: { storeId: number; alert: DemperAlert }[] = [];
  readonly restored: number[] = [];

  async digest(storeId: number, lines: DigestLine[], dryRun: boolean, extra?: DigestExtra): Promise<void> {
    this.digests.push({ storeId, lines, dryRun, ...(extra?.waited ? { waited: extra.waited } : {}) });
  }

  async alert(storeId: number, alert: DemperAlert): Promise<void> {
    this.alerts.push({ storeId, alert });
  }

  async sessionRestored(storeId: number): Promise<void> {
    this.restored.push(storeId);
  }
}
