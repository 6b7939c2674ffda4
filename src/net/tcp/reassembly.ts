/**
 * Out-of-order receive queue (RFC 9293 §3.10.7.4 "segment text": segments beyond RCV.NXT
 * may be held and delivered once the gap before them is filled; RFC 1122 §4.2.2.20 (g)
 * recommends it). Memory is bounded twice: bytes are held only within `maxBytes` of
 * RCV.NXT, in one ring buffer of that size allocated on first use, and at most
 * `maxSegments` disjoint ranges are tracked. Held ranges also give the SACK blocks of
 * RFC 2018 §4.
 *
 * Positions are kept as offsets from an anchor sequence number (the last RCV.NXT seen),
 * so nothing here breaks at the 2^32 wrap.
 */
import { seqAdd, seqDiff } from './seq.js';

export interface ReassemblyOptions {
  /** Bytes held beyond RCV.NXT at most (normally the advertised receive window). */
  maxBytes: number;
  /** Disjoint ranges (holes + 1) tracked at most. */
  maxSegments: number;
}

export class ReassemblyQueue {
  private readonly capacity: number;
  private readonly maxRanges: number;
  private ring: Uint8Array | undefined = undefined;
  /** Ring index of the anchor's byte. */
  private head = 0;
  /** Sequence number that offset 0 refers to. */
  private anchor = 0;
  private anchored = false;
  /** Sorted, disjoint, non-adjacent ranges [starts[i], ends[i]) of offsets from the anchor. */
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  /** Insertion stamp per range: the latest insert that added bytes to it (RFC 2018 order). */
  private readonly stamps: Float64Array;
  private count = 0;
  private clock = 0;
  private heldBytes = 0;

  constructor(o: ReassemblyOptions) {
    this.capacity = Number.isInteger(o.maxBytes) && o.maxBytes > 0 ? o.maxBytes : 0;
    this.maxRanges = Number.isInteger(o.maxSegments) && o.maxSegments > 0 ? o.maxSegments : 0;
    this.starts = new Float64Array(this.maxRanges);
    this.ends = new Float64Array(this.maxRanges);
    this.stamps = new Float64Array(this.maxRanges);
  }

  /** Bytes held. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Disjoint ranges held. */
  get segments(): number {
    return this.count;
  }

  /**
   * Stores a copy of the part of `data` (which starts at sequence number `seq`) that lies
   * at or after `rcvNxt` and before rcvNxt + maxBytes, except bytes already held (the
   * first copy received wins). Returns false when nothing new was stored: duplicate,
   * outside the bounds, or a new disjoint range when `maxSegments` are already tracked.
   */
  insert(rcvNxt: number, seq: number, data: Uint8Array): boolean {
    if (this.capacity === 0 || this.maxRanges === 0 || data.length === 0) return false;
    this.advanceTo(rcvNxt);
    const rel = seqDiff(seq, this.anchor);
    const s = Math.max(rel, 0); // bytes before RCV.NXT are skipped
    const e = Math.min(rel + data.length, this.capacity);
    if (s >= e) return false;

    // Ranges i..j overlap or touch [s, e).
    let i = 0;
    while (i < this.count && this.ends[i]! < s) i++;
    let j = i - 1;
    while (j + 1 < this.count && this.starts[j + 1]! <= e) j++;
    if (i > j && this.count === this.maxRanges) return false;

    // Copy only into the gaps between the ranges already held.
    let stored = 0;
    let cursor = s;
    for (let k = i; k <= j && cursor < e; k++) {
      const gapEnd = Math.min(this.starts[k]!, e);
      if (gapEnd > cursor) stored += this.copyIn(data, cursor - rel, cursor, gapEnd - cursor);
      if (this.ends[k]! > cursor) cursor = this.ends[k]!;
    }
    if (cursor < e) stored += this.copyIn(data, cursor - rel, cursor, e - cursor);
    if (stored === 0) return false;

    const stamp = ++this.clock;
    if (i > j) {
      this.openSlot(i);
      this.starts[i] = s;
      this.ends[i] = e;
    } else {
      this.starts[i] = Math.min(s, this.starts[i]!);
      this.ends[i] = Math.max(e, this.ends[j]!);
      this.removeRanges(i + 1, j - i);
    }
    this.stamps[i] = stamp;
    this.heldBytes += stored;
    return true;
  }

