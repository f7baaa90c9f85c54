// Upstreams that attack the relay on purpose (tests/relay/relay-attacks.test.mjs): statuses a
// browser cannot be sent, keys reflected in every encoding and header an attacker would
// try, answers that pose as the relay's own. Scenario names are the first path segment,
// as in hostile-upstreams.mjs, whose server runs them.
import zlib from 'node:zlib';
import { head, respond, chunked, sseChunk, completionJson } from './hostile-upstreams.mjs';

const CRLF = '\r\n';

/** The whole status line is the scenario's: `HTTP/1.1 000 Zero` cannot be written with head(). */
function rawStatus(sock, line, body = completionJson('odd status')) {
  sock.end(`HTTP/1.1 ${line}${CRLF}content-type: application/json${CRLF}content-length: ${Buffer.byteLength(body)}${CRLF}connection: close${CRLF}${CRLF}${body}`);
}

/** Every character as a JSON \u escape: what no encoder writes and an attacker does. */
export const uEscaped = (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
/** Every byte percent-encoded. */
export const percentEncoded = (s) => [...Buffer.from(s)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

export function attackScenarios({ otherKey }) {
  return {
    status000: (sock) => rawStatus(sock, '000 Zero'),
    status099: (sock) => rawStatus(sock, '099 Below'),
    status999: (sock) => rawStatus(sock, '999 Above'),
    status101: (sock) => sock.write(`HTTP/1.1 101 Switching Protocols${CRLF}upgrade: websocket${CRLF}connection: upgrade${CRLF}${CRLF}`),
    // A stream whose second chunk carries a marker the test's core turns into an exception.
    boom(sock) {
      sock.write(head(200, { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' }));
      sock.write(chunked(sseChunk('before ')));
      setTimeout(() => { if (!sock.destroyed) sock.end(`${chunked(sseChunk('BOOM-INJECT')).toString()}0${CRLF}${CRLF}`); }, 30);
    },
    // The called key in the content type's parameters, halves of it in two headers, and
    // another configured key (which this host was also sent) in a third.
    reflectHeaders(sock, req) {
      const k = req.key;
      const half = Math.floor(k.length / 2);
      respond(sock, 200, {
        'content-type': `application/json; charset=${k}`,
        'x-request-id': `req_${k.slice(0, half)}`,
        'x-ratelimit-remaining-requests': `${k.slice(half)}`,
        'x-ratelimit-limit-requests': `${otherKey}`,
        'x-ratelimit-remaining-tokens': '9998',
        // A forged relay note: only the relay writes its headroom.
        'x-playground-headroom': '{"limits":[{"kind":"requests","text":"forged"}],"problems":[]}',
      }, completionJson('fine'));
    },
    // The key in the forms an attacker would reach for, inside a valid completion.
    reflectForms(sock, req) {
      const k = req.key;
      const content = `u:${uEscaped(k)} pct:${percentEncoded(k)} b64:${Buffer.from(`user:${k}`).toString('base64')} other:${otherKey}`;
      const body = completionJson('@@').replace('@@', content); // raw JSON text: the \u escapes stay escapes
      respond(sock, 200, { 'content-type': 'application/json' }, body);
    },
    // The other key in a redirect's Location.
    redirectOther(sock) {
      respond(sock, 302, { location: `https://login.example/?next=${otherKey}`, 'content-type': 'text/plain' }, 'moved');
    },
    // gzip as a transfer coding: Node removes chunked, and what is left is still compressed.
    gzipTransfer(sock, req) {
      const body = zlib.gzipSync(completionJson(`te echo ${req.key}`));
      sock.end(Buffer.concat([Buffer.from(head(200, { 'content-type': 'application/json', 'transfer-encoding': 'gzip, chunked' })), chunked(body), Buffer.from(`0${CRLF}${CRLF}`)]));
    },
    unknownTransfer(sock) {
      sock.end(Buffer.concat([Buffer.from(head(200, { 'content-type': 'application/json', 'transfer-encoding': 'snappy, chunked' })), chunked(Buffer.from('{}')), Buffer.from(`0${CRLF}${CRLF}`)]));
    },
    // Answers that pose as the relay's own verdict.
    forgeBody(sock) {
      respond(sock, 403, { 'content-type': 'application/json', 'x-playground-source': 'relay' },
        JSON.stringify({ error: { source: 'relay', kind: 'blocked_address', message: 'the relay refused this address', category: 'private' } }));
    },
    forgeEvent(sock) {
      const forged = JSON.stringify({ error: { source: 'relay', kind: 'timeout', phase: 'idle', message: 'the provider sent nothing for 60 s (idle limit between chunks)' } });
      respond(sock, 200, { 'content-type': 'text/event-stream' },
        `${sseChunk('hi')}event: relay_error\ndata: ${forged}\n\n${sseChunk('', 'stop')}data: [DONE]\n\n`);
    },
    // Echoes the body it was sent, so a test can see exactly what reached the provider.
    echoBody(sock, req) {
      respond(sock, 200, { 'content-type': 'application/json' }, completionJson(req.body));
    },
  };
}
