/**
 * Parsing of an HTTP/1.0 or HTTP/1.1 request head (RFC 9112 §2-§5) as it accumulates in
 * a session's small buffer. Only what the server needs: method, target, version, and
 * whether the header section is well formed. Never throws; malformed input gives a reason.
 */
import { bytesToAscii } from './text.js';

export type RequestParse =
  /** The head is not complete yet: wait for more bytes. */
  | { readonly kind: 'incomplete' }
  /** A well-formed head; `path` is the target without a query. */
  | { readonly kind: 'request'; readonly method: string; readonly path: string; readonly version: '1.0' | '1.1' }
  /** Not a valid request (the server answers 400). */
  | { readonly kind: 'malformed'; readonly reason: string };

const INCOMPLETE: RequestParse = { kind: 'incomplete' };
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
/** Longest method name accepted (the registered ones are at most 7 characters). */
const MAX_METHOD = 16;

function malformed(reason: string): RequestParse {
  return { kind: 'malformed', reason };
}

/** RFC 9110 tchar: the characters of a token (method, field name). */
function isTokenChar(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return true; // A-Z a-z
  return c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e
    || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}

/** Index of the LF ending the line that starts at `from`, or -1. */
function lineEnd(buf: Uint8Array, from: number, length: number): number {
  for (let i = from; i < length; i++) if (buf[i] === LF) return i;
  return -1;
}

/** End of the line's content: a CR before the LF is not part of it (a bare LF is tolerated, RFC 9112 §2.2). */
function contentEnd(buf: Uint8Array, from: number, lf: number): number {
  return lf > from && buf[lf - 1] === CR ? lf - 1 : lf;
}

/** request-line = method SP request-target SP HTTP-version (RFC 9112 §3). */
function parseRequestLine(buf: Uint8Array, end: number): RequestParse {
  let i = 0;
  while (i < end && i <= MAX_METHOD && isTokenChar(buf[i])) i++;
  if (i === 0 || i > MAX_METHOD || i >= end || buf[i] !== SP) return malformed('bad method');
  const method = bytesToAscii(buf, 0, i);
  const targetStart = ++i;
  while (i < end && buf[i] > SP && buf[i] < 0x7f) i++;
  if (i === targetStart || i >= end || buf[i] !== SP) return malformed('bad request target');
  let target = bytesToAscii(buf, targetStart, i);
  const version = bytesToAscii(buf, i + 1, end);
  if (version !== 'HTTP/1.0' && version !== 'HTTP/1.1') return malformed('bad version');
  // absolute-form (a request through a proxy) must be accepted too: keep its path.
  const scheme = /^https?:\/\/[^/?#]+/i.exec(target);
  if (scheme !== null) target = target.length > scheme[0].length ? target.slice(scheme[0].length) : '/';
  if (target.charCodeAt(0) !== 0x2f) return malformed('target is not a path');
  const query = target.indexOf('?');
  const path = query >= 0 ? target.slice(0, query) : target;
  return { kind: 'request', method, path, version: version === 'HTTP/1.0' ? '1.0' : '1.1' };
}

/** field-line = field-name ":" OWS field-value OWS (RFC 9112 §5); no obsolete line folding. */
function fieldLineError(buf: Uint8Array, start: number, end: number): string | undefined {
  let i = start;
  while (i < end && isTokenChar(buf[i])) i++;
  if (i === start || i >= end || buf[i] !== 0x3a) return 'bad header field';
  for (i++; i < end; i++) {
    const c = buf[i];
    if ((c < SP && c !== HTAB) || c === 0x7f) return 'control character in header field';
  }
  return undefined;
}

/**
 * Parses the first `length` bytes of `buf`. A bad request line is reported as soon as
 * that line is complete, before the rest of the head arrives.
 */
export function parseRequestHead(buf: Uint8Array, length: number): RequestParse {
  const n = Math.min(length, buf.length);
  const first = lineEnd(buf, 0, n);
  if (first < 0) {
    // Request line not complete: a method that cannot be one is malformed at once.
    let i = 0;
    while (i < n && i <= MAX_METHOD && isTokenChar(buf[i])) i++;
    if (i > MAX_METHOD || (i < n && (i === 0 || buf[i] !== SP))) return malformed('bad method');
    return INCOMPLETE;
  }
  const request = parseRequestLine(buf, contentEnd(buf, 0, first));
  if (request.kind !== 'request') return request;
  // Header lines up to the empty line. Each pass consumes one line, so the loop ends.
  let start = first + 1;
  while (start < n) {
    const lf = lineEnd(buf, start, n);
    if (lf < 0) return INCOMPLETE;
    const end = contentEnd(buf, start, lf);
    if (end === start) return request;
    if (buf[start] === SP || buf[start] === HTAB) return malformed('obsolete line folding');
    const error = fieldLineError(buf, start, end);
    if (error !== undefined) return malformed(error);
    start = lf + 1;
  }
  return INCOMPLETE;
}
