/** «12 345 ₸»: the thousands separator is a narrow no-break space, as Kaspi shows prices. */
export function formatPrice(tenge: number): string {
  return `${Math.round(tenge)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')}\u00a0₸`;
}

/** Prices as sellers type them; shared with the demper settings parser. */
export { parsePriceText as parsePrice } from '../../demper/price-text.js';

/** Escapes text for Telegram's HTML parse mode. */
export function html(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${clip(text, max - 1)}…`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The first `max` UTF-16 units without cutting an emoji in half. A lone surrogate from a plain `slice` made
 * PostgreSQL refuse the session or conversation state that held it (jsonb), failing the seller's update.
 */
export function clip(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** Text with any lone surrogate replaced by U+FFFD: what Telegram and PostgreSQL accept. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

/** The seller's zone when it is known, else Almaty's (the default every seller starts with). */
const DEFAULT_TIME_ZONE = 'Asia/Almaty';

/** A formatter on the seller's clock; a zone the runtime does not know (a bad stored value) reads as Almaty. */
export function zonedFormat(
  locale: string,
  timezone: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: timezone });
  } catch {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: DEFAULT_TIME_ZONE });
  }
}

/** Today as YYYY-MM-DD on the seller's clock (Almaty by default), for file names the seller will look for. */
export function localDate(timezone: string, now = new Date()): string {
  return zonedFormat('en-CA', timezone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** «19:05» today, «24.11 19:05» on another day, on the seller's clock: when a figure was last checked. */
export function localTimeOrDate(date: Date, timezone: string, now = new Date()): string {
  const format = zonedFormat('en-GB', timezone, {
    hourCycle: 'h23',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const parts = (at: Date) => {
    const of = format.formatToParts(at);
    const part = (type: Intl.DateTimeFormatPartTypes) => of.find((p) => p.type === type)?.value ?? '';
    return { day: `${part('day')}.${part('month')}`, year: part('year'), time: `${part('hour')}:${part('minute')}` };
  };
  const then = parts(date);
  const today = parts(now);
  return then.day === today.day && then.year === today.year ? then.time : `${then.day} ${then.time}`;
}
