// The page a browser gets when it opens a login link (`/?token=…`) that is not valid: the
// token is wrong, or the relay was restarted with another one since the link was made. An API
// caller gets the JSON error instead (relay/server.js): only a browser navigation gets HTML.
//
// The route is unauthenticated, so the page says as little as possible: never the token that
// was presented or the right one, nor why it failed beyond "wrong or expired", nor anything of
// the relay's configuration or version. It is one fixed document with its style inline, allowed
// by its hash alone: no script, no other resource, no form, no framing.
import { createHash } from 'node:crypto';
import { RELAY_SOURCE, SOURCE_HEADER } from '../web/contract.js';

// The playground's look (web/playground/playground.css): its colours, light and dark, and its
// type; the message in the banner's colours.
const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --panel: #f6f7f9; --text: #1d2127; --muted: #59616d; --border: #d5d9e0;
  --fail: #b3261e; --fail-bg: #fdecea; --code-bg: #f1f3f6; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --panel: #1b1f26; --text: #e6e9ee; --muted: #a3abb8; --border: #353c47;
    --fail: #ff8a80; --fail-bg: #3a1a18; --code-bg: #161a20; }
}
html, body { margin: 0; padding: 0; }
body { background: var(--bg); color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 42rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.35rem; margin: 0 0 1rem; }
h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: .9rem; }
.banner { margin: 0 0 .8rem; padding: .55rem .8rem; border-radius: 8px; background: var(--fail-bg); color: var(--fail); border: 1px solid var(--fail); font-weight: 600; }
ul { padding-left: 1.2rem; margin: .4rem 0 0; }
li { margin-bottom: .4rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .85em; background: var(--code-bg); border: 1px solid var(--border); border-radius: 4px; padding: 0 .25rem; overflow-wrap: anywhere; }
`;

export const LOGIN_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const PAGE = Buffer.from(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>Login link not valid · Model playground</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Model playground</h1>
<section class="card" aria-labelledby="what">
<h2 id="what">This login link is not valid</h2>
<p class="banner">The link is wrong or has expired.</p>
<p>A login link works only with the token the playground was started with: the playground may have been restarted with a new token since the link was made, or the link was not copied whole.</p>
<h2>What to do</h2>
<ul>
<li>Ask whoever runs the playground for a new login link, and open it.</li>
<li>If you run it yourself: open the link it printed when it started (<code>make run</code> prints a new one at every start). To keep one link across restarts, start it with a fixed token: <code>PLAYGROUND_TOKEN=… make run</code>.</li>
</ul>
</section>
</main>
</body>
</html>
`);

/**
 * True when the request is a browser opening the page (a navigation), not a script or an API
 * client: Sec-Fetch-Dest says so when the browser sends it, else an Accept naming HTML.
 */
export function wantsHtml(req) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const dest = req.headers['sec-fetch-dest'];
  if (typeof dest === 'string' && dest) return dest === 'document';
  return /(^|[\s,])text\/html\s*(;|,|$)/i.test(String(req.headers.accept ?? ''));
}

/** 401 with the page: never cached, nothing else allowed to load or run. */
export function sendLoginPage(req, res) {
  res.writeHead(401, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': PAGE.length,
    'cache-control': 'no-store',
    'content-security-policy': LOGIN_PAGE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    [SOURCE_HEADER]: RELAY_SOURCE,
  });
  res.end(req.method === 'HEAD' ? undefined : PAGE);
}
