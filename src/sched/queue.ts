/**
 * A task's input queue: a fixed ring of bytes. Writes are all or nothing, so a reader that
 * takes a header and then its content never sees half a message.
 */
export class ByteQueue {
  private readonly ring: Uint8Array;
  private head = 0; // next byte to read
  private count = 0;

  constructor(readonly capacity: number) {
    this.ring = new Uint8Array(capacity);
  }

  /** Bytes waiting to be read. */
  get length(): number {
    return this.count;
  }

  /** Bytes that can still be written. */
  get free(): number {
    return this.capacity - this.count;
  }

  /** Appends `src[0 .. length)`; returns false (and writes nothing) when it does not fit. */
  write(src: Uint8Array, length: number): boolean {
    if (length > this.capacity - this.count) return false;
    const cap = this.capacity;
    let tail = this.head + this.count;
    if (tail >= cap) tail -= cap;
    for (let i = 0; i < length; i++) {
      this.ring[tail] = src[i];
      if (++tail === cap) tail = 0;
    }
    this.count += length;
    return true;
  }

  /** Moves up to `n` bytes into `dst` from index 0; returns how many. */
  read(dst: Uint8Array, n: number): number {
    const take = n > 0 ? Math.min(Math.floor(n), this.count, dst.length) : 0;
    const cap = this.capacity;
    let head = this.head;
    for (let i = 0; i < take; i++) {
      dst[i] = this.ring[head];
      if (++head === cap) head = 0;
    }
    this.head = head;
    this.count -= take;
    return take;
  }
}