  /**
   * When bytes starting exactly at `rcvNxt` are held, removes the whole contiguous run
   * from the queue and returns it (a new array); otherwise undefined. The caller then
   * advances RCV.NXT by its length.
   */
  takeContiguous(rcvNxt: number): Uint8Array | undefined {
    if (this.count === 0 || this.ring === undefined) return undefined;
    this.advanceTo(rcvNxt);
    if (this.count === 0 || this.starts[0] !== 0) return undefined;
    const length = this.ends[0]!;
    const out = new Uint8Array(length);
    const first = Math.min(length, this.capacity - this.head);
    out.set(this.ring.subarray(this.head, this.head + first), 0);
    if (first < length) out.set(this.ring.subarray(0, length - first), first);
    this.advanceTo(seqAdd(rcvNxt, length));
    return out;
  }

  /**
   * Up to `max` SACK blocks as a flat [left, right, left, right, ...] of sequence numbers
   * (right = one past the last byte), the most recently extended block first, as
   * RFC 2018 §4 asks for the first block; the others follow by recency.
   */
  sackBlocks(max: number): number[] {
    const result: number[] = [];
    if (!(max > 0) || !this.anchored) return result;
    const n = Math.min(Math.floor(max), this.count);
    const taken = new Uint8Array(this.count);
    for (let b = 0; b < n; b++) {
      let best = -1;
      for (let k = 0; k < this.count; k++) {
        if (taken[k] === 0 && (best < 0 || this.stamps[k]! > this.stamps[best]!)) best = k;
      }
      taken[best] = 1;
      result.push(seqAdd(this.anchor, this.starts[best]!), seqAdd(this.anchor, this.ends[best]!));
    }
    return result;
  }

  /** Drops everything held (the ring stays allocated for reuse). */
  clear(): void {
    this.count = 0;
    this.heldBytes = 0;
    this.head = 0;
    this.anchored = false;
  }

  /** Re-anchors at rcvNxt, dropping or trimming whatever now lies before it. */
  private advanceTo(rcvNxt: number): void {
    if (!this.anchored || this.count === 0) {
      this.anchor = rcvNxt >>> 0;
      this.anchored = true;
      this.head = 0;
      return;
    }
    const d = seqDiff(rcvNxt, this.anchor);
    if (d === 0) return;
    if (d < 0 || d >= this.capacity) {
      // RCV.NXT never moves backwards; if a caller says so, start again rather than
      // deliver bytes at the wrong position.
      this.clear();
      this.anchor = rcvNxt >>> 0;
      this.anchored = true;
      return;
    }
    let drop = 0;
    while (drop < this.count && this.ends[drop]! <= d) {
      this.heldBytes -= this.ends[drop]! - this.starts[drop]!;
      drop++;
    }
    this.removeRanges(0, drop);
    if (this.count > 0 && this.starts[0]! < d) {
      this.heldBytes -= d - this.starts[0]!;
      this.starts[0] = d;
    }
    for (let k = 0; k < this.count; k++) {
      this.starts[k] = this.starts[k]! - d;
      this.ends[k] = this.ends[k]! - d;
    }
    this.head = (this.head + d) % this.capacity;
    this.anchor = rcvNxt >>> 0;
  }

  /** Copies data[from, from+len) to offsets [at, at+len) of the ring; returns len. */
  private copyIn(data: Uint8Array, from: number, at: number, len: number): number {
    if (this.ring === undefined) this.ring = new Uint8Array(this.capacity);
    const pos = (this.head + at) % this.capacity;
    const first = Math.min(len, this.capacity - pos);
    this.ring.set(data.subarray(from, from + first), pos);
    if (first < len) this.ring.set(data.subarray(from + first, from + len), 0);
    return len;
  }

  /** Makes room for one range at index i. */
  private openSlot(i: number): void {
    for (let k = this.count; k > i; k--) {
      this.starts[k] = this.starts[k - 1]!;
      this.ends[k] = this.ends[k - 1]!;
      this.stamps[k] = this.stamps[k - 1]!;
    }
    this.count++;
  }

  /** Removes n ranges starting at index i. */
  private removeRanges(i: number, n: number): void {
    if (n <= 0) return;
    for (let k = i; k + n < this.count; k++) {
      this.starts[k] = this.starts[k + n]!;
      this.ends[k] = this.ends[k + n]!;
      this.stamps[k] = this.stamps[k + n]!;
    }
    this.count -= n;
  }
}
