/**
 * The transmit ring of buffered TCP (µTasker's `TCP_TX_BUFFER`, docs/deviations.md, buffered TCP): the
 * application's bytes wait here until the peer acknowledges them, so the stack can send
 * and retransmit them itself. It holds unacknowledged and unsent bytes alike; which of
 * them have been sent is the caller's business (an offset from the oldest byte).
 *
 * The storage is allocated on the first write, as µTasker takes its buffer from the heap
 * on first use, and is kept until the buffer is dropped. Copies go through copyBytes (a
 * native block copy on XS, no view made per copy).
 */
import { copyBytes } from '../wire/bytes.js';

export class SendBuffer {
  readonly capacity: number;
  private ring: Uint8Array | undefined = undefined;
  /** Ring index of the oldest unacknowledged byte. */
  private head = 0;
  private held = 0;

  constructor(capacity: number) {
    this.capacity = Number.isInteger(capacity) && capacity > 0 ? capacity : 0;
  }

  /** Bytes held: unacknowledged plus not yet sent. */
  get length(): number {
    return this.held;
  }

  /** Bytes that can still be written. */
  get free(): number {
    return this.capacity - this.held;
  }

  /**
   * Appends data[offset, offset+length) (defaults: all of data) and returns how many bytes
   * were accepted: at most `free`. As in µTasker, what does not fit is discarded; the
   * caller reports the count. Out-of-range arguments are clipped to `data`.
   */
  write(data: Uint8Array, offset = 0, length?: number): number {
    const start = clampInt(offset, 0, data.length);
    const wanted = length === undefined ? data.length - start : clampInt(length, 0, data.length - start);
    const n = Math.min(wanted, this.free);
    if (n === 0) return 0;
    if (this.ring === undefined) this.ring = new Uint8Array(this.capacity);
    const tail = (this.head + this.held) % this.capacity;
    const first = Math.min(n, this.capacity - tail);
    copyBytes(this.ring, tail, data, start, start + first);
    if (first < n) copyBytes(this.ring, 0, data, start + first, start + n);
    this.held += n;
    return n;
  }

  /**
   * Copies `length` held bytes, starting `fromOffset` bytes after the oldest
   * unacknowledged one, into dest at destOffset. The request is clipped to what is held
   * and to dest; returns the number of bytes copied.
   */
  copyOut(fromOffset: number, length: number, dest: Uint8Array, destOffset: number): number {
    if (this.ring === undefined) return 0;
    const from = clampInt(fromOffset, 0, this.held);
    const at = clampInt(destOffset, 0, dest.length);
    const n = Math.min(clampInt(length, 0, this.held - from), dest.length - at);
    if (n === 0) return 0;
    const pos = (this.head + from) % this.capacity;
    const first = Math.min(n, this.capacity - pos);
    copyBytes(dest, at, this.ring, pos, pos + first);
    if (first < n) copyBytes(dest, at + first, this.ring, 0, n - first);
    return n;
  }

  /** The peer acknowledged the `n` oldest bytes (clipped to what is held): they are dropped. */
  release(n: number): void {
    const k = clampInt(n, 0, this.held);
    this.held -= k;
    // An empty ring restarts at 0, so small buffers are usually copied in one piece.
    this.head = this.held === 0 ? 0 : (this.head + k) % this.capacity;
  }

  /** Drops everything held. */
  clear(): void {
    this.held = 0;
    this.head = 0;
  }
}

/** n as an integer in [lo, hi]; NaN becomes lo. */
function clampInt(n: number, lo: number, hi: number): number {
  if (!(n > lo)) return lo;
  if (n > hi) return hi;
  return Math.floor(n);
}
