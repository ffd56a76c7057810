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
  /** How long an SMS or e-mailed code is accepted; later it is TIMEOUT_EXCEEDED. */
  codeTtlMs: number;
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
  codeTtlMs: 10 * 60_000,
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
  /** How expired and unknown cabinet sessions are answered unless `expireSessions` names a shape; `401` by default. */
  expiredSessionShape?: ExpiredSessionShape;
  logger?: Logger;
}

export type SandboxAccount =
  | { kind: 'sms'; phone: string; merchantUids: string[]; chooseAtLogin?: boolean; mfaEmail?: string }
  | { kind: 'email'; email: string; password: string; merchantUids: string[]; mfa: boolean; chooseAtLogin?: boolean };
/*
 * `chooseAtLogin`: the login service asks which merchant (`200 {su: […]}`) before it hands out a session, and the
 * session then covers the chosen merchant only. `mfaEmail`: after the SMS code Kaspi also e-mails a code there.
 */

/** How an expired cabinet session is answered (each shape seen from Kaspi's cabinet). */
export type ExpiredSessionShape = '401' | '403' | 'redirect' | 'login-page';
export const EXPIRED_SESSION_SHAPES: readonly ExpiredSessionShape[] = ['401', '403', 'redirect', 'login-page'];

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
  /** idmc only: the next `/api/p/login` calls answer these refusals, in order (MFA_*, TIMEOUT_EXCEEDED, …). */
  loginErrors?: { errorCode: string; status?: number; breakTimeSeconds?: number }[];
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
  /** Ends cabinet sessions (of one merchant, or all); later requests with them get `shape` (default `401`). */
  expireSessions(merchantUid?: string, shape?: ExpiredSessionShape): void;
  setRivalPrice(masterSku: string, cityId: string, merchantId: string, price: number): void;
  /** Kaspi's moderation refuses this offer's sale from now on: `validate/v2` answers `OFFER_BLOCKED`. */
  blockOffer(merchantUid: string, sku: string): void;
  tickRivals(): void;
  close(): Promise<void>;
}
