// Signing in and out: the login link (`/?token=…`, then a session cookie and the token out of
// the address bar) and POST /logout.
import { RelayError } from './errors.js';
import { RELAY_SOURCE, SOURCE_HEADER } from '../web/contract.js';
import { sendLoginPage, wantsHtml } from './login-page.js';
import { checkSameOrigin } from './client-checks.js';
import { SECURITY_HEADERS } from './responses.js';

/** @param {{ sessions }} deps → { login(req, res, token), logout(req, res) } */
export function accountRoutes({ sessions }) {
  function logout(req, res) {
    checkSameOrigin(req, { via: 'cookie' }, { body: false });
    // Stateless sessions: the browser forgets its cookie. (A copied cookie stays valid
    // until it expires or PLAYGROUND_TOKEN / SESSION_SECRET change.)
    res.writeHead(204, { 'set-cookie': sessions.clearCookieHeader(), 'cache-control': 'no-store', [SOURCE_HEADER]: RELAY_SOURCE, ...SECURITY_HEADERS });
    res.end();
  }

  function login(req, res, token) {
    if (!sessions.checkToken(token)) {
      // A browser opening a bad link gets a page saying what to do; an API caller, the JSON error.
      if (wantsHtml(req)) return sendLoginPage(req, res);
      throw new RelayError('unauthorized', 'this login link is not valid (wrong or old PLAYGROUND_TOKEN)', { reason: 'bad_login_token' });
    }
    // The token leaves the address bar at once: redirect to the bare page.
    res.writeHead(303, { location: '/', 'set-cookie': sessions.setCookieHeader(sessions.issue()), 'cache-control': 'no-store', ...SECURITY_HEADERS });
    res.end();
  }

  return { login, logout };
}
