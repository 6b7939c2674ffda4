/**
 * HTTP/1.0 responses as byte sources: a header block followed by a body that is copied
 * out block by block, at any offset, as often as asked. That is what simple TCP needs:
 * the stack keeps no copy of sent data, so TCP_EVENT_REGENERATE must be answered by
 * producing exactly the same bytes again. A body may be generated (`/bytes/N`), so a
 * response of 100 MB costs no memory.
 */
import { asciiBytes } from './text.js';

/** A response body: `length` bytes, any range of which can be produced on demand. */
export interface ResponseBody {
  readonly length: number;
  /** Writes body bytes [offset, offset + n) into `out` at `at`. */
  copy(offset: number, out: Uint8Array, at: number, n: number): void;
}

/** Byte i of the `/bytes/N` body. */
export const PATTERN_MODULUS = 251;

/**
 * The pattern from phase 0 on, long enough that any phase plus a full segment is one
 * block copy (TypedArray.set), not an interpreted loop per byte. Made on first use.
 */
const PATTERN_PERIODS = 8;
let patternTable: Uint8Array | undefined;

function pattern(): Uint8Array {
  if (patternTable === undefined) {
    patternTable = new Uint8Array(PATTERN_MODULUS * PATTERN_PERIODS);
    for (let i = 0; i < patternTable.length; i++) patternTable[i] = i % PATTERN_MODULUS;
  }
  return patternTable;
}

/** `length` bytes where byte i is i % 251 (251 is prime, so block boundaries never line up with it). */
export function patternBody(length: number): ResponseBody {
  return {
    length,
    copy(offset, out, at, n) {
      const table = pattern();
      let phase = offset % PATTERN_MODULUS;
      let done = 0;
      // Each pass copies what the table holds from `phase` on; a segment takes one or two.
      while (done < n) {
        const k = Math.min(n - done, table.length - phase);
        out.set(table.subarray(phase, phase + k), at + done);
        done += k;
        phase = (phase + k) % PATTERN_MODULUS;
      }
    },
  };
}

export function bytesBody(bytes: Uint8Array): ResponseBody {
  return {
    length: bytes.length,
    copy(offset, out, at, n) {
      out.set(bytes.subarray(offset, offset + n), at);
    },
  };
}

export const HTTP_OK = 200;
export const HTTP_BAD_REQUEST = 400;
export const HTTP_NOT_FOUND = 404;
export const HTTP_METHOD_NOT_ALLOWED = 405;

const REASONS: Record<number, string> = {
  [HTTP_OK]: 'OK',
  [HTTP_BAD_REQUEST]: 'Bad Request',
  [HTTP_NOT_FOUND]: 'Not Found',
  [HTTP_METHOD_NOT_ALLOWED]: 'Method Not Allowed',
};

/** One response: the header block, then the body. */
export class HttpResponse {
  readonly head: Uint8Array;
  readonly length: number;

  constructor(readonly status: number, contentType: string, readonly body: ResponseBody, extraHeaders: readonly string[] = []) {
    const lines = [
      `HTTP/1.0 ${status} ${REASONS[status] ?? 'Unknown'}`,
      `Content-Type: ${contentType}`,
      `Content-Length: ${body.length}`,
      ...extraHeaders,
      'Connection: close',
      '',
      '',
    ];
    this.head = asciiBytes(lines.join('\r\n'));
    this.length = this.head.length + body.length;
  }

  /** Writes response bytes [offset, offset + n) into `out` at `at` (header and body alike). */
  copy(offset: number, out: Uint8Array, at: number, n: number): void {
    const head = this.head;
    let done = 0;
    if (offset < head.length) {
      done = Math.min(n, head.length - offset);
      out.set(head.subarray(offset, offset + done), at);
    }
    if (done < n) this.body.copy(offset + done - head.length, out, at + done, n - done);
  }
}

/** A short text/plain error response. */
export function errorResponse(status: number, detail: string): HttpResponse {
  const extra = status === HTTP_METHOD_NOT_ALLOWED ? ['Allow: GET'] : [];
  const text = `${status} ${REASONS[status] ?? ''}: ${detail}\r\n`;
  return new HttpResponse(status, 'text/plain', bytesBody(asciiBytes(text)), extra);
}
