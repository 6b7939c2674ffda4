/** Shared test helpers for the wire codecs: hex literals, a reference checksum, arbitraries. */
import fc from 'fast-check';

/** Bytes from a hex string; spaces and newlines are ignored. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex: ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * Reference one's-complement sum, written the slow obvious way (fold after every word),
 * as an oracle independent of the implementation's accumulate-then-fold loop.
 */
export function referenceSum(bytes: ArrayLike<number>, initial = 0): number {
  let sum = initial;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  for (let i = 0; i < bytes.length; i += 2) {
    const word = bytes[i] * 256 + (i + 1 < bytes.length ? bytes[i + 1] : 0);
    sum += word;
    if (sum > 0xffff) sum -= 0xffff;
  }
  return sum;
}

/** Reference pseudo-header sum: the 12 pseudo-header bytes summed by referenceSum. */
export function referencePseudoSum(src: number, dst: number, protocol: number, length: number): number {
  const b = [src >>> 24, (src >>> 16) & 0xff, (src >>> 8) & 0xff, src & 0xff,
    dst >>> 24, (dst >>> 16) & 0xff, (dst >>> 8) & 0xff, dst & 0xff,
    0, protocol, length >>> 8, length & 0xff];
  return referenceSum(b);
}

/** True when `view` lies entirely inside `outer` (same memory). */
export function isInside(view: Uint8Array, outer: Uint8Array): boolean {
  return view.buffer === outer.buffer
    && view.byteOffset >= outer.byteOffset
    && view.byteOffset + view.byteLength <= outer.byteOffset + outer.byteLength;
}

/** Every Uint8Array field of a repr (one level deep) lies inside `outer`. */
export function viewsInside(repr: object, outer: Uint8Array): boolean {
  for (const value of Object.values(repr)) {
    if (value instanceof Uint8Array && !isInside(value, outer)) return false;
  }
  return true;
}

/** A view with guard bytes on both sides, so a parser reading outside it would see them. */
export function embed(bytes: Uint8Array, guard = 0xa5): Uint8Array {
  const big = new Uint8Array(bytes.length + 16).fill(guard);
  big.set(bytes, 8);
  return big.subarray(8, 8 + bytes.length);
}

export const arbU8 = fc.integer({ min: 0, max: 0xff });
export const arbU16 = fc.integer({ min: 0, max: 0xffff });
export const arbU32 = fc.integer({ min: 0, max: 0xffffffff });
export const arbIpv4 = arbU32;
export const arbMac = fc.uint8Array({ minLength: 6, maxLength: 6 });
export const arbPayload = (maxLength = 64) => fc.uint8Array({ minLength: 0, maxLength });
