// What the relay answers itself: JSON with its security headers, its own errors (a JSON
// relay error, or a cut connection once an answer has started), and the lingering close
// after a refused upload.
import { RELAY_SOURCE, SOURCE_HEADER } from '../web/contract.js';

export const SECURITY_HEADERS = {
  // WebAssembly compilation needs 'wasm-unsafe-eval'; nothing else runs but our own files.
  'content-security-policy': "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

// Everything the relay answers itself says so (SOURCE_HEADER): a forwarded answer
// says "upstream", and no upstream header passes that could say otherwise.
export function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', [SOURCE_HEADER]: RELAY_SOURCE, ...SECURITY_HEADERS });
  res.end(body);
}

export function sendError(req, res, error) {
  if (res.headersSent) { res.destroy(); return; }
  // Refused before its body was read (too large, busy, overloaded): the rest is discarded
  // and the connection closed after the answer, without a reset that could eat it.
  if (!req.complete) {
    req.resume();
    closeAfterLinger(res);
  }
  sendJson(res, error.status, error.toJSON());
}

// A client may still be uploading when its 413 goes out. Closing the socket at once, with
// its input unread, sends a TCP reset that can destroy the 413 before the client reads it
// (the "lingering close" problem). So after the 413 the relay half-closes (FIN: the client
// knows no other answer comes on this connection), keeps discarding what arrives
// (readBody resumed the request; nothing is kept) for a short while, then closes.
const LINGER_MS = 1_000;
function closeAfterLinger(res) {
  const socket = res.socket;
  res.setHeader('connection', 'close');
  if (!socket) return;
  // Node ends a `Connection: close` response with socket.destroySoon(), which destroys the
  // socket as soon as the answer is flushed; this socket lingers instead.
  socket.destroySoon = function lingeringClose() {
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}
