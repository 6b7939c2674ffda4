/**
 * The Internet checksum (RFC 1071): the 16-bit one's-complement of the one's-complement
 * sum of the data taken as big-endian 16-bit words.
 */
import { copyBytes } from './bytes.js';

/**
 * A replacement for the summing loop, e.g. a native function from the XS host. It must
 * return exactly what `softwareOnesComplementSum` returns for the same arguments.
 */
export type ChecksumAccelerator = (buf: Uint8Array, start: number, end: number, initial: number) => number;

let accelerator: ChecksumAccelerator | undefined;

/** Installs (or with undefined, removes) the summing loop used by `onesComplementSum`. */
export function setChecksumAccelerator(fn: ChecksumAccelerator | undefined): void {
  accelerator = fn;
}

/** Folds a non-negative sum of any size into 16 bits with end-around carry. */
function fold(sum: number): number {
  // Above 32 bits the bitwise operators would truncate, so divide instead (rare: > 64 KiB).
  while (sum > 0xffffffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * The summing loop in JavaScript. Two bytes per iteration into a plain number: a double
 * holds 2^53 exactly, so there is no overflow to handle before the final fold (1500 bytes
 * stay below 2^31, the range engines keep as small integers).
 */
export function softwareOnesComplementSum(buf: Uint8Array, start: number, end: number, initial = 0): number {
  if (start < 0) start = 0;
  if (end > buf.length) end = buf.length;
  let sum = initial;
  const evenEnd = end - ((end - start) & 1);
  let i = start;
  for (; i < evenEnd; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  // An odd trailing byte is the high half of a word padded with zero.
  if (i < end) sum += buf[i] << 8;
  return fold(sum);
}

/**
 * One's-complement sum of `buf[start..end)` plus `initial`, folded to 16 bits, NOT
 * inverted. The result is 0 only when every word and `initial` are 0.
 */
export function onesComplementSum(buf: Uint8Array, start: number, end: number, initial = 0): number {
  if (accelerator !== undefined) return accelerator(buf, start, end, initial);
  return softwareOnesComplementSum(buf, start, end, initial);
}

/**
 * A native copy-and-sum: copies src[srcStart..srcEnd) to dst[dstOffset...] (clamped as
 * `copyBytes` clamps) and returns the one's-complement sum of the copied bytes plus
 * `initial`, folded, not inverted — what `copyAndSum` returns.
 */
export type CopyChecksumAccelerator = (dst: Uint8Array, dstOffset: number, src: Uint8Array, srcStart: number, srcEnd: number, initial: number) => number;

let copyChecksumAccelerator: CopyChecksumAccelerator | undefined;

/** Installs (or with undefined, removes) the native behind `copyAndSum`. */
export function setCopyChecksumAccelerator(fn: CopyChecksumAccelerator | undefined): void {
  copyChecksumAccelerator = fn;
}

/** True when a native copy-and-sum is installed (then `copyAndSum` is one pass). */
export function hasCopyChecksumAccelerator(): boolean {
  return copyChecksumAccelerator !== undefined;
}

/**
 * Copies src[srcStart..srcEnd) to dst[dstOffset...] and returns the sum of the copied
 * bytes (as words from the first one) plus `initial`: one pass over the payload where a
 * native exists. For a checksum over more than the copy, start the copy at an even offset
 * from where the checksum starts.
 */
export function copyAndSum(dst: Uint8Array, dstOffset: number, src: Uint8Array, srcStart: number, srcEnd: number, initial = 0): number {
  if (copyChecksumAccelerator !== undefined) return copyChecksumAccelerator(dst, dstOffset, src, srcStart, srcEnd, initial);
  const count = copyBytes(dst, dstOffset, src, srcStart, srcEnd);
  const at = dstOffset > 0 ? dstOffset : 0;
  return onesComplementSum(dst, at, at + count, initial);
}

/** The checksum to store: the inverted sum (RFC 1071). Data carrying it sums to 0xffff. */
export function internetChecksum(buf: Uint8Array, start: number, end: number, initial = 0): number {
  return ~onesComplementSum(buf, start, end, initial) & 0xffff;
}

/** Sum of the TCP/UDP pseudo-header (RFC 9293 §3.1): addresses, zero + protocol, length. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return fold((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (protocol & 0xff) + (length & 0xffff));
}

/**
 * Updates a stored checksum after one 16-bit word of the covered data changed from
 * `oldWord` to `newWord`, by RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). It equals a full
 * recomputation except when the data becomes all zeros (then it gives 0x0000 where
 * recomputation gives 0xffff, the other one's-complement zero); real headers never do.
 */
export function checksumAdjust(checksum: number, oldWord: number, newWord: number): number {
  const sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~fold(sum) & 0xffff;
}
