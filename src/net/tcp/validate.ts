/**
 * Argument checks for the socket API. JavaScript callers can pass anything; µTasker's C
 * types (USOCKET, unsigned short, unsigned char) become range checks here, so that a bad
 * argument gives an error code instead of an exception or a silent wrap-around.
 *
 * The numeric checks run on every API call, also from the hot path: Number.isInteger is
 * false for anything but a number, so they need no `typeof` (whose string literal costs
 * an allocation per evaluation on our XS host).
 */

/** A non-negative integer below `limit` (socket numbers). */
export function isIndex(value: unknown, limit: number): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < limit;
}

/** An unsigned short (0..65535). */
export function isU16(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff;
}

/** An unsigned char (0..255). */
export function isU8(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xff;
}

/** A u32 IPv4 address that is a usable unicast peer (not 0.0.0.0, not limited broadcast, not multicast). */
export function isUnicastAddress(value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) return false;
  const first = value >>> 24;
  return value !== 0 && value !== 0xffffffff && (first < 224 || first > 239) && first !== 0;
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}
