// A chat stream push's reply, decoded: records of a tag byte, a 32-bit little-endian length
// and that many bytes (src/core/answer/delta_builder.h writes them). A delta's text travels
// as raw UTF-8, not inside JSON, so a token costs no JSON parse. Only the wrapper (web/core.js, web/core-objects.js) calls this.
const decoder = new TextDecoder();

const CONTENT_TAG = 0x63; // 'c': content text
const REASONING_TAG = 0x72; // 'r': reasoning text
// 'j' (or anything else): one Delta as JSON

/** A length in one of the module's byte replies: 4 bytes at `at`, little-endian (a stream's records, a checked request, the header pass). */
export function u32At(bytes, at) {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/** A push's reply → Delta[]; the text is also appended to `text` ({content, reasoning}). */
export function streamDeltas(bytes, text) {
  const deltas = [];
  for (let at = 0; at + 5 <= bytes.length;) {
    const tag = bytes[at];
    const start = at + 5;
    const end = start + u32At(bytes, at + 1);
    at = end;
    if (tag === CONTENT_TAG) {
      const content = utf8Text(bytes, start, end);
      text.content += content;
      deltas.push({ content });
    } else if (tag === REASONING_TAG) {
      const reasoning = utf8Text(bytes, start, end);
      text.reasoning += reasoning;
      deltas.push({ reasoning });
    } else {
      deltas.push(JSON.parse(decoder.decode(bytes.subarray(start, end))));
    }
  }
  return deltas;
}

/** UTF-8 bytes → string; a short ASCII run (a token or two) skips TextDecoder's call cost. */
function utf8Text(bytes, start, end) {
  if (end - start > 32) return decoder.decode(bytes.subarray(start, end));
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x80) return decoder.decode(bytes.subarray(start, end));
    out += String.fromCharCode(b);
  }
  return out;
}
