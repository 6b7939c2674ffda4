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
 * Copies `src` to `buf[offset...]` unless it is already there (a zero-copy payload that
 * the caller built in place). TypedArray#set on the same buffer clones the source first,
 * which would allocate a copy of every in-place payload.
 */
export function placeBytes(src: Uint8Array, buf: Uint8Array, offset: number): void {
  if (src.length === 0) return;
  if (src.buffer === buf.buffer && src.byteOffset === buf.byteOffset + offset) return;
  buf.set(src, offset);
}
