import { cookie, cookiesOf, redirect } from './http-util.js';
import type { CabinetSessions } from './cabinet-session.js';
import type { IdmcSandbox } from './idmc.js';
import type { Handler } from './router.js';
import type { SandboxWorld } from './state.js';

/**
 * The cabinet (mc) side of the login: it sends the browser to idmc's authorize with a state it remembers, and trades
 * the authorization code idmc hands back (once, with the matching `mc_arr` cookie) for cabinet session cookies.
 */
export function oauthHandoffRoutes(
  world: SandboxWorld,
  idmc: IdmcSandbox,
  sessions: CabinetSessions,
): Record<string, Handler> {
  /** OAuth state → where the browser goes once logged in. */
  const oauthStates = new Map<string, string>();
  return {
    'GET /oauth2/authorization/1': (_request, response, url) => {
      const state = world.token(8);
      oauthStates.set(state, url.searchParams.get('redirectUrl') ?? `${world.urls.shop}/mc/`);
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: 'mc',
        scope: 'openid',
        state,
        redirect_uri: `${world.urls.mc}/login/oauth2/code/1`,
        nonce: world.token(8),
        code_challenge: world.token(16),
        code_challenge_method: 'S256',
      });
      redirect(response, `${world.urls.idmc}/oauth2/authorize?${query}`, [
        cookie('mc_arr', state),
        cookie('mc-session', `pre-${world.token(8)}`),
      ]);
    },
    'GET /login/oauth2/code/1': (request, response, url) => {
      const code = url.searchParams.get('code') ?? '';
      const state = url.searchParams.get('state') ?? '';
      const account = idmc.takeAuthorizationCode(code);
      const target = oauthStates.get(state);
      if (!account || target === undefined || cookiesOf(request).mc_arr !== state)
        return redirect(response, `${world.urls.idmc}/login`);
      oauthStates.delete(state);
      const { session, sid } = sessions.open(account);
      redirect(response, target, [cookie('mc-session', session), cookie('mc-sid', sid)]);
    },
  };
}
