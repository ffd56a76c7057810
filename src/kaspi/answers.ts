/**
 * What each Kaspi answer means — the one table `KaspiHttp` reads every response with. A row matches on the service
 * that answered, the status, the body's shape and what the caller expected; the first matching row decides.
 * `test/kaspi/answers.test.ts` sends every row's answer over real HTTP and fails when a row has no case.
 */

/** How a failure is read depends on which Kaspi service answered. */
export type KaspiService = 'login' | 'cabinet' | 'storefront';

/** What the caller of a request expects to get back. */
export type KaspiExpect = 'json' | 'redirect' | 'text';

/** The body (or, for a 3xx, the Location) as far as deciding what an answer means needs. */
export type AnswerShape =
  | 'json' // a body that parsed as JSON
  | 'login-page' // HTML carrying Kaspi's login form: the cabinet sent a logged-out browser to sign in
  | 'html' // any other HTML: the WAF's «Проверка браузера» wall, a proxy's error page
  | 'other' // text that is neither JSON nor HTML (a cut or garbled body)
  | 'empty'
  | 'to-login' // a 3xx whose Location is the login host or page
  | 'redirect'; // any other 3xx

/** `pass`: the answer goes back to the caller (data, an expected redirect, or a login errorCode to read). */
export type AnswerMeaning = 'pass' | 'session-expired' | 'ip-blocked' | 'rate-limited' | 'bad-request' | 'transient';

type StatusMatch = number | readonly number[] | '2xx' | '3xx' | '4xx' | '5xx' | '*';

export interface KaspiAnswerRow {
  service: KaspiService | '*';
  status: StatusMatch;
  shape: AnswerShape | readonly AnswerShape[] | '*';
  /** Only when the caller expects this. */
  expect?: KaspiExpect;
  meaning: AnswerMeaning;
  /** Why Kaspi answers so; becomes part of the error message. */
  why: string;
}

const HTML: readonly AnswerShape[] = ['html', 'login-page'];

export const KASPI_ANSWERS: readonly KaspiAnswerRow[] = [
  {
    service: '*',
    status: 526,
    shape: '*',
    meaning: 'ip-blocked',
    why: 'the edge refuses this exit (the «блокировка 526» after a burst of requests)',
  },
  { service: '*', status: '5xx', shape: '*', meaning: 'transient', why: 'Kaspi is down or overloaded' },
  {
    service: '*',
    status: 429,
    shape: '*',
    meaning: 'rate-limited',
    why: 'rate limited; nothing may be sent until the cool-down ends',
  },
  {
    service: '*',
    status: '3xx',
    shape: '*',
    expect: 'redirect',
    meaning: 'pass',
    why: 'the OAuth hand-off answers with redirects',
  },
  {
    service: 'cabinet',
    status: '3xx',
    shape: 'to-login',
    meaning: 'session-expired',
    why: 'redirected to the login host: the session is over',
  },
  { service: '*', status: '3xx', shape: '*', meaning: 'bad-request', why: 'an unexpected redirect' },
  {
    service: 'cabinet',
    status: 401,
    shape: '*',
    meaning: 'session-expired',
    why: 'the cabinet cookies no longer work',
  },
  {
    service: 'cabinet',
    status: 403,
    shape: 'json',
    meaning: 'session-expired',
    why: 'Spring Security refuses a session it no longer knows with a JSON 403',
  },
  {
    service: 'cabinet',
    status: '2xx',
    shape: 'login-page',
    meaning: 'session-expired',
    why: 'the login page came where cabinet data belongs',
  },
  { service: '*', status: [403, 405], shape: HTML, meaning: 'ip-blocked', why: 'blocked by an anti-bot page' },
  {
    service: 'login',
    status: '4xx',
    shape: '*',
    meaning: 'pass',
    why: 'the login flow reads Kaspi’s errorCode itself',
  },
  {
    service: 'storefront',
    status: [403, 405],
    shape: '*',
    meaning: 'ip-blocked',
    why: 'the storefront refuses this exit IP',
  },
  { service: '*', status: '4xx', shape: '*', meaning: 'bad-request', why: 'Kaspi refused the request as it stands' },
  {
    service: '*',
    status: '2xx',
    shape: HTML,
    expect: 'json',
    meaning: 'ip-blocked',
    why: 'an HTML page (the WAF’s wall) instead of JSON',
  },
  {
    service: '*',
    status: '2xx',
    shape: ['other', 'empty'],
    expect: 'json',
    meaning: 'transient',
    why: 'a body that is not JSON',
  },
  { service: '*', status: '*', shape: '*', meaning: 'pass', why: 'an answer for the caller to read' },
];

/** The row that decides what this answer means (the last row matches everything). */
export function answerRow(
  service: KaspiService,
  status: number,
  shape: AnswerShape,
  expect: KaspiExpect,
): KaspiAnswerRow {
  return KASPI_ANSWERS.find(
    (row) =>
      (row.service === '*' || row.service === service) &&
      statusMatches(row.status, status) &&
      (row.shape === '*' || row.shape === shape || (Array.isArray(row.shape) && row.shape.includes(shape))) &&
      (row.expect === undefined || row.expect === expect),
  )!;
}

function statusMatches(match: StatusMatch, status: number): boolean {
  if (match === '*') return true;
  if (typeof match === 'number') return match === status;
  if (typeof match === 'string') return Math.floor(status / 100) === Number(match[0]);
  return match.includes(status);
}

/**
 * Marks of Kaspi's login page (REFERENCE §1.3): its form fields and its script's login API. A WAF wall has none
 * of them, so a 200 HTML page is told apart as «log in again» or «this IP is blocked».
 */
const LOGIN_PAGE_MARKS =
  /id=["']?(user_email_field|user_phone_field|password_field)\b|name=["']?security-code\b|\/api\/p\/login\b/i;

/** HTML by its content type, or by its first character when the server did not say. */
export function looksLikeHtml(contentType: string, text: string): boolean {
  return contentType.includes('text/html') || /^\s*</.test(text);
}

/** The shape of an answer: `looksHtml` from `looksLikeHtml`, `json` if the body parsed. */
export function answerShape(
  status: number,
  text: string,
  looksHtml: boolean,
  json: unknown,
  location: string | undefined,
  requestUrl: string,
): AnswerShape {
  if (status >= 300 && status < 400) return isLoginLocation(location, requestUrl) ? 'to-login' : 'redirect';
  if (looksHtml) return LOGIN_PAGE_MARKS.test(text) ? 'login-page' : 'html';
  if (json !== undefined) return 'json';
  return text.trim() === '' ? 'empty' : 'other';
}

/** The login host (idmc.…) or a login / OAuth path on any Kaspi host. */
function isLoginLocation(location: string | undefined, requestUrl: string): boolean {
  if (!location) return false;
  let target: URL;
  try {
    target = new URL(location, requestUrl);
  } catch {
    return false;
  }
  return target.hostname.startsWith('idmc.') || /(^|\/)login(\/|$)|\/oauth2\//.test(target.pathname);
}
