import type { I18n } from '@grammyjs/i18n';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';

import type { CatalogSync } from '../catalog/sync.js';
import type { OfferActions } from '../catalog/offer-actions.js';
import type { Config } from '../config.js';
import type { Kaspi } from '../kaspi/index.js';
import type { KaspiLoginService } from '../kaspi/login-service.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import type { DemperControls } from '../demper/seller-controls.js';
import type { FollowUps } from '../follow-ups/types.js';
import type { Logger } from '../logger.js';
import type { PreorderService } from '../preorders/service.js';
import type { SecretBox } from '../security/secret-box.js';
import type { ProductDirectory } from '../catalog/product-directory.js';
import type { ProductHistory } from '../catalog/product-history.js';
import type { SellerService } from '../sellers/seller-service.js';
import type { SessionExpiryNotices } from '../sellers/session-expiry-notices.js';
import type { StoreDirectory } from '../sellers/store-directory.js';
import type { ActionLimiter } from './guards/action-limiter.js';
import type { BackgroundTasks } from './background.js';
import type { PressGuard } from './guards/press-guard.js';

/** Everything a bot feature may use: services only, never HTTP details (ARCHITECTURE, layers). */
export interface BotDeps {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  redis: Redis | undefined;
  i18n: I18n;
  secretBox: SecretBox;
  kaspi: Kaspi;
  sessions: KaspiSessionManager;
  logins: KaspiLoginService;
  catalog: CatalogSync;
  offers: OfferActions;
  demper: DemperControls;
  preorders: PreorderService;
  limiter: ActionLimiter;
  /** One run per button press: the same button of the same message tapped again is not run twice. */
  presses: PressGuard;
  /** Long work of an update (sync, uploads) off the update's handler; lost with the process. */
  background: BackgroundTasks;
  /**
   * Read-backs the seller waits for (price, on/off, preorders), kept in the database so a restart does not
   * lose them; features only schedule, the process starts the runner.
   */
  followUps: FollowUps;
  /** How long a sent manual change is read back before it is reported as not applied. */
  verifyTimeoutMs: number;
  /** First read-back of a sent change (Kaspi applies writes in seconds to minutes). */
  verifyFirstAfterMs: number;
  /** Sellers by Telegram user: the update's seller, their settings, their active store. */
  sellers: SellerService;
  /** A seller's stores (only theirs), the active one, the store's demper switches. */
  stores: StoreDirectory;
  /** A seller's products (only theirs): by id, by SKU, list pages, counts, preorder plans. */
  products: ProductDirectory;
  /** What a card, `/history` and the chart show of the past: price changes, market checks, demper cycles. */
  history: ProductHistory;
  /** The process's «session expired» throttle (the container's: the demper's notifier shares it). */
  expiryNotices: SessionExpiryNotices;
}
