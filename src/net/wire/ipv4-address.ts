/** IPv4 addresses as the stack holds them: unsigned 32-bit numbers (198.18.0.2 = 0xc6120002). */
import { readU32, writeU32 } from './bytes.js';

export function ipv4FromBytes(b: Uint8Array, offset = 0): number {
  return readU32(b, offset);
}

export function ipv4ToBytes(a: number): Uint8Array {
  const b = new Uint8Array(4);
  writeU32(b, 0, a);
  return b;
}

/** Writes the 4 address bytes at `offset`; returns 4. */
export function writeIpv4(a: number, buf: Uint8Array, offset: number): number {
  writeU32(buf, offset, a);
  return 4;
}

export function formatIpv4(a: number): string {
  return `${(a >>> 24) & 0xff}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

// Decimal 0-255 without leading zeros (which some parsers read as octal).
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** A strict dotted quad ("198.18.0.2"); undefined for anything else. */
export function parseIpv4Address(s: string): number | undefined {
  const m = DOTTED_QUAD.exec(s);
  if (m === null) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

/** The netmask of a prefix length 0..32 (0 -> 0, 24 -> 0xffffff00, 32 -> 0xffffffff). */
export function prefixToNetmask(prefixLength: number): number {
  // A shift count of 32 is taken modulo 32 in JavaScript, so /0 needs its own case.
  return prefixLength <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefixLength, 32))) >>> 0;
}

export interface Cidr {
  /** The address as written (not masked to the network). */
  address: number;
  prefixLength: number;
  netmask: number;
}

/** "198.18.0.2/24" -> address, prefix length and netmask; undefined when malformed. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpv4Address(s.slice(0, slash));
  const prefixText = s.slice(slash + 1);
  if (address === undefined || !/^(3[0-2]|[12][0-9]|[0-9])$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  return { address, prefixLength, netmask: prefixToNetmask(prefixLength) };
}
