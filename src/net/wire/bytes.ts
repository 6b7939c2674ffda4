/**
 * Big-endian (network order) field access by index arithmetic: no DataView per packet.
 * Callers check bounds first; these helpers do not.
 */

export function readU16(buf: Uint8Array, offset: number): number {
  return (buf[offset] << 8) | buf[offset + 1];
}

/** Unsigned: the result is always in [0, 2^32). */
export function readU32(buf: Uint8Array, offset: number): number {
  return ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
}

export function writeU16(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value >>> 8;
  buf[offset + 1] = value;
}

export function writeU32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value >>> 24;
  buf[offset + 1] = value >>> 16;
  buf[offset + 2] = value >>> 8;
  buf[offset + 3] = value;
}

/**
 * A replacement for `copyBytes`, e.g. a native memmove from the XS host (XS 13.3's
 * TypedArray#set copies byte by byte). Same arguments and clamping; returns the count.
 */
export type CopyAccelerator = (dst: Uint8Array, dstOffset: number, src: Uint8Array, srcStart: number, srcEnd: number) => number;

let copyAccelerator: CopyAccelerator | undefined;

/** Installs (or with undefined, removes) the block copy used by `copyBytes`. */
export function setCopyAccelerator(fn: CopyAccelerator | undefined): void {
  copyAccelerator = fn;
}

/**
 * Copies src[srcStart..srcEnd) to dst[dstOffset...], clamped to both arrays (overlap
 * allowed); returns the number of bytes copied.
 */
export function copyBytes(dst: Uint8Array, dstOffset: number, src: Uint8Array, srcStart: number, srcEnd: number): number {
  if (copyAccelerator !== undefined) return copyAccelerator(dst, dstOffset, src, srcStart, srcEnd);
  return softwareCopyBytes(dst, dstOffset, src, srcStart, srcEnd);
}

/** The JavaScript `copyBytes` (what every engine without a native one uses). */
export function softwareCopyBytes(dst: Uint8Array, dstOffset: number, src: Uint8Array, srcStart: number, srcEnd: number): number {
  const at = dstOffset > 0 ? Math.min(dstOffset, dst.length) : 0;
  const start = srcStart > 0 ? Math.min(srcStart, src.length) : 0;
  const end = srcEnd > 0 ? Math.min(srcEnd, src.length) : 0;
  const count = Math.min(end - start, dst.length - at);
  if (count <= 0) return 0;
  // TypedArray#set handles overlap in the same buffer (it copies the source first).
  dst.set(start === 0 && count === src.length ? src : src.subarray(start, start + count), at);
  return count;
}

/**
 * Copies `src` to `buf[offset...]` unless it is already there (a zero-copy payload that
 * the caller built in place). TypedArray#set on the same buffer clones the source first,
 * which would allocate a copy of every in-place payload.
 */
export function placeBytes(src: Uint8Array, buf: Uint8Array, offset: number): void {
  if (src.length === 0) return;
  if (src.buffer === buf.buffer && src.byteOffset === buf.byteOffset + offset) return;
  // No copyBytes frame in between: this runs at the bottom of the deepest call chain
  // (a listener sending from its callback), which Moddable's XS stack must hold.
  if (copyAccelerator !== undefined) copyAccelerator(buf, offset, src, 0, src.length);
  else buf.set(src, offset);
}

/**
 * A buffer and a view of its first n bytes, kept while n repeats: a stream of same-size
 * segments copied through the buffer makes no view (an object on XS) per segment.
 */
export class PrefixView {
  private last: Uint8Array;

  constructor(readonly buffer: Uint8Array) {
    this.last = buffer.subarray(0, 0);
  }

  /** buffer[0..n), n clamped to the buffer. */
  view(n: number): Uint8Array {
    if (this.last.length !== n) this.last = this.buffer.subarray(0, n);
    return this.last;
  }
}
