/**
 * 32-bit TCP sequence-number arithmetic (RFC 9293 §3.4, "comparisons modulo 2^32").
 *
 * Sequence numbers are plain `number`s holding an unsigned 32-bit value. Every function
 * that returns a sequence number returns it normalised with `>>> 0`. Comparisons are only
 * meaningful between numbers less than 2^31 apart, which TCP's window rules guarantee;
 * at a distance of exactly 2^31 both orders are "greater" (see `seqDiff`).
 */

const TWO_POW_31 = 0x80000000;
const TWO_POW_32 = 0x100000000;

/** a + n modulo 2^32 (n may be negative). */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/**
 * The signed distance a − b, in (−2^31, 2^31]. `seqDiff(b + n, b) === n` for every
 * n in that range, across the 2^32 wrap.
 */
export function seqDiff(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return d > TWO_POW_31 ? d - TWO_POW_32 : d;
}

/** a < b in sequence space. */
export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

/** a <= b in sequence space. */
export function seqLeq(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

/** a > b in sequence space. */
export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** a >= b in sequence space. */
export function seqGeq(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}

/**
 * start <= x < start + len modulo 2^32 (RFC 9293 §3.4's acceptability tests).
 * An empty window (len <= 0) contains nothing; len is capped at 2^32.
 */
export function seqInWindow(x: number, start: number, len: number): boolean {
  if (!(len > 0)) return false;
  return ((x - start) >>> 0) < len;
}
