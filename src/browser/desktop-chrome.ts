/**
 * How a seller's own browser introduces itself: a current desktop Chrome on Windows, in Russian, in Kazakhstan.
 * The HTTP client and the e-mail login's Chromium both use it, so one login looks like one person throughout
 * (REFERENCE §4.1: a self-identifying agent gets 429; a headless one is a bot to any WAF).
 */

/** Chrome's stable major in December 2026; the e-mail login uses the installed Chromium's own major instead. */
export const CHROME_MAJOR = 156;

/** Chrome's reduced user agent: the version reads `<major>.0.0.0` on every desktop platform. */
export function desktopChromeUserAgent(major = CHROME_MAJOR): string {
  return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

export const BROWSER_USER_AGENT = desktopChromeUserAgent();

/** A Russian-speaking browser in Kazakhstan. */
export const BROWSER_LOCALE = 'ru-KZ';
export const BROWSER_ACCEPT_LANGUAGE = 'ru-KZ,ru;q=0.9,en-US;q=0.8,en;q=0.7';
export const BROWSER_TIME_ZONE = 'Asia/Almaty';

/** A 1920×1080 screen at Windows' usual 125 % scaling, minus the browser's own bars. */
export const BROWSER_SCREEN = { width: 1536, height: 864 } as const;
export const BROWSER_VIEWPORT = { width: 1536, height: 730 } as const;
export const BROWSER_DEVICE_SCALE = 1.25;
