import type { I18n } from '@grammyjs/i18n';
import { Api, InlineKeyboard } from 'grammy';

import type { Container } from '../app/container.js';

import type { Seller } from '../db/entities/index.js';
import type { DigestExtra, DemperAlert, DemperNotifier, DigestLine } from '../demper/notifier.js';
import { explainDecision } from '../demper/reasons.js';
import type { Locale } from '../i18n.js';
import { RENEWALS_PER_HOUR, renewalNote } from '../kaspi/session-keeper.js';
import type { Logger } from '../logger.js';
import type { SessionExpiryNotices } from '../sellers/session-expiry-notices.js';
import { StoreDirectory } from '../sellers/store-directory.js';
import { ACTIONS, callbackData } from './callback-data.js';
import { formatPrice, html, truncate, zonedFormat } from './replies/format.js';
import { buttonBudget, labelWidth } from './replies/keyboard-budget.js';

const DIGEST_LINES = 20;
const DRY_RUN_BUTTONS = 8;
/** Alerts a seller must see even with notifications set to «only important». */
const IMPORTANT: DemperAlert['kind'][] = [
  'floor-reached',
  'not-applied',
  'session-expired',
  'rate-limited',
  'lost-first-place',
];

/** Minutes since midnight in the seller's time zone. */
function minuteOfDay(now: Date, timeZone: string): number {
  const parts = zonedFormat('en-GB', timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    now,
  );
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/** Quiet hours may cross midnight (22:00–08:00). */
export function inQuietHours(
  seller: Pick<Seller, 'quietFromMinute' | 'quietToMinute' | 'timezone'>,
  now = new Date(),
): boolean {
  const from = seller.quietFromMinute;
  const to = seller.quietToMinute;
  if (from === null || from === undefined || to === null || to === undefined || from === to) return false;
  const minute = minuteOfDay(now, seller.timezone || 'Asia/Almaty');
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/**
 * The demper's voice in the chat: one digest per store per cycle (old → new, rival, why) with «Остановить» and
 * «Откатить» buttons; alerts on transitions. Level «off» silences digests and alerts except a dead session;
 * quiet hours deliver silently instead of dropping anything. It speaks outside any update: each message reads
 * the store's seller (chat, language, settings) from the database.
 */
export class ChatNotifier implements DemperNotifier {
  constructor(
    private readonly api: Api,
    private readonly stores: StoreDirectory,
    private readonly expiryNotices: SessionExpiryNotices,
    private readonly i18n: I18n,
    private readonly logger: Logger,
  ) {}

  async digest(storeId: number, lines: DigestLine[], dryRun: boolean, extra?: DigestExtra): Promise<void> {
    // Changes that only waited for the budget are told with the next digest that has news, not on their own.
    if (lines.length === 0) return;
    const target = await this.stores.withSeller(storeId);
    if (!target) return;
    // Trial-mode proposals wait for the seller's ✅: «important» must not silence the only thing that mode does.
    const level = target.seller.notifyLevel;
    if (level === 'off' || (level === 'important' && !dryRun)) return;
    const { store, seller } = target;
    const t = (key: string, variables?: Record<string, string | number>) =>
      this.i18n.t(seller.language, key, variables);
    const text = [
      t(dryRun ? 'demper-digest-dry-run' : 'demper-digest', { store: html(store.name), count: lines.length }),
      ...lines.slice(0, DIGEST_LINES).map((line, index) =>
        t('demper-digest-line', {
          index: index + 1,
          title: html(truncate(line.title, 60)) + (line.cityName ? ` · ${html(line.cityName)}` : ''),
          old: formatPrice(line.oldPrice),
          new: formatPrice(line.newPrice),
          reason: html(
            line.decision
              ? explainDecision(this.i18n, seller.language as Locale, line.decision, line.oldPrice)
              : line.reason,
          ),
        }),
      ),
      ...(lines.length > DIGEST_LINES ? [t('offers-more', { count: lines.length - DIGEST_LINES })] : []),
      ...(extra?.waited ? [t('demper-digest-waited', { count: extra.waited })] : []),
    ].join('\n');
    const keyboard = new InlineKeyboard();
    if (dryRun) {
      // Proposals expire: a ✅ pressed tomorrow must not apply yesterday's market.
      const issued = Math.floor(Date.now() / 60_000) % 100_000;
      lines.slice(0, DRY_RUN_BUTTONS).forEach((line, index) => {
        keyboard
          .text(
            proposalLabel(index + 1, line.newPrice),
            callbackData(
              ACTIONS.proposalYes,
              line.productId,
              line.newPrice,
              issued,
              ...(line.cityId ? [line.cityId] : []),
            ),
          )
          .text(`❌ ${index + 1}`, callbackData(ACTIONS.proposalNo, line.productId))
          .row();
      });
    }
    keyboard.text(t('button-demper-stop'), callbackData(ACTIONS.demperStop, store.id));
    // Under proposals nothing was changed: «вернуть прежние цены» there would undo an earlier live check instead.
    // Each on its own row: long labels a phone would cut beside each other.
    if (!dryRun) keyboard.row().text(t('button-demper-rollback'), callbackData(ACTIONS.demperRollback, store.id));
    await this.send(seller, text, keyboard);
  }

  async alert(storeId: number, alert: DemperAlert): Promise<void> {
    const target = await this.stores.withSeller(storeId);
    if (!target) return;
    const { store, seller } = target;
    if (seller.notifyLevel === 'off' && alert.kind !== 'session-expired') return;
    if (seller.notifyLevel === 'important' && !IMPORTANT.includes(alert.kind)) return;
    if (alert.kind === 'session-expired' && !(await this.expiryNotices.alertDue(store))) return;
    const t = (key: string, variables?: Record<string, string | number>) =>
      this.i18n.t(seller.language, key, variables);
    const details = alert.details ?? {};
    const variables: Record<string, string | number> = {
      store: html(store.name),
      // A store selling in several cities hears which city's market an alert is about.
      title: html(truncate(alert.title ?? '', 80)) + (alert.cityName ? ` · ${html(alert.cityName)}` : ''),
      sku: html(alert.sku ?? ''),
      minutes: details.minutes ?? 30,
      floor: formatPrice(Number(details.floor ?? 0)),
      rivalPrice: formatPrice(Number(details.rivalPrice ?? 0)),
      rivalName: html(String(details.rivalName ?? '')),
      newPrice: formatPrice(Number(details.newPrice ?? 0)),
      old: typeof details.old === 'number' && details.old > 0 ? formatPrice(details.old) : '—',
      // No offer read back: «0 ₸» would read as a price Kaspi shows.
      shown: typeof details.shown === 'number' && details.shown > 0 ? formatPrice(details.shown) : '—',
    };
    const keyboard = new InlineKeyboard();
    // The one button that helps: a dead session wants a login; a floor that costs first place wants a new floor.
    const floorBound =
      alert.kind === 'floor-reached' ||
      (alert.kind === 'lost-first-place' &&
        (alert.decision?.floorReached === true || alert.decision?.reason === 'price_war_retreat'));
    if (alert.kind === 'session-expired')
      keyboard.text(t('button-relogin'), callbackData(ACTIONS.storeRelogin, store.id));
    else if (alert.productId && floorBound)
      keyboard.text(t('button-change-floor'), callbackData(ACTIONS.demperProduct, alert.productId));
    else if (alert.productId) keyboard.text(t('button-open-product'), callbackData(ACTIONS.product, alert.productId));
    let text = t(`demper-alert-${alert.kind}`, variables);
    if (alert.kind === 'floor-reached' || alert.kind === 'lost-first-place') {
      const outcome = outcomeText(t, details, store.demperDryRun);
      if (outcome) text += ` ${outcome}`;
      // Why we are not first, when the floor is not the whole story (a bot we do not fight, a place to hold…).
      if (alert.kind === 'lost-first-place' && alert.decision && !alert.decision.floorReached)
        text += ` ${html(explainDecision(this.i18n, seller.language as Locale, alert.decision, Number(details.old ?? 0)))}`;
    }
    const note = alert.kind === 'session-expired' ? renewalNote(store, new Date()) : undefined;
    if (note) text += `\n${t('demper-alert-session-renewal', { reason: note, tries: RENEWALS_PER_HOUR })}`;
    await this.send(seller, text, keyboard);
  }

  async sessionRestored(storeId: number): Promise<void> {
    await this.expiryNotices.forget(storeId);
  }

  private async send(seller: Seller, text: string, keyboard: InlineKeyboard): Promise<void> {
    try {
      await this.api.sendMessage(seller.chatId, text, {
        reply_markup: keyboard,
        disable_notification: inQuietHours(seller),
        link_preview_options: { is_disabled: true },
      });
    } catch (error) {
      // A blocked bot or a deleted chat must not stop the demper for everyone else.
      this.logger.warn({ err: error, sellerId: seller.id }, 'could not deliver a demper notification');
    }
  }
}

/**
 * What a market alert's decision does with our price: moved (or, in trial mode, proposed) from `old` to `price`,
 * or held at it, and the place that gives; at the floor also what first place would take (`needFloor`). An alert
 * without these numbers says nothing of a move rather than claim one.
 */
function outcomeText(
  t: (key: string, variables?: Record<string, string | number>) => string,
  details: Record<string, string | number>,
  dryRun: boolean,
): string | undefined {
  const amount = (value: unknown) => (typeof value === 'number' && value > 0 ? formatPrice(value) : undefined);
  const price = amount(details.price);
  const old = amount(details.old);
  const place = typeof details.place === 'number' && details.place > 0 ? details.place : undefined;
  if (!price || !place) return undefined;
  const moves = details.action === 'change' && old !== undefined && old !== price;
  const key = !moves ? 'demper-alert-keep' : dryRun ? 'demper-alert-propose' : 'demper-alert-move';
  return t(key, { price, old: old ?? price, place, needFloor: amount(details.needFloor) ?? 'none' });
}

/** The notifier of a process that runs the demper (bot, worker): Bot API calls only, no polling. */
export function createChatNotifier(container: Container): ChatNotifier {
  if (!container.telegram) throw new Error('the chat notifier needs BOT_TOKEN');
  return new ChatNotifier(
    container.telegram,
    new StoreDirectory(container.database.orm),
    container.expiryNotices,
    container.i18n,
    container.logger.child({ component: 'demper-notifier' }),
  );
}

/** «✅ 1. 141 540» beside its «❌ 1» (the digest's line says ₸); a price of millions drops a space («✅1 1 234 567»). */
function proposalLabel(number: number, price: number): string {
  const amount = formatPrice(price).replace(/\u00a0₸$/, '');
  const full = `✅ ${number}. ${amount}`;
  return labelWidth(full) <= buttonBudget(2) ? full : `✅${number} ${amount}`;
}
