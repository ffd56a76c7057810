import type { Logger } from '../logger.js';

export interface SandboxLimits {
  storefrontRpsPerIp: number;
  storefrontBlockMs: number;
  writeRpsPerMerchant: number;
  writeBlockMs: number;
  changesPer30Min: number;
  listPageMax: number;
  storefrontLimitMax: number;
  sessionTtlMs: number;
  smsResendMs: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  storefrontRpsPerIp: 15,
  storefrontBlockMs: 10_000,
  writeRpsPerMerchant: 3,
  writeBlockMs: 30 * 60_000,
  changesPer30Min: 250,
  listPageMax: 100,
  storefrontLimitMax: 64,
  sessionTtlMs: 24 * 60 * 60_000,
  smsResendMs: 60_000,
};

export interface KaspiSandboxOptions {
  host?: string;
  /** Base port: idmc on port, mc on port+1, shop on port+2; 0 (default) = free ports. */
  port?: number;
  seed?: number;
  /** Divides every Kaspi duration: 60 turns a 30-minute block into 30 s. */
  timeScale?: number;
  productsPerMerchant?: number;
  limits?: Partial<SandboxLimits>;
  /** Milliseconds (before scaling) between accepting a write and applying it. */
  applyDelayMs?: number;
  /** Rival moves every this many ms (before scaling); 0 = only when `tickRivals()` is called. */
  rivalTickMs?: number;
  logger?: Logger;
}

export type SandboxAccount =
  | { kind: 'sms'; phone: string; merchantUids: string[] }
  | { kind: 'email'; email: string; password: string; merchantUids: string[]; mfa: boolean };

export interface SandboxAvailability {
  storeId: string;
  available: 'yes' | 'no';
  preOrder?: number;
  stockSpecified?: boolean;
  stockCount?: number;
}

/** A cabinet offer exactly in the shape of `bff/offer-view/list` items. */
export interface SandboxOffer {
  sku: string;
  masterSku: string;
  masterTitle: string;
  model: string;
  brand: string;
  masterCategory: string;
  images: string[];
  available: boolean;
  price: number;
  minPrice: number;
  availabilities: SandboxAvailability[];
  stocks?: { stockLevel: Record<string, { value: number }> }[];
  allCityPrices: Record<string, { price: number; oldPrice: number | null; discount: number }>;
  offerId: string;
  shopLink: string;
}

export interface SandboxWriteRecord {
  at: number;
  endpoint: 'process' | 'batch' | 'upload';
  merchantUid: string;
  body: unknown;
}

export interface SandboxFaults {
  target: 'storefront' | 'cabinet' | 'idmc' | 'all';
  serverErrors?: number;
  htmlWall?: number;
  resets?: number;
  delayMs?: number;
  delayedRequests?: number;
  dropWrites?: boolean;
  drift?: { from: string; to: string } | null;
}

export interface KaspiSandbox {
  idmcUrl: string;
  mcUrl: string;
  shopUrl: string;
  envText(): string;
  accounts: SandboxAccount[];
  lastCode(identity: string): string | undefined;
  catalogue(merchantUid: string): SandboxOffer[];
  storefront(masterSku: string, cityId: string): Record<string, unknown>[];
  writes(merchantUid?: string): SandboxWriteRecord[];
  stats(): { storefront403: number; cabinet429: number; requests: Record<string, number> };
  injectFaults(faults: SandboxFaults): void;
  expireSessions(merchantUid?: string): void;
  setRivalPrice(masterSku: string, cityId: string, merchantId: string, price: number): void;
  tickRivals(): void;
  close(): Promise<void>;
}
