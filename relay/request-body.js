// Reading a request's body within the relay's limits: its size cap, and the replica's budget
// for all uploads at once (connections and bytes), reserved before a byte is read.
import { RelayError } from './errors.js';

// Defined out here: a closure made inside readBody would keep its whole scope alive.
const ignore = () => {};

/**
 * What all uploads on this replica hold at once: connections and bytes. A body reserves its
 * declared length before a byte is read (or its bytes as they come, when it declares none)
 * and gives it back once read.
 */
export class UploadBudget {
  constructor({ maxUploads, maxBytes }) {
    this.maxUploads = maxUploads;
    this.maxBytes = maxBytes;
    this.uploads = 0;
    this.bytes = 0;
  }

  /** A reservation, or a RelayError('overloaded') when the replica holds too much already. */
  open(declared) {
    if (this.uploads >= this.maxUploads) return overloaded(`${this.uploads} uploads are being received`);
    if (this.bytes + declared > this.maxBytes) return overloaded('the uploads being received are too large together');
    this.uploads += 1;
    this.bytes += declared;
    let held = declared;
    let open = true;
    return {
      /** Grows the reservation to `total` bytes; false when that is past the replica's budget. */
      grow: (total) => {
        if (total <= held) return true;
        if (this.bytes + (total - held) > this.maxBytes) return false;
        this.bytes += total - held;
        held = total;
        return true;
      },
      close: () => {
        if (!open) return;
        open = false;
        this.uploads -= 1;
        this.bytes -= held;
      },
    };
  }
}

export function overloaded(why) {
  return new RelayError('overloaded', `the relay is receiving too much at once (${why}); try again in a moment`, { reason: 'upload_budget' });
}

export function readBody(req, limit, budget) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new RelayError('too_large', `the request is ${declared} bytes; the relay accepts at most ${limit} (images included)`, { reason: 'request_too_large' }));
      req.resume();
      return;
    }
    const reservation = budget.open(Number.isInteger(declared) && declared > 0 ? declared : 0);
    if (reservation instanceof RelayError) {
      reject(reservation);
      req.resume();
      return;
    }
    // The request object lives as long as its answer streams (minutes), and so would these
    // listeners and what they reach: the bytes, and through `resolve` the parsed request
    // (a settled promise keeps its value). So they are taken off once the body is read.
    let chunks = [];
    let size = 0;
    const done = () => {
      reservation.close();
      chunks = null;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.on('error', ignore); // a late socket error must not become an uncaught one
    };
    const onData = (c) => {
      size += c.length;
      if (size > limit) {
        // Stop keeping the bytes; the 413 goes out with Connection: close and the socket
        // closes after it. The rest is discarded, not left unread: closing a socket with
        // unread input sends a TCP reset, which can destroy the 413 before the client reads it.
        done();
        req.resume();
        reject(new RelayError('too_large', `the request passed ${limit} bytes; the relay accepts at most that (images included)`, { reason: 'request_too_large' }));
        return;
      }
      if (!reservation.grow(size)) {
        done();
        req.resume();
        reject(overloaded('the uploads being received are too large together'));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      const bytes = Buffer.concat(chunks);
      done();
      resolve(bytes);
    };
    const onError = (err) => {
      done();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
