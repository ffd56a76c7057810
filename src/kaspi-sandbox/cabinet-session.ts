import type { IncomingMessage, ServerResponse } from 'node:http';

import { cookie, cookiesOf, redirect, sendHtml, sendJson } from './http-util.js';
import { loginPageHtml } from './login-page.js';
import type { SandboxWorld } from './state.js';
import type { ExpiredSessionShape, SandboxAccount } from './types.js';

interface CabinetSession {
  account: SandboxAccount;
  sid: string;
  expiresAt: number;
  /** Set when Kaspi issued a newer cookie: this one keeps working for a short grace period only. */
  diesAt?: number;
  /** How requests with this session are answered once it has expired. */
  expiredAs?: ExpiredSessionShape;
}

/** Cookies to send back with an answer: a renewed `mc-session`, or nothing. */
export type CookieRefresh = Record<string, string[]>;

/** The cabinet's (mc) sessions: issued after the OAuth hand-off, checked on every cabinet request, ended on demand. */
export class CabinetSessions {
  private readonly sessions = new Map<string, CabinetSession>();
  private refreshCounter = 0;

  constructor(private readonly world: SandboxWorld) {}

  /** A new session for an account that just logged in: the `mc-session` and `mc-sid` cookie values. */
  open(account: SandboxAccount): { session: string; sid: string } {
    const session = this.world.token();
    const sid = this.world.token(8);
    this.sessions.set(session, {
      account,
      sid,
      expiresAt: Date.now() + this.world.scaled(this.world.limits.sessionTtlMs),
    });
    return { session, sid };
  }

  /** The session the request's cookies name, by cookie match alone (the storefront's cabinet page asks no more). */
  byCookies(request: IncomingMessage): CabinetSession | undefined {
    const cookies = cookiesOf(request);
    const session = cookies['mc-session'] ? this.sessions.get(cookies['mc-session']) : undefined;
    return session && session.sid === cookies['mc-sid'] ? session : undefined;
  }

  /** Cabinet authentication: cookies, `x-auth-version: 3`, merchant ownership; refreshes cookies now and then. */
  guard(
    request: IncomingMessage,
    response: ServerResponse,
    merchantUid: string | undefined,
    serve: (session: CabinetSession, refresh: CookieRefresh) => void,
  ): void {
    const cookies = cookiesOf(request);
    const session = cookies['mc-session'] ? this.sessions.get(cookies['mc-session']) : undefined;
    const now = Date.now();
    if (
      !session ||
      session.sid !== cookies['mc-sid'] ||
      session.expiresAt <= now ||
      (session.diesAt !== undefined && session.diesAt <= now)
    ) {
      return this.sessionOver(request, response, session?.expiredAs ?? this.world.expiredSessionShape);
    }
    if (request.headers['x-auth-version'] !== '3')
      return sendJson(response, 400, { errorCode: 'AUTH_VERSION_REQUIRED' });
    if (merchantUid !== undefined && !session.account.merchantUids.includes(merchantUid))
      return sendJson(response, 403, { errorCode: 'FORBIDDEN' });
    let refresh: CookieRefresh = {};
    if (++this.refreshCounter % 10 === 0 && session.diesAt === undefined) {
      // «Кабинет продлевает cookie на ходу»: a new mc-session; the old one dies shortly after.
      const renewed = this.world.token();
      this.sessions.set(renewed, {
        account: session.account,
        sid: session.sid,
        expiresAt: now + this.world.scaled(this.world.limits.sessionTtlMs),
      });
      session.diesAt = now + this.world.scaled(60_000);
      refresh = { 'set-cookie': [cookie('mc-session', renewed)] };
      // Every answer of this request carries the new cookie, whatever path the handler takes.
      response.setHeader('set-cookie', refresh['set-cookie']!);
    }
    serve(session, refresh);
  }

  /** Ends the sessions of one merchant (or all); later requests with them are answered in `shape`. */
  expire(merchantUid?: string, shape: ExpiredSessionShape = this.world.expiredSessionShape): void {
    for (const session of this.sessions.values()) {
      if (merchantUid === undefined || session.account.merchantUids.includes(merchantUid))
        Object.assign(session, { expiresAt: 0, expiredAs: shape });
    }
  }

  /** Each way Kaspi's cabinet answers a request whose session is over (the client must read all as «log in again»). */
  private sessionOver(request: IncomingMessage, response: ServerResponse, shape: ExpiredSessionShape): void {
    const { urls } = this.world;
    const path = new URL(request.url ?? '/', urls.mc).pathname;
    if (shape === '403') {
      // Spring Security's own refusal body.
      return sendJson(response, 403, {
        timestamp: new Date().toISOString(),
        status: 403,
        error: 'Forbidden',
        message: 'Access Denied',
        path,
      });
    }
    if (shape === 'redirect') return redirect(response, `${urls.idmc}/login`);
    if (shape === 'login-page') return sendHtml(response, 200, loginPageHtml(urls.mc, urls.shop));
    sendJson(response, 401, { errorCode: 'UNAUTHORIZED' });
  }
}
